import re
from datetime import UTC, datetime

import pytest

from helpline.api.tests.conftest import ERROR_KEYS, USER_EXPANDED_KEYS, USER_KEYS, Api, basic
from helpline.core.models import GroupMembership, Organization, Role, User
from helpline.core.services.organizations import create_organization
from helpline.lib.actor import Actor
from helpline.testing.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_me_has_exactly_zammads_fields(as_admin, admin):
    status, body = as_admin.get("/users/me")
    assert status == 200
    assert set(body) == USER_KEYS
    assert body["id"] == admin.pk
    assert body["role_ids"] == [Role.objects.get(name="Admin").pk]
    assert body["group_ids"] == {}
    assert body["authorization_ids"] == []
    assert TIMESTAMP.match(body["created_at"])
    assert TIMESTAMP.match(body["last_login"])


def test_timestamps_have_milliseconds_even_when_zero(as_admin, admin):
    User.objects.filter(pk=admin.pk).update(
        created_at=datetime(2019, 3, 8, 19, 47, 2, tzinfo=UTC),
        updated_at=datetime(2019, 3, 8, 19, 47, 2, 323999, tzinfo=UTC),
    )
    _, body = as_admin.get(f"/users/{admin.pk}")
    assert (body["created_at"], body["updated_at"]) == (
        "2019-03-08T19:47:02.000Z",
        "2019-03-08T19:47:02.323Z",
    )


def test_create_round_trips_through_show_list_and_search(as_admin, admin, org_a, support):
    agent_role = Role.objects.get(name="Agent")
    payload = {
        "login": "shikha",
        "firstname": "shikha",
        "lastname": "Smith",
        "email": "bob@smith.com",
        "password": "s3cret-enough",
        "organization_id": org_a.pk,
        "role_ids": [agent_role.pk],
        "group_ids": {str(support.pk): ["full", "read"]},
        "phone": "+1 555 0100",
        "vip": True,
        "note": "prefers mail",
        "out_of_office_start_at": "2024-05-01",
        "preferences": {"locale": "en-us"},
    }
    status, created = as_admin.post("/users", payload)
    assert status == 200
    assert set(created) == USER_KEYS
    expected = {
        "login": "shikha",
        "firstname": "shikha",
        "lastname": "Smith",
        "email": "bob@smith.com",
        "organization_id": org_a.pk,
        "role_ids": [agent_role.pk],
        "group_ids": {str(support.pk): ["full", "read"]},
        "phone": "+1 555 0100",
        "vip": True,
        "note": "prefers mail",
        "out_of_office_start_at": "2024-05-01",
        "preferences": {"locale": "en-us"},
        "created_by_id": admin.pk,
        "updated_by_id": admin.pk,
        "active": True,
        "verified": False,
    }
    assert {k: created[k] for k in expected} == expected
    _, shown = as_admin.get(f"/users/{created['id']}")
    assert shown == created
    _, listed = as_admin.get("/users")
    assert [u for u in listed if u["id"] == created["id"]] == [created]
    _, found = as_admin.get("/users/search?query=smith")
    assert found == [created]
    assert User.objects.get(pk=created["id"]).check_password("s3cret-enough")


def test_expand_adds_names_next_to_ids(as_admin, admin, org_a, support):
    user = UserFactory(login="exp", roles=["Agent"], groups=[support], organization=org_a)
    user.organizations.add(Organization.objects.create(name="Second"))
    status, body = as_admin.get(f"/users/{user.pk}?expand=true")
    assert status == 200
    assert set(body) == USER_EXPANDED_KEYS
    assert body["organization"] == "Org A"
    assert body["roles"] == ["Agent"]
    assert body["organizations"] == ["Second"]
    assert body["groups"] == {"Support": ["full"]}
    assert body["created_by"] is None
    _, listed = as_admin.get("/users?expand=true")
    assert {u["login"]: u["roles"] for u in listed} == {"admin1": ["Admin"], "exp": ["Agent"]}
    _, plain = as_admin.get(f"/users/{user.pk}?expand=false")
    assert set(plain) == USER_KEYS


def test_list_pages_and_sorts(as_admin, admin):
    for name in ("carol", "alice", "bob"):
        UserFactory(login=name, firstname=name.title())
    _, page1 = as_admin.get("/users?page=1&per_page=2")
    _, page2 = as_admin.get("/users?page=2&per_page=2")
    _, page3 = as_admin.get("/users?page=3&per_page=2")
    assert [u["login"] for u in page1 + page2] == ["admin1", "carol", "alice", "bob"]
    assert page3 == []
    _, by_login = as_admin.get("/users?sort_by=login&order_by=desc")
    assert [u["login"] for u in by_login] == ["carol", "bob", "alice", "admin1"]
    status, body = as_admin.get("/users?sort_by=password")
    assert (status, body["code"], body["field"]) == (422, "sort.unknown_field", "sort_by")
    status, body = as_admin.get("/users?sort_by=login&order_by=sideways")
    assert (status, body["code"]) == (422, "sort.bad_order")


