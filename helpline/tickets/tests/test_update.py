"""Changing ticket fields: validation, placement, settings, history and the event."""

from __future__ import annotations

import pytest

from helpline.core.models import HistoryEntry, Organization
from helpline.core.services.settings import update_setting
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, PermissionDenied
from helpline.projects.models import Project, Release
from helpline.testing.factories import TicketFactory, UserFactory
from helpline.tickets.events import TicketUpdated
from helpline.tickets.models import Ticket, TicketCategory, TicketPriority, TicketState
from helpline.tickets.services import merge_ticket, update_ticket

pytestmark = pytest.mark.django_db


def history_lines(ticket):
    return list(
        HistoryEntry.objects.filter(object_type="Ticket", object_id=ticket.pk)
        .order_by("id")
        .values_list("kind", "attribute", "value_from", "value_to", "id_from", "id_to")
    )


def test_changes_are_written_recorded_and_published(world, commit):
    ticket = world.ticket
    high = TicketPriority.objects.get(name="3 high")
    open_state = TicketState.objects.get(name="open")
    with events.capture() as seen, commit():
        update_ticket(
            world.actor(world.agent),
            ticket.pk,
            {"title": "Printer fixed?", "priority_id": high.pk, "state": "open", "owner": "alice"},
        )
    ticket.refresh_from_db()
    assert (ticket.title, ticket.priority, ticket.state, ticket.owner) == (
        "Printer fixed?",
        high,
        open_state,
        world.agent,
    )
    assert ticket.updated_by == world.agent
    assert ticket.last_owner_update_at is not None
    assert history_lines(ticket) == [
        ("updated", "title", "Printer on fire", "Printer fixed?", None, None),
        ("updated", "state", "new", "open", 1, 2),
        ("updated", "priority", "2 normal", "3 high", 2, 3),
        ("updated", "owner", "", "alice", None, world.agent.pk),
    ]
    assert seen == [
        TicketUpdated(
            ticket_id=ticket.pk,
            actor_id=world.agent.pk,
            changes={
                "title": ("Printer on fire", "Printer fixed?"),
                "state_id": (1, 2),
                "priority_id": (2, 3),
                "owner_id": (None, world.agent.pk),
            },
        )
    ]


