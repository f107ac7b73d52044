"""Who may do what through /api/v1, as one table: personas x endpoints -> status.

Personas: an administrator, an agent (member of Support), a customer of Org A, another
customer of Org A, a customer of Org B, the administrator's token with the admin permission
and with only an unrelated one, and nobody. Targets: cust1 (Org A), an unreferenced user,
Org A, an empty organization, Support and an empty group. Registration is closed so that
creating users is a staff action. A refused call must leave everything as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from helpline.api.tests.conftest import Api, basic, token_for
from helpline.core.models import AccessToken, Group, GroupMembership, Organization, User
from helpline.core.services import settings as runtime
from helpline.lib.actor import Actor
from helpline.testing.factories import GroupFactory, OrganizationFactory, UserFactory

PERSONAS = (
    "admin", "agent", "customer", "same_org", "other_org", "token_with", "token_without",
    "anonymous",
)  # fmt: skip

# (name, method, path, body, statuses in PERSONAS order)
TABLE: list[tuple[str, str, str, dict[str, Any] | None, tuple[int, ...]]] = [
    ("list users", "GET", "/users", None, (200, 200, 200, 200, 200, 200, 200, 401)),
    ("show customer", "GET", "/users/{cust1}", None, (200, 200, 200, 200, 404, 200, 404, 401)),
    ("search users", "GET", "/users/search?query=cust", None,
     (200, 200, 403, 403, 403, 200, 403, 401)),
    ("create user", "POST", "/users", {"email": "matrix@example.com"},
     (200, 200, 403, 403, 403, 200, 403, 403)),
    ("update customer", "PUT", "/users/{cust1}", {"lastname": "Changed"},
     (200, 200, 200, 403, 404, 200, 404, 401)),
    ("delete user", "DELETE", "/users/{victim}", None, (200, 403, 403, 403, 403, 200, 403, 401)),
    ("list organizations", "GET", "/organizations", None,
     (200, 200, 200, 200, 200, 200, 200, 401)),
    ("show organization", "GET", "/organizations/{org_a}", None,
     (200, 200, 200, 200, 404, 200, 404, 401)),
    ("search organizations", "GET", "/organizations/search?query=org", None,
     (200, 200, 403, 403, 403, 200, 403, 401)),
    ("create organization", "POST", "/organizations", {"name": "Matrix Org"},
     (200, 403, 403, 403, 403, 200, 403, 401)),
    ("update organization", "PUT", "/organizations/{org_a}", {"note": "changed"},
     (200, 403, 403, 403, 403, 200, 403, 401)),
    ("delete organization", "DELETE", "/organizations/{empty_org}", None,
     (200, 403, 403, 403, 403, 200, 403, 401)),
    ("list groups", "GET", "/groups", None, (200, 200, 403, 403, 403, 200, 403, 401)),
    ("show group", "GET", "/groups/{support}", None, (200, 200, 403, 403, 403, 200, 403, 401)),
    ("create group", "POST", "/groups", {"name": "Matrix Group"},
     (200, 403, 403, 403, 403, 200, 403, 401)),
    ("update group", "PUT", "/groups/{support}", {"note": "changed"},
     (200, 403, 403, 403, 403, 200, 403, 401)),
    ("delete group", "DELETE", "/groups/{empty_group}", None,
     (200, 403, 403, 403, 403, 200, 403, 401)),
    ("list roles", "GET", "/roles", None, (200, 200, 403, 403, 403, 200, 403, 401)),
    ("list tokens", "GET", "/user_access_token", None, (200, 200, 200, 200, 200, 200, 403, 401)),
    ("create token", "POST", "/user_access_token",
     {"label": "m", "permission": ["user_preferences.access_token"]},
     (200, 200, 200, 200, 200, 200, 403, 401)),
]  # fmt: skip


@pytest.fixture
def world(db, admin, agent, customer, customer_same_org, customer_other_org, org_a, support):
    runtime.update_setting(Actor.system(), "users.allow_registrations", False)
    apis = {
        "admin": Api(basic("admin1")),
        "agent": Api(basic("agent1")),
        "customer": Api(basic("cust1")),
        "same_org": Api(basic("cust2")),
        "other_org": Api(basic("cust3")),
        "token_with": Api("Bearer " + token_for(admin, ["admin", "user_preferences"])),
        "token_without": Api("Bearer " + token_for(admin, ["user_preferences.password"])),
        "anonymous": Api(),
    }
    ids = {
        "cust1": customer.pk,
        "victim": UserFactory(login="victim").pk,
        "org_a": org_a.pk,
        "empty_org": OrganizationFactory(name="Empty Org").pk,
        "support": support.pk,
        "empty_group": GroupFactory(name="Empty Group").pk,
    }
    return apis, ids


def state() -> tuple[Any, ...]:
    return (
        User.objects.count(),
        Organization.objects.count(),
        Group.objects.count(),
        GroupMembership.objects.count(),
        AccessToken.objects.count(),
        sorted(User.objects.values_list("pk", "lastname", "updated_at")),
        sorted(Organization.objects.values_list("pk", "note", "updated_at")),
        sorted(Group.objects.values_list("pk", "note", "updated_at")),
    )


CASES = [
    pytest.param(method, path, body, persona, statuses[i], id=f"{name}-{persona}")
    for name, method, path, body, statuses in TABLE
    for i, persona in enumerate(PERSONAS)
]


@pytest.mark.parametrize(("method", "path", "body", "persona", "expected"), CASES)
def test_matrix(world, method, path, body, persona, expected):
    apis, ids = world
    before = state()
    status, answer = apis[persona].call(method, path.format(**ids), body)
    assert status == expected, answer
    if expected >= 400:
        assert set(answer) >= {"error", "error_human", "code"}
        assert state() == before
    else:
        assert answer is not None
