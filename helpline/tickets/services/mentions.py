"""Mentions (Zammad's ``/mentions``): an agent draws another agent's attention to a ticket.

Rules:
- only agents who may read the ticket's internal articles mention (admins, agents of the
  ticket); customers and guests never do;
- the mentioned user must be an active agent who may read the ticket (internal articles
  included) — a mention never shows a ticket to someone who cannot see it;
- a mention makes the user follow the ticket (so later changes reach them by the usual
  notification rules) and notifies them: an online notification of type ``mention``, and
  the ``TicketMentioned`` event that mail subscribes to; nobody is notified of their own
  mention;
- ``@login`` in a note written by an agent mentions that agent when the rules above allow
  it (others are left as plain text: a note is never refused for its words);
- the mentioned user, the one who mentioned, or an agent who may change the ticket removes
  a mention; the user keeps following the ticket until they unfollow.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower

from helpline.core import permissions as perms
from helpline.core.models import HistoryEntry, User
from helpline.core.services import history
from helpline.core.services.notifications import record_notifications
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, PermissionDenied
from helpline.tickets import permissions, selectors
from helpline.tickets.events import ArticleAdded, TicketMentioned
from helpline.tickets.models import Article, Mention, Subscription, Ticket
from helpline.tickets.services import _common as common

# "@login" not glued to a word before it (so "bob@example.com" is no mention).
MENTION_RE = re.compile(r"(?<![\w.@-])@([A-Za-z0-9][A-Za-z0-9._-]{1,19})\b")
MAX_BODY_MENTIONS = 20

log = logging.getLogger(__name__)


def _may_mention(actor: Actor, ticket: Ticket, profile: permissions.TicketAccess) -> bool:
    return actor.has_any(perms.TICKET_AGENT, perms.ADMIN) and permissions.can_see_internal(
        actor, ticket, profile=profile
    )


def _may_be_mentioned(user: User, ticket: Ticket) -> bool:
    if not user.active:
        return False
    as_user = Actor.for_user(user)
    return as_user.has_any(perms.TICKET_AGENT, perms.ADMIN) and permissions.can_see_internal(
        as_user, ticket
    )


def _mention(actor: Actor, ticket: Ticket, user: User) -> Mention:
    """Write the mention, the follow, the history line, the notification and the event
    (unchecked: callers checked both sides)."""
    mention = Mention.objects.create(
        ticket=ticket, user=user, created_by=actor.user, updated_by=actor.user
    )
    Subscription.objects.get_or_create(ticket=ticket, user=user)
    history.record(actor, "Ticket", ticket.pk, HistoryEntry.Kind.ADDED, "mention", None, user)
    record_notifications(
        actor, [user.pk], object_type="Ticket", object_id=ticket.pk, kind="mention"
    )
    events.publish(
        TicketMentioned(
            ticket_id=ticket.pk, user_id=user.pk, mention_id=mention.pk, actor_id=actor.user_id
        )
    )
    return mention


@transaction.atomic
def add_mention(actor: Actor, ticket_id: Any, *, user: Any = None) -> Mention:
    """Mention ``user`` (id, login or email; the actor when not given) on a ticket."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
    if not _may_mention(actor, ticket, profile):
        raise PermissionDenied("only agents of the ticket mention", code="mention.forbidden")
    target = (
        actor.user
        if user in (None, "")
        else common.lookup_user(user, field="user_id", code="mention.user_unknown")
    )
    if target is None:
        raise PermissionDenied("only agents of the ticket mention", code="mention.forbidden")
    if not _may_be_mentioned(target, ticket):
        raise Invalid(
            f"{target.login} is not an agent who may see this ticket",
            code="mention.user_cannot_read",
            field="user_id",
        )
    if Mention.objects.filter(ticket=ticket, user=target).exists():
        raise Conflict(
            f"{target.login} is already mentioned on this ticket",
            code="mention.exists",
            field="user_id",
        )
    return _mention(actor, ticket, target)


@transaction.atomic
def remove_mention(actor: Actor, mention_id: Any) -> None:
    """Remove a mention: the mentioned user, who made it, or an agent who may change the
    ticket. A mention on a ticket the actor may not read is "not found"."""
    mention = selectors.get_mention(actor, mention_id)
    ticket = mention.ticket
    allowed = actor.user_id is not None and actor.user_id in (
        mention.user_id,
        mention.created_by_id,
    )
    if not allowed and not permissions.can_manage_ticket(actor, ticket):
        raise PermissionDenied("you may not remove this mention", code="mention.forbidden")
    user = mention.user
    mention.delete()
    history.record(actor, "Ticket", ticket.pk, HistoryEntry.Kind.REMOVED, "mention", user, None)


def mention_in_body(event: ArticleAdded) -> None:
    """In-transaction subscriber of ``ArticleAdded``: ``@login`` in a note by an agent
    mentions each agent named who may see the ticket and is not mentioned yet. A failure
    here is logged and never undoes the article (it runs in a savepoint)."""
    try:
        with transaction.atomic():
            _mention_in_body(event)
    except Exception:
        log.exception("could not record the mentions of article %s", event.article_id)


def _mention_in_body(event: ArticleAdded) -> None:
    if event.actor_id is None or event.sender != "Agent":
        return
    article = Article.objects.select_related("type", "ticket").get(pk=event.article_id)
    if article.type.name != "note":
        return
    logins = {m.lower() for m in MENTION_RE.findall(article.body or "")}
    if not logins:
        return
    author = User.objects.filter(pk=event.actor_id, active=True).first()
    if author is None:
        return
    actor = Actor.for_user(author, via="mention")
    ticket = article.ticket
    if not _may_mention(actor, ticket, permissions.ticket_access(actor)):
        return
    already = set(Mention.objects.filter(ticket=ticket).values_list("user_id", flat=True))
    named = (
        User.objects.annotate(login_lower=Lower("login"))
        .filter(login_lower__in=sorted(logins)[:MAX_BODY_MENTIONS])
        .order_by("pk")
    )
    for user in named:
        if user.pk not in already and _may_be_mentioned(user, ticket):
            _mention(actor, ticket, user)


def subscribe_mentions() -> None:
    events.subscribe(ArticleAdded, mention_in_body, in_transaction=True)
