"""The per-process reference cache: kept until its generation moves, rebuilt when another
process moves it, never keeping rows a transaction may still undo, and served from the
database when the shared cache is down."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from helpline.lib import refcache
from helpline.tickets.models import TicketState, TicketStateType


class Builds:
    """A build function that counts its calls and returns the current count."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_kept_until_the_generation_moves():
    build = Builds()
    assert refcache.cached("test.numbers", build) == 1
    assert refcache.cached("test.numbers", build) == 1
    # Another process (or host) marks a change: it only writes the shared generation.
    cache.set(refcache.GENERATION_KEY, "written-elsewhere", timeout=None)
    assert refcache.cached("test.numbers", build) == 2
    assert refcache.cached("test.numbers", build) == 2
    cache.delete(refcache.GENERATION_KEY)  # evicted: a new generation starts
    assert refcache.cached("test.numbers", build) == 3
    assert build.calls == 3


def test_kept_no_longer_than_the_keeping_time(settings):
    build = Builds()
    refcache.cached("test.numbers", build)
    settings.REFCACHE_SECONDS = 0
    assert refcache.cached("test.numbers", build) == 2


def _state_names() -> tuple[str, ...]:
    return tuple(TicketState.objects.order_by("id").values_list("name", flat=True))


@pytest.mark.django_db(transaction=True)
def test_rows_of_a_rolled_back_transaction_are_never_kept():
    kind = TicketStateType.objects.get(name="open")
    before = refcache.cached("test.states", _state_names)
    seen: list[tuple[str, ...]] = []

    def change_then_fail() -> None:
        with transaction.atomic():
            TicketState.objects.create(name="Never committed", state_type=kind)
            refcache.changed()  # as the signal of a watched model would
            seen.append(refcache.cached("test.states", _state_names))
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert "Never committed" in seen[0]  # the transaction saw its own row...
    # ...but kept nothing of it for the requests after.
    assert refcache.cached("test.states", _state_names) == before
    assert "Never committed" not in before


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_read_again():
    kind = TicketStateType.objects.get(name="open")
    before = refcache.cached("test.states", _state_names)
    with transaction.atomic():
        TicketState.objects.create(name="Committed", state_type=kind)
        refcache.changed()
    after = refcache.cached("test.states", _state_names)
    assert after == (*before, "Committed")
    assert refcache.cached("test.states", _state_names) is after  # and kept again


def test_an_unreachable_cache_means_reading_every_time(settings):
    """A real fault: the shared cache is a Redis server nobody listens for."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    build = Builds()
    assert refcache.generation() is None
    assert refcache.cached("test.numbers", build) == 1
    assert refcache.cached("test.numbers", build) == 2
    refcache.changed()  # marking a change does not fail either
