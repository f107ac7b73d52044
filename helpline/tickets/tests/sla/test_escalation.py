"""Each ticket's escalation times, recomputed in the transaction of the ticket write."""

from __future__ import annotations

import pytest
from django.db import transaction

from helpline.lib import events
from helpline.tickets.events import TicketMerged
from helpline.tickets.models import EscalationPause, Ticket, TicketState
from helpline.tickets.services.sla import recompute_escalation

from .conftest import add_article, berlin, change_ticket, make_sla, open_ticket

pytestmark = pytest.mark.django_db

ESCALATION = (
    "first_response_escalation_at",
    "update_escalation_at",
    "close_escalation_at",
    "escalation_at",
)


def escalation(ticket: Ticket) -> dict:
    ticket.refresh_from_db()
    return {name: getattr(ticket, name) for name in ESCALATION}


def test_new_ticket_escalates_in_business_time(frozen, calendar, support, customer):
    make_sla(calendar, first_response_time=60, response_time=240, solution_time=16 * 60)
    frozen.set(berlin(2025, 6, 6, 16, 30))  # Friday afternoon; Monday 9 June is a holiday
    ticket = open_ticket(support, customer=customer)
    assert escalation(ticket) == {
        "first_response_escalation_at": berlin(2025, 6, 10, 9, 30),
        "update_escalation_at": berlin(2025, 6, 10, 12, 30),
        "close_escalation_at": berlin(2025, 6, 11, 16, 30),
        "escalation_at": berlin(2025, 6, 10, 9, 30),
    }
    assert ticket.last_contact_customer_at == berlin(2025, 6, 6, 16, 30)
    assert ticket.last_contact_at == berlin(2025, 6, 6, 16, 30)
    assert ticket.first_response_at is None


def test_without_an_sla_nothing_escalates(frozen, calendar, support, customer):
    make_sla(calendar, name="Other group", group_ids=[support.pk + 1000], first_response_time=60)
    ticket = open_ticket(support, customer=customer)
    assert escalation(ticket) == dict.fromkeys(ESCALATION)
    assert ticket.first_response_in_min is None


def test_first_response_is_met_by_an_agents_public_article(frozen, calendar, support, customer):
    make_sla(calendar, first_response_time=60, solution_time=480)
    ticket = open_ticket(support, customer=customer)
    assert ticket.first_response_escalation_at == berlin(2025, 6, 2, 10, 0)

    frozen.advance(minutes=20)
    add_article(ticket, sender="Agent", internal=True, type="note")
    frozen.advance(minutes=5)
    add_article(ticket, sender="Agent", internal=False, type="note")  # notes do not communicate
    frozen.advance(minutes=5)
    add_article(ticket, sender="Customer", type="email")
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.first_response_escalation_at == berlin(2025, 6, 2, 10, 0)
    assert ticket.last_contact_agent_at is None

    frozen.advance(minutes=45)  # 10:15, a quarter of an hour late
    add_article(ticket, sender="Agent", type="email")
    ticket.refresh_from_db()
    assert ticket.first_response_at == berlin(2025, 6, 2, 10, 15)
    assert ticket.first_response_escalation_at is None
    assert (ticket.first_response_in_min, ticket.first_response_diff_in_min) == (75, -15)
    assert ticket.last_contact_agent_at == berlin(2025, 6, 2, 10, 15)
    assert ticket.last_contact_at == berlin(2025, 6, 2, 10, 15)
    assert ticket.escalation_at == berlin(2025, 6, 2, 17, 0)
    assert ticket.close_escalation_at == berlin(2025, 6, 2, 17, 0)


def test_response_time_restarts_with_each_customer_message(frozen, calendar, support, customer):
    make_sla(calendar, response_time=120)
    ticket = open_ticket(support, customer=customer)
    assert ticket.update_escalation_at == berlin(2025, 6, 2, 11, 0)

    frozen.set(berlin(2025, 6, 2, 10, 0))
    add_article(ticket, sender="Agent")
    ticket.refresh_from_db()
    assert ticket.update_escalation_at is None
    assert ticket.escalation_at is None
    assert (ticket.update_in_min, ticket.update_diff_in_min) == (60, 60)

    frozen.set(berlin(2025, 6, 2, 16, 0))
    add_article(ticket, sender="Customer")
    ticket.refresh_from_db()
    assert ticket.update_escalation_at == berlin(2025, 6, 3, 10, 0)
    assert ticket.escalation_at == berlin(2025, 6, 3, 10, 0)


