"""Gunicorn hooks used by ``helpline serve``."""

from __future__ import annotations

from typing import Any


def child_exit(server: Any, worker: Any) -> None:
    # A dead worker's live gauges must not linger in the shared metrics folder.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
