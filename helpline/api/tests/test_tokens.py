import hashlib

import pytest

from helpline.api.tests.conftest import Api, basic, token_for, token_row
from helpline.core.models import AccessToken, Permission
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_KEYS = {
    "id", "user_id", "action", "label", "prefix", "preferences", "last_used_at",
    "expires_at", "created_at", "updated_at",
}  # fmt: skip
PERMISSION_KEYS = {"id", "name", "note", "preferences", "active", "created_at", "updated_at"}


def test_create_answers_the_token_once_and_stores_only_its_hash(as_agent, agent):
    status, body = as_agent.post(
        "/user_access_token",
        {"label": "some test", "permission": ["ticket.agent"], "expires_at": None},
    )
    assert status == 200
    assert list(body) == ["name"]
    plaintext = body["name"]
    assert len(plaintext) == 64
    row = AccessToken.objects.get(user=agent)
    assert row.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert (row.prefix, row.label, row.kind, row.permissions) == (
        plaintext[:8],
        "some test",
        "api",
        ["ticket.agent"],
    )
    stored = " ".join(str(v) for v in AccessToken.objects.values_list().get())
    assert plaintext not in stored
    status, listed = as_agent.get("/user_access_token")
    assert plaintext not in as_agent.last.content.decode()
    assert status == 200
    assert list(listed) == ["tokens", "permissions"]
    assert [set(t) for t in listed["tokens"]] == [TOKEN_KEYS]
    token = listed["tokens"][0]
    assert (token["id"], token["user_id"], token["action"], token["label"]) == (
        row.pk,
        agent.pk,
        "api",
        "some test",
    )
    assert token["preferences"] == {"permission": ["ticket.agent"]}
    assert token["expires_at"] is None


def test_permissions_listed_are_the_ones_held_plus_disabled_parents(db):
    UserFactory(login="level1", roles=["Level 1 - Authorized users"])
    api = Api(basic("level1"))
    status, listed = api.get("/user_access_token")
    assert status == 200
    assert all(set(p) == PERMISSION_KEYS for p in listed["permissions"])
    assert [(p["name"], p["preferences"]) for p in listed["permissions"]] == [
        ("knowledge_base.reader", {}),
        ("ticket.customer", {}),
        ("user_preferences", {"disabled": True}),
        ("user_preferences.access_token", {}),
        ("user_preferences.language", {}),
        ("user_preferences.notifications", {}),
        ("user_preferences.password", {}),
    ]
    status, body = api.post(
        "/user_access_token", {"label": "parent", "permission": ["user_preferences"]}
    )
    assert (status, body["code"]) == (403, "token.permission_not_held")


def test_a_token_cannot_carry_what_its_user_does_not_hold(as_agent, agent):
    status, body = as_agent.post(
        "/user_access_token", {"label": "grab", "permission": ["admin.user"]}
    )
    assert (status, body["code"], body["field"]) == (403, "token.permission_not_held", "permission")
    status, body = as_agent.post(
        "/user_access_token", {"label": "typo", "permission": ["ticket.agnet"]}
    )
    assert (status, body["code"]) == (422, "token.permission_unknown")
    status, body = as_agent.post("/user_access_token", {"label": "none", "permission": []})
    assert (status, body["code"]) == (422, "token.permission")
    status, body = as_agent.post("/user_access_token", {"permission": ["ticket.agent"]})
    assert (status, body["field"]) == (422, "label")
    status, body = as_agent.post(
        "/user_access_token", {"label": " ", "permission": ["ticket.agent"]}
    )
    assert (status, body["code"]) == (422, "token.missing")
    assert AccessToken.objects.filter(user=agent).count() == 0


def test_a_token_cannot_mint_a_broader_token(admin):
    narrow = token_for(admin, ["user_preferences.access_token"])
    api = Api(f"Bearer {narrow}")
    status, body = api.post("/user_access_token", {"label": "wider", "permission": ["admin"]})
    assert (status, body["code"]) == (403, "token.permission_not_held")
    status, body = api.post(
        "/user_access_token",
        {"label": "same", "permission": ["user_preferences.access_token"]},
    )
    assert status == 200
    assert AccessToken.objects.filter(user=admin).count() == 2


def test_expiry_dates_and_times(as_agent, agent):
    status, _ = as_agent.post(
        "/user_access_token",
        {"label": "dated", "permission": ["ticket.agent"], "expires_at": "2999-01-02"},
    )
    assert status == 200
    _, listed = as_agent.get("/user_access_token")
    assert listed["tokens"][0]["expires_at"] == "2999-01-02T00:00:00.000Z"
    for bad in ("2000-01-01", "tomorrow", "2999-13-45"):
        status, body = as_agent.post(
            "/user_access_token",
            {"label": "bad", "permission": ["ticket.agent"], "expires_at": bad},
        )
        assert (status, body["field"]) == (422, "expires_at")
    assert AccessToken.objects.filter(user=agent).count() == 1


def test_delete_own_token_by_delete_or_put(as_agent, agent):
    first = token_row(token_for(agent, ["ticket.agent"], label="one"))
    second = token_row(token_for(agent, ["ticket.agent"], label="two"))
    assert as_agent.delete(f"/user_access_token/{first.pk}") == (200, {})
    assert as_agent.put(f"/user_access_token/{second.pk}") == (200, {})
    assert AccessToken.objects.filter(user=agent).count() == 0


def test_someone_elses_token_is_not_found(as_agent, admin):
    theirs = token_row(token_for(admin, ["admin"]))
    status, body = as_agent.delete(f"/user_access_token/{theirs.pk}")
    assert (status, body["code"]) == (404, "token.not_found")
    assert AccessToken.objects.filter(pk=theirs.pk).exists()
    _, listed = as_agent.get("/user_access_token")
    assert listed["tokens"] == []


def test_token_endpoints_need_the_access_token_permission(db):
    UserFactory(login="level0", roles=["Level 0 - Unauthorized users"])
    api = Api(basic("level0"))
    assert api.get("/user_access_token")[0] == 403
    status, body = api.post("/user_access_token", {"label": "x", "permission": ["x"]})
    assert (status, body["code"]) == (403, "permission.missing")
    assert Permission.objects.filter(name="user_preferences.access_token").exists()