def test_hold_pauses_the_clock_and_it_resumes_with_the_time_left(
    frozen, calendar, support, customer
):
    make_sla(calendar, first_response_time=120, solution_time=480)
    ticket = open_ticket(support, customer=customer)  # Monday 09:00
    assert ticket.first_response_escalation_at == berlin(2025, 6, 2, 11, 0)

    frozen.set(berlin(2025, 6, 2, 10, 0))
    ticket = change_ticket(ticket, on_hold=True)
    assert escalation(ticket) == dict.fromkeys(ESCALATION)
    pause = EscalationPause.objects.get(ticket=ticket)
    assert (pause.reason, pause.started_at, pause.ended_at) == (
        "hold",
        berlin(2025, 6, 2, 10, 0),
        None,
    )

    frozen.set(berlin(2025, 6, 2, 13, 0))
    ticket = change_ticket(ticket, on_hold=False)
    pause.refresh_from_db()
    assert pause.ended_at == berlin(2025, 6, 2, 13, 0)
    # One hour was used before the hold, one hour is left from 13:00.
    assert escalation(ticket) == {
        "first_response_escalation_at": berlin(2025, 6, 2, 14, 0),
        "update_escalation_at": None,
        "close_escalation_at": berlin(2025, 6, 3, 12, 0),
        "escalation_at": berlin(2025, 6, 2, 14, 0),
    }

    frozen.set(berlin(2025, 6, 2, 13, 30))
    add_article(ticket, sender="Agent")
    ticket.refresh_from_db()
    # 09:00-13:30 is 270 minutes, of which 180 were on hold.
    assert (ticket.first_response_in_min, ticket.first_response_diff_in_min) == (90, 30)


def test_states_that_ignore_escalation_stop_the_clock(frozen, calendar, support, customer):
    make_sla(calendar, first_response_time=120, solution_time=480)
    ticket = open_ticket(support, customer=customer)

    frozen.set(berlin(2025, 6, 2, 10, 0))
    ticket = change_ticket(ticket, state="pending reminder")
    assert escalation(ticket) == dict.fromkeys(ESCALATION)
    assert EscalationPause.objects.get(ticket=ticket).reason == "state"

    frozen.set(berlin(2025, 6, 3, 9, 0))  # the next morning
    ticket = change_ticket(ticket, state="open")
    assert escalation(ticket)["first_response_escalation_at"] == berlin(2025, 6, 3, 10, 0)
    assert escalation(ticket)["close_escalation_at"] == berlin(2025, 6, 3, 16, 0)


def test_closing_stops_escalation_and_records_the_solution_time(
    frozen, calendar, support, customer
):
    make_sla(calendar, first_response_time=60, solution_time=120)
    ticket = open_ticket(support, customer=customer)
    frozen.set(berlin(2025, 6, 2, 9, 30))
    add_article(ticket, sender="Agent")

    frozen.set(berlin(2025, 6, 2, 12, 0))
    ticket = change_ticket(ticket, state="closed")
    assert escalation(ticket) == dict.fromkeys(ESCALATION)
    assert ticket.close_at == berlin(2025, 6, 2, 12, 0)
    assert (ticket.close_in_min, ticket.close_diff_in_min) == (180, -60)
    assert (ticket.first_response_in_min, ticket.first_response_diff_in_min) == (30, 30)

    # Reopened: close_at stays the first close; the solution deadline is not pending again.
    frozen.set(berlin(2025, 6, 2, 14, 0))
    ticket = change_ticket(ticket, state="open")
    assert ticket.close_at == berlin(2025, 6, 2, 12, 0)
    assert escalation(ticket) == dict.fromkeys(ESCALATION)


