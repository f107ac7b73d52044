"""The mail settings pages: channels (create, edit, enable/disable, delete, test, fetch now)
and failed mail (list, download, retry, delete), with who may see them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from helpline.lib.actor import Actor
from helpline.mail.models import Channel, FailedMail
from helpline.mail.services.channels import create_channel
from helpline.mail.services.ingest import ingest_raw, keep_failed
from helpline.testing.mail import Dovecot, free_port
from helpline.tickets.models import Ticket

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "fixtures" / "mail"
SECRET = "hunter2-very-secret"


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def stored(people) -> Channel:
    return create_channel(
        Actor.system(),
        group=people.group.pk,
        protocol="imap",
        security="plain",
        host="127.0.0.1",
        port=free_port(),  # nothing listens there
        username="desk@helpline.test",
        password=SECRET,
        name="desk",
    )


def _form(people, **overrides):
    data = {
        "name": "support inbox",
        "group": str(people.group.pk),
        "protocol": "imap",
        "security": "tls",
        "host": "mail.example.com",
        "port": "",
        "username": "support@example.com",
        "password": SECRET,
        "folder": "INBOX",
        "address": "",
        "poll_interval": "120",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_admin_navigation_links_the_mail_pages(admin_client, people):
    page = admin_client.get(reverse("core:admin")).content.decode()
    assert reverse("mail-admin:channels") in page
    assert reverse("mail-admin:failed") in page
    agent = Client()
    agent.force_login(people.agent)
    assert reverse("mail-admin:channels") not in agent.get(reverse("core:admin")).content.decode()


@pytest.mark.parametrize(
    ("method", "name", "needs_id"),
    [
        ("get", "channels", False),
        ("get", "channel-new", False),
        ("post", "channel-new", False),
        ("get", "channel", True),
        ("post", "channel-active", True),
        ("post", "channel-delete", True),
        ("post", "channel-test", True),
        ("post", "channel-fetch", True),
        ("get", "failed", False),
    ],
)
def test_channel_pages_refuse_agents_and_send_guests_to_log_in(
    method, name, needs_id, people, stored, django_capture_on_commit_callbacks
):
    url = reverse(f"mail-admin:{name}", args=[stored.pk] if needs_id else [])
    agent = Client()
    agent.force_login(people.agent)
    with django_capture_on_commit_callbacks() as queued:
        response = getattr(agent, method)(url, _form(people) if method == "post" else None)
    assert response.status_code == 403
    assert b"may not do this" in response.content
    assert queued == []  # nothing was fetched for them
    guest = getattr(Client(), method)(url)
    assert guest.status_code == 302
    assert guest["Location"].startswith(reverse("core:login"))
    stored.refresh_from_db()
    assert (stored.active, Channel.objects.count()) == (True, 1)


def test_failed_mail_pages_refuse_agents(people, channel_and_failed):
    _, failed = channel_and_failed
    agent = Client()
    agent.force_login(people.agent)
    for method, name in [
        ("get", "failed-raw"),
        ("post", "failed-retry"),
        ("post", "failed-delete"),
    ]:
        assert (
            getattr(agent, method)(reverse(f"mail-admin:{name}", args=[failed.pk])).status_code
            == 403
        )
    assert FailedMail.objects.filter(pk=failed.pk, resolved=False).exists()


def test_create_list_edit_round_trip_never_shows_the_password(admin_client, people):
    response = admin_client.post(reverse("mail-admin:channel-new"), _form(people))
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert (channel.name, channel.host, channel.port, channel.security, channel.group) == (
        "support inbox",
        "mail.example.com",
        993,  # the usual port of IMAP over TLS
        "tls",
        people.group,
    )
    assert (channel.password, channel.poll_interval, channel.address) == (
        SECRET,
        120,
        "support@example.com",
    )
    listing = admin_client.get(reverse("mail-admin:channels")).content.decode()
    assert "support inbox" in listing
    assert "mail.example.com:993" in listing
    assert "Service Desk" in listing
    assert "never" in listing
    assert SECRET not in listing
    edit_url = reverse("mail-admin:channel", args=[channel.pk])
    edit = admin_client.get(edit_url).content.decode()
    assert 'value="mail.example.com"' in edit
    assert SECRET not in edit  # the password field is write-only
    # a blank password keeps the stored one; the other fields change
    response = admin_client.post(
        edit_url, _form(people, password="", folder="Support", port="1993", poll_interval="30")
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.password, channel.folder, channel.port, channel.poll_interval) == (
        SECRET,
        "Support",
        1993,
        30,
    )
    admin_client.post(edit_url, _form(people, password="new-secret"))
    channel.refresh_from_db()
    assert channel.password == "new-secret"


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"protocol": "pop3", "folder": "Archive"}, "folder", "POP3 has only the INBOX folder."),
        ({"password": ""}, "password", "Enter the password of the mailbox."),
        ({"port": "70000"}, "port", "65535"),
        ({"poll_interval": "5"}, "poll_interval", "10"),
        ({"address": "not-an-address"}, "address", "This is not an email address."),
        ({"host": "  "}, "host", "This field is required."),
    ],
)
def test_bad_fields_are_shown_on_the_field_and_nothing_is_written(
    admin_client, people, overrides, field, text
):
    response = admin_client.post(reverse("mail-admin:channel-new"), _form(people, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert text in " ".join(form.errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Channel.objects.exists()


def test_a_taken_name_is_refused_on_the_name_field(admin_client, people, stored):
    response = admin_client.post(reverse("mail-admin:channel-new"), _form(people, name="desk"))
    assert response.context["form"].errors["name"] == ["Another channel has this name."]
    assert Channel.objects.count() == 1


def test_disable_enable_and_delete(admin_client, stored):
    admin_client.post(reverse("mail-admin:channel-active", args=[stored.pk]), {"active": "0"})
    stored.refresh_from_db()
    assert stored.active is False
    listing = admin_client.get(reverse("mail-admin:channels")).content.decode()
    assert "Disabled" in listing
    assert reverse("mail-admin:channel-fetch", args=[stored.pk]) not in listing
    admin_client.post(reverse("mail-admin:channel-active", args=[stored.pk]), {"active": "1"})
    stored.refresh_from_db()
    assert stored.active is True
    response = admin_client.post(reverse("mail-admin:channel-delete", args=[stored.pk]))
    assert response.status_code == 302
    assert not Channel.objects.exists()
    assert admin_client.get(reverse("mail-admin:channel", args=[stored.pk])).status_code == 404


def test_fetch_now_queues_the_job_and_answers_without_waiting(
    admin_client, stored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = admin_client.post(
            reverse("mail-admin:channel-fetch", args=[stored.pk]), follow=True
        )
    assert "A fetch of desk is queued" in response.content.decode()
    stored.refresh_from_db()
    assert (stored.last_fetch_at, stored.last_error) == (None, "")  # not contacted yet
    assert len(queued) == 1
    queued[0]()  # the worker runs the job (jobs run inline in tests)
    stored.refresh_from_db()
    assert stored.last_fetch_at is not None
    assert stored.last_error.startswith("ConnectionRefusedError")
    listing = admin_client.get(reverse("mail-admin:channels")).content.decode()
    assert "ConnectionRefusedError" in listing


def test_fetch_now_of_a_disabled_channel_says_so(
    admin_client, stored, django_capture_on_commit_callbacks
):
    stored.active = False
    stored.save()
    with django_capture_on_commit_callbacks() as queued:
        response = admin_client.post(
            reverse("mail-admin:channel-fetch", args=[stored.pk]), follow=True
        )
    assert "The channel is disabled; enable it first." in response.content.decode()
    assert queued == []


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot({"desk@helpline.test": "s3cret pass"})
    server.start()
    yield server
    server.stop()


def test_test_connection_against_a_real_imap_server(admin_client, people, dovecot):
    good = create_channel(
        Actor.system(),
        group=people.group.pk,
        security="plain",
        host="127.0.0.1",
        port=dovecot.imap_port,
        username="desk@helpline.test",
        password="s3cret pass",
        name="good",
    )
    bad = create_channel(
        Actor.system(),
        group=people.group.pk,
        protocol="pop3",
        security="plain",
        host="127.0.0.1",
        port=dovecot.pop3_port,
        username="desk@helpline.test",
        password="wrong",
        name="bad",
    )
    dovecot.deliver("desk@helpline.test", (CORPUS / "01_plain.eml").read_bytes())
    ok = admin_client.post(reverse("mail-admin:channel-test", args=[good.pk]), follow=True)
    assert "The connection works" in ok.content.decode()
    failed = admin_client.post(reverse("mail-admin:channel-test", args=[bad.pk]), follow=True)
    assert "The connection failed: error_proto" in failed.content.decode()
    assert dovecot.count("desk@helpline.test") == 1  # a test reads and removes nothing
    assert not Ticket.objects.exists()


@pytest.fixture
def channel_and_failed(people):
    channel = create_channel(
        Actor.system(),
        group=people.group.pk,
        host="mail.example.com",
        username="support@helpline.test",
        password="x",
        name="support",
    )
    outcome = ingest_raw((CORPUS / "24_malformed_no_from.eml").read_bytes(), channel=channel)
    return channel, FailedMail.objects.get(pk=outcome.failed_mail_id)


def test_failed_mail_list_download_retry_delete(admin_client, channel_and_failed):
    channel, broken = channel_and_failed
    raw = (CORPUS / "01_plain.eml").read_bytes()
    kept = keep_failed(raw, channel, "rate limited: dana@client.example sent 20 messages")
    listing = admin_client.get(reverse("mail-admin:failed"))
    page = listing.content.decode()
    assert "no sender address" in page
    assert "rate limited" in page
    rows = {m.pk: m for m in listing.context["page_obj"]}
    assert rows[kept.failed_mail_id].size == len(raw)
    download = admin_client.get(reverse("mail-admin:failed-raw", args=[kept.failed_mail_id]))
    assert download["Content-Type"] == "message/rfc822"
    assert "attachment" in download["Content-Disposition"]
    assert download.content == raw
    # retrying the broken one fails again: kept, one more attempt
    again = admin_client.post(reverse("mail-admin:failed-retry", args=[broken.pk]), follow=True)
    assert "The mail failed again: no sender address" in again.content.decode()
    broken.refresh_from_db()
    assert (broken.attempts, broken.resolved) == (2, False)
    # retrying the rate-limited one now makes its ticket
    done = admin_client.post(
        reverse("mail-admin:failed-retry", args=[kept.failed_mail_id]), follow=True
    )
    ticket = Ticket.objects.get()
    assert f"The mail is taken in: ticket {ticket.pk}." in done.content.decode()
    assert ticket.title == "Printer does not print"
    page = admin_client.get(reverse("mail-admin:failed")).content.decode()
    assert "rate limited" not in page  # resolved: only shown with ?all=1
    assert (
        "rate limited" in admin_client.get(reverse("mail-admin:failed") + "?all=1").content.decode()
    )
    admin_client.post(reverse("mail-admin:failed-delete", args=[broken.pk]))
    assert not FailedMail.objects.filter(pk=broken.pk).exists()
    assert admin_client.get(reverse("mail-admin:failed-raw", args=[broken.pk])).status_code == 404


def test_outgoing_mail_settings_are_shown_without_the_password(admin_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.example.com"
    settings.EMAIL_PORT = 587
    settings.EMAIL_USE_TLS = True
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = "mailer"
    settings.EMAIL_HOST_PASSWORD = "smtp-secret"
    settings.DEFAULT_FROM_EMAIL = "support@example.com"
    page = admin_client.get(reverse("mail-admin:channels")).content.decode()
    assert "smtp.example.com:587 (starttls)" in page
    assert "support@example.com" in page
    assert "mailer" in page
    assert "smtp-secret" not in page


def test_pages_speak_french(admin_client, stored):
    admin_client.post(reverse("core:language-update"), {"language": "fr", "next": "/"})
    page = admin_client.get(reverse("mail-admin:channels")).content.decode()
    assert "Canaux de messagerie" in page
