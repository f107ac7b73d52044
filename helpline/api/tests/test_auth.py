import base64
from datetime import timedelta

import pytest
from django.middleware.csrf import get_token
from django.test import Client

from helpline.api.tests.conftest import ERROR_KEYS, Api, basic, token_for, token_row
from helpline.core.models import Organization, User
from helpline.lib import clock
from helpline.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_basic_by_login_any_case_and_by_email(admin):
    for credentials in ("admin1", "ADMIN1", "admin1@example.com"):
        status, body = Api(basic(credentials)).get("/users/me")
        assert (status, body["id"], body["login"]) == (200, admin.pk, "admin1")


def test_wrong_password_is_401_and_counted(admin):
    api = Api(basic("admin1", "wrong password"))
    status, body = api.get("/users/me")
    assert status == 401
    assert body == {
        "error": "Invalid BasicAuth credentials",
        "error_human": "Invalid BasicAuth credentials",
        "code": "auth.bad_credentials",
    }
    assert api.last["WWW-Authenticate"] == 'Token realm="Helpline"'
    assert User.objects.get(pk=admin.pk).login_failed == 1


@pytest.mark.parametrize(
    "header",
    [
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Basic " + base64.b64encode(b"admin1\x00:x").decode(),
        "Digest abc",
        "Token token=",
        "Bearer " + "x" * 2000,
    ],
)
def test_malformed_credentials_are_401(admin, header):
    status, body = Api(header).get("/users/me")
    assert status == 401
    assert set(body) == ERROR_KEYS


def test_anonymous_is_401(anonymous):
    status, body = anonymous.get("/users")
    assert status == 401
    assert body["code"] == "auth.required"
    assert anonymous.last["WWW-Authenticate"] == 'Token realm="Helpline"'


@pytest.mark.parametrize(
    "template", ["Token token={}", 'Token token="{}"', "Token {}", "Bearer {}", "token token={}"]
)
def test_access_token_in_every_accepted_form(admin, template):
    plaintext = token_for(admin, ["admin.user"])
    status, body = Api(template.format(plaintext)).get("/users/me")
    assert (status, body["login"]) == (200, "admin1")


def test_a_token_acts_with_only_its_permissions(admin, customer):
    narrow = token_for(admin, ["user_preferences"])
    status, body = Api(f"Token token={narrow}").get("/users")
    # Without admin.user or ticket.agent, only the token's own user is visible.
    assert (status, [u["id"] for u in body]) == (200, [admin.pk])
    status, _ = Api(f"Token token={narrow}").post("/organizations", {"name": "Nope"})
    assert status == 403
    assert not Organization.objects.filter(name="Nope").exists()


def test_unknown_token_is_401(admin):
    status, body = Api("Token token=not-a-real-token").get("/users/me")
    assert (status, body["code"]) == (401, "token.invalid")


def test_expired_token_is_401(admin):
    plaintext = token_for(admin, ["admin.user"])
    row = token_row(plaintext)
    row.expires_at = clock.now() - timedelta(seconds=1)
    row.save()
    status, body = Api(f"Token token={plaintext}").get("/users/me")
    assert (status, body["code"], body["error"]) == (
        401,
        "token.expired",
        "Not authorized (token expired)!",
    )


def test_token_of_a_disabled_user_is_401(admin):
    plaintext = token_for(admin, ["admin.user"])
    User.objects.filter(pk=admin.pk).update(active=False)
    status, body = Api(f"Bearer {plaintext}").get("/users/me")
    assert (status, body["code"]) == (401, "token.user_disabled")


def test_token_use_is_recorded_at_most_once_a_minute(admin):
    plaintext = token_for(admin, ["admin.user"])
    assert token_row(plaintext).last_used_at is None
    Api(f"Bearer {plaintext}").get("/users/me")
    first = token_row(plaintext).last_used_at
    assert first is not None
    Api(f"Bearer {plaintext}").get("/users/me")
    assert token_row(plaintext).last_used_at == first


def _session_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_reads_without_csrf(admin):
    client = _session_client(admin)
    response = client.get("/api/v1/users/me")
    assert (response.status_code, response.json()["id"]) == (200, admin.pk)


