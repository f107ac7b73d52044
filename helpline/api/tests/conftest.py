"""Personas and a small client for the native API's tests."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from helpline.core.models import AccessToken
from helpline.core.services import settings as runtime
from helpline.core.services import tokens
from helpline.lib.actor import Actor
from helpline.testing.factories import (
    PASSWORD,
    GroupFactory,
    OrganizationFactory,
    UserFactory,
)

USER_KEYS = {
    "id", "organization_id", "login", "firstname", "lastname", "email", "image",
    "image_source", "web", "phone", "fax", "mobile", "department", "street", "zip", "city",
    "country", "address", "vip", "verified", "active", "note", "last_login", "source",
    "login_failed", "out_of_office", "out_of_office_start_at", "out_of_office_end_at",
    "out_of_office_replacement_id", "preferences", "updated_by_id", "created_by_id",
    "created_at", "updated_at", "role_ids", "organization_ids", "authorization_ids",
    "group_ids",
}  # fmt: skip
USER_EXPANDED_KEYS = USER_KEYS | {
    "organization", "roles", "organizations", "authorizations", "groups", "created_by",
    "updated_by",
}  # fmt: skip
ORGANIZATION_KEYS = {
    "id", "name", "shared", "domain", "domain_assignment", "active", "vip", "note",
    "updated_by_id", "created_by_id", "created_at", "updated_at", "member_ids",
}  # fmt: skip
GROUP_KEYS = {
    "id", "signature_id", "email_address_id", "name", "assignment_timeout",
    "follow_up_possible", "follow_up_assignment", "active", "note", "updated_by_id",
    "created_by_id", "created_at", "updated_at", "user_ids",
}  # fmt: skip
ROLE_KEYS = {
    "id", "name", "preferences", "default_at_signup", "active", "note", "updated_by_id",
    "created_by_id", "created_at", "updated_at", "permission_ids",
    "knowledge_base_permission_ids", "group_ids",
}  # fmt: skip
ERROR_KEYS = {"error", "error_human", "code"}


def basic(login: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


@dataclass
class Api:
    """Calls ``/api/v1`` with one set of credentials; answers (status, parsed JSON)."""

    authorization: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    client: Client = field(default_factory=Client)

    def call(self, method: str, path: str, body: Any = None, raw: str | None = None) -> Any:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in self.headers.items()}
        if self.authorization:
            extra["HTTP_AUTHORIZATION"] = self.authorization
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs: dict[str, Any] = {"content_type": "application/json"} if data is not None else {}
        if data is not None:
            kwargs["data"] = data
        response = getattr(self.client, method.lower())(f"/api/v1{path}", **kwargs, **extra)
        self.last = response
        content = response.content
        return response.status_code, (json.loads(content) if content else None)

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self.call("POST", path, body, raw)

    def put(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self.call("PUT", path, body, raw)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)


def token_for(user: Any, permissions: list[str], **kwargs: Any) -> str:
    """A real token made through the service, for ``user``."""
    return tokens.create_token(
        Actor.for_user(user), label=kwargs.pop("label", "test"), permissions=permissions, **kwargs
    ).plaintext


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Org A", shared=True)


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Org B", shared=True)


@pytest.fixture
def support(db):
    return GroupFactory(name="Support")


@pytest.fixture
def admin(db):
    return UserFactory(login="admin1", email="admin1@example.com", roles=["Admin"])


@pytest.fixture
def agent(db, support):
    return UserFactory(
        login="agent1", email="agent1@example.com", roles=["Agent"], groups=[support]
    )


@pytest.fixture
def customer(db, org_a):
    return UserFactory(login="cust1", email="cust1@example.com", organization=org_a)


@pytest.fixture
def customer_same_org(db, org_a):
    return UserFactory(login="cust2", email="cust2@example.com", organization=org_a)


@pytest.fixture
def customer_other_org(db, org_b):
    return UserFactory(login="cust3", email="cust3@example.com", organization=org_b)


@pytest.fixture
def as_admin(admin) -> Api:
    return Api(basic(admin.login))


@pytest.fixture
def as_agent(agent) -> Api:
    return Api(basic(agent.login))


@pytest.fixture
def as_customer(customer) -> Api:
    return Api(basic(customer.login))


@pytest.fixture
def anonymous(db) -> Api:
    return Api()


@pytest.fixture
def impersonation_on(db):
    runtime.update_setting(Actor.system(), "users.allow_impersonation", True)


def token_row(plaintext: str) -> AccessToken:
    return AccessToken.objects.get(token_hash=tokens.hash_token(plaintext))