def test_nothing_changed_writes_nothing(world, commit):
    with events.capture() as seen, commit():
        update_ticket(world.actor(world.agent), world.ticket.pk, {"title": "Printer on fire"})
    assert seen == []
    assert history_lines(world.ticket) == []


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": "x" * 251}, "title", "ticket.title_too_long"),
        ({"title": ""}, "title", "ticket.title_missing"),
        ({"state": "sleeping"}, "state", "ticket.state_unknown"),
        ({"state_id": 999}, "state_id", "ticket.state_unknown"),
        ({"state_id": 5}, "state_id", "ticket.state_not_settable"),
        ({"state": "removed"}, "state", "ticket.state_inactive"),
        ({"priority_id": 999}, "priority_id", "ticket.priority_unknown"),
        ({"priority": "whenever"}, "priority", "ticket.priority_unknown"),
        ({"group_id": 999999}, "group_id", "ticket.group_unknown"),
        ({"group_id": None}, "group_id", "ticket.group_missing"),
        ({"category_id": 999999}, "category_id", "ticket.category_unknown"),
        ({"owner_id": 999999}, "owner_id", "ticket.owner_unknown"),
        ({"owner": "carol"}, "owner", "ticket.owner_invalid"),
        ({"customer_id": 999999}, "customer_id", "ticket.customer_unknown"),
        ({"organization_id": 999999}, "organization_id", "ticket.organization_unknown"),
        ({"project_id": 999999}, "project_id", "ticket.project_unknown"),
        ({"release_id": "1.0"}, "release_id", "ticket.release_without_project"),
        ({"pending_time": "soon"}, "pending_time", "ticket.datetime_invalid"),
        ({"state": "pending reminder"}, "pending_time", "ticket.pending_time_missing"),
        ({"state": "resolved"}, "resolution", "ticket.state_needs_resolution"),
        ({"attributes": {"colour": "red"}}, "colour", "attribute.unknown"),
        ({"attributes": ["colour"]}, "attributes", "ticket.attributes_invalid"),
        ({"colour": "red"}, "colour", "ticket.unknown_field"),
        ({"state": "open", "state_id": 2}, "state_id", "ticket.field_twice"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(world, changes, field, code):
    before = Ticket.objects.filter(pk=world.ticket.pk).values().get()
    with pytest.raises(Invalid) as info:
        update_ticket(world.actor(world.agent), world.ticket.pk, changes)
    assert (info.value.field, info.value.code) == (field, code)
    assert Ticket.objects.filter(pk=world.ticket.pk).values().get() == before
    assert HistoryEntry.objects.count() == 0


def test_a_state_needing_a_resolution_takes_one(world):
    ticket = update_ticket(
        world.actor(world.agent), world.ticket.pk, {"state": "resolved", "resolution": "New toner"}
    )
    assert (ticket.state.name, ticket.resolution) == ("resolved", "New toner")
    assert ticket.close_at is not None
    with pytest.raises(Invalid) as info:
        update_ticket(world.actor(world.agent), ticket.pk, {"resolution": ""})
    assert info.value.code == "ticket.state_needs_resolution"


def test_pending_time_is_cleared_when_leaving_a_pending_state(world):
    actor = world.actor(world.agent)
    ticket = update_ticket(
        actor, world.ticket.pk, {"state": "pending reminder", "pending_time": "2031-05-06T07:08:09"}
    )
    assert ticket.pending_time.isoformat() == "2031-05-06T07:08:09+00:00"
    ticket = update_ticket(actor, ticket.pk, {"state": "open"})
    assert ticket.pending_time is None
    assert (
        "updated",
        "pending_time",
        "2031-05-06T07:08:09+00:00",
        "",
        None,
        None,
    ) in history_lines(ticket)


def test_a_new_group_alone_takes_its_default_category_and_drops_an_owner_who_cannot_work_there(
    world,
):
    actor = world.actor(world.admin)
    update_ticket(actor, world.ticket.pk, {"owner": "alice"})
    ticket = update_ticket(actor, world.ticket.pk, {"group": "Facilities"})
    assert ticket.group == world.other_group
    assert ticket.category == TicketCategory.objects.get(group=world.other_group, is_default=True)
    assert ticket.owner is None


def test_a_category_alone_takes_its_group(world):
    doors = TicketCategory.objects.create(group=world.other_group, name="Doors")
    ticket = update_ticket(world.actor(world.admin), world.ticket.pk, {"category_id": doors.pk})
    assert (ticket.group, ticket.category) == (world.other_group, doors)


def test_category_changes_obey_the_settings(world):
    printers = TicketCategory.objects.create(group=world.group, name="Printers")
    update_setting(Actor.system(), "tickets.change_category", False)
    with pytest.raises(PermissionDenied) as info:
        update_ticket(world.actor(world.admin), world.ticket.pk, {"category_id": printers.pk})
    assert (info.value.field, info.value.code) == ("category_id", "ticket.category_locked")
    update_setting(Actor.system(), "tickets.change_category", True)
    update_setting(Actor.system(), "tickets.change_category_only_admin", True)
    with pytest.raises(PermissionDenied) as info:
        update_ticket(world.actor(world.agent), world.ticket.pk, {"category_id": printers.pk})
    assert (info.value.field, info.value.code) == ("category_id", "ticket.category_admin_only")
    ticket = update_ticket(world.actor(world.admin), world.ticket.pk, {"category_id": printers.pk})
    assert ticket.category == printers


def test_agents_move_tickets_only_into_groups_they_work_in(world):
    with pytest.raises(PermissionDenied) as info:
        update_ticket(world.actor(world.agent), world.ticket.pk, {"group_id": world.other_group.pk})
    assert (info.value.field, info.value.code) == ("group_id", "ticket.group_forbidden")
    assert Ticket.objects.get(pk=world.ticket.pk).group == world.group


def test_a_project_moves_the_ticket_into_its_group(world):
    project = Project.objects.create(name="Doors", group=world.other_group)
    release = Release.objects.create(project=project, name="1.0")
    ticket = update_ticket(
        world.actor(world.admin), world.ticket.pk, {"project_id": project.pk, "release": "1.0"}
    )
    assert (ticket.project, ticket.release, ticket.group) == (project, release, world.other_group)
    ticket = update_ticket(world.actor(world.admin), ticket.pk, {"project_id": None})
    assert (ticket.project, ticket.release) == (None, None)


def test_a_new_customer_brings_their_organization_unless_one_is_given(world):
    actor = world.actor(world.agent)
    ticket = update_ticket(actor, world.ticket.pk, {"customer": "sam"})
    assert (ticket.customer, ticket.organization) == (world.stranger, world.other_org)
    ticket = update_ticket(actor, world.ticket.pk, {"customer": "colin", "organization_id": None})
    assert (ticket.customer, ticket.organization) == (world.colleague, None)


def test_a_closed_organization_takes_no_tickets(world):
    world.other_org.status = Organization.Status.CLOSED
    world.other_org.save()
    with pytest.raises(Invalid) as info:
        update_ticket(
            world.actor(world.agent), world.ticket.pk, {"organization_id": world.other_org.pk}
        )
    assert (info.value.field, info.value.code) == ("organization_id", "ticket.organization_closed")


def test_customers_change_only_their_fields(world):
    actor = world.actor(world.customer)
    ticket = update_ticket(
        actor, world.ticket.pk, {"title": "Printer smoking", "custom_field": "x"}
    )
    assert ticket.title == "Printer smoking"
    for changes, field, code in [
        ({"priority": "3 high"}, "priority", "ticket.field_forbidden"),
        ({"owner": "alice"}, "owner", "ticket.field_forbidden"),
        ({"state": "pending reminder"}, "state", "ticket.state_forbidden"),
        ({"resolution": "done"}, "resolution", "ticket.field_forbidden"),
    ]:
        with pytest.raises(PermissionDenied) as info:
            update_ticket(actor, world.ticket.pk, changes)
        assert (info.value.field, info.value.code) == (field, code)
    ticket = update_ticket(actor, world.ticket.pk, {"state": "closed"})
    assert ticket.state.name == "closed"


def test_a_colleague_may_not_close_by_changing_the_state(world):
    with pytest.raises(PermissionDenied) as info:
        update_ticket(world.actor(world.colleague), world.ticket.pk, {"state": "closed"})
    assert (info.value.field, info.value.code) == ("state", "ticket.close_forbidden")


def test_custom_field_follows_its_type(world):
    actor = world.actor(world.agent)
    update_setting(Actor.system(), "tickets.custom_field_type", "url")
    with pytest.raises(Invalid) as info:
        update_ticket(actor, world.ticket.pk, {"custom_field": "javascript:alert(1)"})
    assert (info.value.field, info.value.code) == ("custom_field", "ticket.custom_field_invalid")
    assert update_ticket(actor, world.ticket.pk, {"custom_field": "https://x.example/1"})
    update_setting(Actor.system(), "tickets.custom_field_type", "checkbox")
    assert update_ticket(actor, world.ticket.pk, {"custom_field": True}).custom_field == "yes"


def test_a_merged_ticket_is_not_changed(world):
    target = TicketFactory(group=world.group)
    merge_ticket(world.actor(world.agent), world.ticket.pk, target.pk)
    with pytest.raises(Conflict) as info:
        update_ticket(world.actor(world.agent), world.ticket.pk, {"title": "again"})
    assert info.value.code == "ticket.merged"


def test_an_owner_outside_the_group_keeps_access_to_their_ticket(world):
    helper = UserFactory(login="hank", roles=["Agent"])
    world.ticket.owner = helper
    world.ticket.save()
    ticket = update_ticket(world.actor(helper), world.ticket.pk, {"priority": "1 low"})
    assert ticket.priority.name == "1 low"
