"""Small reference lists that pages read on every request (states, priorities, groups,
categories, projects, agents), kept in each process and dropped when their tables change.

A process keeps a list with the *generation* it was read under. The generation is one
value in Django's cache (Redis when configured, else files in the data directory), so
every process and every host sees a change at once: a save or delete of a watched model
writes a new generation, immediately and again when the transaction commits (a process
that read the old rows during the transaction then reads them again). Writes that send no
signal (``bulk_create``, ``QuerySet.update``, another program on the database) are seen
within ``REFCACHE_SECONDS``, the longest a list is kept. When the cache cannot be reached
the lists are read from the database every time: a fault makes pages slower, never wrong.

A cached value is shared by every request of the process: callers get it as it was built
(tuples) and must not change it.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)

T = TypeVar("T")

GENERATION_KEY = "helpline:refcache:generation"
MAX_ENTRIES = 256

_lock = threading.Lock()
_entries: dict[str, tuple[str, float, Any]] = {}  # key -> (generation, read at, value)
_watched: dict[type[models.Model], frozenset[str]] = {}
# A thread that changed watched rows inside a transaction sees rows nobody else sees yet
# (and that a rollback may undo): it keeps nothing until it is out of the transaction.
_thread = threading.local()


def _seconds() -> float:
    return float(getattr(settings, "REFCACHE_SECONDS", 60))


def generation() -> str | None:
    """The current generation, or ``None`` when the cache cannot be reached."""
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            # Missing (a new cache, an eviction): start one; another process may win.
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            value = cache.get(GENERATION_KEY)
    except Exception:  # the cache is down: read from the database instead
        log.warning("reference cache unreachable; reading from the database", exc_info=True)
        return None
    return str(value) if value is not None else None


class Reader:
    """Reads several lists under one look at the generation (one cache round trip)."""

    def __init__(self) -> None:
        current = generation()
        self.generation = None if current is None or _uncommitted() else current

    def get(self, key: str, build: Callable[[], T]) -> T:
        """``build()``'s value, kept under ``key`` until a watched table changes or
        ``REFCACHE_SECONDS`` pass."""
        if self.generation is None:
            return build()
        now = time.monotonic()
        entry = _entries.get(key)
        if entry is not None and entry[0] == self.generation and now - entry[1] < _seconds():
            value: T = entry[2]
            return value
        value = build()
        with _lock:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (self.generation, now, value)
        return value


def cached(key: str, build: Callable[[], T]) -> T:
    """One list (``Reader.get``)."""
    return Reader().get(key, build)


def changed() -> None:
    """Drop every cached list in every process: now, and again when the surrounding
    transaction commits (call it after a write that sends no signal)."""
    _new_generation()
    if transaction.get_connection().in_atomic_block:
        _thread.uncommitted = True
        transaction.on_commit(_new_generation)


def _uncommitted() -> bool:
    if not getattr(_thread, "uncommitted", False):
        return False
    if transaction.get_connection().in_atomic_block:
        return True
    _thread.uncommitted = False  # committed or rolled back since
    return False


def _new_generation() -> None:
    with _lock:
        _entries.clear()
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # unreachable: nothing is served from it either (``generation``)
        log.warning("reference cache unreachable; could not mark a change", exc_info=True)


def clear() -> None:
    """Forget everything (tests: a rolled-back database must not leave lists behind)."""
    _thread.uncommitted = False
    _new_generation()


def watch(model: type[models.Model], *, fields: Iterable[str] = ()) -> None:
    """Drop the lists whenever ``model`` is saved or deleted (or, for an m2m ``through``
    model, its links change). With ``fields``, a save that names its ``update_fields``
    drops them only when it touches one of these."""
    _watched[model] = frozenset(fields)
    uid = f"helpline.refcache.{model._meta.label}"
    post_save.connect(_on_save, sender=model, dispatch_uid=uid + ".save")
    post_delete.connect(_on_delete, sender=model, dispatch_uid=uid + ".delete")
    m2m_changed.connect(_on_m2m, sender=model, dispatch_uid=uid + ".m2m")


def _on_save(sender: type[models.Model], update_fields: Any = None, **kwargs: Any) -> None:
    fields = _watched.get(sender, frozenset())
    if fields and update_fields is not None and not fields & set(update_fields):
        return
    changed()


def _on_delete(sender: type[models.Model], **kwargs: Any) -> None:
    changed()


def _on_m2m(sender: type[models.Model], action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        changed()
