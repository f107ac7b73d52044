"""Bad input gets a documented 4xx in Zammad's error shape and writes nothing."""

import pytest

from helpline.api.tests.conftest import ERROR_KEYS
from helpline.core.models import AccessToken, Group, GroupMembership, Organization, User

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * (1024 * 1024)


@pytest.fixture
def counts():
    def snapshot():
        return tuple(
            m.objects.count() for m in (User, Organization, Group, GroupMembership, AccessToken)
        )

    return snapshot


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/users", "{not json"),
        ("/users", '{"email": "a@example.com",}'),
        ("/organizations", "\x00\x01"),
        ("/groups", "{"),
        ("/user_access_token", "[1, 2"),
    ],
)
def test_malformed_json_is_400(as_admin, counts, path, raw):
    before = counts()
    status, body = as_admin.post(path, raw=raw)
    assert status == 400
    assert set(body) == ERROR_KEYS
    assert body["code"] == "request.malformed"
    assert counts() == before


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/users", {"email": "a@example.com", "firstname": 5}, "firstname"),
        ("/users", {"email": "a@example.com", "vip": "very"}, "vip"),
        ("/users", {"email": "a@example.com", "role_ids": "1"}, "role_ids"),
        ("/users", {"email": "a@example.com", "organization_id": 2**70}, "organization_id"),
        ("/users", {"email": "a@example.com", "organization_id": 0}, "organization_id"),
        ("/users", {"email": "a@example.com", "preferences": [1]}, "preferences"),
        ("/organizations", {"shared": True}, "name"),
        ("/organizations", {"name": ["x"]}, "name"),
        ("/groups", {"note": "no name"}, "name"),
        ("/groups", {"name": "G", "assignment_timeout": "soon"}, "assignment_timeout"),
        ("/user_access_token", {"label": "l", "permission": "ticket.agent"}, "permission"),
    ],
)
def test_wrong_types_and_missing_fields_are_422(as_admin, counts, path, payload, field):
    before = counts()
    status, body = as_admin.post(path, payload)
    assert status == 422
    assert body["code"] == "request.invalid"
    assert body["field"] == field
    assert body["error"].startswith(f"{field}:")
    assert counts() == before


@pytest.mark.parametrize("path", ["/users", "/organizations", "/groups", "/user_access_token"])
def test_a_json_array_instead_of_an_object_is_422(as_admin, counts, path):
    before = counts()
    status, body = as_admin.post(path, [1, 2, 3])
    assert status == 422
    assert set(body) >= ERROR_KEYS
    assert counts() == before


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/users", {"email": "a@example.com", "firstname": MEGABYTE}, "firstname"),
        ("/users", {"email": "a@example.com", "note": MEGABYTE}, "note"),
        ("/users", {"login": MEGABYTE}, "login"),
        ("/users", {"email": MEGABYTE + "@example.com"}, "email"),
        ("/users", {"email": "a@example.com", "lastname": "nul\x00byte"}, "lastname"),
        ("/organizations", {"name": MEGABYTE}, "name"),
        ("/organizations", {"name": "ok", "note": MEGABYTE}, "note"),
        ("/groups", {"name": MEGABYTE}, "name"),
        ("/groups", {"name": "a\x00b"}, "name"),
        ("/user_access_token", {"label": MEGABYTE, "permission": ["admin"]}, "label"),
        ("/user_access_token", {"label": "l", "permission": ["admin\x00"]}, "permission"),
        ("/users", {"email": "a@example.com", "preferences": {"k": "a\x00b"}}, "preferences"),
        ("/users", {"email": "a@example.com", "preferences": {"a\x00": 1}}, "preferences"),
        ("/users", {"email": "a@example.com", "preferences": {"k": MEGABYTE}}, "preferences"),
    ],
)
def test_huge_or_nul_strings_are_422(as_admin, counts, path, payload, field):
    before = counts()
    status, body = as_admin.post(path, payload)
    assert (status, body["field"]) == (422, field)
    assert counts() == before


def test_huge_update_strings_are_422_and_change_nothing(as_admin, customer, org_a, support):
    for path, field in (
        (f"/users/{customer.pk}", "city"),
        (f"/organizations/{org_a.pk}", "domain"),
        (f"/groups/{support.pk}", "note"),
    ):
        status, body = as_admin.put(path, {field: MEGABYTE})
        assert (status, body["field"]) == (422, field)
    assert User.objects.get(pk=customer.pk).city == ""
    assert Organization.objects.get(pk=org_a.pk).domain == ""
    assert Group.objects.get(pk=support.pk).note == ""


@pytest.mark.parametrize(
    "path",
    [
        "/users/999999",
        "/users/0",
        "/users/9223372036854775808",
        "/organizations/999999",
        "/groups/999999",
        "/roles/999999",
    ],
)
def test_unknown_ids_are_404(as_admin, path):
    status, body = as_admin.get(path)
    assert status == 404
    assert set(body) == ERROR_KEYS


def test_an_id_too_long_to_be_a_number_is_422(as_admin):
    status, body = as_admin.get("/users/" + "9" * 5000)
    assert (status, body["code"], body["field"]) == (422, "request.invalid", "user_id")


def test_unknown_ids_in_writes(as_admin, customer, counts):
    before = counts()
    assert as_admin.put("/users/999999", {"firstname": "x"})[0] == 404
    assert as_admin.delete("/users/999999")[0] == 404
    assert as_admin.delete("/organizations/999999")[0] == 404
    assert as_admin.delete("/groups/999999")[0] == 404
    assert as_admin.delete("/user_access_token/999999")[0] == 404
    status, body = as_admin.put(f"/users/{customer.pk}", {"organization_id": 999999})
    assert (status, body["code"], body["field"]) == (
        422,
        "user.organization_unknown",
        "organization_id",
    )
    status, body = as_admin.put(f"/users/{customer.pk}", {"role_ids": [999999]})
    assert (status, body["code"]) == (422, "user.role_unknown")
    assert counts() == before


@pytest.mark.parametrize(
    "query",
    [
        "per_page=0",
        "per_page=abc",
        "page=0",
        "page=-1",
        "page=99999999999",
        "sort_by=" + "x" * 300,
        "expand=" + "y" * 50,
    ],
)
def test_bad_list_parameters_are_422(as_admin, query):
    status, body = as_admin.get(f"/users?{query}")
    assert status == 422
    assert set(body) >= ERROR_KEYS


def test_bad_search_queries(as_admin):
    status, body = as_admin.get("/users/search?query=" + "q" * 1001)
    assert status == 422
    status, body = as_admin.get("/users/search?query=a%00b")
    assert (status, body["field"]) == (422, "query")
    status, body = as_admin.get("/users/search?query=id:" + "9" * 30)
    assert (status, body) == (200, [])


def test_unknown_paths_answer_json_404_but_leave_php_paths_alone(as_admin):
    status, body = as_admin.get("/no/such/thing")
    assert (status, body["code"]) == (404, "api.no_endpoint")
    # ITFlow's dialect answers these; the native API's fallback must not swallow them.
    response = as_admin.client.get("/api/v1/clients/read.php")
    assert response.status_code in (301, 404)
    assert not response["Content-Type"].startswith("application/json")


def test_empty_body_on_create_is_an_error_not_a_crash(as_admin, counts):
    before = counts()
    status, body = as_admin.post("/organizations", raw="")
    assert status in (400, 422)
    assert set(body) >= ERROR_KEYS
    assert counts() == before
