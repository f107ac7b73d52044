"""The SQLite backend queues writers on a lock file (``helpline.lib.sqlite``)."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import OperationalError

from helpline.lib import config
from helpline.lib.sqlite.base import DatabaseWrapper, lock_path


def _connection(path: Path, timeout: float = 5) -> DatabaseWrapper:
    settings = config.database("", path.parent)
    settings["NAME"] = str(path)
    options = settings["OPTIONS"]
    settings["OPTIONS"] = {
        **options,
        "timeout": timeout,
        "init_command": options["init_command"].replace(
            "busy_timeout=30000", f"busy_timeout={int(timeout * 1000)}"
        ),
    }
    settings.update(
        {"AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "CONN_MAX_AGE": 0, "TIME_ZONE": None}
    )
    return DatabaseWrapper(settings, alias=f"lock-test-{id(settings)}")


def _begin(conn: DatabaseWrapper) -> None:
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(conn: DatabaseWrapper, *, commit: bool = True) -> None:
    conn.commit() if commit else conn.rollback()
    conn.set_autocommit(True)


@pytest.fixture
def database(tmp_path: Path, django_db_blocker) -> Iterator[Path]:
    """A database file of its own, opened here by hand (not Django's test database)."""
    django_db_blocker.unblock()
    path = tmp_path / "db.sqlite3"
    conn = _connection(path)
    with conn.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id integer PRIMARY KEY, who text)")
    conn.close()
    yield path
    django_db_blocker.restore()


def test_a_second_writer_waits_for_the_first_and_then_writes(database: Path):
    first, order = _connection(database), []
    _begin(first)
    first.cursor().execute("INSERT INTO t (who) VALUES ('first')")

    def second() -> None:
        conn = _connection(database)
        _begin(conn)  # waits here until the first commits
        order.append("second began")
        conn.cursor().execute("INSERT INTO t (who) VALUES ('second')")
        _end(conn)
        conn.close()

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.2)
    assert order == []  # still waiting: the first holds the lock
    order.append("first commits")
    _end(first)
    thread.join(5)
    assert order == ["first commits", "second began"]
    rows = first.cursor().execute("SELECT who FROM t ORDER BY id").fetchall()
    assert rows == [("first",), ("second",)]
    first.close()


def _lock_is_free(database: Path) -> bool:
    """Whether another open file description could take the writers' lock now."""
    fd = os.open(f"{database}-writers.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_transaction_holds_the_lock_file_until_it_commits_rolls_back_or_closes(
    database: Path,
):
    conn = _connection(database)
    assert _lock_is_free(database)
    conn.cursor().execute("SELECT 1")
    assert _lock_is_free(database)  # reading outside a transaction takes nothing
    for end in ("commit", "rollback", "close"):
        _begin(conn)
        assert not _lock_is_free(database), end
        if end == "close":
            conn.close()  # a connection closed inside its transaction
        else:
            _end(conn, commit=end == "commit")
        assert _lock_is_free(database), end


def test_a_writer_gives_up_after_the_timeout_with_sqlites_error(database: Path):
    holder = _connection(database)
    _begin(holder)
    seen: list[object] = []

    def waiter() -> None:
        conn = _connection(database, timeout=0.3)
        began = time.monotonic()
        try:
            _begin(conn)
        except OperationalError as exc:
            seen.extend([str(exc), time.monotonic() - began, conn._writer_fd])
        conn.close()

    thread = threading.Thread(target=waiter)
    thread.start()
    thread.join(5)
    message, waited, fd = seen
    assert message == "database is locked"
    assert 0.3 <= waited < 2  # gave up after its own timeout, not SQLite's 30 s
    assert fd is None  # nothing left held by the refused writer
    _end(holder)
    holder.close()


def test_one_thread_with_two_connections_does_not_wait_for_itself(database: Path):
    outer, inner = _connection(database), _connection(database, timeout=0.5)
    _begin(outer)
    # The flock is the thread's already; SQLite's own lock still stands between the two.
    with pytest.raises(OperationalError, match="database is locked"):
        _begin(inner)  # BEGIN IMMEDIATE meets the outer transaction's lock
    inner.close()
    _end(outer)
    outer.close()


def test_in_memory_databases_take_no_lock_file():
    assert lock_path(":memory:") is None
    assert lock_path("file:x?mode=memory&cache=shared") is None
    assert lock_path("/data/helpline.sqlite3") == "/data/helpline.sqlite3-writers.lock"