def test_sla_is_picked_by_priority_group_and_organization(frozen, calendar, support, customer, org):
    sales = type(support).objects.create(name="Sales")
    make_sla(calendar, name="Catch-all", first_response_time=480)
    make_sla(calendar, name="High", precedence=10, priority_ids=[3], first_response_time=240)
    make_sla(
        calendar,
        name="Support high",
        precedence=5,
        priority_ids=[3],
        group_ids=[support.pk],
        first_response_time=60,
    )
    make_sla(calendar, name="Acme", precedence=1, organization_ids=[org.pk], first_response_time=30)

    def due(**kw) -> object:
        return open_ticket(customer=customer, **kw).first_response_escalation_at

    assert due(group=support) == berlin(2025, 6, 2, 17, 0)
    assert due(group=sales, priority_id=3) == berlin(2025, 6, 2, 13, 0)
    assert due(group=support, priority_id=3) == berlin(2025, 6, 2, 10, 0)
    assert due(group=support, priority_id=3, organization=org) == berlin(2025, 6, 2, 9, 30)

    # A priority change moves the ticket to another SLA.
    ticket = open_ticket(support, customer=customer)
    ticket = change_ticket(ticket, priority_id=3)
    assert ticket.first_response_escalation_at == berlin(2025, 6, 2, 10, 0)


def test_inactive_sla_is_ignored(frozen, calendar, support, customer):
    make_sla(calendar, name="Off", first_response_time=30, active=False)
    ticket = open_ticket(support, customer=customer)
    assert ticket.escalation_at is None


def test_irrelevant_changes_do_not_recompute(frozen, calendar, support, customer):
    sla = make_sla(calendar, first_response_time=60)
    ticket = open_ticket(support, customer=customer)
    sla.first_response_time = 30
    sla.save()
    ticket = change_ticket(ticket, title="Still burning")
    assert ticket.first_response_escalation_at == berlin(2025, 6, 2, 10, 0)
    recompute_escalation(ticket.pk)
    assert escalation(ticket)["first_response_escalation_at"] == berlin(2025, 6, 2, 9, 30)


def test_recompute_is_idempotent_and_tolerates_missing_ticket(frozen, calendar, support, customer):
    make_sla(calendar, first_response_time=60)
    ticket = open_ticket(support, customer=customer)
    before = escalation(ticket)
    frozen.advance(hours=3)
    recompute_escalation(ticket.pk)
    recompute_escalation(ticket.pk)
    assert escalation(ticket) == before
    assert EscalationPause.objects.count() == 0
    recompute_escalation(ticket.pk + 999)


def test_ticket_created_on_hold_starts_paused(frozen, calendar, support, customer):
    make_sla(calendar, first_response_time=60)
    ticket = open_ticket(support, customer=customer, on_hold=True)
    assert ticket.escalation_at is None
    frozen.set(berlin(2025, 6, 2, 11, 0))
    ticket = change_ticket(ticket, on_hold=False)
    assert ticket.first_response_escalation_at == berlin(2025, 6, 2, 12, 0)


def test_merge_stops_the_merged_tickets_clock(frozen, calendar, support, customer):
    make_sla(calendar, first_response_time=60)
    source = open_ticket(support, customer=customer)
    target = open_ticket(support, customer=customer)
    with transaction.atomic():
        Ticket.objects.filter(pk=source.pk).update(
            state=TicketState.objects.get(name="merged"), merged_into=target
        )
        events.publish(TicketMerged(source_id=source.pk, target_id=target.pk, actor_id=None))
    assert escalation(source) == dict.fromkeys(ESCALATION)
    assert escalation(target)["escalation_at"] == berlin(2025, 6, 2, 10, 0)


@pytest.mark.django_db(transaction=True)
def test_the_kept_sla_list_follows_sla_and_calendar_changes(frozen, calendar, support, customer):
    """The active SLAs are kept per process; committed changes to an SLA or its calendar
    reach the next ticket (with the list kept stale, both would escalate at 9:30)."""
    sla = make_sla(calendar, first_response_time=60)
    frozen.set(berlin(2025, 6, 10, 9, 0))  # a Tuesday morning
    open_ticket(support, customer=customer)  # a warm-up: the list is kept from here on
    first = open_ticket(support, customer=customer)
    assert escalation(first)["first_response_escalation_at"] == berlin(2025, 6, 10, 10, 0)
    sla.first_response_time = 120
    sla.save()
    second = open_ticket(support, customer=customer)
    assert escalation(second)["first_response_escalation_at"] == berlin(2025, 6, 10, 11, 0)
    calendar.business_hours = {
        **calendar.business_hours,
        "tue": {"active": True, "timeframes": [["10:00", "17:00"]]},
    }
    calendar.save()
    third = open_ticket(support, customer=customer)
    assert escalation(third)["first_response_escalation_at"] == berlin(2025, 6, 10, 12, 0)