def test_session_write_without_csrf_token_is_refused_and_writes_nothing(admin):
    client = _session_client(admin)
    response = client.post(
        "/api/v1/organizations", data={"name": "Sneaky"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "auth.csrf_failed"
    assert not Organization.objects.filter(name="Sneaky").exists()


def test_session_write_with_csrf_token_works(admin, rf):
    client = _session_client(admin)
    client.get("/api/v1/users/me")  # any request; the cookie is set below
    request = rf.get("/")
    token = get_token(request)
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    response = client.post(
        "/api/v1/organizations",
        data={"name": "Legit"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert Organization.objects.get(name="Legit").created_by_id == admin.pk


def test_basic_auth_needs_no_csrf_and_sets_no_session(admin):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/organizations",
        data={"name": "Scripted"},
        content_type="application/json",
        HTTP_AUTHORIZATION=basic("admin1"),
    )
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


# --- X-On-Behalf-Of


@pytest.mark.parametrize("reference", ["id", "login", "LOGIN", "email"])
def test_admin_acts_on_behalf_of_a_user_by_id_login_or_email(
    impersonation_on, admin, customer, reference
):
    value = {
        "id": str(customer.pk),
        "login": customer.login,
        "LOGIN": customer.login.upper(),
        "email": customer.email,
    }[reference]
    status, body = Api(basic("admin1"), headers={"X-On-Behalf-Of": value}).get("/users/me")
    assert (status, body["id"]) == (200, customer.pk)


def test_on_behalf_writes_are_made_by_that_user(impersonation_on, admin, agent):
    api = Api(basic("admin1"), headers={"X-On-Behalf-Of": "agent1"})
    status, body = api.post("/users", {"email": "new@example.com"})
    assert status == 200
    assert body["created_by_id"] == agent.pk


def test_zammads_newer_from_header_works_too(impersonation_on, admin, customer):
    status, body = Api(basic("admin1"), headers={"From": customer.email}).get("/users/me")
    assert (status, body["id"]) == (200, customer.pk)


def test_agent_acts_for_customers_only(impersonation_on, agent, customer, admin):
    status, body = Api(basic("agent1"), headers={"X-On-Behalf-Of": "cust1"}).get("/users/me")
    assert (status, body["id"]) == (200, customer.pk)
    status, body = Api(basic("agent1"), headers={"X-On-Behalf-Of": "admin1"}).get("/users/me")
    assert (status, body["code"]) == (403, "auth.on_behalf_staff")


def test_customer_cannot_act_on_behalf(impersonation_on, customer, customer_same_org):
    status, body = Api(basic("cust1"), headers={"X-On-Behalf-Of": "cust2"}).get("/users/me")
    assert (status, body["code"]) == (403, "auth.on_behalf_forbidden")


def test_on_behalf_of_unknown_or_disabled_user_is_422(impersonation_on, admin):
    UserFactory(login="gone", active=False)
    for reference in ("nobody", "gone", "999999", "x\x00y"):
        api = Api(basic("admin1"), headers={"X-On-Behalf-Of": reference})
        status, body = api.get("/users/me")
        assert (status, body["code"], body["field"]) == (
            422,
            "auth.on_behalf_unknown",
            "X-On-Behalf-Of",
        )


def test_on_behalf_is_off_unless_the_setting_allows_it(admin, customer):
    status, body = Api(basic("admin1"), headers={"X-On-Behalf-Of": "cust1"}).get("/users/me")
    assert (status, body["code"]) == (403, "auth.on_behalf_disabled")


def test_on_behalf_through_a_token_keeps_the_token_narrowing(impersonation_on, admin, agent):
    plaintext = token_for(admin, ["admin.user", "user_preferences"])
    api = Api(f"Bearer {plaintext}", headers={"X-On-Behalf-Of": "agent1"})
    status, body = api.get("/users")
    # The agent could list everyone, but the token does not carry ticket.agent.
    assert (status, [u["id"] for u in body]) == (200, [agent.pk])


def test_password_is_never_in_an_answer(admin):
    api = Api(basic("admin1"))
    status, body = api.get("/users/me")
    assert status == 200
    assert "password" not in body
    assert PASSWORD not in api.last.content.decode()