def test_per_page_is_capped_at_500(as_admin, admin):
    User.objects.bulk_create([User(login=f"bulk{i}", email="") for i in range(505)])
    _, body = as_admin.get("/users?per_page=1000")
    assert len(body) == 500
    _, rest = as_admin.get("/users?per_page=1000&page=2")
    assert len(rest) == 6


def test_list_query_count_does_not_grow_with_rows(
    as_admin, admin, support, org_a, django_assert_max_num_queries
):
    def make(n):
        for _ in range(n):
            UserFactory(roles=["Agent"], groups=[support], organization=org_a)

    make(2)
    with django_assert_max_num_queries(12) as few:
        as_admin.get("/users?expand=true")
    make(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        status, body = as_admin.get("/users?expand=true")
    assert (status, len(body)) == (200, 23)


def test_search_words_fields_and_sorting(as_agent, agent):
    UserFactory(login="mbraun", firstname="Martha", lastname="Braun", email="marta@braun.example")
    UserFactory(login="bsmith", firstname="Bob", lastname="Smith", email="bob@smith.example")
    UserFactory(login="bsmyth", firstname="Bob", lastname="Smyth", email="bob@smyth.example")

    def logins(query):
        status, body = as_agent.get(f"/users/search?{query}")
        assert status == 200
        return [u["login"] for u in body]

    assert logins("query=bob&sort_by=login") == ["bsmith", "bsmyth"]
    assert logins("query=bob%20smith") == ["bsmith"]
    assert logins("query=BRAUN") == ["mbraun"]
    assert logins("query=email:smyth") == ["bsmyth"]
    assert logins("query=sm*&sort_by=lastname&order_by=desc") == ["bsmyth", "bsmith"]
    assert logins("query=bob&limit=1&sort_by=login") == ["bsmith"]
    assert logins("query=bob&per_page=1&page=2&sort_by=login") == ["bsmyth"]
    assert logins("query=nobody-like-this") == []


def test_customers_may_not_search(as_customer, customer):
    status, body = as_customer.get("/users/search?query=a")
    assert (status, body["code"]) == (403, "user.search_forbidden")


def test_update_round_trips(as_admin, customer, org_b):
    status, body = as_admin.put(
        f"/users/{customer.pk}",
        {"firstname": "Neu", "organization_id": org_b.pk, "vip": True, "id": 999},
    )
    assert status == 200
    assert (body["id"], body["firstname"], body["organization_id"], body["vip"]) == (
        customer.pk,
        "Neu",
        org_b.pk,
        True,
    )
    _, shown = as_admin.get(f"/users/{customer.pk}")
    assert shown == body


def test_agent_updates_customers_but_not_their_roles(as_agent, customer, admin, agent):
    status, body = as_agent.put(f"/users/{customer.pk}", {"lastname": "Changed"})
    assert (status, body["lastname"]) == (200, "Changed")
    customer_role = Role.objects.get(name="Customer").pk
    # Sending the roles back unchanged is fine; changing them is not.
    status, _ = as_agent.put(f"/users/{customer.pk}", {"role_ids": [customer_role]})
    assert status == 200
    status, body = as_agent.put(
        f"/users/{customer.pk}", {"role_ids": [Role.objects.get(name="Admin").pk]}
    )
    assert (status, body["code"], body["field"]) == (403, "user.field_forbidden", "role_ids")
    status, body = as_agent.put(f"/users/{admin.pk}", {"lastname": "Hacked"})
    assert (status, body["code"]) == (403, "user.update_forbidden")
    assert User.objects.get(pk=admin.pk).lastname == "Tester"
    assert list(User.objects.get(pk=customer.pk).roles.values_list("pk", flat=True)) == [
        customer_role
    ]


def test_users_change_their_own_profile_only(as_customer, customer, customer_same_org):
    status, body = as_customer.put(f"/users/{customer.pk}", {"phone": "123", "firstname": "Me"})
    assert (status, body["phone"], body["firstname"]) == (200, "123", "Me")
    status, body = as_customer.put(f"/users/{customer.pk}", {"vip": True})
    assert (status, body["code"], body["field"]) == (403, "user.field_forbidden", "vip")
    status, body = as_customer.put(f"/users/{customer_same_org.pk}", {"phone": "1"})
    assert (status, body["code"]) == (403, "user.update_forbidden")
    assert User.objects.get(pk=customer.pk).vip is False


def test_admin_sets_roles_groups_and_password(as_admin, customer, support):
    agent_role = Role.objects.get(name="Agent").pk
    status, body = as_admin.put(
        f"/users/{customer.pk}",
        {"role_ids": [agent_role], "group_ids": {str(support.pk): "full"}, "password": "newpass1"},
    )
    assert status == 200
    assert (body["role_ids"], body["group_ids"]) == ([agent_role], {str(support.pk): ["full"]})
    assert User.objects.get(pk=customer.pk).check_password("newpass1")
    status, body = as_admin.put(f"/users/{customer.pk}", {"group_ids": {}})
    assert (status, body["group_ids"]) == (200, {})
    assert GroupMembership.objects.filter(user=customer).count() == 0


def test_the_last_admin_cannot_be_disabled_or_demoted(as_admin, admin):
    status, body = as_admin.put(f"/users/{admin.pk}", {"active": False})
    assert (status, body["code"]) == (409, "user.last_admin")
    status, body = as_admin.put(
        f"/users/{admin.pk}", {"role_ids": [Role.objects.get(name="Agent").pk]}
    )
    assert (status, body["code"]) == (409, "user.last_admin")
    assert User.objects.get(pk=admin.pk).active is True
    assert list(User.objects.get(pk=admin.pk).roles.values_list("name", flat=True)) == ["Admin"]


def test_delete_unreferenced_user(as_admin, customer):
    status, body = as_admin.delete(f"/users/{customer.pk}")
    assert (status, body) == (200, {})
    assert not User.objects.filter(pk=customer.pk).exists()
    status, body = as_admin.get(f"/users/{customer.pk}")
    assert (status, body["code"]) == (404, "user.not_found")


def test_delete_referenced_user_is_409_and_keeps_everything(as_admin, admin):
    maker = UserFactory(login="maker", roles=["Admin"])
    create_organization(Actor.for_user(maker), name="Made by maker")
    status, body = as_admin.delete(f"/users/{maker.pk}")
    assert status == 409
    assert body["code"] == "user.referenced"
    assert "Organization.created_by (1)" in body["error"]
    assert User.objects.filter(pk=maker.pk).exists()
    assert Organization.objects.get(name="Made by maker").created_by_id == maker.pk


def test_own_memberships_and_tokens_do_not_block_delete(as_admin, support):
    from helpline.api.tests.conftest import token_for

    user = UserFactory(login="leaving", roles=["Agent"], groups=[support])
    token_for(user, ["ticket.agent"])
    status, _ = as_admin.delete(f"/users/{user.pk}")
    assert status == 200
    assert GroupMembership.objects.filter(user_id=user.pk).count() == 0


def test_delete_self_is_refused(as_admin, admin):
    status, body = as_admin.delete(f"/users/{admin.pk}")
    assert (status, body["code"]) == (409, "user.delete_self")


def test_guest_registers_through_the_api_while_registration_is_open(anonymous):
    status, body = anonymous.post(
        "/users", {"email": "self@example.com", "password": "longenough", "firstname": "Self"}
    )
    assert status == 200
    assert (body["login"], body["role_ids"]) == (
        "self@example.com",
        [Role.objects.get(name="Customer").pk],
    )
    status, body = Api(basic("self@example.com", "longenough")).get("/users/me")
    assert (status, body["firstname"]) == (200, "Self")


def test_guests_cannot_choose_organization_or_verified(anonymous, org_a):
    for extra in ({"organization_id": org_a.pk}, {"verified": True}, {"vip": True}):
        status, body = anonymous.post("/users", {"email": "x@example.com", **extra})
        assert (status, body["code"]) == (403, "user.field_forbidden")
    assert not User.objects.filter(email="x@example.com").exists()


def test_agent_creates_customers_with_default_roles_only(as_agent):
    status, body = as_agent.post("/users", {"email": "c@example.com", "lastname": "C"})
    assert (status, body["role_ids"]) == (200, [Role.objects.get(name="Customer").pk])
    status, body = as_agent.post(
        "/users", {"email": "d@example.com", "role_ids": [Role.objects.get(name="Admin").pk]}
    )
    assert (status, body["code"]) == (403, "user.roles_forbidden")
    assert not User.objects.filter(email="d@example.com").exists()


def test_duplicate_email_is_409(as_admin, customer):
    status, body = as_admin.post("/users", {"email": "CUST1@example.com"})
    assert status == 409
    assert set(body) == ERROR_KEYS | {"field"}
    assert (body["code"], body["field"]) == ("user.email_taken", "email")


def test_group_access_with_unknown_group_is_422(as_admin):
    status, body = as_admin.post(
        "/users", {"email": "g@example.com", "group_ids": {"999999": ["full"]}}
    )
    assert (status, body["code"], body["field"]) == (422, "user.group_unknown", "group_ids")
    status, body = as_admin.post(
        "/users", {"email": "g@example.com", "group_ids": {"abc": ["full"]}}
    )
    assert (status, body["field"]) == (422, "group_ids")
    GroupFactory(name="Other")
    assert not User.objects.filter(email="g@example.com").exists()


def test_what_was_read_can_be_put_back_unchanged(support, org_a):
    user = UserFactory(login="roundtrip", roles=["Agent"], groups=[support], organization=org_a)
    api = Api(basic("roundtrip"))
    _, mine = api.get("/users/me")
    status, again = api.put(f"/users/{user.pk}", mine)
    assert status == 200
    # Each Basic login moves last_login; nothing else changes, not even updated_at.
    assert {k: v for k, v in again.items() if k != "last_login"} == {
        k: v for k, v in mine.items() if k != "last_login"
    }
