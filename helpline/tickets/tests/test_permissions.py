"""The queryset scope and the predicates come from the same rules: for every persona, access
kind and visibility setting, the scope returns exactly the tickets the predicate allows."""

from __future__ import annotations

import pytest

from helpline.core.models import GroupMembership
from helpline.core.services.settings import update_setting
from helpline.lib.actor import Actor
from helpline.lib.errors import NotFound
from helpline.testing.factories import (
    GroupFactory,
    OrganizationFactory,
    TicketFactory,
    UserFactory,
)
from helpline.tickets import permissions, selectors
from helpline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(world):
    """Tickets in both groups, of several customers and organizations, one owned by the
    outside agent, one without customer."""
    unshared = OrganizationFactory(name="Initech", shared=False)
    loner = UserFactory(login="lonnie", roles=["Customer"], organization=unshared)
    peer = UserFactory(login="peggy", roles=["Customer"], organization=unshared)
    tickets = {
        "in_group_by_customer": world.ticket,
        "in_group_by_colleague": TicketFactory(group=world.group, customer=world.colleague),
        "other_group_by_stranger": TicketFactory(group=world.other_group, customer=world.stranger),
        "other_group_owned_by_agent": TicketFactory(
            group=world.other_group, customer=world.stranger, owner=world.agent
        ),
        "in_group_unshared_org": TicketFactory(group=world.group, customer=loner),
        "other_group_no_customer": TicketFactory(group=world.other_group),
    }
    world.loner, world.peer = loner, peer
    return tickets


def visible_names(actor, tickets, access="read"):
    ids = set(selectors.visible_tickets(actor, access).values_list("pk", flat=True))
    return {name for name, t in tickets.items() if t.pk in ids}


def allowed_names(actor, tickets, access="read"):
    return {
        name
        for name, t in tickets.items()
        if permissions.has_ticket_access(actor, Ticket.objects.get(pk=t.pk), access)
    }


PERSONA_USERS = ["admin", "agent", "outsider", "customer", "colleague", "stranger", "loner", "peer"]


@pytest.mark.parametrize("visibility", ["restricted", "private", "public"])
@pytest.mark.parametrize("access", ["read", "change", "create", "full"])
def test_scope_and_predicate_agree(world, spread, visibility, access):
    update_setting(Actor.system(), "tickets.visibility", visibility)
    actors = [world.actor(getattr(world, name)) for name in PERSONA_USERS]
    actors += [Actor.guest(), Actor.for_token(world.agent, frozenset({"ticket.customer"}))]
    for actor in actors:
        assert visible_names(actor, spread, access) == allowed_names(actor, spread, access), actor


def test_who_reads_what_when_restricted(world, spread):
    def reads(user):
        return visible_names(world.actor(user), spread)

    everything = set(spread)
    assert reads(world.admin) == everything
    assert reads(world.agent) == {
        "in_group_by_customer",
        "in_group_by_colleague",
        "in_group_unshared_org",
        "other_group_owned_by_agent",
    }
    assert reads(world.outsider) == {
        "other_group_by_stranger",
        "other_group_owned_by_agent",
        "other_group_no_customer",
    }
    assert reads(world.customer) == {"in_group_by_customer", "in_group_by_colleague"}
    assert reads(world.stranger) == {"other_group_by_stranger", "other_group_owned_by_agent"}
    assert reads(world.loner) == {"in_group_unshared_org"}
    assert reads(world.peer) == set()
    assert visible_names(Actor.guest(), spread) == set()


def test_restricted_view_reads_every_ticket_but_changes_none(world, spread):
    viewer = UserFactory(login="vera", roles=["Level 2 - Restricted view"])
    actor = world.actor(viewer)
    assert visible_names(actor, spread) == set(spread)
    assert visible_names(actor, spread, "change") == set()


def test_private_lets_every_signed_in_user_read_and_public_even_guests(world, spread):
    update_setting(Actor.system(), "tickets.visibility", "private")
    assert visible_names(world.actor(world.peer), spread) == set(spread)
    assert visible_names(Actor.guest(), spread) == set()
    update_setting(Actor.system(), "tickets.visibility", "public")
    assert visible_names(Actor.guest(), spread) == set(spread)
    assert visible_names(Actor.guest(), spread, "change") == set()


