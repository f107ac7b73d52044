"""Helpers shared by every app. Nothing here imports a model or a domain app."""
