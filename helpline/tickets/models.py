"""Tickets, articles, states, priorities, categories (built by the ticketing core)."""
