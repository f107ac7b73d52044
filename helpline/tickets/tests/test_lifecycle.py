"""Hold, unhold, resolve, close and reopen."""

from __future__ import annotations

import pytest

from helpline.core.models import HistoryEntry
from helpline.lib import events
from helpline.lib.errors import Conflict, Invalid, PermissionDenied
from helpline.tickets.events import TicketUpdated
from helpline.tickets.models import Ticket
from helpline.tickets.services import (
    claim_ticket,
    close_ticket,
    hold_ticket,
    reopen_ticket,
    resolve_ticket,
    unhold_ticket,
    update_ticket,
)

pytestmark = pytest.mark.django_db


def lines(ticket):
    return list(
        HistoryEntry.objects.filter(object_type="Ticket", object_id=ticket.pk)
        .order_by("id")
        .values_list("attribute", "value_from", "value_to")
    )


def test_hold_and_unhold(world, commit):
    actor = world.actor(world.agent)
    with events.capture() as seen, commit():
        hold_ticket(actor, world.ticket.pk)
    assert Ticket.objects.get(pk=world.ticket.pk).on_hold is True
    assert seen == [
        TicketUpdated(
            ticket_id=world.ticket.pk, actor_id=world.agent.pk, changes={"on_hold": (False, True)}
        )
    ]
    with pytest.raises(Conflict) as info:
        hold_ticket(actor, world.ticket.pk)
    assert info.value.code == "ticket.already_on_hold"
    unhold_ticket(actor, world.ticket.pk)
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert (ticket.on_hold, ticket.state.name) == (False, "new")
    with pytest.raises(Conflict) as info:
        unhold_ticket(actor, world.ticket.pk)
    assert info.value.code == "ticket.not_on_hold"
    assert lines(ticket) == [("on_hold", "false", "true"), ("on_hold", "true", "false")]


def test_customers_do_not_hold(world):
    with pytest.raises(PermissionDenied) as info:
        hold_ticket(world.actor(world.customer), world.ticket.pk)
    assert info.value.code == "ticket.agent_required"


def test_resolve_sets_the_resolved_state_and_text(world, commit):
    with events.capture() as seen, commit():
        resolve_ticket(world.actor(world.agent), world.ticket.pk, resolution=" New toner ")
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert (ticket.state.name, ticket.resolution) == ("resolved", "New toner")
    assert ticket.close_at is not None
    assert seen[0].changes == {"resolution": ("", "New toner"), "state_id": (1, 8)}
    assert lines(ticket) == [("resolution", "", "New toner"), ("state", "new", "resolved")]
    with pytest.raises(Conflict) as info:
        resolve_ticket(world.actor(world.agent), world.ticket.pk, resolution="New toner")
    assert info.value.code == "ticket.already_resolved"


@pytest.mark.parametrize("resolution", ["", "   ", None])
def test_resolve_needs_a_resolution(world, resolution):
    with pytest.raises(Invalid) as info:
        resolve_ticket(world.actor(world.agent), world.ticket.pk, resolution=resolution)
    assert (info.value.field, info.value.code) == ("resolution", "ticket.resolution_missing")
    assert Ticket.objects.get(pk=world.ticket.pk).state.name == "new"


def test_close_by_the_customer(world):
    ticket = close_ticket(world.actor(world.customer), world.ticket.pk, resolution="It went out")
    assert (ticket.state.name, ticket.resolution) == ("closed", "It went out")
    with pytest.raises(Conflict) as info:
        close_ticket(world.actor(world.customer), world.ticket.pk)
    assert info.value.code == "ticket.already_closed"


def test_a_group_agent_claims_before_closing(world):
    actor = world.actor(world.agent)
    with pytest.raises(PermissionDenied) as info:
        close_ticket(actor, world.ticket.pk)
    assert info.value.code == "ticket.close_forbidden"
    claim_ticket(actor, world.ticket.pk)
    assert close_ticket(actor, world.ticket.pk).state.name == "closed"


def test_closing_clears_a_pending_time(world):
    update_ticket(
        world.actor(world.agent),
        world.ticket.pk,
        {"state": "pending reminder", "pending_time": "2030-01-01T00:00:00Z"},
    )
    ticket = close_ticket(world.actor(world.admin), world.ticket.pk)
    assert ticket.pending_time is None


def test_reopen_moves_a_closed_ticket_to_open(world, commit):
    close_ticket(world.actor(world.customer), world.ticket.pk, resolution="done")
    with events.capture() as seen, commit():
        ticket = reopen_ticket(world.actor(world.colleague), world.ticket.pk)
    assert (ticket.state.name, ticket.resolution) == ("open", "done")
    assert seen[0].changes == {"state_id": (4, 2)}
    with pytest.raises(Conflict) as info:
        reopen_ticket(world.actor(world.customer), world.ticket.pk)
    assert info.value.code == "ticket.not_closed"
