"""Who is mailed about a ticket change: the outbox rows written with the change.

The subscribers run inside the ticket service's transaction (``in_transaction=True``) and
only *write* ``Delivery`` rows; the send job is enqueued after commit. A committed change
therefore always has its mails in the outbox (a worker that dies never loses one: the
periodic ``flush_outbox`` job picks up whatever is still pending), and a rolled-back change
has none. A failure here never undoes the ticket change: it runs in a savepoint and is logged.

Recipients (NodePoint, django-helpdesk): the ticket's customer, owner, assignees and
followers who may read the ticket; internal articles only to those who may see internal
articles (agents of the ticket, admins); the ``submitter_email`` for creation, public
follow-ups and the resolution; never the user who made the change; each user's
``preferences["notifications"]`` switches kinds off.
"""

from __future__ import annotations

import logging
import uuid
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helpline.core import rules as core_rules
from helpline.core.models import User
from helpline.core.services import mail_server
from helpline.core.services.settings import get_setting
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.mail import rules
from helpline.mail.models import Delivery
from helpline.queue import enqueue_on_commit
from helpline.tickets import permissions
from helpline.tickets.events import ArticleAdded, TicketCreated, TicketMentioned, TicketUpdated
from helpline.tickets.models import Article, ArticleSender, Ticket

log = logging.getLogger(__name__)


def subscribe_notifications() -> None:
    events.subscribe(TicketCreated, on_ticket_created, in_transaction=True)
    events.subscribe(TicketUpdated, on_ticket_updated, in_transaction=True)
    events.subscribe(ArticleAdded, on_article_added, in_transaction=True)
    events.subscribe(TicketMentioned, on_ticket_mentioned, in_transaction=True)


def on_ticket_created(event: TicketCreated) -> None:
    _guarded(queue_notifications, event.ticket_id, rules.CREATED, event.actor_id, event.article_id)


def on_ticket_updated(event: TicketUpdated) -> None:
    changes = event.changes
    if not changes:
        return
    resolution = changes.get("resolution")
    kind = rules.RESOLVED if resolution and resolution[1] else rules.UPDATED
    _guarded(queue_notifications, event.ticket_id, kind, event.actor_id, None, changes)


def on_article_added(event: ArticleAdded) -> None:
    if event.sender == ArticleSender.SYSTEM and event.internal:
        return  # the system's own notes (a mail that failed) are never mailed
    _guarded(queue_notifications, event.ticket_id, rules.ARTICLE, event.actor_id, event.article_id)


def on_ticket_mentioned(event: TicketMentioned) -> None:
    """Only the mentioned user is mailed (if they may read the ticket and want mentions)."""
    _guarded(
        queue_notifications,
        event.ticket_id,
        rules.MENTIONED,
        event.actor_id,
        None,
        None,
        frozenset({event.user_id}),
    )


def _guarded(fn: Any, *args: Any) -> None:
    try:
        with transaction.atomic():
            fn(*args)
    except Exception:
        log.exception("could not queue the mail notifications for %s", args)


def default_domain() -> str:
    return rules.domain_of(mail_server.sender_address())


def ticket_root_id(ticket: Ticket, *, domain: str = "", first: Article | None = None) -> str:
    """The Message-ID the ticket's thread starts from: the first article's own (a ticket
    made from mail), else a stable id of the ticket. ``first``, when the caller holds the
    ticket's first article, saves reading it again."""
    if first is not None:
        mid = first.message_id
    else:
        rows = Article.objects.filter(ticket=ticket).order_by("id").values_list("message_id")
        mid = next(iter(rows[:1]), ("",))[0]
    return mid or f"<ticket.{ticket.pk}@{domain or default_domain()}>"


def queue_notifications(
    ticket_id: int,
    kind: str,
    actor_id: int | None,
    article_id: int | None,
    changes: dict[str, Any] | None = None,
    only: frozenset[int] | None = None,
) -> list[Delivery]:
    """Write the outbox rows of one ticket change and enqueue their sending after commit.
    ``only`` narrows the recipients to these users (a mention mails the mentioned)."""
    if not get_setting("mail.notifications"):
        return []
    ticket = Ticket.objects.select_related("customer", "owner").get(pk=ticket_id)
    article = Article.objects.filter(pk=article_id).first() if article_id else None
    internal = bool(article and article.internal)
    actor_email = (
        User.objects.filter(pk=actor_id).values_list("email", flat=True).first()
        if actor_id
        else None
    )

    candidates: dict[int, User] = {}
    if only is not None:
        candidates = {u.pk: u for u in User.objects.filter(pk__in=only)}
    else:
        for user in [ticket.customer, ticket.owner, *ticket.assignees.all()]:
            if user is not None:
                candidates[user.pk] = user
        for sub in ticket.subscriptions.select_related("user"):
            candidates[sub.user_id] = sub.user
    recipients: list[tuple[User | None, str, str]] = []
    seen: set[str] = set()
    if actor_email:
        seen.add(actor_email.lower())  # never the one who made the change
    if article is not None and article.from_address:
        # a mail taken in is not mailed back to whoever wrote it
        seen.update(a.lower() for _, a in getaddresses([article.from_address]) if "@" in a)
    for user in candidates.values():
        if user.pk == actor_id:
            continue
        if not user.active or not user.email or user.email.lower() in seen:
            continue
        if not rules.wants(user.preferences, kind):
            continue
        as_actor = Actor.for_user(user, via="mail")
        if internal:
            if not permissions.can_see_internal(as_actor, ticket):
                continue
        elif not permissions.can_read_ticket(as_actor, ticket):
            continue
        seen.add(user.email.lower())
        language = core_rules.language_of(user.preferences.get("locale")) or "en"
        recipients.append((user, user.email, language))
    submitter = ticket.submitter_email.strip()
    if (
        submitter
        and kind in rules.SUBMITTER_KINDS
        and not internal
        and submitter.lower() not in seen
    ):
        seen.add(submitter.lower())
        recipients.append((None, submitter, core_rules.language_of(settings.LANGUAGE_CODE) or "en"))

    if not recipients:
        return []
    domain = default_domain()
    # The description of a new ticket is its first article.
    first = article if kind == rules.CREATED and article is not None else None
    root = ticket_root_id(ticket, domain=domain, first=first)
    parent = (article.message_id if article and article.message_id else "") or root
    in_reply_to, references = rules.thread_headers(root, parent)
    event_key = f"{kind}:{ticket.pk}:{article_id or uuid.uuid4().hex}"
    context: dict[str, Any] = {}
    if changes:
        context["changes"] = sorted(changes)
    now = timezone.now()
    keyed = {
        key[:200]: (key, entry)
        for key, entry in ((f"{event_key}:{e[1].lower()}", e) for e in recipients)
    }
    # One look for rows an earlier run of the same event wrote, one insert for the rest.
    written = set(
        Delivery.objects.filter(dedupe_key__in=list(keyed)).values_list("dedupe_key", flat=True)
    )
    rows = Delivery.objects.bulk_create(
        [
            Delivery(
                dedupe_key=dedupe_key,
                ticket=ticket,
                article=article,
                kind=kind,
                user=user,
                recipient=address,
                language=language,
                message_id=rules.make_message_id(key, domain),
                in_reply_to=in_reply_to,
                references=references,
                context=context,
                next_attempt_at=now,
            )
            for dedupe_key, (key, (user, address, language)) in keyed.items()
            if dedupe_key not in written
        ]
    )
    from helpline.mail.jobs import send_delivery

    for row in rows:
        enqueue_on_commit(send_delivery, row.pk)
    return rows
