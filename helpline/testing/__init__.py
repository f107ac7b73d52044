"""Factories, personas and helpers for tests. Never imported by runtime code."""
