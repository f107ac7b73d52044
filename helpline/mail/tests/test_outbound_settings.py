"""The "Outgoing mail" page (``/admin/mail/outbound/``): saving an SMTP server makes ticket
notifications and account mail go through it; the password is write-only; bad fields are
refused by name; the environment wins; agents get 403; the test message; back to files."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from helpline.core.models import MailServer
from helpline.core.services import mail_server
from helpline.lib.actor import Actor
from helpline.mail.models import Delivery
from helpline.mail.services import outbox
from helpline.testing.mail import SmtpServer, mail_server_row
from helpline.tickets import services as tickets

pytestmark = pytest.mark.django_db

SECRET = "smtp-pass-not-to-be-shown"
URL = "/admin/mail/outbound/"


@pytest.fixture
def server(smtp_server) -> SmtpServer:
    return smtp_server


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def _form(server: SmtpServer | None = None, **overrides: str) -> dict[str, str]:
    data = {
        "host": "127.0.0.1",
        "port": str(server.port) if server else "2525",
        "security": "none",
        "username": "",
        "password": "",
        "sender": "desk@example.org",
    }
    data.update(overrides)
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _save(client: Client, data: dict[str, str]) -> None:
    """Save the form and read its message, so the next response shows only its own."""
    response = client.post(URL, data, follow=True)
    assert _messages(response) == ["The outgoing mail server is saved."]


_row = mail_server_row


def test_url_name_and_link_from_the_channels_page(admin_client):
    assert reverse("mail-admin:outbound") == URL
    assert URL in admin_client.get(reverse("mail-admin:channels")).content.decode()


def test_saving_the_form_sends_ticket_and_account_mail_through_that_server(
    admin_client, server, people, mailoutbox, django_capture_on_commit_callbacks
):
    response = admin_client.post(URL, _form(server), follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert _messages(response) == ["The outgoing mail server is saved."]
    assert _row() == ("127.0.0.1", server.port, "none", "", "", "desk@example.org")
    # a ticket notification, written to the outbox and sent by its flush
    ticket = tickets.create_ticket(
        Actor.for_user(people.agent),
        title="Printer on fire",
        body="It is on fire.",
        group=people.group,
        customer=people.customer,
    )
    assert Delivery.objects.get().status == "pending"
    assert outbox.flush_outbox() == {"sent": 1}
    [mail] = server.inbox.to("carol@example.com")
    assert mail["From"].addresses[0].addr_spec == "desk@example.org"
    assert mail["X-Loop"] == "desk@example.org"
    assert mail["Message-ID"].endswith("@example.org>")
    assert mail["X-Helpline-Ticket"] == ticket.number
    # an account mail (lost password) through the page
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/lost/", {"login": "carol"})
    [_, reset] = server.inbox.to("carol@example.com")
    assert "password" in reset["Subject"].lower()
    assert reset["From"].addresses[0].addr_spec == "desk@example.org"
    assert mailoutbox == []


def test_the_password_is_never_shown_kept_when_blank_and_cleared_on_request(admin_client):
    _save(admin_client, _form(username="mailer", password=SECRET, security="starttls"))
    assert _row() == ("127.0.0.1", 2525, "starttls", "mailer", SECRET, "desk@example.org")
    for page in (URL, reverse("mail-admin:channels")):
        html = admin_client.get(page).content.decode()
        assert SECRET not in html
    page = admin_client.get(URL).content.decode()
    assert 'name="password"' in page
    assert "Leave blank to keep the stored password." in page
    assert 'value="mailer"' in page
    # blank keeps it
    _save(admin_client, _form(username="mailer", password="", host="smtp.example.com"))
    assert _row() == ("smtp.example.com", 2525, "none", "mailer", SECRET, "desk@example.org")
    # clear removes it
    response = admin_client.post(
        URL, _form(username="", password="", clear_password="on"), follow=True
    )
    assert _messages(response) == ["The outgoing mail server is saved."]
    assert MailServer.objects.get().password == ""


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"host": "smtp://mail.example.com"}, "host", "name or IP address"),
        ({"host": "mail example.com"}, "host", "name or IP address"),
        ({"host": ""}, "host", "This field is required."),
        ({"port": "0"}, "port", "1"),
        ({"port": "70000"}, "port", "65535"),
        ({"port": "abc"}, "port", "Enter a whole number."),
        ({"security": "ssl"}, "security", "Select a valid choice."),
        ({"sender": "not-an-address"}, "sender", "This is not an email address."),
        ({"username": "u" * 255}, "username", "254"),
        ({"password": "mot-de-passe-\u00e9"}, "password", "only ASCII characters"),
        (
            {"username": "mailer", "clear_password": "on"},
            "password",
            "Enter the password of the SMTP account.",
        ),
        (
            {"password": "x", "clear_password": "on"},
            "password",
            "Either a new password or clear it, not both.",
        ),
    ],
)
def test_every_bad_field_is_shown_on_the_field_and_nothing_is_written(
    admin_client, overrides, field, text
):
    _save(admin_client, _form(username="mailer", password=SECRET))
    before = _row()
    assert before is not None
    data = _form(**overrides)
    response = admin_client.post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert text in " ".join(form.errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert _row() == before


def test_the_environment_makes_the_page_read_only_and_refuses_changes(admin_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.env.example"
    settings.EMAIL_PORT = 465
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = True
    settings.EMAIL_HOST_USER = "env-user"
    settings.EMAIL_HOST_PASSWORD = "env-secret"
    settings.DEFAULT_FROM_EMAIL = "env@example.com"
    page = admin_client.get(URL).content.decode()
    assert "HELPLINE_SMTP_URL" in page
    assert "smtp.env.example:465 (tls)" in page
    assert "env-user" in page
    assert "env-secret" not in page
    assert 'name="host"' not in page  # nothing to edit
    assert reverse("mail-admin:outbound-test") in page  # a test message still helps
    for url, data in ((URL, _form()), (reverse("mail-admin:outbound-clear"), {})):
        response = admin_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert _messages(response) == [
            "HELPLINE_SMTP_URL in the environment sets the outgoing mail server; change it there."
        ]
    assert not MailServer.objects.exists()


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "outbound"),
        ("post", "outbound"),
        ("post", "outbound-clear"),
        ("post", "outbound-test"),
    ],
)
def test_agents_get_403_and_guests_log_in_and_nothing_changes(
    method, name, people, admin_client, server
):
    _save(admin_client, _form(server))
    before = _row()
    agent = Client()
    agent.force_login(people.agent)
    response = getattr(agent, method)(reverse(f"mail-admin:{name}"), _form(host="evil.example"))
    assert response.status_code == 403
    assert b"may not do this" in response.content
    guest = getattr(Client(), method)(reverse(f"mail-admin:{name}"))
    assert guest.status_code == 302
    assert guest["Location"].startswith(reverse("core:login"))
    assert _row() == before
    assert server.inbox.messages == []


def test_send_a_test_message_to_the_admins_own_address(admin_client, server):
    _save(admin_client, _form(server))
    response = admin_client.post(reverse("mail-admin:outbound-test"), follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert _messages(response) == [
        f"A test message went to admin1@example.com through 127.0.0.1:{server.port}."
    ]
    [mail] = server.inbox.to("admin1@example.com")
    assert mail["From"].addresses[0].addr_spec == "desk@example.org"


def test_a_test_message_with_the_server_stopped_says_why(admin_client, server):
    _save(admin_client, _form(server))
    server.stop()
    response = admin_client.post(reverse("mail-admin:outbound-test"), follow=True)
    assert response.status_code == 200
    [text] = _messages(response)
    assert text.startswith("The test message could not be sent: ")
    assert "refused" in text.lower()
    assert "Traceback" not in response.content.decode()


def test_use_no_smtp_server_goes_back_to_the_file_outbox(admin_client, settings, tmp_path):
    _save(admin_client, _form(username="mailer", password=SECRET))
    response = admin_client.post(reverse("mail-admin:outbound-clear"), follow=True)
    assert _messages(response) == ["No SMTP server: mail is kept as files in the outbox folder."]
    assert not MailServer.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    assert mail_server.describe(Actor.system())["source"] == "none"
    page = admin_client.get(URL).content.decode()
    assert f"None: mail is kept as files in {tmp_path / 'outbox'}" in page
    assert 'name="host"' in page  # the form is there to set one again
    listing = admin_client.get(reverse("mail-admin:channels")).content.decode()
    assert f"None: mail is kept as files in {tmp_path / 'outbox'}" in listing


def test_the_page_speaks_french(admin_client):
    admin_client.post(reverse("core:language-update"), {"language": "fr", "next": "/"})
    page = admin_client.get(URL).content.decode()
    assert "Messages sortants" in page
    assert "Laisser vide pour garder le mot de passe enregistré." in page
