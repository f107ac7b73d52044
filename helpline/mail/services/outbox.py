"""Sending the outbox: each ``Delivery`` is claimed, sent over SMTP and marked, once.

Guarantee (see docs/OPERATIONS.md "Mail"): a row is claimed with a compare-and-set
(``pending`` and due -> ``sending``; or ``sending`` whose lease of ``LEASE`` ran out, i.e. the
worker that claimed it died). Only the claimer sends. It is marked ``sent`` right after the
SMTP server accepted it. A crash between the server's acceptance and that mark is the one
window SMTP leaves open: the lease runs out and the mail is sent again, with the *same*
Message-ID (mail clients and most servers show it once). Nothing is ever lost: a failed
attempt goes back to ``pending`` with a backoff, and after ``mail.max_attempts`` the row is
``failed`` and an internal System note on the ticket says so.
"""

from __future__ import annotations

import html as html_lib
import logging
import subprocess
from datetime import timedelta
from email.mime.image import MIMEImage
from email.utils import formataddr, formatdate
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone, translation

from helpline.core import permissions as perms
from helpline.core.models import Attachment
from helpline.core.services import mail_server
from helpline.core.services.settings import get_setting, get_settings
from helpline.lib.actor import Actor
from helpline.lib.html import sanitize_html
from helpline.mail import rules
from helpline.mail.models import Delivery
from helpline.tickets.models import Article, Ticket

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
# inline images of an article travel with its notification up to this size in all
INLINE_MAX_BYTES = 5 * 1024 * 1024


def claim_delivery(delivery_id: int) -> bool:
    """Compare-and-set the row to ``sending``; ``False`` when someone else has it, it is
    not due yet, or it is done."""
    now = timezone.now()
    claimable = Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=now - LEASE
    )
    updated = Delivery.objects.filter(claimable, pk=delivery_id).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return updated == 1


def send_delivery(delivery_id: int) -> str:
    """Claim, render, send and mark one outbox row; returns its status afterwards."""
    if not claim_delivery(delivery_id):
        row = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return row or "missing"
    delivery = Delivery.objects.select_related("ticket", "article", "user").get(pk=delivery_id)
    try:
        message = build_message(delivery)
        sent = message.send()
        if sent != 1:
            raise RuntimeError("the mail server accepted no recipient")
    except Exception as exc:  # SMTP down, refused, template error: retry with backoff
        return _attempt_failed(delivery, exc)
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    log.info("sent %s mail %s to %s", delivery.kind, delivery.message_id, delivery.recipient)
    run_plugin(
        delivery.user.login if delivery.user else delivery.recipient,
        str(message.subject),
        str(message.body),
    )
    return Delivery.Status.SENT


def _attempt_failed(delivery: Delivery, exc: Exception) -> str:
    attempts = Delivery.objects.filter(pk=delivery.pk).values_list("attempts", flat=True).get()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts >= int(get_setting("mail.max_attempts")):
        with transaction.atomic():
            done = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
                status=Delivery.Status.FAILED, last_error=error
            )
            if done and delivery.ticket_id:
                _failure_note(delivery, error)
        log.error("gave up mail %s to %s: %s", delivery.pk, delivery.recipient, error)
        return Delivery.Status.FAILED
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.PENDING,
        next_attempt_at=timezone.now() + rules.backoff(attempts),
        last_error=error,
    )
    log.warning(
        "mail %s to %s failed (attempt %s): %s", delivery.pk, delivery.recipient, attempts, error
    )
    return Delivery.Status.PENDING


def _failure_note(delivery: Delivery, error: str) -> None:
    from helpline.tickets.services.articles import add_article

    add_article(
        Actor.system(via="mail"),
        delivery.ticket_id,  # type: ignore[arg-type]
        body=(
            f"The notification mail to {delivery.recipient} could not be delivered "
            f"after {delivery.attempts + 1} attempts: {error}"
        ),
        internal=True,
        article_type="note",
        preferences={"mail_delivery_failed": delivery.pk},
    )


def due_deliveries(limit: int = 200) -> list[int]:
    """Rows to (re)try now: pending and due, or claimed by a worker whose lease ran out."""
    now = timezone.now()
    return list(
        Delivery.objects.filter(
            Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - LEASE)
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )


def flush_outbox(limit: int = 200) -> dict[str, int]:
    """Send every due row (the periodic sweep and ``helpline mail flush``)."""
    counts: dict[str, int] = {}
    for pk in due_deliveries(limit):
        status = send_delivery(pk)
        counts[status] = counts.get(status, 0) + 1
    return counts


# -- rendering -----------------------------------------------------------------------------


def _template(language: str, name: str) -> Any:
    return select_template([f"mail/{language}/{name}", f"mail/en/{name}"])


