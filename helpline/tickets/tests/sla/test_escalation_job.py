"""The periodic job raising escalations: each breach once, to the right people."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from helpline.core.models import GroupMembership, HistoryEntry, OnlineNotification
from helpline.lib import events
from helpline.testing.factories import UserFactory
from helpline.tickets.events import TicketEscalated
from helpline.tickets.jobs import raise_ticket_escalations
from helpline.tickets.models import EscalationBreach, Ticket
from helpline.tickets.services.sla import raise_escalations

from .conftest import add_article, berlin, change_ticket, make_sla, open_ticket


def notifications() -> list[tuple[int, int, str]]:
    return sorted(
        OnlineNotification.objects.values_list("user_id", "object_id", "kind").order_by("id")
    )


def escalation_history() -> list[tuple[int, str, str]]:
    return list(
        HistoryEntry.objects.filter(kind="escalation")
        .order_by("id")
        .values_list("object_id", "attribute", "value_to")
    )


@pytest.mark.django_db
def test_breach_is_raised_once_however_often_the_job_runs(
    frozen, calendar, support, agent, customer, django_capture_on_commit_callbacks
):
    make_sla(calendar, first_response_time=60)
    ticket = open_ticket(support, customer=customer, owner=agent)

    frozen.set(berlin(2025, 6, 2, 9, 59))
    assert raise_ticket_escalations.call_local() == 0
    assert notifications() == []

    frozen.set(berlin(2025, 6, 2, 10, 1))
    with events.capture() as published, django_capture_on_commit_callbacks(execute=True):
        assert raise_ticket_escalations.call_local() == 1
    for _ in range(3):
        frozen.advance(minutes=1)
        assert raise_ticket_escalations.call_local() == 0

    assert notifications() == [(agent.pk, ticket.pk, "escalation")]
    assert escalation_history() == [
        (ticket.pk, "first_response_escalation_at", "2025-06-02T08:00:00+00:00")
    ]
    breach = EscalationBreach.objects.get()
    assert (breach.ticket_id, breach.kind, breach.due_at, breach.raised_at) == (
        ticket.pk,
        "first_response",
        berlin(2025, 6, 2, 10, 0),
        berlin(2025, 6, 2, 10, 1),
    )
    assert published == [
        TicketEscalated(
            ticket_id=ticket.pk,
            kinds=("first_response",),
            due_at=berlin(2025, 6, 2, 10, 0),
            user_ids=(agent.pk,),
        )
    ]


@pytest.mark.django_db
def test_a_new_deadline_is_a_new_breach(frozen, calendar, support, agent, customer):
    make_sla(calendar, response_time=60)
    ticket = open_ticket(support, customer=customer, owner=agent)
    frozen.set(berlin(2025, 6, 2, 10, 30))
    assert raise_escalations() == 1

    add_article(ticket, sender="Agent")  # answered late; no deadline left
    frozen.set(berlin(2025, 6, 2, 11, 0))
    add_article(ticket, sender="Customer")  # a new question: due 12:00
    frozen.set(berlin(2025, 6, 2, 12, 5))
    assert raise_escalations() == 1
    assert raise_escalations() == 0
    assert [row[1:] for row in escalation_history()] == [
        ("update_escalation_at", "2025-06-02T08:00:00+00:00"),
        ("update_escalation_at", "2025-06-02T10:00:00+00:00"),
    ]
    assert notifications() == [(agent.pk, ticket.pk, "escalation")] * 2


@pytest.mark.django_db
def test_several_deadlines_passed_at_once_notify_once(frozen, calendar, support, agent, customer):
    make_sla(calendar, first_response_time=60, solution_time=120)
    ticket = open_ticket(support, customer=customer, owner=agent)
    frozen.set(berlin(2025, 6, 2, 12, 0))
    assert raise_escalations() == 2
    assert sorted(EscalationBreach.objects.values_list("kind", flat=True)) == [
        "close",
        "first_response",
    ]
    assert notifications() == [(agent.pk, ticket.pk, "escalation")]


@pytest.mark.django_db
def test_without_owner_the_groups_agents_are_notified(frozen, calendar, support, agent, customer):
    other = UserFactory(login="agent.otto", roles=["Agent"], groups=[support])
    reader = UserFactory(login="agent.rita", roles=["Agent"])
    GroupMembership.objects.create(user=reader, group=support, access="read")
    UserFactory(login="agent.gone", roles=["Agent"], groups=[support], active=False)
    UserFactory(login="cust.member", roles=["Customer"], groups=[support])
    make_sla(calendar, first_response_time=60)
    ticket = open_ticket(support, customer=customer)
    frozen.set(berlin(2025, 6, 2, 10, 30))
    assert raise_escalations() == 1
    assert notifications() == [
        (agent.pk, ticket.pk, "escalation"),
        (other.pk, ticket.pk, "escalation"),
    ]


@pytest.mark.django_db
def test_paused_or_answered_tickets_do_not_escalate(frozen, calendar, support, agent, customer):
    make_sla(calendar, first_response_time=60)
    held = open_ticket(support, customer=customer, owner=agent)
    answered = open_ticket(support, customer=customer, owner=agent)
    frozen.set(berlin(2025, 6, 2, 9, 30))
    change_ticket(held, on_hold=True)
    add_article(answered, sender="Agent")
    frozen.set(berlin(2025, 6, 3, 9, 0))
    assert raise_escalations() == 0
    assert notifications() == []


@pytest.mark.django_db
def test_nothing_due_costs_one_query(frozen, calendar, support, agent, customer):
    make_sla(calendar, first_response_time=60)
    open_ticket(support, customer=customer, owner=agent)
    frozen.set(berlin(2025, 6, 2, 10, 30))
    assert raise_escalations() == 1
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert raise_escalations() == 0
    assert len(queries.captured_queries) == 1
    assert "escalation_at" in queries.captured_queries[0]["sql"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_raise_one_notification(frozen, calendar, support, agent, customer):
    make_sla(calendar, first_response_time=60)
    tickets = [open_ticket(support, customer=customer, owner=agent) for _ in range(12)]
    frozen.set(berlin(2025, 6, 2, 10, 30))

    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            results.append(raise_escalations())
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(results) == 12
    assert notifications() == sorted((agent.pk, t.pk, "escalation") for t in tickets)
    assert EscalationBreach.objects.count() == 12
    assert HistoryEntry.objects.filter(kind="escalation").count() == 12


@pytest.mark.django_db
def test_ticket_paused_without_an_event_is_recomputed_not_raised(
    frozen, calendar, support, agent, customer
):
    make_sla(calendar, first_response_time=60)
    ticket = open_ticket(support, customer=customer, owner=agent)
    Ticket.objects.filter(pk=ticket.pk).update(on_hold=True)
    frozen.set(berlin(2025, 6, 2, 11, 0))
    assert raise_escalations() == 0
    ticket.refresh_from_db()
    assert ticket.escalation_at is None
    assert notifications() == []
    assert EscalationBreach.objects.count() == 0
