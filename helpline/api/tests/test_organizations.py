import pytest

from helpline.api.tests.conftest import ORGANIZATION_KEYS, Api, basic
from helpline.core.models import Organization, User

pytestmark = pytest.mark.django_db


def test_create_round_trips_through_show_list_and_search(as_admin, admin, customer):
    payload = {
        "name": "Test Org",
        "shared": False,
        "active": True,
        "note": "some note test",
        "domain": "test.example",
        "domain_assignment": True,
        "vip": True,
        "member_ids": [customer.pk],
    }
    status, created = as_admin.post("/organizations", payload)
    assert status == 200
    assert set(created) == ORGANIZATION_KEYS
    assert {k: created[k] for k in payload} == payload
    assert (created["created_by_id"], created["updated_by_id"]) == (admin.pk, admin.pk)
    assert User.objects.get(pk=customer.pk).organization_id == created["id"]
    _, shown = as_admin.get(f"/organizations/{created['id']}")
    assert shown == created
    _, listed = as_admin.get("/organizations")
    assert [o for o in listed if o["id"] == created["id"]] == [created]
    _, found = as_admin.get("/organizations/search?query=test%20org")
    assert found == [created]


def test_expand_names_members(as_admin, org_a, customer, customer_same_org):
    status, body = as_admin.get(f"/organizations/{org_a.pk}?expand=true")
    assert status == 200
    assert set(body) == ORGANIZATION_KEYS | {"members", "created_by", "updated_by"}
    assert body["member_ids"] == [customer.pk, customer_same_org.pk]
    assert body["members"] == ["cust1", "cust2"]


def test_update_ignores_the_id_in_the_body_and_replaces_members(
    as_admin, org_a, customer, customer_same_org
):
    status, body = as_admin.put(
        f"/organizations/{org_a.pk}",
        {"id": 123, "name": "Org 1", "shared": True, "active": True, "note": "some note",
         "member_ids": [customer.pk]},
    )  # fmt: skip
    assert status == 200
    assert (body["id"], body["name"], body["note"], body["member_ids"]) == (
        org_a.pk,
        "Org 1",
        "some note",
        [customer.pk],
    )
    assert User.objects.get(pk=customer_same_org.pk).organization_id is None
    assert not Organization.objects.filter(pk=123).exists()


def test_names_are_unique_in_any_case(as_admin, org_a):
    status, body = as_admin.post("/organizations", {"name": "org a"})
    assert (status, body["code"], body["field"]) == (409, "organization.name_taken", "name")
    status, body = as_admin.post("/organizations", {"name": "   "})
    assert (status, body["code"]) == (422, "organization.missing")


def test_delete_refused_while_it_has_members(as_admin, org_a, customer):
    status, body = as_admin.delete(f"/organizations/{org_a.pk}")
    assert (status, body["code"]) == (409, "organization.referenced")
    assert Organization.objects.filter(pk=org_a.pk).exists()
    customer.organization = None
    customer.save()
    customer.organizations.add(org_a)
    status, body = as_admin.delete(f"/organizations/{org_a.pk}")
    assert (status, body["code"]) == (409, "organization.referenced")
    customer.organizations.clear()
    status, body = as_admin.delete(f"/organizations/{org_a.pk}")
    assert (status, body) == (200, {})
    assert not Organization.objects.filter(pk=org_a.pk).exists()


def test_the_seeds_singular_delete_path_works(as_admin):
    org = Organization.objects.create(name="Doomed")
    status, body = as_admin.delete(f"/organization/{org.pk}")
    assert (status, body) == (200, {})
    assert not Organization.objects.filter(pk=org.pk).exists()


def test_customers_read_their_own_organizations_only(customer, org_a, org_b):
    api = Api(basic("cust1"))
    status, body = api.get("/organizations")
    assert (status, [o["id"] for o in body]) == (200, [org_a.pk])
    assert api.get(f"/organizations/{org_a.pk}")[0] == 200
    status, body = api.get(f"/organizations/{org_b.pk}")
    assert (status, body["code"]) == (404, "organization.not_found")
    status, body = api.get("/organizations/search?query=org")
    assert status == 403


def test_agents_read_and_search_all(as_agent, org_a, org_b):
    status, body = as_agent.get("/organizations?sort_by=name&order_by=desc")
    assert (status, [o["name"] for o in body]) == (200, ["Org B", "Org A"])
    status, body = as_agent.get("/organizations/search?query=name:b")
    assert (status, [o["id"] for o in body]) == (200, [org_b.pk])
    status, _ = as_agent.post("/organizations", {"name": "Agents cannot"})
    assert status == 403
    assert not Organization.objects.filter(name="Agents cannot").exists()
