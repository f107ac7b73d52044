"""The backend for the database in use (SQLite FTS5 or PostgreSQL full-text search)."""

from __future__ import annotations

from django.db import connection

from helpline.search.backends.base import (
    AllOf,
    AnyOf,
    Backend,
    Leaf,
    TextExpr,
    Walking,
    Without,
)
from helpline.search.backends.postgres import PostgresBackend
from helpline.search.backends.sqlite import SqliteBackend

__all__ = ["AllOf", "AnyOf", "Backend", "Leaf", "TextExpr", "Walking", "Without", "backend"]

_BACKENDS: dict[str, Backend] = {"sqlite": SqliteBackend(), "postgresql": PostgresBackend()}


def backend() -> Backend:
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise RuntimeError(f"search has no backend for {connection.vendor}") from None
