"""Domain events: services publish them inside their transaction; subscribers run after commit.

Subscribers are plain functions registered with ``subscribe``; they usually enqueue a job.
When the publishing transaction rolls back, nothing is delivered.

A few reactions must be part of the same write (every new group gets its default category,
made by the tickets app, which core may not import): those subscribe with
``in_transaction=True`` and run at once, inside the publisher's transaction; if they raise,
the whole write is undone.
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
_in_transaction: dict[type, list[Handler]] = defaultdict(list)
_published: list[Any] | None = None  # set by ``capture()`` in tests


def subscribe(event_type: type, handler: Handler, *, in_transaction: bool = False) -> None:
    registry = _in_transaction if in_transaction else _subscribers
    if handler not in registry[event_type]:
        registry[event_type].append(handler)


def unsubscribe(event_type: type, handler: Handler) -> None:
    for registry in (_subscribers, _in_transaction):
        if handler in registry[event_type]:
            registry[event_type].remove(handler)


def publish(event: Any) -> None:
    """Run in-transaction handlers now; deliver to the others once the transaction commits."""
    for handler in list(_in_transaction.get(type(event), ())):
        handler(event)
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
