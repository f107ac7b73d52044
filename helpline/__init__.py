"""Helpline: one IT service desk over one domain model, with many doors."""

__version__ = "0.1.0"
