"""Outbound notifications, sent to a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from helpline.core.services.settings import update_setting
from helpline.lib.actor import Actor
from helpline.mail import rules
from helpline.mail.models import Delivery
from helpline.mail.services import outbox
from helpline.tickets import services
from helpline.tickets.models import Article

pytestmark = pytest.mark.django_db


def _ticket(people, commit, **kw):
    with commit():
        return services.create_ticket(
            Actor.for_user(people.agent),
            title="Printer on fire",
            body="It is on fire.",
            group=people.group,
            customer=people.customer,
            **kw,
        )


def test_creation_mails_the_customer_with_token_and_thread_headers(smtp, people, commit):
    ticket = _ticket(people, commit)

    assert smtp.inbox.recipients == ["carol@example.com"]  # never the actor (alice)
    mail = smtp.inbox.to("carol@example.com")[0]
    assert mail["Subject"] == f"[Ticket#{ticket.number}] Printer on fire"
    row = Delivery.objects.get()
    assert row.status == "sent"
    assert row.attempts == 1
    assert row.kind == "ticket_created"
    assert mail["Message-ID"] == row.message_id
    assert mail["In-Reply-To"] == f"<ticket.{ticket.pk}@helpline.test>"
    assert mail["References"] == f"<ticket.{ticket.pk}@helpline.test>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["X-Helpline-Ticket"] == ticket.number
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "It is on fire." in text
    assert f"/tickets/{ticket.pk}" in text
    assert "It is on fire." in html
    assert "<html" in html


def test_public_reply_goes_to_customer_owner_assignees_followers_and_submitter(
    smtp, people, commit
):
    ticket = _ticket(
        people, commit, submitter_email="boss@client.example", owner=people.other_agent
    )
    with commit():
        services.follow_ticket(Actor.for_user(people.follower), ticket.pk)
    smtp.inbox.messages.clear()

    with commit():
        services.add_article(Actor.for_user(people.agent), ticket.pk, body="We are on it.")

    assert smtp.inbox.recipients == [
        "bob@example.com",
        "boss@client.example",
        "carol@example.com",
        "fred@example.com",
    ]
    mail = smtp.inbox.to("carol@example.com")[0]
    assert "We are on it." in mail.get_body(("plain",)).get_content()
    assert Delivery.objects.filter(kind="article_added", status="sent").count() == 4


def test_internal_note_reaches_agents_only(smtp, people, commit):
    ticket = _ticket(
        people, commit, submitter_email="boss@client.example", owner=people.other_agent
    )
    smtp.inbox.messages.clear()

    with commit():
        services.add_article(
            Actor.for_user(people.agent), ticket.pk, body="Internal: budget", internal=True
        )

    assert smtp.inbox.recipients == ["bob@example.com"]
    assert (
        "An internal note" in smtp.inbox.to("bob@example.com")[0].get_body(("plain",)).get_content()
    )


def test_resolution_is_mailed_to_everyone_and_plain_updates_not_to_the_submitter(
    smtp, people, commit
):
    ticket = _ticket(people, commit, submitter_email="boss@client.example")
    smtp.inbox.messages.clear()
    with commit():
        services.update_ticket(
            Actor.for_user(people.agent), ticket.pk, {"title": "Printer smoking"}
        )
    assert smtp.inbox.recipients == ["carol@example.com"]
    smtp.inbox.messages.clear()

    with commit():
        services.resolve_ticket(Actor.for_user(people.agent), ticket.pk, resolution="Replaced it.")

    assert smtp.inbox.recipients == ["boss@client.example", "carol@example.com"]
    text = smtp.inbox.to("boss@client.example")[0].get_body(("plain",)).get_content()
    assert "Resolution: Replaced it." in text


def test_preferences_switch_kinds_off_and_language_is_the_users(smtp, people, commit):
    people.customer.preferences = {"notifications": {"article_added": False}, "locale": "fr"}
    people.customer.save()
    ticket = _ticket(people, commit)
    mail = smtp.inbox.to("carol@example.com")[0]
    assert "Un nouveau ticket a été ouvert" in mail.get_body(("plain",)).get_content()
    smtp.inbox.messages.clear()

    with commit():
        services.add_article(Actor.for_user(people.agent), ticket.pk, body="Reply")

    assert smtp.inbox.messages == []


def test_smtp_down_retries_with_backoff_and_delivers_once(smtp, people, commit):
    smtp.stop()
    ticket = _ticket(people, commit)
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("ConnectionRefusedError")
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert outbox.flush_outbox() == {}  # not due yet

    smtp.start()
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert outbox.flush_outbox() == {"sent": 1}
    assert outbox.flush_outbox() == {}
    assert len(smtp.inbox.to("carol@example.com")) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert ticket.pk == row.ticket_id


def test_final_failure_leaves_an_internal_system_note_and_mails_nobody(smtp, people, commit):
    update_setting(Actor.system(), "mail.max_attempts", 2)
    smtp.stop()
    ticket = _ticket(people, commit)
    Delivery.objects.update(next_attempt_at=timezone.now())
    with commit():
        assert outbox.flush_outbox() == {"failed": 1}

    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("failed", 2)
    note = Article.objects.filter(ticket=ticket).order_by("-id").first()
    assert note is not None
    assert (note.internal, note.sender.name, note.type.name) == (True, "System", "note")
    assert note.body.startswith("The notification mail to carol@example.com could not be delivered")
    assert Delivery.objects.count() == 1  # the note itself is mailed to no one


def test_claim_is_a_compare_and_set_and_a_dead_workers_lease_expires(smtp, people, commit):
    smtp.stop()
    _ticket(people, commit)
    row = Delivery.objects.get()
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert outbox.claim_delivery(row.pk) is True
    assert outbox.claim_delivery(row.pk) is False  # a second worker gets nothing
    assert outbox.due_deliveries() == []
    # the claiming worker died: after the lease the row is due again, and sent once
    Delivery.objects.update(claimed_at=timezone.now() - outbox.LEASE - timedelta(seconds=1))
    smtp.start()
    assert outbox.due_deliveries() == [row.pk]
    assert outbox.flush_outbox() == {"sent": 1}
    assert len(smtp.inbox.messages) == 1


def test_the_same_event_twice_writes_one_row(smtp, people, commit):
    ticket = _ticket(people, commit)
    article = Article.objects.get(ticket=ticket)
    from helpline.mail.services.notify import queue_notifications

    with commit():
        again = queue_notifications(ticket.pk, rules.CREATED, people.agent.pk, article.pk)
    assert again == []
    assert Delivery.objects.count() == 1
    assert len(smtp.inbox.messages) == 1


def test_notification_plugin_gets_each_value_as_one_argument(smtp, people, commit, tmp_path):
    out = tmp_path / "plugin.out"
    script = tmp_path / "plugin.py"
    script.write_text(
        f"import json, sys\nopen({str(out)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    update_setting(
        Actor.system(),
        "mail.notification_plugin",
        f"{sys.executable} {script} --user %user% --title '%title%' %message%",
    )
    people.customer.login = "carol; rm -rf /"
    people.customer.save()
    ticket = _ticket(people, commit)

    import json

    lines = out.read_text().splitlines()
    assert len(lines) == 1
    argv = json.loads(lines[0])
    assert argv[:4] == [
        "--user",
        "carol; rm -rf /",
        "--title",
        f"[Ticket#{ticket.number}] Printer on fire",
    ]
    assert len(argv) == 5
    assert "It is on fire." in argv[4]


def test_plugin_timeout_and_missing_command_never_stop_a_mail(smtp, people, commit):
    update_setting(Actor.system(), "mail.notification_plugin_timeout", 1)
    update_setting(
        Actor.system(),
        "mail.notification_plugin",
        f"{sys.executable} -c 'import time; time.sleep(5)'",
    )
    assert outbox.run_plugin("u", "t", "m") is None
    update_setting(Actor.system(), "mail.notification_plugin", "/nonexistent/plugin %user%")
    assert outbox.run_plugin("u", "t", "m") is None
    update_setting(Actor.system(), "mail.notification_plugin", "")
    _ticket(people, commit)
    assert len(smtp.inbox.messages) == 1


def test_plugin_argv_substitutes_inside_arguments():
    assert rules.plugin_argv("echo %message% >> %user%.log", {"user": "a b", "message": "x;y"}) == [
        "echo",
        "x;y",
        ">>",
        "a b.log",
    ]


def test_digest_lists_open_tickets_once_a_day(smtp, people, commit):
    from helpline.mail.services import digest

    ticket = _ticket(people, commit)
    smtp.inbox.messages.clear()
    with commit():
        assert len(digest.queue_digests()) == 2  # carol (customer) and alice (created it)
    with commit():
        assert digest.queue_digests() == []
    mail = smtp.inbox.to("carol@example.com")[0]
    assert mail["Subject"] == "Your outstanding tickets"
    assert (
        f"[Ticket#{ticket.number}] Printer on fire (new)" in mail.get_body(("plain",)).get_content()
    )
    assert len(smtp.inbox.messages) == 2


def test_digest_and_flush_commands_need_admin_channel(smtp, people, commit, admin_user, capsys):
    from helpline.cli import main
    from helpline.lib.errors import PermissionDenied
    from helpline.mail.services import digest

    _ticket(people, commit)
    smtp.inbox.messages.clear()
    with pytest.raises(PermissionDenied):
        digest.send_digests(Actor.for_user(people.agent))
    with pytest.raises(PermissionDenied):
        outbox.flush_outbox_as(Actor.for_user(people.agent))
    assert digest.send_digests(Actor.for_user(admin_user)) == {"sent": 2}
    assert sorted(smtp.inbox.recipients) == ["alice@example.com", "carol@example.com"]
    assert main(["mail", "digest"]) == 0
    assert capsys.readouterr().out == "Digest: nothing to do.\n"
    assert main(["mail", "flush"]) == 0
    assert capsys.readouterr().out == "Outbox: nothing to do.\n"


def test_html_article_with_inline_images_is_mailed_as_multipart_related(
    smtp, people, commit, settings
):
    """A customer's Outlook mail with two inline images, then a follower's notification:
    the HTML part refers to the images by cid:, the images travel as related parts."""
    from pathlib import Path

    from helpline.core.models import Attachment
    from helpline.mail.models import Channel
    from helpline.mail.services.ingest import ingest_raw

    settings.DEFAULT_FROM_EMAIL = "support@helpline.test"
    channel = Channel.objects.create(
        name="support", group=people.group, host="h", port=143, username="u", password="p"
    )
    raw = (
        Path(__file__).parent / "fixtures" / "mail" / "35_outlook_related_inline.eml"
    ).read_bytes()
    with commit():
        first = ingest_raw(raw, channel=channel)
    with commit():
        services.follow_ticket(Actor.for_user(people.follower), first.ticket_id)
    smtp.inbox.messages.clear()
    reply = raw.replace(
        b"Message-ID: <DB9PR10MB5170A1B2C3D4E5F60718293A4B5C6@",
        b"In-Reply-To: <DB9PR10MB5170A1B2C3D4E5F60718293A4B5C6@DB9PR10MB5170.EURPRD10.PROD"
        b".OUTLOOK.COM>\nMessage-ID: <reply-2@",
    )
    with commit():
        second = ingest_raw(reply, channel=channel)
    assert second.kind == "article"
    mail = smtp.inbox.to("fred@example.com")[0]
    assert mail.get_content_type() == "multipart/related"
    html = mail.get_body(("html",)).get_content()
    assert 'src="cid:image001.png@01DB0E1A.2F3C4D50"' in html
    assert 'src="cid:image002.gif@01DB0E1A.2F3C4D50"' in html
    assert "as soon as I open the calendar" in html
    images = {
        part["Content-ID"]: part for part in mail.walk() if part.get_content_maintype() == "image"
    }
    assert set(images) == {
        "<image001.png@01DB0E1A.2F3C4D50>",
        "<image002.gif@01DB0E1A.2F3C4D50>",
    }
    stored = Attachment.objects.get(object_id=second.article_id, filename="image001.png")
    assert (
        images["<image001.png@01DB0E1A.2F3C4D50>"].get_content() == stored.store.open("rb").read()
    )
    assert images["<image001.png@01DB0E1A.2F3C4D50>"].get_content_disposition() == "inline"
    # a plain article still goes as text and HTML alternatives, nothing related
    smtp.inbox.messages.clear()
    with commit():
        services.add_article(Actor.for_user(people.agent), first.ticket_id, body="On it.")
    plain = smtp.inbox.to("fred@example.com")[0]
    assert plain.get_content_type() == "multipart/alternative"
