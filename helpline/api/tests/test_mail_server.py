"""``/api/v1/mail_server``: the outgoing mail server (``admin.channel``). Status codes,
bodies, the write-only password, bad input by field, the environment winning, the test
message through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json

import pytest

from helpline.api.tests.conftest import Api
from helpline.core.models import MailServer
from helpline.testing.mail import SmtpServer, free_port, mail_server_row

pytestmark = pytest.mark.django_db

SECRET = "smtp-pass-not-to-be-shown"
KEYS = {
    "source", "host", "port", "security", "username", "password_set", "sender",
    "custom_sender", "default_sender", "file_path", "updated_at", "updated_by",
}  # fmt: skip


@pytest.fixture
def server(smtp_server) -> SmtpServer:
    return smtp_server


_row = mail_server_row


def test_show_update_clear_never_answer_the_password(as_admin):
    status, shown = as_admin.get("/mail_server")
    assert status == 200
    assert set(shown) == KEYS
    assert (shown["source"], shown["host"], shown["port"]) == ("none", "", None)
    status, saved = as_admin.put(
        "/mail_server",
        {"host": "smtp.example.com", "username": "mailer", "password": SECRET, "sender": "d@x.org"},
    )
    assert status == 200, saved
    assert set(saved) == KEYS
    assert (saved["source"], saved["port"], saved["security"], saved["password_set"]) == (
        "settings",
        587,
        "starttls",
        True,
    )
    assert saved["updated_by"] == "admin1"
    assert _row() == ("smtp.example.com", 587, "starttls", "mailer", SECRET, "d@x.org")
    # only the fields sent change; an empty password keeps the stored one
    status, changed = as_admin.put("/mail_server", {"security": "tls", "password": ""})
    assert (status, changed["port"]) == (200, 465)
    assert _row() == ("smtp.example.com", 465, "tls", "mailer", SECRET, "d@x.org")
    status, cleared_pw = as_admin.put("/mail_server", {"username": "", "clear_password": True})
    assert (status, cleared_pw["password_set"]) == (200, False)
    status, again = as_admin.get("/mail_server")
    assert SECRET not in json.dumps([shown, saved, changed, again])
    status, gone = as_admin.delete("/mail_server")
    assert (status, gone["source"]) == (200, "none")
    assert not MailServer.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"host": "smtp://x.example"}, "host", "mail_server.host_invalid"),
        ({"port": 0}, "port", "request.invalid"),
        ({"port": 70000}, "port", "request.invalid"),
        ({"security": "ssl"}, "security", "request.invalid"),
        ({"sender": "nobody"}, "sender", "mail_server.sender_invalid"),
        ({"username": "u" * 255}, "username", "request.invalid"),
        ({"username": "other", "clear_password": True}, "password", "mail_server.password_missing"),
        ({"password": "x", "clear_password": True}, "password", "mail_server.password_conflict"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(as_admin, body, field, code):
    as_admin.put("/mail_server", {"host": "smtp.example.com", "username": "u", "password": SECRET})
    before = _row()
    status, answer = as_admin.put("/mail_server", body)
    assert status == 422, answer
    assert (answer["field"], answer["code"]) == (field, code)
    assert _row() == before


def test_the_first_save_needs_a_host(as_admin):
    status, answer = as_admin.put("/mail_server", {"sender": "d@x.org"})
    assert (status, answer["code"], answer["field"]) == (422, "mail_server.host_invalid", "host")
    assert not MailServer.objects.exists()


def test_the_environment_wins_409_and_nothing_written(as_admin, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.env.example"
    settings.EMAIL_PORT = 25
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    status, shown = as_admin.get("/mail_server")
    assert (status, shown["source"], shown["host"], shown["security"]) == (
        200,
        "environment",
        "smtp.env.example",
        "none",
    )
    for call in (
        lambda: as_admin.put("/mail_server", {"host": "smtp.example.com"}),
        lambda: as_admin.delete("/mail_server"),
    ):
        status, answer = call()
        assert (status, answer["code"]) == (409, "mail_server.environment")
    assert not MailServer.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected", "code"),
    [("as_agent", 403, "permission.missing"), ("as_customer", 403, "permission.missing"),
     ("anonymous", 401, "auth.required")],
)  # fmt: skip
def test_others_are_refused_and_nothing_changes(request, as_admin, who, expected, code, server):
    as_admin.put("/mail_server", {"host": "smtp.example.com", "username": "u", "password": SECRET})
    before = _row()
    api: Api = request.getfixturevalue(who)
    for method, body in (
        ("GET", None),
        ("PUT", {"host": "evil.example"}),
        ("DELETE", None),
    ):
        status, answer = api.call(method, "/mail_server", body)
        assert (status, answer["code"]) == (expected, code)
        assert SECRET not in api.last.content.decode()
    status, answer = api.call("POST", "/mail_server/test", {"to": "x@example.com"})
    assert status == expected
    assert _row() == before
    assert server.inbox.messages == []


def test_a_test_message_goes_through_the_server_or_says_why_not(as_admin, server):
    as_admin.put(
        "/mail_server",
        {"host": "127.0.0.1", "port": server.port, "security": "none", "sender": "d@x.org"},
    )
    status, sent = as_admin.post("/mail_server/test", {})
    assert (status, sent["to"], sent["source"]) == (200, "admin1@example.com", "settings")
    [mail] = server.inbox.to("admin1@example.com")
    assert mail["From"].addresses[0].addr_spec == "d@x.org"
    status, sent = as_admin.post("/mail_server/test", {"to": "someone@example.net"})
    assert (status, sent["to"]) == (200, "someone@example.net")
    as_admin.put("/mail_server", {"port": free_port()})  # nothing listens there
    status, answer = as_admin.post("/mail_server/test", {})
    assert (status, answer["code"]) == (422, "mail_server.test_failed")
    assert "refused" in answer["error"].lower()
