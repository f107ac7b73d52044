"""The job queue (Huey): SQLite file by default, Redis when REDIS_URL is set.

Jobs take ids, re-read state and are idempotent. Services never enqueue directly inside a
transaction: ``enqueue_on_commit`` waits for the commit so a job never sees uncommitted
rows, and a rolled-back write enqueues nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, task

__all__ = ["HUEY", "db_periodic_task", "db_task", "enqueue_on_commit", "pending_count", "task"]


def enqueue_on_commit(job: Any, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: job(*args, **kwargs))


def pending_count() -> int:
    """Jobs waiting in the queue (raises when the queue's storage is unreachable)."""
    return int(HUEY.pending_count())
