"""``on_hold`` in the ticket JSON, and ``PUT /tickets/{id}`` with ``on_hold`` going through
the hold / unhold services (their permission, history line and event)."""

from __future__ import annotations

import pytest

from helpline.core.models import HistoryEntry
from helpline.lib import events
from helpline.testing.factories import TicketFactory
from helpline.tickets.events import TicketUpdated
from helpline.tickets.models import Ticket


@pytest.fixture
def ticket(support, customer):
    return TicketFactory(group=support, customer=customer, title="Parts")


def hold_lines(ticket_id):
    return list(
        HistoryEntry.objects.filter(
            object_type="Ticket", object_id=ticket_id, attribute="on_hold"
        ).values_list("value_from", "value_to", "created_by__login")
    )


def test_ticket_json_says_whether_it_is_on_hold(as_agent, ticket):
    assert as_agent.get(f"/tickets/{ticket.pk}")[1]["on_hold"] is False
    Ticket.objects.filter(pk=ticket.pk).update(on_hold=True)
    assert as_agent.get(f"/tickets/{ticket.pk}")[1]["on_hold"] is True
    assert [t["on_hold"] for t in as_agent.get("/tickets")[1]] == [True]
    assert [t["on_hold"] for t in as_agent.get("/tickets/search?query=")[1]] == [True]


def test_agent_holds_and_unholds_through_put(
    as_agent, agent, ticket, django_capture_on_commit_callbacks
):
    with events.capture() as published, django_capture_on_commit_callbacks(execute=True):
        status, body = as_agent.put(f"/tickets/{ticket.pk}", {"on_hold": True, "title": "Fans"})
        assert (status, body["on_hold"], body["title"]) == (200, True, "Fans")
        assert Ticket.objects.get(pk=ticket.pk).on_hold is True
        assert hold_lines(ticket.pk) == [("false", "true", "agent1")]
        # the same value again changes nothing and writes no line
        assert as_agent.put(f"/tickets/{ticket.pk}", {"on_hold": True})[1]["on_hold"] is True
        assert len(hold_lines(ticket.pk)) == 1
        status, body = as_agent.put(f"/tickets/{ticket.pk}", {"on_hold": False})
        assert (status, body["on_hold"]) == (200, False)
        assert hold_lines(ticket.pk) == [("false", "true", "agent1"), ("true", "false", "agent1")]
    holds = [
        e.changes["on_hold"]
        for e in published
        if isinstance(e, TicketUpdated) and "on_hold" in e.changes
    ]
    assert holds == [(False, True), (True, False)]


def test_customer_may_not_hold(as_customer, ticket):
    status, body = as_customer.put(f"/tickets/{ticket.pk}", {"on_hold": True})
    assert status == 403, body
    assert Ticket.objects.get(pk=ticket.pk).on_hold is False
    assert hold_lines(ticket.pk) == []


def test_a_refused_hold_leaves_the_other_fields(as_agent, ticket):
    status, body = as_agent.put(f"/tickets/{ticket.pk}", {"on_hold": "maybe", "title": "New"})
    assert (status, body["field"]) == (422, "on_hold")
    assert Ticket.objects.get(pk=ticket.pk).title == "Parts"
