"""The outgoing mail server set by administrators (``mail_server``): what mail goes through,
the sender, the write-only password, validation, the environment winning, permissions and
the test message. Mail goes to a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

from helpline.core.models import MailServer
from helpline.core.services import accounts
from helpline.core.services import mail_server as service
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, PermissionDenied
from helpline.testing.factories import UserFactory
from helpline.testing.mail import SmtpServer, free_port, mail_server_row

pytestmark = pytest.mark.django_db

SECRET = "smtp-pass-not-to-be-shown"


@pytest.fixture
def server(smtp_server) -> SmtpServer:
    return smtp_server


@pytest.fixture
def admin(admin_user) -> Actor:
    return Actor.for_user(admin_user)


@pytest.fixture
def agent() -> Actor:
    return Actor.for_user(UserFactory(login="agent7", roles=["Agent"]))


def _environment(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.env.example"
    settings.EMAIL_PORT = 2525
    settings.EMAIL_USE_TLS = True
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = "env-user"
    settings.EMAIL_HOST_PASSWORD = "env-secret"
    settings.DEFAULT_FROM_EMAIL = "env@example.com"


_row = mail_server_row


def test_nothing_stored_uses_the_default_connection_and_sender(admin, settings):
    settings.DEFAULT_FROM_EMAIL = "helpline@example.net"
    assert isinstance(service.connection(), LocmemBackend)
    assert service.sender_address() == "helpline@example.net"
    shown = service.describe(admin)
    assert (shown["source"], shown["host"], shown["password_set"]) == ("none", "", False)
    assert shown["sender"] == "helpline@example.net"


def test_a_saved_server_carries_account_mail_from_the_stored_sender(
    admin, server, mailoutbox, django_capture_on_commit_callbacks
):
    shown = service.update(
        admin, host="127.0.0.1", port=server.port, security="none", sender="desk@example.org"
    )
    assert (shown["source"], shown["host"], shown["port"]) == ("settings", "127.0.0.1", server.port)
    UserFactory(login="reset-me", email="reset@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        accounts.create_password_reset(Actor.guest(), login_or_email="reset-me", locale="en")
    assert mailoutbox == []  # not Django's default connection
    [mail] = server.inbox.to("reset@example.com")
    assert mail["Subject"] == "Choose a new password for Helpline"
    assert mail["From"].addresses[0].addr_spec == "desk@example.org"
    row = MailServer.objects.get()
    assert row.updated_by is not None
    assert row.updated_by.login == "admin1"


def test_the_connection_follows_the_security_and_usual_ports(admin):
    service.update(admin, host="smtp.example.com", security="starttls")
    conn = service.connection()
    assert isinstance(conn, SmtpBackend)
    assert (conn.host, conn.port, conn.use_tls, conn.use_ssl) == (
        "smtp.example.com",
        587,
        True,
        False,
    )
    assert conn.timeout == 20
    service.update(admin, host="smtp.example.com", security="tls", port=None)
    conn = service.connection()
    assert (conn.port, conn.use_tls, conn.use_ssl) == (465, False, True)
    service.update(admin, host="10.0.0.5", security="none", port=2525, username="u", password="p")
    conn = service.connection()
    assert (conn.host, conn.port, conn.use_tls, conn.use_ssl) == ("10.0.0.5", 2525, False, False)
    assert (conn.username, conn.password) == ("u", "p")


def test_the_password_is_write_only_kept_when_blank_and_removed_on_request(admin):
    shown = service.update(
        admin, host="smtp.example.com", username="mailer", password=SECRET, security="starttls"
    )
    assert shown["password_set"] is True
    assert SECRET not in repr(shown)
    assert SECRET not in repr(service.describe(admin))
    # blank keeps it (so does leaving it out)
    service.update(admin, host="smtp2.example.com", username="mailer", password="")
    service.update(admin, port=2587)
    assert _row() == ("smtp2.example.com", 2587, "starttls", "mailer", SECRET, "")
    # a new one replaces it
    service.update(admin, password="next-secret")
    assert MailServer.objects.get().password == "next-secret"
    # an explicit clear removes it (with the user name, which needs one)
    shown = service.update(admin, username="", clear_password=True)
    assert shown["password_set"] is False
    assert MailServer.objects.get().password == ""


def test_a_new_password_and_clear_password_together_are_refused(admin):
    service.update(admin, host="smtp.example.com", username="mailer", password=SECRET)
    with pytest.raises(Invalid) as refused:
        service.update(admin, password="other", clear_password=True)
    assert (refused.value.code, refused.value.field) == (
        "mail_server.password_conflict",
        "password",
    )
    assert MailServer.objects.get().password == SECRET


GOOD = {
    "host": "smtp.example.com",
    "port": 587,
    "security": "starttls",
    "username": "mailer",
    "password": SECRET,
    "sender": "desk@example.com",
}


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"host": ""}, "mail_server.host_invalid", "host"),
        ({"host": "smtp://smtp.example.com"}, "mail_server.host_invalid", "host"),
        ({"host": "smtp.example.com:25"}, "mail_server.host_invalid", "host"),
        ({"host": "smtp example.com"}, "mail_server.host_invalid", "host"),
        ({"host": "-bad-.example.com"}, "mail_server.host_invalid", "host"),
        ({"host": "a" * 64 + ".example.com"}, "mail_server.host_invalid", "host"),
        ({"port": 0}, "mail_server.port_invalid", "port"),
        ({"port": 65536}, "mail_server.port_invalid", "port"),
        ({"port": "25"}, "mail_server.port_invalid", "port"),
        ({"port": True}, "mail_server.port_invalid", "port"),
        ({"security": "ssl"}, "mail_server.security_invalid", "security"),
        ({"username": "u" * 255}, "mail_server.username_invalid", "username"),
        ({"username": "mail\r\ner"}, "mail_server.username_invalid", "username"),
        ({"username": "m\u00e9l"}, "mail_server.username_invalid", "username"),
        ({"password": "mot-de-passe-\u00e9"}, "mail_server.password_invalid", "password"),
        ({"password": "p" * 1001}, "mail_server.password_too_long", "password"),
        ({"password": "pass\x00word"}, "mail_server.password_invalid", "password"),
        ({"sender": "not-an-address"}, "mail_server.sender_invalid", "sender"),
        ({"sender": "a@b@example.com"}, "mail_server.sender_invalid", "sender"),
        (
            {"sender": "desk@example.com\r\nBcc: x@example.com"},
            "mail_server.sender_invalid",
            "sender",
        ),
        ({"nonsense": 1}, "mail_server.field_unknown", "nonsense"),
    ],
)
def test_every_bad_field_is_refused_by_name_and_nothing_is_written(admin, changes, code, field):
    with pytest.raises(Invalid) as refused:
        service.update(admin, **(GOOD | changes))
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not MailServer.objects.exists()
    service.update(admin, **GOOD)
    before = _row()
    with pytest.raises(Invalid):
        service.update(admin, **changes)
    assert _row() == before


def test_an_international_sender_domain_is_kept_in_its_ascii_form(admin):
    shown = service.update(admin, host="smtp.example.com", sender="desk@b\u00fccher.example")
    assert shown["sender"] == "desk@xn--bcher-kva.example"
    assert service.sender_address() == "desk@xn--bcher-kva.example"


def test_a_user_name_needs_a_password(admin):
    with pytest.raises(Invalid) as refused:
        service.update(admin, host="smtp.example.com", username="mailer")
    assert (refused.value.code, refused.value.field) == ("mail_server.password_missing", "password")
    assert not MailServer.objects.exists()


def test_host_names_and_addresses_are_accepted(admin):
    for host in (
        "localhost",
        "mail-relay",
        "smtp.example.com.",
        "192.0.2.7",
        "::1",
        "2001:db8::25",
    ):
        assert service.update(admin, host=host)["host"] == host


def test_the_environment_wins_and_refuses_changes(admin, settings, server):
    service.update(
        admin, host="127.0.0.1", port=server.port, security="none", sender="x@example.org"
    )
    before = _row()
    _environment(settings)
    conn = service.connection()
    assert isinstance(conn, SmtpBackend)
    assert (conn.host, conn.port, conn.use_tls) == ("smtp.env.example", 2525, True)
    assert service.sender_address() == "env@example.com"
    shown = service.describe(admin)
    assert {k: shown[k] for k in ("source", "host", "port", "security", "username", "sender")} == {
        "source": "environment",
        "host": "smtp.env.example",
        "port": 2525,
        "security": "starttls",
        "username": "env-user",
        "sender": "env@example.com",
    }
    assert shown["password_set"] is True
    assert "env-secret" not in repr(shown)
    for call in (
        lambda: service.update(admin, host="smtp.example.com"),
        lambda: service.clear(admin),
    ):
        with pytest.raises(Conflict) as refused:
            call()
        assert refused.value.code == "mail_server.environment"
    assert _row() == before


def test_agents_are_refused_everything_and_nothing_is_written(agent, admin):
    for call in (
        lambda: service.describe(agent),
        lambda: service.update(agent, **GOOD),
        lambda: service.clear(agent),
        lambda: service.send_test(agent, "agent7@example.com"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not MailServer.objects.exists()
    service.update(admin, **GOOD)
    with pytest.raises(PermissionDenied):
        service.clear(agent)
    assert MailServer.objects.exists()


def test_clear_goes_back_to_the_file_outbox(admin, settings):
    service.update(admin, **GOOD)
    shown = service.clear(admin)
    assert shown["source"] == "none"
    assert not MailServer.objects.exists()
    assert isinstance(service.connection(), LocmemBackend)
    assert service.sender_address() == settings.DEFAULT_FROM_EMAIL


def test_send_test_goes_through_the_saved_server(admin, server):
    service.update(
        admin, host="127.0.0.1", port=server.port, security="none", sender="desk@example.org"
    )
    result = service.send_test(admin, "admin1@example.com")
    assert result["source"] == "settings"
    [mail] = server.inbox.to("admin1@example.com")
    assert mail["From"].addresses[0].addr_spec == "desk@example.org"
    assert "test" in mail["Subject"].lower()


def test_send_test_with_the_server_down_says_so_without_a_traceback(admin):
    service.update(admin, host="127.0.0.1", port=free_port(), security="none")
    with pytest.raises(Invalid) as refused:
        service.send_test(admin, "admin1@example.com")
    assert refused.value.code == "mail_server.test_failed"
    assert "refused" in refused.value.message.lower()
    assert "Traceback" not in refused.value.message


def test_send_test_needs_an_address(admin):
    with pytest.raises(Invalid) as refused:
        service.send_test(admin, "")
    assert (refused.value.code, refused.value.field) == ("mail_server.recipient_invalid", "to")