@pytest.mark.parametrize(
    ("kinds", "read", "change", "create", "full"),
    [
        (["read"], True, False, False, False),
        (["change"], True, True, False, False),
        (["create"], False, False, True, False),
        (["full"], True, True, True, True),
        (["overview"], False, False, False, False),
        (["read", "create"], True, False, True, False),
    ],
)
def test_group_access_kinds(world, kinds, read, change, create, full):
    group = GroupFactory(name="Kinds")
    agent = UserFactory(login="kim", roles=["Agent"])
    for kind in kinds:
        GroupMembership.objects.create(user=agent, group=group, access=kind)
    ticket = TicketFactory(group=group)
    actor = world.actor(agent)
    got = {
        access: selectors.visible_tickets(actor, access).filter(pk=ticket.pk).exists()
        for access in ("read", "change", "create", "full")
    }
    assert got == {"read": read, "change": change, "create": create, "full": full}
    assert (permissions.create_mode(actor, group.pk) == "agent") is create


def test_shared_organization_is_read_through_secondary_organizations_too(world):
    extra = OrganizationFactory(name="Umbrella", shared=True)
    world.stranger.organizations.add(extra)
    ticket = TicketFactory(group=world.group, organization=extra)
    assert selectors.get_ticket(world.actor(world.stranger), ticket.pk) == ticket


def test_unsharing_an_organization_hides_colleagues_tickets(world):
    actor = world.actor(world.colleague)
    assert selectors.get_ticket(actor, world.ticket.pk) == world.ticket
    world.org.shared = False
    world.org.save()
    with pytest.raises(NotFound) as info:
        selectors.get_ticket(actor, world.ticket.pk)
    assert info.value.code == "ticket.not_found"


def test_an_inactive_user_sees_nothing(world):
    world.agent.active = False
    world.agent.save()
    assert not selectors.visible_tickets(Actor.for_user(world.agent)).exists()


def test_get_ticket_hides_existence(world):
    with pytest.raises(NotFound) as hidden:
        selectors.get_ticket(world.actor(world.stranger), world.ticket.pk)
    with pytest.raises(NotFound) as missing:
        selectors.get_ticket(world.actor(world.stranger), 999999)
    assert (hidden.value.code, missing.value.code) == ("ticket.not_found", "ticket.not_found")
    with pytest.raises(NotFound):
        selectors.get_ticket(world.actor(world.admin), "abc")


def test_the_scope_is_one_query_on_the_ticket_table(world, django_assert_num_queries):
    actor = world.actor(world.agent)
    profile = permissions.ticket_access(actor)
    with django_assert_num_queries(1) as ctx:
        list(selectors.visible_tickets(actor, profile=profile)[:50])
    sql = ctx.captured_queries[0]["sql"]
    assert '"tickets_ticket"."group_id" IN' in sql
    # She owns nothing outside her groups: the owner branch is left out of the query.
    assert 'owner_id" =' not in sql
    elsewhere = TicketFactory(group=world.other_group, owner=world.agent)
    profile = permissions.ticket_access(actor)
    with django_assert_num_queries(1) as ctx:
        ids = [t.pk for t in selectors.visible_tickets(actor, profile=profile)]
    assert '"tickets_ticket"."owner_id" =' in ctx.captured_queries[0]["sql"]
    assert elsewhere.pk in ids


def test_closing_follows_flickets_rule(world):
    ticket = world.ticket
    assert permissions.can_close_ticket(world.actor(world.admin), ticket)
    assert permissions.can_close_ticket(world.actor(world.customer), ticket)
    assert not permissions.can_close_ticket(world.actor(world.agent), ticket)
    ticket.assignees.add(world.agent)
    assert permissions.can_close_ticket(world.actor(world.agent), ticket)
    creator = UserFactory(login="cree", roles=["Agent"], groups=[world.group])
    ticket.created_by = creator
    assert permissions.can_close_ticket(world.actor(creator), ticket)
    assert not permissions.can_close_ticket(world.actor(world.colleague), ticket)
