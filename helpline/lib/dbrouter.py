"""The primary database and an optional read replica (``DATABASE_REPLICA_URL``).

Every write and every migration goes to the primary (``default``). Searches read the
replica when one is configured (``search_alias``), unless a transaction is open on the
primary: a search made in the middle of a write must see that write. A replica lags the
primary by its replication delay, so only reads that may be a moment old use it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


def search_alias() -> str:
    """The database a search reads: the replica if configured and no transaction is open."""
    if REPLICA in settings.DATABASES and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


class PrimaryRouter:
    """Writes go to the primary even for rows read from the replica (Django would otherwise
    save a row where it was read); the schema is migrated on the primary only."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return None  # where the queryset says: the primary, or the replica for searches

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
