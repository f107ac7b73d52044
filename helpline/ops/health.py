"""Health of the parts Helpline needs: the database, the job queue, the schema, and (for
``helpline check`` only, as it writes) the file storage."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from helpline import queue


def check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": _one_line(exc)}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def check_queue() -> dict[str, Any]:
    try:
        pending = queue.pending_count()
    except Exception as exc:
        return {"ok": False, "error": _one_line(exc)}
    return {"ok": True, "pending": pending}


def pending_migrations() -> list[str]:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def check_migrations() -> dict[str, Any]:
    try:
        pending = pending_migrations()
    except Exception as exc:
        return {"ok": False, "error": _one_line(exc)}
    return {"ok": not pending, "pending": pending}


def check_storage() -> dict[str, Any]:
    """Write, read back and delete a small probe file where attachments go: the folder or
    bucket exists and Helpline's credentials may put, get and delete objects there."""
    probe = f"health/probe-{uuid.uuid4().hex}"
    try:
        saved = default_storage.save(probe, ContentFile(b"helpline"))
        try:
            with default_storage.open(saved, "rb") as handle:
                if handle.read() != b"helpline":
                    return {"ok": False, "error": "the probe file came back different"}
        finally:
            default_storage.delete(saved)
    except Exception as exc:
        return {"ok": False, "error": _one_line(exc)}
    return {"ok": True}


def report() -> dict[str, Any]:
    database = check_database()
    checks = {
        "database": database,
        "queue": check_queue(),
        "migrations": check_migrations()
        if database["ok"]
        else {"ok": False, "error": "no database"},
    }
    return {"status": "ok" if all(c["ok"] for c in checks.values()) else "fail", **checks}


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()
