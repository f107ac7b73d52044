"""Django's SQLite backend with writers queued on a lock file instead of SQLite's busy handler.

SQLite lets one connection write at a time. A writer that finds the database locked sleeps
and tries again, waiting a little longer each time, up to 100 ms between tries: under a
burst of concurrent writes (eight clients filing tickets) the lock often sits free while
every waiter sleeps, so writes run well below what one writer could do and a few of them
wait seconds.

Here every transaction first takes an exclusive ``flock`` on ``<database>-writers.lock``,
then begins (``BEGIN IMMEDIATE``, from the settings), and lets it go when it commits, rolls
back or closes. A waiter tries again every ``POLL`` seconds, so the lock passes on within a
few milliseconds of its release, and gives up after the connection's ``timeout`` with the
error SQLite itself would raise. Only Helpline's own connections take the lock; any other
program writing to the file still meets SQLite's own locking, which stays in force.

A thread that already holds the lock through another connection (to the same file) does
not take it twice: it would wait for itself.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

POLL = 0.002  # seconds between tries while another writer holds the lock

_held = threading.local()  # lock file paths this thread holds


def lock_path(name: str) -> str | None:
    """The lock file of a database file, or ``None`` for an in-memory database."""
    text = str(name)
    if not text or text == ":memory:" or "mode=memory" in text:
        return None
    return f"{text}-writers.lock"


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_fd: int | None = None
        self._writer_path = ""

    def _take_writer_lock(self) -> None:
        path = lock_path(self.settings_dict["NAME"])
        held: frozenset[str] = getattr(_held, "paths", frozenset())
        if path is None or path in held or self._writer_fd is not None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise OperationalError("database is locked") from None
                time.sleep(POLL)
        self._writer_fd, self._writer_path = fd, path
        _held.paths = held | {path}

    def _drop_writer_lock(self) -> None:
        fd, self._writer_fd = self._writer_fd, None
        if fd is None:
            return
        held: frozenset[str] = getattr(_held, "paths", frozenset())
        _held.paths = held - {self._writer_path}
        os.close(fd)  # closing the only descriptor releases the flock

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._drop_writer_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._drop_writer_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._drop_writer_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._drop_writer_lock()
