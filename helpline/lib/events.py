"""Domain events: services publish them inside their transaction; subscribers run after commit.

Subscribers are plain functions registered with ``subscribe``; they usually enqueue a job.
When the publishing transaction rolls back, nothing is delivered.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

Handler = Callable[[Any], None]
_subscribers: dict[type, list[Handler]] = defaultdict(list)
_published: list[Any] | None = None  # set by ``capture()`` in tests


def subscribe(event_type: type, handler: Handler) -> None:
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def unsubscribe(event_type: type, handler: Handler) -> None:
    if handler in _subscribers[event_type]:
        _subscribers[event_type].remove(handler)


def publish(event: Any) -> None:
    """Deliver ``event`` to its subscribers once the current transaction commits."""
    if _published is not None:
        transaction.on_commit(lambda: _published.append(event) if _published is not None else None)
    for handler in list(_subscribers.get(type(event), ())):
        transaction.on_commit(_safe(handler, event))


def _safe(handler: Handler, event: Any) -> Callable[[], None]:
    def run() -> None:
        try:
            handler(event)
        except Exception:
            # A failing subscriber must not undo a committed write nor hide other subscribers.
            log.exception("event subscriber %s failed for %r", handler, event)

    return run


class capture:
    """Context manager collecting the events delivered (after commit) while it is open."""

    def __enter__(self) -> list[Any]:
        global _published
        _published = []
        return _published

    def __exit__(self, *exc: object) -> None:
        global _published
        _published = None
