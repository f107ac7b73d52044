import pytest

from helpline.api.tests.conftest import GROUP_KEYS, ROLE_KEYS
from helpline.core.events import GroupCreated
from helpline.core.models import Group, GroupMembership, Permission, Role
from helpline.lib import events
from helpline.testing.factories import GroupFactory

pytestmark = pytest.mark.django_db


def test_create_round_trips_through_show_and_list(as_admin, admin, agent):
    payload = {
        "name": "Group 1",
        "signature_id": 1,
        "email_address_id": None,
        "assignment_timeout": 180,
        "follow_up_possible": "new_ticket",
        "follow_up_assignment": False,
        "active": True,
        "note": "Standard Group/Pool for Tickets.",
        "user_ids": [agent.pk],
    }
    status, created = as_admin.post("/groups", payload)
    assert status == 200
    assert set(created) == GROUP_KEYS
    assert {k: created[k] for k in payload} == payload
    assert created["created_by_id"] == admin.pk
    assert list(
        GroupMembership.objects.filter(group_id=created["id"]).values_list("user_id", "access")
    ) == [(agent.pk, "full")]
    _, shown = as_admin.get(f"/groups/{created['id']}")
    assert shown == created
    _, listed = as_admin.get("/groups")
    assert [g for g in listed if g["id"] == created["id"]] == [created]


def test_create_publishes_group_created_inside_the_transaction(as_admin, admin):
    seen: list[GroupCreated] = []

    def default_category(event: GroupCreated) -> None:
        seen.append(event)
        assert Group.objects.filter(pk=event.group_id).exists()

    events.subscribe(GroupCreated, default_category, in_transaction=True)
    try:
        status, body = as_admin.post("/groups", {"name": "Evented"})
    finally:
        events.unsubscribe(GroupCreated, default_category)
    assert status == 200
    assert seen == [GroupCreated(group_id=body["id"], actor_id=admin.pk)]


def test_a_failing_in_transaction_subscriber_undoes_the_group(as_admin):
    def broken(event: GroupCreated) -> None:
        raise RuntimeError("no default category")

    events.subscribe(GroupCreated, broken, in_transaction=True)
    try:
        status, body = as_admin.post("/groups", {"name": "Half made"})
    finally:
        events.unsubscribe(GroupCreated, broken)
    assert (status, body["code"]) == (500, "server.error")
    assert not Group.objects.filter(name="Half made").exists()


def test_update_replaces_users_keeping_existing_access(as_admin, support, agent, admin):
    GroupMembership.objects.create(user=agent, group=support, access="read")
    status, body = as_admin.put(
        f"/groups/{support.pk}", {"user_ids": [agent.pk, admin.pk], "note": "changed"}
    )
    assert (status, body["user_ids"], body["note"]) == (
        200,
        sorted([agent.pk, admin.pk]),
        "changed",
    )
    assert sorted(
        GroupMembership.objects.filter(group=support).values_list("user_id", "access")
    ) == sorted([(agent.pk, "full"), (agent.pk, "read"), (admin.pk, "full")])
    status, body = as_admin.put(f"/groups/{support.pk}", {"user_ids": []})
    assert (status, body["user_ids"]) == (200, [])


def test_bad_values_are_422_and_change_nothing(as_admin, support):
    for payload, field in (
        ({"follow_up_possible": "maybe"}, "follow_up_possible"),
        ({"assignment_timeout": -1}, "assignment_timeout"),
        ({"name": ""}, "name"),
        ({"user_ids": [999999]}, "user_ids"),
    ):
        status, body = as_admin.put(f"/groups/{support.pk}", payload)
        assert (status, body["field"]) == (422, field)
    assert Group.objects.get(pk=support.pk).name == "Support"


def test_expand_names_users(as_admin, support, agent):
    status, body = as_admin.get(f"/groups/{support.pk}?expand=true")
    assert status == 200
    assert set(body) == GROUP_KEYS | {"users", "created_by", "updated_by"}
    assert (body["user_ids"], body["users"]) == ([agent.pk], ["agent1"])


def test_agents_see_their_own_groups_customers_none(as_agent, as_customer, support):
    other = GroupFactory(name="Other")
    status, body = as_agent.get("/groups")
    assert (status, [g["id"] for g in body]) == (200, [support.pk])
    status, body = as_agent.get(f"/groups/{other.pk}")
    assert (status, body["code"]) == (404, "group.not_found")
    status, body = as_customer.get("/groups")
    assert (status, body["code"]) == (403, "group.read_forbidden")


def test_delete_group_with_members_only(as_admin, support, agent):
    status, body = as_admin.delete(f"/groups/{support.pk}")
    assert (status, body) == (200, {})
    assert not Group.objects.filter(pk=support.pk).exists()
    assert GroupMembership.objects.filter(user=agent).count() == 0


def test_roles_list_and_show(as_agent, as_customer):
    status, body = as_agent.get("/roles")
    assert status == 200
    assert [r["name"] for r in body] == list(
        Role.objects.order_by("id").values_list("name", flat=True)
    )
    assert all(set(r) == ROLE_KEYS for r in body)
    agent_role = Role.objects.get(name="Agent")
    status, body = as_agent.get(f"/roles/{agent_role.pk}?expand=true")
    assert status == 200
    assert sorted(body["permissions"]) == sorted(
        agent_role.permissions.values_list("name", flat=True)
    )
    assert body["permission_ids"] == sorted(agent_role.permissions.values_list("pk", flat=True))
    assert Permission.objects.filter(pk__in=body["permission_ids"]).count() == 5
    status, body = as_customer.get("/roles")
    assert (status, body["code"]) == (403, "role.read_forbidden")
    status, body = as_agent.get("/roles/999999")
    assert (status, body["code"]) == (404, "role.not_found")
