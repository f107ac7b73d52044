"""Mail in: the corpus of real-world-shaped messages, threading, duplicates, loops, bounces,
rate limits and failed mail."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from helpline.core.models import Attachment, User
from helpline.core.services.settings import update_setting
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, PermissionDenied
from helpline.mail.models import Channel, Delivery, FailedMail, InboundMessage
from helpline.mail.services.failed import list_failed_mail, reprocess_failed_mail
from helpline.mail.services.ingest import ingest_raw
from helpline.tickets import services
from helpline.tickets.models import Article, Ticket

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "fixtures" / "mail"

# file -> (outcome, title, content_type, text in the body, stored attachment names)
EXPECTED = {
    "01_plain.eml": (
        "ticket",
        "Printer does not print",
        "text/plain",
        "floor 2 does not print",
        [],
    ),
    "02_alternative.eml": ("ticket", "VPN drops every hour", "text/html", "<b>VPN</b>", []),
    "03_html_script.eml": ("ticket", "Strange page", "text/html", "<p>Look</p>", []),
    "04_rfc2047_subject.eml": ("ticket", "Écran cassé du portable", "text/plain", "L'écran", []),
    "05_latin1.eml": ("ticket", "Problème de téléphone", "text/plain", "téléphone ne sonne", []),
    "06_cp1252_qp.eml": (
        "ticket",
        "Euro sign € missing",
        "text/plain",
        "show € as a box \u2013 please",
        [],
    ),
    "07_shift_jis.eml": ("ticket", "プリンター", "text/plain", "プリンターが動きません。", []),
    "08_pdf_attachment.eml": (
        "ticket",
        "Invoice attached",
        "text/plain",
        "See the invoice.",
        ["invoice.pdf"],
    ),
    "09_inline_image.eml": (
        "ticket",
        "Screenshot of the error",
        "text/html",
        "See",
        ["screenshot.png"],
    ),
    "10_winmail_dat.eml": (
        "ticket",
        "Meeting room projector",
        "text/plain",
        "Attachments not stored: winmail.dat (type not allowed)",
        [],
    ),
    "11_oversized.eml": (
        "ticket",
        "Huge log file",
        "text/plain",
        "Attachments not stored: huge.log (larger than 1 MiB)",
        [],
    ),
    "12_forward_rfc822.eml": (
        "ticket",
        "Fwd: License expires",
        "text/plain",
        "Please renew",
        ["forwarded-1.eml"],
    ),
    "13_nested_forward.eml": (
        "ticket",
        "Fwd: Fwd: License expires",
        "text/plain",
        "my boss sent",
        ["forwarded-1.eml"],
    ),
    "14_inline_forward.eml": (
        "ticket",
        "Fw: Password reset not received",
        "text/plain",
        "I never got the reset mail.",
        [],
    ),
    "15_no_subject.eml": ("ticket", "(no subject)", "text/plain", "just a question", []),
    "16_no_message_id.eml": ("ticket", "Missing id", "text/plain", "has no Message-ID", []),
    "17_auto_replied.eml": ("ignored", "auto_submitted", None, None, None),
    "18_precedence_bulk.eml": ("ignored", "bulk", None, None, None),
    "19_precedence_list.eml": ("ignored", "bulk", None, None, None),
    "20_x_loop.eml": ("ignored", "loop", None, None, None),
    "21_own_address.eml": ("ignored", "own_address", None, None, None),
    "22_x_autoreply.eml": ("ignored", "auto_submitted", None, None, None),
    "23_malformed_no_boundary.eml": (
        "failed",
        "broken MIME structure: NoBoundaryInMultipartDefect",
        None,
        None,
        None,
    ),
    "24_malformed_no_from.eml": ("failed", "no sender address", None, None, None),
    "25_malformed_bad_boundary.eml": (
        "failed",
        "broken MIME structure: StartBoundaryNotFoundDefect",
        None,
        None,
        None,
    ),
    "26_mixed_two_attachments.eml": (
        "ticket",
        "Logs and screenshot",
        "text/html",
        "Logs attached.",
        ["app.log", "error.png"],
    ),
    "27_rfc2231_filename.eml": (
        "ticket",
        "Rapport",
        "text/plain",
        "Voici le rapport.",
        ["résumé été.csv"],
    ),
    "28_html_base64_emoji.eml": ("ticket", "Emoji 🎉 party", "text/html", "Thanks 🎉 for", []),
    "29_html_dangerous.eml": ("ticket", "Newsletter-like but personal", "text/html", "Click", []),
    "30_long_subject.eml": (
        "ticket",
        ("A very long subject line " * 8).strip(),
        "text/plain",
        "Long subject.",
        [],
    ),
    "31_apple_plain.eml": (
        "ticket",
        "Keyboard layout",
        "text/plain",
        "QWERTY instead of AZERTY",
        [],
    ),
    "32_bounce_dsn.eml": ("ignored", "bounce_unmatched", None, None, None),
    "33_gb2312_html.eml": ("ticket", "网络故障", "text/html", "网络连接失败", []),
    "34_unknown_charset.eml": (
        "ticket",
        "Odd charset",
        "text/plain",
        "Plain ascii in an unknown",
        [],
    ),
    "35_outlook_related_inline.eml": (
        "ticket",
        "Outlook crashes when opening the calendar",
        "text/html",
        "as soon as I open the calendar",
        ["image001.png", "image002.gif"],
    ),
}


@pytest.fixture
def channel(people, settings):
    settings.DEFAULT_FROM_EMAIL = "support@helpline.test"
    update_setting(Actor.system(), "uploads.max_size_mb", 1)
    return Channel.objects.create(
        name="support",
        group=people.group,
        host="127.0.0.1",
        port=143,
        username="support@helpline.test",
        password="secret",
        address="support@helpline.test",
    )


def test_corpus_has_every_file_listed():
    assert sorted(p.name for p in CORPUS.glob("*.eml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message(name, channel, commit):
    kind, detail, content_type, text, files = EXPECTED[name]
    with commit():
        outcome = ingest_raw((CORPUS / name).read_bytes(), channel=channel)
    assert outcome.kind == kind
    if kind == "ticket":
        ticket = Ticket.objects.get(pk=outcome.ticket_id)
        assert ticket.title == detail
        assert ticket.group == channel.group
        article = Article.objects.get(ticket=ticket)
        assert (article.type.name, article.sender.name, article.internal) == (
            "email",
            "Customer",
            False,
        )
        assert article.content_type == content_type
        assert text in article.body
        for banned in ("<script", "onerror", "javascript:", "<iframe"):
            assert banned not in article.body
        stored = Attachment.objects.filter(object_type="Article", object_id=article.pk)
        assert sorted(a.filename for a in stored) == sorted(files)
        assert ticket.customer is not None
        assert ticket.customer.email == article.from_address.rsplit("<", 1)[-1].strip(">").lower()
        assert InboundMessage.objects.get(ticket=ticket).outcome == "ticket"
    elif kind == "ignored":
        assert outcome.reason == detail
        assert Ticket.objects.count() == 0
        assert InboundMessage.objects.get().reason == detail
    else:
        assert outcome.reason == detail
        failed = FailedMail.objects.get()
        assert bytes(failed.raw) == (CORPUS / name).read_bytes()
        assert failed.error == detail
        assert Ticket.objects.count() == 0


def test_sender_is_made_a_customer_once_with_their_name(channel, commit):
    with commit():
        ingest_raw((CORPUS / "04_rfc2047_subject.eml").read_bytes(), channel=channel)
    user = User.objects.get(email="jose@client.example")
    assert (user.login, user.firstname, user.lastname) == ("jose@client.example", "José", "García")
    assert user.roles.filter(name="Customer").exists()


def _reply(
    to_id: str, subject: str, body: str, n: int, sender: str = "dana@client.example"
) -> bytes:
    m = EmailMessage()
    m["From"] = f"Dana <{sender}>"
    m["To"] = "support@helpline.test"
    m["Subject"] = subject
    m["Message-ID"] = f"<reply-{n}@client.example>"
    if to_id:
        m["In-Reply-To"] = to_id
        m["References"] = to_id
    m.set_content(body)
    return m.as_bytes()


def test_replies_thread_by_headers_then_subject_token(channel, commit):
    with commit():
        first = ingest_raw((CORPUS / "01_plain.eml").read_bytes(), channel=channel)
    ticket = Ticket.objects.get(pk=first.ticket_id)
    with commit():
        by_header = ingest_raw(
            _reply("<corpus-1@client.example>", "Re: x", "more", 1), channel=channel
        )
        by_token = ingest_raw(
            _reply("", f"Re: [Ticket#{ticket.number}] Printer", "token", 2), channel=channel
        )
        unrelated = ingest_raw(_reply("<nowhere@else>", "Another thing", "new", 3), channel=channel)
    assert (by_header.kind, by_header.ticket_id) == ("article", ticket.pk)
    assert (by_token.kind, by_token.ticket_id) == ("article", ticket.pk)
    assert unrelated.kind == "ticket"
    assert unrelated.ticket_id != ticket.pk
    assert list(Article.objects.filter(ticket=ticket).values_list("body", flat=True)) == [
        "Hello,\nthe printer on floor 2 does not print.\nDana",
        "more",
        "token",
    ]


def test_reply_to_our_notification_threads_by_its_message_id(smtp, channel, commit, people):
    with commit():
        first = ingest_raw((CORPUS / "01_plain.eml").read_bytes(), channel=channel)
    with commit():
        services.add_article(Actor.for_user(people.agent), first.ticket_id, body="Try again")
    notification = Delivery.objects.get(kind="article_added", recipient="dana@client.example")
    with commit():
        outcome = ingest_raw(
            _reply(notification.message_id, "Re: whatever", "Works now", 4), channel=channel
        )
    assert (outcome.kind, outcome.ticket_id) == ("article", first.ticket_id)


def test_same_message_twice_is_one_article(channel, commit):
    raw = (CORPUS / "16_no_message_id.eml").read_bytes()
    with commit():
        assert ingest_raw(raw, channel=channel).kind == "ticket"
        assert ingest_raw(raw, channel=channel).kind == "duplicate"
    assert Ticket.objects.count() == 1
    assert Article.objects.count() == 1
    assert InboundMessage.objects.count() == 1


def test_reply_to_closed_ticket_follows_follow_up_possible(channel, commit, people):
    with commit():
        first = ingest_raw((CORPUS / "01_plain.eml").read_bytes(), channel=channel)
    with commit():
        services.update_ticket(Actor.for_user(people.agent), first.ticket_id, {"state": "closed"})
    people.group.follow_up_possible = "new_ticket"
    people.group.save()
    with commit():
        refused = ingest_raw(
            _reply("<corpus-1@client.example>", "Re: x", "again", 5), channel=channel
        )
    assert refused.kind == "ticket"
    assert refused.ticket_id != first.ticket_id

    people.group.follow_up_possible = "yes_with_reopen"
    people.group.save()
    with commit():
        reopened = ingest_raw(
            _reply("<corpus-1@client.example>", "Re: x", "still", 6), channel=channel
        )
    assert (reopened.kind, reopened.ticket_id) == ("article", first.ticket_id)
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert ticket.state.state_type.name == "open"


def test_bounce_attaches_an_internal_note_to_the_ticket_it_bounced_from(
    smtp, channel, commit, people
):
    with commit():
        ticket = services.create_ticket(
            Actor.for_user(people.agent),
            title="Printer",
            body="x",
            group=people.group,
            customer=people.customer,
        )
    sent = Delivery.objects.get(ticket=ticket)
    raw = (
        (CORPUS / "32_bounce_dsn.eml")
        .read_bytes()
        .replace(b"<BOUNCED-MESSAGE-ID>", sent.message_id.encode())
    )
    with commit():
        outcome = ingest_raw(raw, channel=channel)
    assert (outcome.kind, outcome.ticket_id) == ("bounce", ticket.pk)
    note = Article.objects.get(pk=outcome.article_id)
    assert (note.internal, note.sender.name, note.type.name) == (True, "System", "note")
    assert "user unknown" in note.body
    assert Delivery.objects.filter(article=note).count() == 0


def test_sender_rate_limit_keeps_the_excess_as_failed_mail(channel, commit):
    update_setting(Actor.system(), "mail.sender_rate_limit", 2)
    with commit():
        outcomes = [
            ingest_raw(_reply("", f"Question {n}", "q", 100 + n), channel=channel).kind
            for n in range(3)
        ]
    assert outcomes == ["ticket", "ticket", "failed"]
    assert (
        FailedMail.objects.get().error
        == "rate limited: dana@client.example sent 2 messages this hour"
    )


def test_failed_mail_is_listed_and_reprocessed_by_admins(channel, commit, people, admin_user):
    update_setting(Actor.system(), "mail.sender_rate_limit", 1)
    with commit():
        ingest_raw(_reply("", "One", "q", 200), channel=channel)
        ingest_raw(_reply("", "Two", "q", 201), channel=channel)
    failed = FailedMail.objects.get()
    with pytest.raises(PermissionDenied):
        list_failed_mail(Actor.for_user(people.agent))
    admin = Actor.for_user(admin_user)
    assert [f.pk for f in list_failed_mail(admin)] == [failed.pk]
    again = reprocess_failed_mail(admin, failed.pk)  # still over the limit
    assert again.kind == "failed"
    failed.refresh_from_db()
    assert (failed.attempts, failed.resolved) == (2, False)
    assert FailedMail.objects.count() == 1

    update_setting(Actor.system(), "mail.sender_rate_limit", 0)
    with commit():
        done = reprocess_failed_mail(admin, failed.pk)
    assert done.kind == "ticket"
    assert Ticket.objects.get(pk=done.ticket_id).title == "Two"
    assert list_failed_mail(admin) == []
    with pytest.raises(Conflict):
        reprocess_failed_mail(admin, failed.pk)


def test_failed_and_reprocess_commands(channel, commit, capsys):
    from helpline.cli import main

    with commit():
        ingest_raw((CORPUS / "24_malformed_no_from.eml").read_bytes(), channel=channel)
    failed = FailedMail.objects.get()
    assert main(["mail", "failed"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{failed.pk}\t")
    assert out.endswith("\tattempts 1\tno sender address\n")
    assert main(["mail", "reprocess", str(failed.pk)]) == 1
    assert capsys.readouterr().out == f"Failed mail {failed.pk}: failed no sender address.\n"
    assert main(["mail", "reprocess", "999999"]) == 2
    assert "no failed mail 999999" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "images"),
    [
        ("09_inline_image.eml", {"screenshot.png": "shot1@client"}),
        (
            "35_outlook_related_inline.eml",
            {
                "image001.png": "image001.png@01DB0E1A.2F3C4D50",
                "image002.gif": "image002.gif@01DB0E1A.2F3C4D50",
            },
        ),
    ],
)
def test_inline_images_point_at_their_attachments(name, images, channel, commit, client, people):
    """multipart/related: each ``cid:`` image of the HTML body is rewritten to its stored
    attachment's download URL (kept by the sanitizer), the attachment remembers its
    Content-ID, and an agent of the group can load the image from that URL."""
    from django.urls import reverse

    from helpline.lib.html import article_html

    with commit():
        outcome = ingest_raw((CORPUS / name).read_bytes(), channel=channel)
    article = Article.objects.get(pk=outcome.article_id)
    stored = {a.filename: a for a in Attachment.objects.filter(object_id=article.pk)}
    assert set(stored) == set(images)
    assert "cid:" not in article.body
    shown = article_html(article)
    for filename, content_id in images.items():
        row = stored[filename]
        url = reverse("tickets:attachment", args=[row.pk])
        assert f'src="{url}"' in article.body
        assert f'src="{url}"' in shown  # the sanitizer keeps the rewritten src
        assert row.preferences["Content-ID"] == content_id
        assert row.preferences["Content-Disposition"] == "inline"
    client.force_login(people.agent)
    first = stored[sorted(images)[0]]
    response = client.get(reverse("tickets:attachment", args=[first.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == first.content_type
    assert b"".join(response.streaming_content) == first.store.open("rb").read()
    client.force_login(people.outsider)  # an agent of another group may not load it
    assert client.get(reverse("tickets:attachment", args=[first.pk])).status_code == 404


def test_cid_of_an_attachment_not_stored_is_left_as_it_came(channel, commit):
    """An image whose type is not allowed is not stored: its reference stays a ``cid:``
    (no link to another file), and the article names the part it did not keep."""
    update_setting(Actor.system(), "uploads.allowed_extensions", ["pdf"])
    with commit():
        outcome = ingest_raw(
            (CORPUS / "35_outlook_related_inline.eml").read_bytes(), channel=channel
        )
    article = Article.objects.get(pk=outcome.article_id)
    assert 'src="cid:image001.png@01DB0E1A.2F3C4D50"' in article.body
    assert "image001.png (type not allowed)" in article.body
    assert not Attachment.objects.filter(object_id=article.pk).exists()


def test_inline_images_of_a_reply_are_linked_too(channel, commit):
    """A reply (an article on an existing ticket) gets the same rewriting."""
    with commit():
        ingest_raw(_reply("", "x", "first", 1), channel=channel)
    raw = (CORPUS / "09_inline_image.eml").read_bytes()
    raw = raw.replace(
        b"Message-ID: <corpus-9@client.example>",
        b"Message-ID: <corpus-9r@client.example>\nIn-Reply-To: <reply-1@client.example>",
    )
    with commit():
        outcome = ingest_raw(raw, channel=channel)
    assert outcome.kind == "article"
    article = Article.objects.get(pk=outcome.article_id)
    row = Attachment.objects.get(object_id=article.pk)
    assert f'src="/tickets/attachments/{row.pk}/"' in article.body
