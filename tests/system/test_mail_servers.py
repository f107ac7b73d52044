"""Mail against real servers: Dovecot (IMAP and POP3) for mail in, aiosmtpd for mail out.

The whole loop (mail in -> ticket -> public reply mailed with thread headers -> customer
reply -> same ticket), internal notes, SMTP down, and the fault cases of fetching.
"""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from django.db import transaction

from helpline.cli import main
from helpline.core.models import Group
from helpline.lib.actor import Actor
from helpline.mail.models import Channel, Delivery, FailedMail, InboundMessage
from helpline.mail.services import outbox
from helpline.mail.services.channels import add_channel, list_channels
from helpline.mail.services.fetch import fetch_all, fetch_channel
from helpline.mail.services.ingest import ingest_raw
from helpline.testing.factories import GroupFactory, UserFactory
from helpline.testing.mail import Dovecot, SmtpServer, use_smtp
from helpline.tickets import services
from helpline.tickets.models import Article, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

SUPPORT = "support@helpline.test"


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot({SUPPORT: "s3cret pass"})
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    use_smtp(settings, server)
    yield server
    server.stop()


@pytest.fixture
def group() -> Group:
    return GroupFactory(name="Service Desk")


@pytest.fixture
def channel(dovecot, group) -> Channel:
    return add_channel(
        Actor.system(),
        f"imap://support%40helpline.test:s3cret%20pass@127.0.0.1:{dovecot.imap_port}/INBOX",
        group="Service Desk",
        security="plain",
    )


def customer_mail(n: int, subject: str, body: str, reply_to_id: str = "") -> bytes:
    m = EmailMessage()
    m["From"] = "Dana Customer <dana@client.example>"
    m["To"] = SUPPORT
    m["Subject"] = subject
    m["Message-ID"] = f"<dana-{n}@client.example>"
    if reply_to_id:
        m["In-Reply-To"] = reply_to_id
        m["References"] = reply_to_id
    m.set_content(body)
    return m.as_bytes()


def test_the_whole_loop(dovecot, smtp, channel, group):
    agent = UserFactory(login="alice", email="alice@example.com", roles=["Agent"], groups=[group])
    dovecot.deliver(SUPPORT, customer_mail(1, "Laptop will not boot", "It beeps three times."))

    assert fetch_all(Actor.system()) == {"ticket": 1}
    assert dovecot.count(SUPPORT) == 0  # removed once committed
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.group_id, ticket.customer.email) == (
        "Laptop will not boot",
        group.pk,
        "dana@client.example",
    )
    # the customer wrote it: no notification goes back to them, nor to the agent (not involved)
    assert smtp.inbox.messages == []

    services.add_article(Actor.for_user(agent), ticket.pk, body="Hold the power button 10 s.")
    assert smtp.inbox.recipients == ["dana@client.example"]
    out = smtp.inbox.to("dana@client.example")[0]
    assert out["Subject"] == f"[Ticket#{ticket.number}] Laptop will not boot"
    assert out["In-Reply-To"] == "<dana-1@client.example>"
    assert out["References"] == "<dana-1@client.example>"
    assert out["Message-ID"] == Delivery.objects.get().message_id

    dovecot.deliver(
        SUPPORT, customer_mail(2, "Re: " + out["Subject"], "That worked!", out["Message-ID"])
    )
    assert fetch_all(Actor.system()) == {"article": 1}
    assert list(Article.objects.filter(ticket=ticket).values_list("body", "sender__name")) == [
        ("It beeps three times.", "Customer"),
        ("Hold the power button 10 s.", "Agent"),
        ("That worked!", "Customer"),
    ]
    assert Ticket.objects.count() == 1

    smtp.inbox.messages.clear()
    services.add_article(Actor.for_user(agent), ticket.pk, body="Closing soon", internal=True)
    assert smtp.inbox.messages == []  # an internal note never reaches the customer


def test_smtp_down_for_a_while_then_delivered_once(dovecot, smtp, channel, group):
    agent = UserFactory(login="alice", email="alice@example.com", roles=["Agent"], groups=[group])
    dovecot.deliver(SUPPORT, customer_mail(1, "Mouse broken", "Left button dead."))
    fetch_all(Actor.system())
    ticket = Ticket.objects.get()
    smtp.stop()
    services.add_article(Actor.for_user(agent), ticket.pk, body="New mouse on its way.")
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    Delivery.objects.update(next_attempt_at=row.created_at)
    assert outbox.flush_outbox() == {"pending": 1}  # still down: another backoff
    smtp.start()
    Delivery.objects.update(next_attempt_at=row.created_at)
    assert outbox.flush_outbox() == {"sent": 1}
    assert outbox.flush_outbox() == {}
    assert len(smtp.inbox.to("dana@client.example")) == 1


def test_worker_killed_between_fetch_and_commit_is_processed_next_pass_once(dovecot, channel):
    dovecot.deliver(SUPPORT, customer_mail(1, "Printer jam", "Paper stuck."))

    def dies_before_commit(raw: bytes, *, channel: Channel):
        with transaction.atomic():
            ingest_raw(raw, channel=channel)
            raise KeyboardInterrupt  # the worker is killed: the transaction never commits

    with pytest.raises(KeyboardInterrupt):
        fetch_channel(channel, ingest=dies_before_commit)
    assert Ticket.objects.count() == 0
    assert dovecot.count(SUPPORT) == 1  # still on the server

    assert fetch_all(Actor.system()) == {"ticket": 1}
    assert fetch_all(Actor.system()) == {}
    assert Ticket.objects.count() == 1
    assert dovecot.count(SUPPORT) == 0


