"""Mail in: one raw message becomes a ticket, an article, a bounce note, or is recorded as
ignored; what cannot be taken in is kept as failed mail. Never lost, never doubled.

- The message's Message-ID (or the digest of its bytes) is recorded once
  (``InboundMessage``) in the same transaction as the ticket or article, so a message read
  again after a crash, or sent twice, gives one article.
- A reply finds its ticket by In-Reply-To / References (our outgoing Message-IDs, stored
  articles, earlier inbound mail), else by the ``[Ticket#NUMBER]`` subject token; a reply to
  a closed ticket follows the group's ``follow_up_possible`` (reopen, or a new ticket).
- Loops and noise (X-Loop, our own address, Auto-Submitted, Precedence bulk/junk/list) are
  recorded and dropped; a bounce becomes an internal note on the ticket it bounced from.
- A sender over ``mail.sender_rate_limit`` messages an hour, a message that breaks MIME or
  that the ticket services refuse, is kept as ``FailedMail`` with its raw source.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import Message
from typing import Any
from urllib.parse import unquote

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from helpline.core import permissions as perms
from helpline.core.models import Attachment, User
from helpline.core.services import attachments as attachment_service
from helpline.core.services import mail_server
from helpline.core.services.settings import get_setting
from helpline.core.services.users import create_user
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict
from helpline.mail import parse, rules
from helpline.mail.models import Channel, Delivery, FailedMail, InboundMessage
from helpline.tickets import permissions as ticket_permissions
from helpline.tickets.models import Article, Ticket
from helpline.tickets.services import add_article, create_ticket

log = logging.getLogger(__name__)

ROOT_ID = re.compile(r"^<ticket\.(\d+)@")


@dataclass(frozen=True)
class Outcome:
    kind: str  # ticket | article | bounce | ignored | duplicate | failed
    ticket_id: int | None = None
    article_id: int | None = None
    reason: str = ""
    failed_mail_id: int | None = None


class _Refused(Exception):
    """The message is kept as failed mail with this reason."""


def own_addresses(channel: Channel | None) -> set[str]:
    """Helpline's own addresses (mail from them is a loop): the sender mail goes out from,
    ``HELPLINE_FROM_EMAIL`` (the sender before one was set on the settings page) and the
    channel's address and user name."""
    found = mail_server.own_addresses()
    if channel is not None:
        for value in (channel.address, channel.username):
            if "@" in value:
                found.add(value.lower())
    return found


def ingest_raw(raw: bytes, *, channel: Channel | None = None) -> Outcome:
    """Take in one raw message (see the module docstring). Commits before returning: the
    caller may then remove the message from the server."""
    try:
        parsed = parse.parse_message(raw)
    except parse.Unparseable as exc:
        return keep_failed(raw, channel, str(exc))
    try:
        with attachment_service.cleanup_files_on_error(), transaction.atomic():
            return _ingest(parsed, raw, channel)
    except IntegrityError:
        if InboundMessage.objects.filter(
            message_id_md5=rules.message_id_md5(parsed.message_id)
        ).exists():
            return Outcome("duplicate", reason="already taken in")
        raise
    except _Refused as exc:
        return keep_failed(raw, channel, str(exc))
    except Exception as exc:  # a service refused it, a bug: keep the raw message
        log.exception("mail %s could not be taken in", parsed.message_id)
        return keep_failed(raw, channel, f"{type(exc).__name__}: {exc}")


def keep_failed(raw: bytes, channel: Channel | None, error: str) -> Outcome:
    row = FailedMail.objects.create(channel=channel, raw=raw, error=error[:5000])
    log.warning("kept failed mail %s: %s", row.pk, error)
    return Outcome("failed", reason=error, failed_mail_id=row.pk)


