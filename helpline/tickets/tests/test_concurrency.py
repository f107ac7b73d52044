"""Ticket numbers under concurrent creation: unique, gap-free, nothing lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from helpline.lib.actor import Actor
from helpline.testing.factories import GroupFactory, UserFactory
from helpline.tickets.models import Article, Ticket, TicketCounter
from helpline.tickets.services import create_ticket

THREADS = 8
PER_THREAD = 5


@pytest.mark.django_db(transaction=True)
def test_eight_threads_get_unique_gap_free_numbers():
    group = GroupFactory(name="Busy")
    agent = UserFactory(login="busy-agent", roles=["Agent"], groups=[group])
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    made: list[int] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            start.wait()
            actor = Actor.for_user(agent)
            for i in range(PER_THREAD):
                ticket = create_ticket(
                    actor, title=f"thread {n} ticket {i}", body="load", group=group.pk
                )
                with lock:
                    made.append(ticket.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = THREADS * PER_THREAD
    assert len(made) == total
    assert Ticket.objects.count() == total
    assert Article.objects.count() == total
    numbers = sorted(int(n) for n in Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, total + 1))
    assert TicketCounter.objects.get(name="ticket").value == total
    assert connection.vendor in {"sqlite", "postgresql"}
