"""Adding an article to a ticket (Zammad POST /ticket_articles, django-helpdesk add_followup,
Flicket posts, NodePoint add_comment, mail follow-ups, pages)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from helpline.core import permissions as perms
from helpline.core.models import HistoryEntry
from helpline.core.services import attachments as attachment_service
from helpline.core.services import history
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, PermissionDenied
from helpline.tickets import permissions, rules, selectors, sla_rules
from helpline.tickets.events import ArticleAdded, TicketUpdated
from helpline.tickets.models import Article, ArticleSender, TicketStateType
from helpline.tickets.services import _common as common


def add_article(
    actor: Actor,
    ticket_id: int,
    *,
    body: Any,
    content_type: str = "text/plain",
    internal: bool = False,
    article_type: Any = None,
    sender: Any = None,
    subject: str = "",
    from_address: str = "",
    to: str = "",
    cc: str = "",
    reply_to: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    time_unit: Any = None,
    attachments: Sequence[attachment_service.Upload] = (),
    preferences: Mapping[str, Any] | None = None,
) -> Article:
    """Add a public or internal article to a ticket the actor may change.

    - Customers write public articles as sender Customer only; internal articles, another
      sender and ``time_unit`` need an agent who may change the ticket.
    - ``time_unit`` (may be negative, to correct) is added to the ticket's total.
    - The ticket's ``article_count`` follows, and Zammad's contact times: a public article of
      a communication type (web, email, phone, ...; not a note) by a customer sets
      ``last_contact_customer_at``, by an agent ``last_contact_agent_at`` and, the first
      time, ``first_response_at`` (``sla_rules.contact_of``, the rule SLA counts by). Without
      a type, a public article is "web", an internal one a "note".
    - A customer's article on a closed ticket follows the group's ``follow_up_possible``:
      ``yes`` adds it, ``yes_with_reopen`` adds it and reopens the ticket, ``new_ticket``
      refuses it (``ticket.follow_up_closed``). Merged tickets take no articles.
    """
    body = rules.clean_body(body)
    content_type = rules.clean_content_type(content_type)
    minutes = rules.clean_time_unit(time_unit)
    with attachment_service.cleanup_files_on_error(), transaction.atomic():
        profile = permissions.ticket_access(actor)
        ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
        permissions.require_change_ticket(actor, ticket, profile=profile)
        manager = permissions.can_manage_ticket(actor, ticket, profile=profile)
        if internal and not manager:
            raise PermissionDenied(
                "only agents write internal articles",
                code="article.internal_forbidden",
                field="internal",
            )
        if minutes is not None and not manager:
            raise PermissionDenied(
                "only agents track time", code="article.time_unit_forbidden", field="time_unit"
            )
        if sender not in (None, ""):
            sender_row = common.lookup_sender(sender, field="sender")
            if not manager and sender_row.name != ArticleSender.CUSTOMER:
                raise PermissionDenied(
                    "customers write as Customer", code="article.sender_forbidden", field="sender"
                )
        elif actor.is_system:
            sender_row = common.lookup_sender(ArticleSender.SYSTEM)
        elif manager and actor.has_any(perms.TICKET_AGENT, perms.ADMIN):
            sender_row = common.lookup_sender(ArticleSender.AGENT)
        else:
            sender_row = common.lookup_sender(ArticleSender.CUSTOMER)
        if article_type not in (None, ""):
            type_row = common.lookup_article_type(article_type, field="article_type")
        else:
            # A public answer goes to the customer (web); an internal one is a note.
            type_row = common.lookup_article_type("note" if internal else "web")
        attachment_service.check_uploads(actor, attachments)

        state_type = ticket.state.state_type.name
        if state_type == TicketStateType.MERGED:
            raise Conflict(
                f"ticket {ticket.number} was merged; write to the ticket it was merged into",
                code="ticket.merged",
            )
        reopen = False
        if sender_row.name == ArticleSender.CUSTOMER and not internal:
            outcome = rules.follow_up_outcome(
                ticket.group.follow_up_possible, ticket_closed=state_type == TicketStateType.CLOSED
            )
            if outcome == rules.FOLLOW_UP_REFUSE:
                raise Conflict(
                    f"ticket {ticket.number} is closed; open a new ticket",
                    code="ticket.follow_up_closed",
                )
            reopen = outcome == rules.FOLLOW_UP_REOPEN

        article = Article.objects.create(
            ticket=ticket,
            type=type_row,
            sender=sender_row,
            internal=bool(internal),
            from_address=from_address or (actor.user.fullname if actor.user else ""),
            to=to or "",
            cc=cc or "",
            subject=subject or "",
            reply_to=reply_to or "",
            message_id=message_id or "",
            in_reply_to=in_reply_to or "",
            references=references or "",
            content_type=content_type,
            body=body,
            time_unit=minutes,
            preferences=dict(preferences or {}),
            created_by=actor.user,
            updated_by=actor.user,
        )
        attachment_service.store_attachments(actor, "Article", article.pk, attachments)
        now = article.created_at  # contact times are the article's own time, as SLA reads them

        changes: dict[str, tuple[Any, Any]] = {}
        ticket.article_count += 1
        if minutes is not None:
            ticket.time_unit += minutes
        contact = sla_rules.contact_of(
            at=now,
            sender=sender_row.name,
            internal=bool(internal),
            communication=type_row.communication,
        )
        if contact is not None and contact.sender == ArticleSender.CUSTOMER:
            ticket.last_contact_at = ticket.last_contact_customer_at = now
        elif contact is not None:
            ticket.last_contact_at = ticket.last_contact_agent_at = now
            if ticket.first_response_at is None:
                ticket.first_response_at = now
        if reopen:
            new_state = common.default_follow_up_state()
            changes["state_id"] = (ticket.state_id, new_state.pk)
            history.record(
                actor,
                "Ticket",
                ticket.pk,
                HistoryEntry.Kind.UPDATED,
                "state",
                ticket.state,
                new_state,
            )
            ticket.state = new_state
        if ticket.owner_id is not None and ticket.owner_id == actor.user_id:
            ticket.last_owner_update_at = now
        ticket.updated_by = actor.user
        ticket.save()
        history.record(
            actor,
            "Ticket",
            ticket.pk,
            HistoryEntry.Kind.ADDED,
            "article",
            None,
            article.pk,
            id_to=article.pk,
            related_object_type="Article",
            related_object_id=article.pk,
        )
        common.notify(actor, ticket, internal=bool(internal))
        events.publish(
            ArticleAdded(
                ticket_id=ticket.pk,
                article_id=article.pk,
                actor_id=actor.user_id,
                internal=bool(internal),
                sender=sender_row.name,
            )
        )
        if changes:
            events.publish(
                TicketUpdated(ticket_id=ticket.pk, actor_id=actor.user_id, changes=changes)
            )
    return article