def build_message(delivery: Delivery) -> EmailMultiAlternatives:
    """The mail of one row, rendered now in the recipient's language (en, fr)."""
    site = get_settings("site.name", "site.base_url")
    base_url = (site["site.base_url"] or settings.BASE_URL).rstrip("/")
    ticket: Ticket | None = delivery.ticket
    article: Article | None = delivery.article
    context: dict[str, Any] = {
        "site_name": site["site.name"],
        "delivery": delivery,
        "ticket": ticket,
        "article": article,
        "recipient": delivery.user,
        "recipient_address": delivery.recipient,
        "changes": delivery.context.get("changes", []),
        "tickets": delivery.context.get("tickets", []),
        "link": f"{base_url}/tickets/{ticket.pk}" if ticket else base_url,
        "article_text": _article_text(article) if article else "",
    }
    if ticket is not None and article is None and delivery.kind == rules.CREATED:
        first = ticket.articles.order_by("id").first()
        context["article"] = first
        context["article_text"] = _article_text(first) if first else ""
    context["article_html"], images = inline_images(context["article"])
    language = delivery.language or "en"
    with translation.override(language):
        subject_text = " ".join(
            _template(language, f"{delivery.kind}_subject.txt").render(context).split()
        )
        text = _template(language, f"{delivery.kind}.txt").render(context)
        html = _template(language, f"{delivery.kind}.html").render(context)
    subject = (
        rules.subject_line(ticket.number, subject_text or ticket.title) if ticket else subject_text
    )
    sender = mail_server.sender_address()
    from_address = formataddr((site["site.name"], sender))
    headers = {
        "Message-ID": delivery.message_id,
        "Date": formatdate(localtime=False),
        "X-Loop": sender,
        "Auto-Submitted": "auto-generated",
        "X-Helpline-Delivery": str(delivery.pk),
    }
    if delivery.in_reply_to:
        headers["In-Reply-To"] = delivery.in_reply_to
    if delivery.references:
        headers["References"] = delivery.references
    if ticket is not None:
        headers["X-Helpline-Ticket"] = ticket.number
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_address,
        to=[delivery.recipient],
        headers=headers,
        connection=mail_server.connection(),
    )
    message.attach_alternative(html, "text/html")
    if images:
        # multipart/related: the HTML and the images its cid: references point at
        message.mixed_subtype = "related"
        for row, content_id in images:
            with row.store.open("rb") as handle:
                part = MIMEImage(handle.read(), _subtype=row.content_type.split("/", 1)[1])
            part.add_header("Content-ID", f"<{content_id}>")
            part.add_header("Content-Disposition", "inline", filename=row.filename)
            message.attach(part)
    return message


def inline_images(article: Article | None) -> tuple[str, list[tuple[Attachment, str]]]:
    """For an HTML article whose body shows some of its own images (mail taken in with
    inline images): its safe HTML with each image's download URL turned back into a
    ``cid:`` reference, and those images with their Content-IDs. ``("", [])`` otherwise, or
    when the images weigh more than ``INLINE_MAX_BYTES`` (the mail quotes the text only)."""
    if article is None or article.content_type != "text/html":
        return "", []
    rows = [
        row
        for row in Attachment.objects.filter(object_type="Article", object_id=article.pk)
        if row.preferences.get("Content-ID") and row.content_type.startswith("image/")
    ]
    if not rows or sum(row.size for row in rows) > INLINE_MAX_BYTES:
        return "", []
    body = sanitize_html(article.body)
    used: list[tuple[Attachment, str]] = []
    for row in rows:
        content_id = str(row.preferences["Content-ID"])
        src = f'src="{reverse("tickets:attachment", args=[row.pk])}"'
        if src in body:
            body = body.replace(src, f'src="cid:{html_lib.escape(content_id)}"')
            used.append((row, content_id))
    return (body, used) if used else ("", [])


def _article_text(article: Article) -> str:
    if article.content_type == "text/html":
        from django.utils.html import strip_tags

        return strip_tags(article.body)
    return article.body


# -- NodePoint's notifications plugin ----------------------------------------------------------


def run_plugin(user: str, title: str, message: str) -> int | None:
    """Run ``mail.notification_plugin`` (if set) for one notification: argv from
    ``rules.plugin_argv``, no shell, ``mail.notification_plugin_timeout`` seconds at most,
    its output logged. Returns the exit status (``None``: not configured, failed to start or
    timed out); it never stops a mail."""
    template = str(get_setting("mail.notification_plugin") or "").strip()
    if not template:
        return None
    try:
        argv = rules.plugin_argv(template, {"user": user, "title": title, "message": message})
    except ValueError as exc:
        log.error("notification plugin: bad command %r: %s", template, exc)
        return None
    timeout = int(get_setting("mail.notification_plugin_timeout"))
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, check=False, shell=False
        )
    except subprocess.TimeoutExpired:
        log.error("notification plugin %s timed out after %ss", argv[0], timeout)
        return None
    except OSError as exc:
        log.error("notification plugin %s could not start: %s", argv[0], exc)
        return None
    log.info(
        "notification plugin %s exited %s; stdout=%r stderr=%r",
        argv[0],
        done.returncode,
        done.stdout[-2000:],
        done.stderr[-2000:],
    )
    return done.returncode


def flush_outbox_as(actor: Actor) -> dict[str, int]:
    """``helpline mail flush``: send every due row now (``admin.channel``)."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    return flush_outbox()


def outbound_settings(actor: Actor) -> dict[str, Any]:
    """How mail goes out (``admin.channel``), for the mail settings page: the server and
    sender of ``mail_server.describe`` (from the environment, the settings page, or none:
    files in the outbox folder), ``smtp`` (False for files), and the mails waiting and
    given up. Never the password."""
    shown = mail_server.describe(actor)
    counts = {
        status: Delivery.objects.filter(status=status).count()
        for status in (Delivery.Status.PENDING, Delivery.Status.FAILED)
    }
    return shown | {
        "smtp": shown["source"] != "none",
        "pending": counts[Delivery.Status.PENDING],
        "failed": counts[Delivery.Status.FAILED],
    }