def _ingest(parsed: parse.ParsedMail, raw: bytes, channel: Channel | None) -> Outcome:
    md5 = rules.message_id_md5(parsed.message_id)
    if InboundMessage.objects.filter(message_id_md5=md5).exists():
        return Outcome("duplicate", reason="already taken in")
    record = InboundMessage.objects.create(
        message_id=parsed.message_id[:998],
        message_id_md5=md5,
        channel=channel,
        outcome="pending",
        sender=parsed.from_address[:255],
    )
    message = parsed.message
    system = Actor.system(via="mail")

    if rules.is_bounce(message):
        bounced = _bounced_ticket(message)
        if bounced is None:
            return _finish(record, Outcome("ignored", reason="bounce_unmatched"))
        article = add_article(
            system,
            bounced.pk,
            body="A mail from this ticket bounced:\n\n" + _bounce_text(message),
            internal=True,
            article_type="note",
            subject=parsed.subject[:3000],
            from_address=parsed.from_header[:3000],
            message_id=parsed.message_id,
            preferences={"bounce": True},
        )
        return _finish(record, Outcome("bounce", bounced.pk, article.pk))

    noise = rules.noise_reason(message, own_addresses(channel))
    if noise:
        return _finish(record, Outcome("ignored", reason=noise))

    limit = int(get_setting("mail.sender_rate_limit"))
    if limit > 0:
        recent = (
            InboundMessage.objects.filter(
                sender=record.sender,
                created_at__gte=timezone.now() - timedelta(hours=1),
                outcome__in=("ticket", "article"),
            )
            .exclude(pk=record.pk)
            .count()
        )
        if recent >= limit:
            raise _Refused(f"rate limited: {record.sender} sent {recent} messages this hour")

    uploads, skipped, stored_parts = _uploads(parsed)
    body = parsed.body
    if skipped:
        note = "Attachments not stored: " + ", ".join(skipped)
        body += ("<p>" + note + "</p>") if parsed.content_type == "text/html" else "\n\n" + note
    common: dict[str, Any] = {
        "body": body,
        "content_type": parsed.content_type,
        "article_type": "email",
        "subject": parsed.subject[:3000],
        "from_address": parsed.from_header[:3000],
        "to": parsed.to[:3000],
        "cc": parsed.cc[:3000],
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to[:3000],
        "references": parsed.references,
        "attachments": uploads,
    }
    ticket = find_ticket(parsed)
    if ticket is not None:
        sender = _sender_for(parsed.from_address, ticket)
        try:
            with transaction.atomic():
                article = add_article(
                    system,
                    ticket.pk,
                    sender=sender,
                    preferences={"skipped_attachments": skipped} if skipped else None,
                    **common,
                )
                link_inline_images(article.pk, stored_parts)
            return _finish(record, Outcome("article", ticket.pk, article.pk))
        except Conflict as exc:
            if exc.code not in ("ticket.follow_up_closed", "ticket.merged"):
                raise
    if channel is None:
        raise _Refused("no channel to file a new ticket into")
    customer = _customer(parsed)
    title = " ".join(parsed.subject.split())[:250] or "(no subject)"
    new = create_ticket(
        system,
        title=title,
        group=channel.group,
        customer=customer.pk,
        sender="Customer",
        **common,
    )
    first = Article.objects.filter(ticket=new).order_by("id").values_list("pk", flat=True).first()
    if first is not None:
        link_inline_images(first, stored_parts)
    return _finish(record, Outcome("ticket", new.pk, first))


def _finish(record: InboundMessage, outcome: Outcome) -> Outcome:
    record.outcome = outcome.kind
    record.reason = outcome.reason[:250]
    record.ticket_id = outcome.ticket_id
    record.article_id = outcome.article_id
    record.save(update_fields=["outcome", "reason", "ticket", "article"])
    return outcome


def _uploads(
    parsed: parse.ParsedMail,
) -> tuple[list[attachment_service.Upload], list[str], list[parse.Attachment]]:
    """The attachments the upload rules take (as uploads, and the parts they came from);
    the others are named (never silently lost: the article lists them)."""
    if not get_setting("uploads.enabled"):
        return [], [a.filename for a in parsed.attachments], []
    allowed = {str(e).lower().lstrip(".") for e in get_setting("uploads.allowed_extensions")}
    max_bytes = int(get_setting("uploads.max_size_mb")) * 1024 * 1024
    kept: list[attachment_service.Upload] = []
    parts: list[parse.Attachment] = []
    skipped: list[str] = []
    for item in parsed.attachments:
        name = attachment_service.clean_filename(item.filename)
        ext = attachment_service.extension_of(name)
        if not ext or ext not in allowed:
            skipped.append(f"{name} (type not allowed)")
        elif len(item.data) > max_bytes:
            skipped.append(f"{name} (larger than {get_setting('uploads.max_size_mb')} MiB)")
        else:
            kept.append(attachment_service.Upload(name, item.data, item.content_type))
            parts.append(item)
    return kept, skipped, parts


CID_SRC = re.compile(r"""(\ssrc\s*=\s*)(["']?)cid:([^"'\s>]+)\2""", re.IGNORECASE)


