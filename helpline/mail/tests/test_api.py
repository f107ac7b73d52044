"""``/api/v1/channels_email`` and ``/api/v1/failed_mails``: status codes, bodies, the
permission matrix (admin, agent, customer, anonymous) and the write-only password."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from helpline.api.tests.conftest import Api, basic
from helpline.lib.actor import Actor
from helpline.mail.models import Channel, FailedMail
from helpline.mail.services.channels import create_channel
from helpline.mail.services.ingest import ingest_raw, keep_failed
from helpline.testing.factories import UserFactory
from helpline.testing.mail import free_port
from helpline.tickets.models import Ticket

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "fixtures" / "mail"
SECRET = "hunter2-very-secret"
CHANNEL_KEYS = {
    "id", "name", "group_id", "group", "protocol", "security", "host", "port", "username",
    "password_set", "folder", "address", "poll_interval", "active", "last_fetch_at",
    "last_error", "created_at", "updated_at",
}  # fmt: skip
FAILED_KEYS = {
    "id", "channel_id", "error", "size", "attempts", "resolved", "created_at", "updated_at",
}  # fmt: skip


@pytest.fixture
def as_admin(admin_user) -> Api:
    return Api(basic(admin_user.login))


@pytest.fixture
def personas(people, admin_user) -> dict[str, Api]:
    customer = UserFactory(login="cust9", email="cust9@example.com", roles=["Customer"])
    return {
        "admin": Api(basic(admin_user.login)),
        "agent": Api(basic(people.agent.login)),
        "customer": Api(basic(customer.login)),
        "anonymous": Api(),
    }


@pytest.fixture
def stored(people) -> Channel:
    return create_channel(
        Actor.system(),
        group=people.group.pk,
        security="plain",
        host="127.0.0.1",
        port=free_port(),  # nothing listens there
        username="desk@helpline.test",
        password=SECRET,
        name="desk",
    )


@pytest.fixture
def failed(stored) -> FailedMail:
    outcome = ingest_raw((CORPUS / "24_malformed_no_from.eml").read_bytes(), channel=stored)
    return FailedMail.objects.get(pk=outcome.failed_mail_id)


def _body(people, **overrides):
    data = {
        "group_id": people.group.pk,
        "protocol": "imap",
        "security": "starttls",
        "host": "mail.example.com",
        "username": "support@example.com",
        "password": SECRET,
        "poll_interval": 120,
    }
    data.update(overrides)
    return data


CALLS = [
    ("get", "/channels_email", None),
    ("get", "/channels_email/{channel}", None),
    ("post", "/channels_email", "create"),
    ("put", "/channels_email/{channel}", {"poll_interval": 300}),
    ("post", "/channels_email/{channel}/fetch", None),
    ("post", "/channels_email/{channel}/check", None),
    ("get", "/failed_mails", None),
    ("get", "/failed_mails/{failed}", None),
    ("get", "/failed_mails/{failed}/raw", None),
    ("post", "/failed_mails/{failed}/retry", None),
    ("delete", "/failed_mails/{failed}", None),
    ("delete", "/channels_email/{channel}", None),
]
EXPECTED = {"admin": 200, "agent": 403, "customer": 403, "anonymous": 401}


@pytest.mark.parametrize("who", sorted(EXPECTED))
@pytest.mark.parametrize(("method", "path", "body"), CALLS)
def test_permission_matrix(
    who, method, path, body, personas, people, stored, failed, django_capture_on_commit_callbacks
):
    api = personas[who]
    url = path.format(channel=stored.pk, failed=failed.pk)
    payload = _body(people, name="other") if body == "create" else body
    with django_capture_on_commit_callbacks() as queued:
        if url.endswith("/raw"):  # not JSON when it succeeds
            response = Client().get(
                f"/api/v1{url}",
                **({"HTTP_AUTHORIZATION": api.authorization} if api.authorization else {}),
            )
            api.last = response
            status = response.status_code
            answer = response.json() if status != 200 else None
        elif method in ("post", "put"):
            status, answer = api.call(method.upper(), url, payload)
        else:
            status, answer = api.call(method.upper(), url)
    assert status == EXPECTED[who], answer
    if who != "admin":
        assert answer["code"] == ("auth.required" if who == "anonymous" else "permission.missing")
        assert queued == []
        stored.refresh_from_db()
        assert (stored.poll_interval, Channel.objects.count()) == (60, 1)
        assert FailedMail.objects.filter(pk=failed.pk, attempts=1).exists()
    assert SECRET not in api.last.content.decode(errors="replace")


def test_create_show_update_list_never_return_the_password(as_admin, people):
    status, created = as_admin.post("/channels_email", _body(people, name="support inbox"))
    assert status == 200
    assert set(created) == CHANNEL_KEYS
    assert (created["name"], created["port"], created["group"], created["password_set"]) == (
        "support inbox",
        143,
        "Service Desk",
        True,
    )
    assert created["address"] == "support@example.com"
    assert created["last_fetch_at"] is None
    row = Channel.objects.get(pk=created["id"])
    assert row.password == SECRET
    status, shown = as_admin.get(f"/channels_email/{row.pk}")
    assert (status, shown) == (200, created)
    status, updated = as_admin.put(
        f"/channels_email/{row.pk}", {"folder": "Support", "active": False, "password": ""}
    )
    assert status == 200
    assert (updated["folder"], updated["active"], updated["password_set"]) == (
        "Support",
        False,
        True,
    )
    row.refresh_from_db()
    assert row.password == SECRET  # empty keeps the stored one
    as_admin.put(f"/channels_email/{row.pk}", {"password": "new-secret"})
    row.refresh_from_db()
    assert row.password == "new-secret"
    status, listed = as_admin.get("/channels_email")
    assert status == 200
    assert [c["id"] for c in listed] == [row.pk]
    assert "password" not in listed[0]
    for text in (SECRET, "new-secret"):
        assert text not in json.dumps([created, shown, updated, listed])


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"host": None}, "host", "request.invalid"),
        ({"port": 70000}, "port", "request.invalid"),
        ({"poll_interval": 5}, "poll_interval", "request.invalid"),
        ({"protocol": "smtp"}, "protocol", "request.invalid"),
        ({"password": ""}, "password", "channel.password_missing"),
        ({"protocol": "pop3", "folder": "Archive"}, "folder", "channel.folder_invalid"),
        ({"group_id": 999999}, "group", "channel.group_unknown"),
        ({"address": "nobody"}, "address", "channel.address_invalid"),
        ({"host": "two words"}, "host", "channel.host_invalid"),
    ],
)
def test_bad_input_is_422_naming_the_field(as_admin, people, overrides, field, code):
    body = {k: v for k, v in _body(people, **overrides).items() if v is not None}
    status, answer = as_admin.post("/channels_email", body)
    assert status == 422
    assert (answer["field"], answer["code"]) == (field, code)
    assert answer["error"]
    assert not Channel.objects.exists()


def test_update_errors_and_conflicts(as_admin, people, stored):
    create_channel(
        Actor.system(), group=people.group.pk, host="h", username="u", password="p", name="two"
    )
    status, answer = as_admin.put(f"/channels_email/{stored.pk}", {"name": "two"})
    assert (status, answer["code"], answer["field"]) == (409, "channel.name_taken", "name")
    status, answer = as_admin.put(f"/channels_email/{stored.pk}", {"poll_interval": 3})
    assert (status, answer["field"]) == (422, "poll_interval")
    assert as_admin.put("/channels_email/999999", {"host": "x"})[0] == 404
    assert as_admin.get("/channels_email/999999")[0] == 404
    stored.refresh_from_db()
    assert (stored.name, stored.poll_interval) == ("desk", 60)


def test_delete_then_gone(as_admin, stored):
    assert as_admin.delete(f"/channels_email/{stored.pk}") == (200, {})
    assert as_admin.get(f"/channels_email/{stored.pk}")[0] == 404
    assert as_admin.delete(f"/channels_email/{stored.pk}")[0] == 404


def test_fetch_queues_and_answers_before_the_server_is_contacted(
    as_admin, stored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        status, answer = as_admin.post(f"/channels_email/{stored.pk}/fetch")
    assert (status, answer) == (200, {"id": stored.pk, "queued": True})
    stored.refresh_from_db()
    assert stored.last_fetch_at is None
    assert len(queued) == 1
    queued[0]()
    status, shown = as_admin.get(f"/channels_email/{stored.pk}")
    assert shown["last_error"].startswith("ConnectionRefusedError")
    assert shown["last_fetch_at"].endswith("Z")
    Channel.objects.filter(pk=stored.pk).update(active=False)
    status, answer = as_admin.post(f"/channels_email/{stored.pk}/fetch")
    assert (status, answer["code"]) == (409, "channel.inactive")


def test_check_reports_the_server_error(as_admin, stored):
    status, answer = as_admin.post(f"/channels_email/{stored.pk}/check")
    assert status == 200
    assert answer["ok"] is False
    assert answer["error"].startswith("ConnectionRefusedError")


def test_failed_mails_list_show_raw_retry_delete(as_admin, stored, failed):
    raw = (CORPUS / "01_plain.eml").read_bytes()
    kept = keep_failed(raw, stored, "rate limited: dana@client.example sent 20 messages")
    status, listed = as_admin.get("/failed_mails")
    assert status == 200
    assert [m["id"] for m in listed] == [kept.failed_mail_id, failed.pk]  # newest first
    assert set(listed[0]) == FAILED_KEYS
    assert (listed[0]["size"], listed[0]["channel_id"], listed[1]["error"]) == (
        len(raw),
        stored.pk,
        "no sender address",
    )
    assert as_admin.get("/failed_mails?per_page=1&page=2")[1][0]["id"] == failed.pk
    status, shown = as_admin.get(f"/failed_mails/{failed.pk}")
    assert (status, shown["size"]) == (200, len(bytes(failed.raw)))
    response = Client().get(
        f"/api/v1/failed_mails/{kept.failed_mail_id}/raw",
        HTTP_AUTHORIZATION=as_admin.authorization,
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response.content == raw
    status, again = as_admin.post(f"/failed_mails/{failed.pk}/retry")
    assert (status, again["outcome"], again["reason"]) == (200, "failed", "no sender address")
    assert as_admin.get(f"/failed_mails/{failed.pk}")[1]["attempts"] == 2
    status, done = as_admin.post(f"/failed_mails/{kept.failed_mail_id}/retry")
    ticket = Ticket.objects.get()
    assert (done["outcome"], done["ticket_id"]) == ("ticket", ticket.pk)
    assert [m["id"] for m in as_admin.get("/failed_mails")[1]] == [failed.pk]
    everything = as_admin.get("/failed_mails?include_resolved=true")[1]
    assert {m["id"]: m["resolved"] for m in everything} == {
        kept.failed_mail_id: True,
        failed.pk: False,
    }
    status, answer = as_admin.post(f"/failed_mails/{kept.failed_mail_id}/retry")
    assert (status, answer["code"]) == (409, "failed_mail.resolved")
    assert as_admin.delete(f"/failed_mails/{failed.pk}") == (200, {})
    assert as_admin.get(f"/failed_mails/{failed.pk}")[0] == 404
    assert as_admin.get(f"/failed_mails/{failed.pk}/raw")[0] == 404


def test_openapi_documents_the_write_only_password(client):
    schema = client.get("/api/v1/openapi.json").json()
    parts = schema["components"]["schemas"]
    assert "password" in parts["ChannelCreateIn"]["properties"]
    assert "password" not in parts["ChannelOut"]["properties"]
    assert "/api/v1/failed_mails/{failed_id}/raw" in schema["paths"]
