"""Owner and assignees: assign, claim, release (Flicket), add and remove assignees (NodePoint)."""

from __future__ import annotations

import pytest

from helpline.core.models import HistoryEntry
from helpline.lib import events
from helpline.lib.errors import Conflict, Invalid, NotFound, PermissionDenied
from helpline.testing.factories import UserFactory
from helpline.tickets.events import TicketUpdated
from helpline.tickets.models import Ticket
from helpline.tickets.services import (
    add_assignee,
    assign_ticket,
    claim_ticket,
    release_ticket,
    remove_assignee,
)

pytestmark = pytest.mark.django_db


def test_assign_sets_the_owner_and_records_it(world, commit):
    with events.capture() as seen, commit():
        assign_ticket(world.actor(world.admin), world.ticket.pk, "alice")
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert ticket.owner == world.agent
    assert ticket.last_owner_update_at is not None
    assert list(
        HistoryEntry.objects.filter(object_id=ticket.pk).values_list(
            "attribute", "value_from", "value_to", "id_to"
        )
    ) == [("owner", "", "alice", world.agent.pk)]
    assert seen == [
        TicketUpdated(
            ticket_id=ticket.pk,
            actor_id=world.admin.pk,
            changes={"owner_id": (None, world.agent.pk)},
        )
    ]


def test_assigning_the_same_owner_again_changes_nothing(world, commit):
    assign_ticket(world.actor(world.admin), world.ticket.pk, "alice")
    with events.capture() as seen, commit():
        assign_ticket(world.actor(world.admin), world.ticket.pk, world.agent.pk)
    assert seen == []
    assert HistoryEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("owner", "code"),
    [
        ("oscar", "ticket.owner_invalid"),
        ("carol", "ticket.owner_invalid"),
        (999999, "ticket.owner_unknown"),
    ],
)
def test_the_owner_must_be_an_agent_who_may_read_the_ticket(world, owner, code):
    with pytest.raises(Invalid) as info:
        assign_ticket(world.actor(world.agent), world.ticket.pk, owner)
    assert (info.value.field, info.value.code) == ("owner", code)
    assert Ticket.objects.get(pk=world.ticket.pk).owner is None


def test_assign_none_clears_the_owner(world):
    assign_ticket(world.actor(world.agent), world.ticket.pk, "alice")
    assert assign_ticket(world.actor(world.agent), world.ticket.pk, None).owner is None


def test_claim_makes_me_the_owner_once(world):
    ticket = claim_ticket(world.actor(world.agent), world.ticket.pk)
    assert ticket.owner == world.agent
    with pytest.raises(Conflict) as info:
        claim_ticket(world.actor(world.agent), world.ticket.pk)
    assert info.value.code == "ticket.already_owner"


def test_a_restricted_viewer_agent_claims_any_ticket_and_may_then_change_it(world):
    level3 = UserFactory(login="lev3", roles=["Level 3 - Tickets management"])
    actor = world.actor(level3)
    claim_ticket(actor, world.ticket.pk)
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert ticket.owner == level3


def test_customers_cannot_claim(world):
    with pytest.raises(PermissionDenied) as info:
        claim_ticket(world.actor(world.customer), world.ticket.pk)
    assert info.value.code == "ticket.agent_required"


def test_release_removes_me_as_owner_and_assignee(world, commit):
    actor = world.actor(world.agent)
    claim_ticket(actor, world.ticket.pk)
    add_assignee(actor, world.ticket.pk, world.agent.pk)
    with events.capture() as seen, commit():
        release_ticket(actor, world.ticket.pk)
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert (ticket.owner, list(ticket.assignees.all())) == (None, [])
    assert [e.changes for e in seen] == [
        {"assignee_ids": ([world.agent.pk], [])},
        {"owner_id": (world.agent.pk, None)},
    ]
    with pytest.raises(Conflict) as info:
        release_ticket(actor, world.ticket.pk)
    assert info.value.code == "ticket.not_assigned"


def test_agents_assign_themselves_and_others_need_change_access(world):
    level3 = UserFactory(login="lev3", roles=["Level 3 - Tickets management"])
    assert add_assignee(world.actor(level3), world.ticket.pk, "lev3") is True
    assert add_assignee(world.actor(level3), world.ticket.pk, "lev3") is False
    with pytest.raises(PermissionDenied) as info:
        add_assignee(world.actor(level3), world.ticket.pk, "alice")
    assert info.value.code == "ticket.agent_required"
    assert add_assignee(world.actor(world.agent), world.ticket.pk, "lev3") is False
    assert add_assignee(world.actor(world.agent), world.ticket.pk, "alice") is True
    assert sorted(
        Ticket.objects.get(pk=world.ticket.pk).assignees.values_list("login", flat=True)
    ) == [
        "alice",
        "lev3",
    ]


def test_assignees_must_be_able_to_work_on_the_ticket(world):
    with pytest.raises(Invalid) as info:
        add_assignee(world.actor(world.agent), world.ticket.pk, "oscar")
    assert (info.value.field, info.value.code) == ("user", "ticket.owner_invalid")
    with pytest.raises(NotFound):
        add_assignee(world.actor(world.outsider), world.ticket.pk, "oscar")


def test_remove_assignee(world):
    level3 = UserFactory(login="lev3", roles=["Level 3 - Tickets management"])
    add_assignee(world.actor(world.agent), world.ticket.pk, "lev3")
    add_assignee(world.actor(world.agent), world.ticket.pk, "alice")
    with pytest.raises(PermissionDenied):
        remove_assignee(world.actor(level3), world.ticket.pk, "alice")
    assert remove_assignee(world.actor(level3), world.ticket.pk, "lev3") is True
    assert remove_assignee(world.actor(world.agent), world.ticket.pk, "lev3") is False
    assert list(
        Ticket.objects.get(pk=world.ticket.pk).assignees.values_list("login", flat=True)
    ) == ["alice"]
    assert list(
        HistoryEntry.objects.filter(attribute="assignee").values_list(
            "kind", "value_from", "value_to"
        )
    ) == [("added", "", "lev3"), ("added", "", "alice"), ("removed", "lev3", "")]