def link_inline_images(article_id: int, parts: list[parse.Attachment]) -> int:
    """Tie the stored attachments of a new article to the mail parts they came from: each
    gets its ``Content-ID`` (and ``Content-Disposition: inline`` when the part was inline)
    in its preferences, and every ``<img src="cid:...">`` of an HTML body is rewritten to
    that attachment's download URL. Returns the number of references rewritten. Runs
    inside the transaction that created the article (rows stored in upload order)."""
    rows = list(
        Attachment.objects.filter(object_type="Article", object_id=article_id).order_by("id")
    )
    urls: dict[str, str] = {}
    for row, part in zip(rows, parts, strict=False):
        if not part.content_id:
            continue
        prefs = dict(row.preferences or {})
        prefs["Content-ID"] = part.content_id
        if part.inline:
            prefs["Content-Disposition"] = "inline"
        Attachment.objects.filter(pk=row.pk).update(preferences=prefs)
        urls[part.content_id.lower()] = reverse("tickets:attachment", args=[row.pk])
    if not urls:
        return 0
    article = Article.objects.filter(pk=article_id).only("body", "content_type").first()
    if article is None or article.content_type != "text/html":
        return 0
    rewritten = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal rewritten
        url = urls.get(unquote(match.group(3)).lower())
        if url is None:
            return match.group(0)  # a part that was not stored: left as it came
        rewritten += 1
        return f'{match.group(1)}"{url}"'

    body = CID_SRC.sub(swap, article.body)
    if rewritten:
        Article.objects.filter(pk=article_id).update(body=body)
    return rewritten


def find_ticket(parsed: parse.ParsedMail) -> Ticket | None:
    """The ticket a message answers: by its references first, then the subject token."""
    ticket: Ticket | None = None
    for mid in rules.referenced_ids(parsed.in_reply_to, parsed.references):
        ticket = _ticket_of_message_id(mid)
        if ticket is not None:
            break
    if ticket is None:
        number = rules.ticket_number_in(parsed.subject)
        if number:
            ticket = Ticket.objects.filter(number__iexact=number).first()
    for _ in range(10):  # a merged ticket's mail goes to the ticket it was merged into
        if ticket is None or ticket.merged_into_id is None:
            break
        ticket = ticket.merged_into
    return ticket


def _own_domain(mid: str) -> bool:
    """The Message-ID ends in the domain of the sender (now, or ``HELPLINE_FROM_EMAIL``,
    so threads begun before a sender was set on the settings page still match)."""
    domains = {rules.domain_of(address) for address in mail_server.own_addresses()}
    lowered = mid.lower()  # domains are compared without case
    return any(lowered.endswith(f"@{domain}>") for domain in domains)


def _ticket_of_message_id(mid: str) -> Ticket | None:
    ticket_id = Delivery.objects.filter(message_id=mid).values_list("ticket_id", flat=True).first()
    if ticket_id is None:
        root = ROOT_ID.match(mid)
        if root and _own_domain(mid):
            ticket_id = int(root.group(1))
    if ticket_id is None:
        md5 = rules.message_id_md5(mid)
        ticket_id = (
            Article.objects.filter(message_id_md5=md5).values_list("ticket_id", flat=True).first()
            or Article.objects.filter(message_id=mid).values_list("ticket_id", flat=True).first()
            or InboundMessage.objects.filter(message_id_md5=md5)
            .values_list("ticket_id", flat=True)
            .first()
        )
    return Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None


def _sender_for(address: str, ticket: Ticket) -> str:
    """Agent when the writer is an agent who may change the ticket, else Customer."""
    user = User.objects.filter(email__iexact=address, active=True).first()
    if user is not None:
        actor = Actor.for_user(user, via="mail")
        if actor.has(perms.TICKET_AGENT) and ticket_permissions.can_manage_ticket(actor, ticket):
            return "Agent"
    return "Customer"


def _customer(parsed: parse.ParsedMail) -> User:
    """The sender's account, made on first contact (no password: they answer by mail)."""
    user = User.objects.filter(email__iexact=parsed.from_address).first()
    if user is not None:
        return user
    first, _, last = parsed.from_name.partition(" ")
    return create_user(
        Actor.system(via="mail"),
        email=parsed.from_address,
        login=parsed.from_address,
        firstname=first[:150],
        lastname=last[:150],
    )


def _bounced_message(message: Message) -> Message | None:
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                return inner[0]
        if ctype == "text/rfc822-headers":
            payload = part.get_payload(decode=True) or b""
            return message_from_bytes(bytes(payload) + b"\n\n", policy=policy.default)
    return None


def _bounced_ticket(message: Message) -> Ticket | None:
    original = _bounced_message(message)
    if original is None:
        return None
    number = str(original.get("X-Helpline-Ticket", "")).strip()
    for mid in rules.MESSAGE_ID.findall(str(original.get("Message-ID", ""))):
        ticket = _ticket_of_message_id(mid)
        if ticket is not None:
            return ticket
    if number:
        return Ticket.objects.filter(number=number).first()
    return None


def _bounce_text(message: Message) -> str:
    for part in message.walk():
        if (
            part.get_content_type() == "text/plain"
            and part.get_content_disposition() != "attachment"
        ):
            payload = part.get_payload(decode=True) or b""
            return bytes(payload).decode(part.get_content_charset() or "utf-8", errors="replace")[
                :5000
            ]
    return "(no description)"
