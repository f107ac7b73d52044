"""The choice lists the pages offer are kept per process and dropped when any table they are
read from changes, through whichever service changes it."""

from __future__ import annotations

import pytest

from helpline.core.models import GroupMembership, Permission, Role, User
from helpline.core.services import groups as group_service
from helpline.core.services import users as user_service
from helpline.lib import refcache
from helpline.testing.factories import GroupFactory, UserFactory
from helpline.tickets import permissions, selectors
from helpline.tickets.models import TicketPriority, TicketState, TicketStateType
from helpline.tickets.services import categories as category_service
from helpline.tickets.services import states as state_service

# Committed writes, as in production: inside an open transaction a process keeps nothing.
pytestmark = pytest.mark.django_db(transaction=True)


def _choices(world, user=None, **kwargs):
    return selectors.list_choices(world.actor(user or world.agent), **kwargs)


def _uncached(world, user=None, **kwargs):
    """The same lists read from the database, as ``list_choices`` did before it cached."""
    refcache.clear()
    return _choices(world, user, **kwargs)


def test_a_second_read_costs_no_query_and_returns_the_same(world, django_assert_num_queries):
    actor = world.actor(world.agent)
    profile = permissions.ticket_access(actor)
    # States, priorities, groups, categories, projects, agents and their groups.
    with django_assert_num_queries(7):
        first = selectors.list_choices(actor, profile=profile)
    with django_assert_num_queries(0):
        again = selectors.list_choices(actor, profile=profile)
    assert again == first
    assert [name for _, name in again.groups] == ["Service Desk"]
    assert [label for _, label in again.owners] == [f"{world.agent.fullname} (alice)"]
    assert "Service Desk / General" in [label for _, label in again.categories]


def test_each_actor_gets_only_their_groups_from_the_shared_lists(world):
    boss = world.actor(world.admin)
    category_service.create_category(boss, group=world.other_group.pk, name="Keys")
    agent = _choices(world)
    outsider = _choices(world, world.outsider)
    admin = _choices(world, world.admin)
    customer = _choices(world, world.customer)
    assert [name for _, name in agent.groups] == ["Service Desk"]
    assert [name for _, name in outsider.groups] == ["Facilities"]
    assert [name for _, name in admin.groups] == ["Facilities", "Service Desk"]
    assert {label.split(" / ")[0] for _, label in agent.categories} == {"Service Desk"}
    assert [label for _, label in outsider.categories] == ["Facilities / Keys"]
    assert [login for _, login in outsider.owners] == [f"{world.outsider.fullname} (oscar)"]
    assert (customer.groups, customer.owners, customer.categories) == ([], [], [])
    assert customer.states == agent.states
    ticket_group = _choices(world, world.admin, group_id=world.other_group.pk)
    assert [label for _, label in ticket_group.categories] == ["Facilities / Keys"]
    assert [label for _, label in ticket_group.owners] == [f"{world.outsider.fullname} (oscar)"]


def test_state_priority_and_category_changes_show_at_once(world):
    boss = world.actor(world.admin)
    _choices(world)
    new_type = TicketStateType.objects.get(name="open")
    state = state_service.create_state(boss, name="Waiting for parts", state_type_id=new_type.pk)
    assert (state.pk, "Waiting for parts") in _choices(world).states
    state_service.update_state(boss, state.pk, name="Parts ordered")
    assert (state.pk, "Parts ordered") in _choices(world).states
    priority = TicketPriority.objects.order_by("rank").first()
    assert priority is not None
    state_service.update_priority(boss, priority.pk, active=False)
    assert priority.pk not in [pk for pk, _ in _choices(world).priorities]
    category = category_service.create_category(boss, group=world.group.pk, name="Toner")
    assert (category.pk, "Service Desk / Toner") in _choices(world).categories
    category_service.update_category(boss, category.pk, active=False)
    assert category.pk not in [pk for pk, _ in _choices(world).categories]
    state_service.delete_state(boss, state.pk)
    assert state.pk not in [pk for pk, _ in _choices(world).states]
    assert _choices(world) == _uncached(world)


def test_people_groups_and_roles_changes_show_at_once(world):
    boss = world.actor(world.admin)
    _choices(world)
    newcomer = UserFactory(login="nina", firstname="Nina", lastname="New", roles=["Agent"])
    # A membership written in bulk by the group service (no signal of its own).
    group_service.update_group(boss, world.group.pk, user_ids=[world.agent.pk, newcomer.pk])
    assert (newcomer.pk, "Nina New (nina)") in _choices(world).owners
    user_service.update_user(boss, newcomer.pk, firstname="Nora")
    assert (newcomer.pk, "Nora New (nina)") in _choices(world).owners
    user_service.update_user(boss, newcomer.pk, active=False)
    assert newcomer.pk not in [pk for pk, _ in _choices(world).owners]
    user_service.update_user(boss, newcomer.pk, active=True)
    customer_role = Role.objects.get(name="Customer")
    user_service.update_user(boss, newcomer.pk, role_ids=[customer_role.pk])
    assert newcomer.pk not in [pk for pk, _ in _choices(world).owners]
    # Taking the agent permission from a role drops its holders from the owners.
    agent_role = Role.objects.get(name="Agent")
    agent_role.permissions.remove(Permission.objects.get(name="ticket.agent"))
    assert world.agent.pk not in [pk for pk, _ in _choices(world).owners]
    agent_role.permissions.add(Permission.objects.get(name="ticket.agent"))
    assert world.agent.pk in [pk for pk, _ in _choices(world).owners]
    group = GroupFactory(name="Aardvark Desk")
    assert (group.pk, "Aardvark Desk") in _choices(world, world.admin).groups
    group_service.update_group(boss, group.pk, name="Zebra Desk")
    assert (group.pk, "Zebra Desk") in _choices(world, world.admin).groups
    GroupMembership.objects.filter(user=world.agent).delete()
    assert world.agent.pk not in [pk for pk, _ in _choices(world, world.admin).owners]
    assert _choices(world, world.admin) == _uncached(world, world.admin)


def test_a_login_does_not_drop_the_lists(world, client):
    _choices(world)
    generation = refcache.generation()
    world.agent.set_password("a-long-Passw0rd!")
    world.agent.save(update_fields=["password"])
    User.objects.get(pk=world.agent.pk).save(update_fields=["last_login"])
    assert refcache.generation() == generation
    world.agent.firstname = "Alicia"
    world.agent.save(update_fields=["firstname"])
    assert refcache.generation() != generation


def test_a_bulk_write_without_a_signal_shows_within_the_keeping_time(world, settings):
    state = TicketState.objects.filter(active=True).order_by("id").first()
    assert state is not None
    _choices(world)
    TicketState.objects.filter(pk=state.pk).update(name="Renamed in bulk")
    # QuerySet.update sends no signal: the list is as it was until it is older than
    # REFCACHE_SECONDS.
    assert (state.pk, state.name) in _choices(world).states
    settings.REFCACHE_SECONDS = 0
    assert (state.pk, "Renamed in bulk") in _choices(world).states
