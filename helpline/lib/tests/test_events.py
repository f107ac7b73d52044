from dataclasses import dataclass

import pytest
from django.db import transaction

from helpline.lib import events


@dataclass(frozen=True)
class Happened:
    n: int


@pytest.fixture
def seen():
    got: list[tuple[str, int]] = []

    def after(event):
        got.append(("after", event.n))

    def during(event):
        got.append(("during", event.n))

    events.subscribe(Happened, after)
    events.subscribe(Happened, during, in_transaction=True)
    yield got
    events.unsubscribe(Happened, after)
    events.unsubscribe(Happened, during)


@pytest.mark.django_db(transaction=True)
def test_subscribers_run_after_commit_and_in_transaction_ones_at_once(seen):
    with transaction.atomic():
        events.publish(Happened(1))
        assert seen == [("during", 1)]
    assert seen == [("during", 1), ("after", 1)]


@pytest.mark.django_db(transaction=True)
def test_rollback_delivers_nothing_after_commit(seen):
    def write_then_fail():
        with transaction.atomic():
            events.publish(Happened(2))
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert seen == [("during", 2)]


@pytest.mark.django_db(transaction=True)
def test_a_failing_subscriber_does_not_stop_the_others(seen):
    def broken(event):
        raise ValueError("boom")

    events.subscribe(Happened, broken)
    try:
        with transaction.atomic():
            events.publish(Happened(3))
    finally:
        events.unsubscribe(Happened, broken)
    assert ("after", 3) in seen