def test_killed_after_commit_before_removal_is_not_doubled(dovecot, channel):
    dovecot.deliver(SUPPORT, customer_mail(1, "Printer jam", "Paper stuck."))

    def dies_after_commit(raw: bytes, *, channel: Channel):
        ingest_raw(raw, channel=channel)
        raise KeyboardInterrupt  # committed, but the server copy was not removed

    with pytest.raises(KeyboardInterrupt):
        fetch_channel(channel, ingest=dies_after_commit)
    assert dovecot.count(SUPPORT) == 1
    assert fetch_all(Actor.system()) == {"duplicate": 1}
    assert (Ticket.objects.count(), Article.objects.count()) == (1, 1)
    assert dovecot.count(SUPPORT) == 0


def test_same_message_twice_is_one_article(dovecot, channel):
    raw = customer_mail(1, "Screen flickers", "Since the update.")
    dovecot.deliver(SUPPORT, raw)
    dovecot.deliver(SUPPORT, raw)
    assert fetch_all(Actor.system()) == {"duplicate": 1, "ticket": 1}
    assert (Ticket.objects.count(), Article.objects.count(), InboundMessage.objects.count()) == (
        1,
        1,
        1,
    )


def test_malformed_mime_is_kept_and_the_next_message_still_processed(dovecot, channel):
    broken = (
        b"From: Broken <broken@client.example>\r\nTo: support@helpline.test\r\n"
        b"Subject: Broken\r\nMessage-ID: <broken-1@client.example>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed\r\n\r\nno boundary\r\n"
    )
    dovecot.deliver(SUPPORT, broken)
    dovecot.deliver(SUPPORT, customer_mail(2, "Keyboard", "Keys stick."))
    assert fetch_all(Actor.system()) == {"failed": 1, "ticket": 1}
    failed = FailedMail.objects.get()
    assert bytes(failed.raw).replace(b"\r\n", b"\n") == broken.replace(b"\r\n", b"\n")
    assert failed.error == "broken MIME structure: NoBoundaryInMultipartDefect"
    assert Ticket.objects.get().title == "Keyboard"
    assert dovecot.count(SUPPORT) == 0


def test_pop3_channel(dovecot, group):
    add_channel(
        Actor.system(),
        f"pop3://support%40helpline.test:s3cret%20pass@127.0.0.1:{dovecot.pop3_port}",
        group="Service Desk",
        security="plain",
    )
    dovecot.deliver(SUPPORT, customer_mail(1, "Over POP3", "Hello."))
    assert fetch_all(Actor.system()) == {"ticket": 1}
    assert Ticket.objects.get().title == "Over POP3"
    assert dovecot.count(SUPPORT) == 0


def test_unreachable_or_wrong_password_is_recorded_on_the_channel(dovecot, group):
    add_channel(
        Actor.system(),
        f"imap://support%40helpline.test:wrong@127.0.0.1:{dovecot.imap_port}/INBOX",
        group="Service Desk",
        security="plain",
    )
    assert fetch_all(Actor.system()) == {"errors": 1}
    assert "AUTHENTICATIONFAILED" in Channel.objects.get().last_error


def test_cli_channel_add_list_and_fetch(dovecot, group, capsys):
    url = f"imap://support%40helpline.test:s3cret%20pass@127.0.0.1:{dovecot.imap_port}/INBOX"
    assert main(["channel", "add", url, "--group", "Service Desk", "--security", "plain"]) == 0
    added = capsys.readouterr().out
    assert added.startswith("Added channel ")
    assert "s3cret" not in added
    assert main(["channel", "list"]) == 0
    listed = capsys.readouterr().out
    assert "password set" in listed
    assert "s3cret" not in listed
    assert list_channels(Actor.system())[0]["password_set"] is True
    dovecot.deliver(SUPPORT, customer_mail(1, "From the CLI", "Hi."))
    assert main(["mail", "fetch"]) == 0
    assert capsys.readouterr().out == "Fetched: ticket 1.\n"
    assert Ticket.objects.get().title == "From the CLI"


@pytest.fixture
def dovecot_tls(monkeypatch) -> Iterator[Dovecot]:
    server = Dovecot({SUPPORT: "s3cret pass"}, tls=True)
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("scheme", "port_of", "security"),
    [
        ("imaps", "imaps_port", None),
        ("imap", "imap_port", "starttls"),
        ("pop3s", "pop3s_port", None),
        ("pop3", "pop3_port", "starttls"),
    ],
)
def test_tls_and_starttls(dovecot_tls, group, monkeypatch, scheme, port_of, security):
    port = getattr(dovecot_tls, port_of)
    add_channel(
        Actor.system(),
        f"{scheme}://support%40helpline.test:s3cret%20pass@127.0.0.1:{port}",
        group="Service Desk",
        security=security,
    )
    dovecot_tls.deliver(SUPPORT, customer_mail(1, f"Over {scheme}", "Hello."))
    # the server's certificate is not trusted: nothing is read, the reason is kept
    assert fetch_all(Actor.system()) == {"errors": 1}
    assert "CERTIFICATE_VERIFY_FAILED" in Channel.objects.get().last_error
    assert dovecot_tls.count(SUPPORT) == 1

    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_tls.cert))
    assert fetch_all(Actor.system()) == {"ticket": 1}
    assert Ticket.objects.get().title == f"Over {scheme}"
    assert dovecot_tls.count(SUPPORT) == 0
