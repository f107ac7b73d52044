"""Scoped reads of tickets and their articles, history and followers.

Every read starts from ``permissions.scope_tickets``: a ticket the actor may not see is
"not found", never "forbidden". Lists are "newest first" (``-id``) so they are read off the
ticket indexes that end in ``id`` (see ``Ticket.Meta.indexes``).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from helpline.core.models import Attachment, HistoryEntry
from helpline.core.selectors import AttachmentDownload, get_attachment_download
from helpline.core.services import attachments as attachment_service
from helpline.core.services import history
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, NotAuthenticated, NotFound
from helpline.tickets import permissions
from helpline.tickets.models import Article, Subscription, Ticket, TicketPriority, TicketState
from helpline.tickets.permissions import READ, TicketAccess

LIST_RELATED = ("state", "state__state_type", "priority", "group", "category")
PER_PAGE_MAX = 500


def visible_tickets(
    actor: Actor, access: str = READ, *, profile: TicketAccess | None = None
) -> QuerySet[Ticket]:
    """Every ticket ``actor`` has ``access`` to (unordered, no joins)."""
    return permissions.scope_tickets(actor, Ticket.objects.all(), access, profile=profile)


def get_ticket(
    actor: Actor,
    ticket_id: Any,
    *,
    access: str = READ,
    lock: bool = False,
    profile: TicketAccess | None = None,
) -> Ticket:
    """One ticket the actor has ``access`` to, else ``NotFound`` (existence is not revealed).
    ``lock`` takes a row lock for the rest of the caller's transaction."""
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise NotFound(f"no ticket {ticket_id!r}", code="ticket.not_found") from None
    qs = visible_tickets(actor, access, profile=profile).filter(pk=pk)
    if lock:
        qs = qs.select_for_update(of=("self",))
    ticket = qs.first()
    if ticket is None:
        raise NotFound(f"no ticket {pk}", code="ticket.not_found")
    return ticket


def find_ticket_by_number(actor: Actor, number: str) -> Ticket | None:
    return visible_tickets(actor).filter(number=number).first()


@dataclass(frozen=True)
class TicketFilters:
    """Filters of the ticket list; every one narrows inside the query."""

    state_ids: Sequence[int] = ()
    group_ids: Sequence[int] = ()
    priority_ids: Sequence[int] = ()
    category_ids: Sequence[int] = ()
    project_ids: Sequence[int] = ()
    customer_id: int | None = None
    organization_id: int | None = None
    owner_id: int | None = None
    on_hold: bool | None = None


def list_tickets(
    actor: Actor, filters: TicketFilters | None = None, *, access: str = READ
) -> QuerySet[Ticket]:
    """Tickets visible to the actor, filtered, newest first. No joins: the database picks
    the page off the ticket indexes alone; ``page_of`` then loads that page's rows with what
    a list row shows."""
    f = filters or TicketFilters()
    qs = visible_tickets(actor, access)
    if f.state_ids:
        qs = qs.filter(state_id__in=list(f.state_ids))
    if f.group_ids:
        qs = qs.filter(group_id__in=list(f.group_ids))
    if f.priority_ids:
        qs = qs.filter(priority_id__in=list(f.priority_ids))
    if f.category_ids:
        qs = qs.filter(category_id__in=list(f.category_ids))
    if f.project_ids:
        qs = qs.filter(project_id__in=list(f.project_ids))
    if f.customer_id is not None:
        qs = qs.filter(customer_id=f.customer_id)
    if f.organization_id is not None:
        qs = qs.filter(organization_id=f.organization_id)
    if f.owner_id is not None:
        qs = qs.filter(owner_id=f.owner_id)
    if f.on_hold is not None:
        qs = qs.filter(on_hold=f.on_hold)
    return qs.order_by("-id")


def page_of(qs: QuerySet[Ticket], page: int = 1, per_page: int = 50) -> list[Ticket]:
    """One page (1-based) of an ordered ticket list, in two queries: the page's ids off the
    indexes, then those rows with their state, priority, group and category."""
    if page < 1:
        raise Invalid("pages start at 1", code="list.page_invalid", field="page")
    if not 1 <= per_page <= PER_PAGE_MAX:
        raise Invalid(
            f"per_page is between 1 and {PER_PAGE_MAX}",
            code="list.per_page_invalid",
            field="per_page",
        )
    start = (page - 1) * per_page
    ids = list(qs.values_list("pk", flat=True)[start : start + per_page])
    if not ids:
        return []
    rows = {t.pk: t for t in Ticket.objects.filter(pk__in=ids).select_related(*LIST_RELATED)}
    return [rows[pk] for pk in ids if pk in rows]


def list_articles(actor: Actor, ticket_id: Any) -> QuerySet[Article]:
    """The articles of a ticket the actor may read, oldest first; internal ones only for
    those who may see them (attachments: ``article_attachments``)."""
    profile = permissions.ticket_access(actor)
    ticket = get_ticket(actor, ticket_id, profile=profile)
    qs = Article.objects.filter(ticket_id=ticket.pk).select_related("type", "sender")
    if not permissions.can_see_internal(actor, ticket, profile=profile):
        qs = qs.filter(internal=False)
    return qs.order_by("id")


def article_attachments(articles: Iterable[Article]) -> dict[int, list[Attachment]]:
    """Attachments of already-scoped articles, by article id, in one query."""
    ids = [a.pk for a in articles]
    grouped: dict[int, list[Attachment]] = {pk: [] for pk in ids}
    for attachment in attachment_service.attachments_of("Article", ids):
        grouped[attachment.object_id].append(attachment)
    return grouped


def get_article(actor: Actor, article_id: Any) -> Article:
    """One article the actor may see (its ticket readable, and not internal unless they
    may see internal articles)."""
    try:
        pk = int(article_id)
    except (TypeError, ValueError):
        raise NotFound(f"no article {article_id!r}", code="article.not_found") from None
    article = Article.objects.select_related("type", "sender").filter(pk=pk).first()
    if article is None:
        raise NotFound(f"no article {pk}", code="article.not_found")
    profile = permissions.ticket_access(actor)
    try:
        ticket = get_ticket(actor, article.ticket_id, profile=profile)
    except NotFound:
        raise NotFound(f"no article {pk}", code="article.not_found") from None
    if article.internal and not permissions.can_see_internal(actor, ticket, profile=profile):
        raise NotFound(f"no article {pk}", code="article.not_found")
    return article


def ticket_history(actor: Actor, ticket_id: Any) -> QuerySet[HistoryEntry]:
    """The "who changed what" lines of a ticket the actor may read, oldest first."""
    ticket = get_ticket(actor, ticket_id)
    return history.history_of("Ticket", ticket.pk).select_related("created_by")


def ticket_followers(actor: Actor, ticket_id: Any) -> QuerySet[Subscription]:
    ticket = get_ticket(actor, ticket_id)
    return Subscription.objects.filter(ticket_id=ticket.pk).select_related("user").order_by("id")


def followed_tickets(actor: Actor) -> QuerySet[Ticket]:
    """Tickets the actor follows and may still read (NodePoint's home page), newest first."""
    if actor.user_id is None:
        return Ticket.objects.none()
    return (
        visible_tickets(actor)
        .filter(pk__in=Subscription.objects.filter(user_id=actor.user_id).values("ticket_id"))
        .order_by("-id")
    )


SEARCH_FIELDS = {
    "state": "state__name__iexact",
    "priority": "priority__name__iexact",
    "group": "group__name__iexact",
    "number": "number",
}


def search_tickets(actor: Actor, query: str, *, limit: int, offset: int = 0) -> list[Ticket]:
    """Interim ticket search (replaced by the full-text search when that lands): the actor's
    visible tickets whose title, number or a visible article's body contains every word
    (any case); ``state:open``, ``priority:"2 normal"``, ``group:Support`` and ``number:…``
    narrow by exact value. Newest first; an empty query lists the visible tickets."""
    profile = permissions.ticket_access(actor)
    qs = visible_tickets(actor, profile=profile)
    for word in _search_words(query):
        field, _, value = word.partition(":")
        if value and field.lower() in SEARCH_FIELDS:
            qs = qs.filter(**{SEARCH_FIELDS[field.lower()]: value})
            continue
        articles = Article.objects.filter(body__icontains=word)
        if not (profile.admin or profile.agent):  # agents see internal articles they may read
            articles = articles.filter(internal=False)
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(number__icontains=word)
            | Q(pk__in=articles.values("ticket_id"))
        )
    ids = list(qs.order_by("-id").values_list("pk", flat=True)[offset : offset + limit])
    rows = {t.pk: t for t in Ticket.objects.filter(pk__in=ids).select_related(*LIST_RELATED)}
    return [rows[pk] for pk in ids if pk in rows]


def _search_words(query: str) -> list[str]:
    """Words of a query; ``field:"two words"`` stays one word."""
    try:
        return [w for w in shlex.split(query or "") if w.strip()][:20]
    except ValueError:
        return [w for w in (query or "").split() if w.strip()][:20]


def get_article_attachment_download(
    actor: Actor, ticket_id: Any, article_id: Any, attachment_id: Any
) -> AttachmentDownload:
    """The inert download (``core.selectors.AttachmentDownload``) of an attachment of an
    article of a ticket, all three as the path names them; anything that does not match or
    may not be seen is "not found"."""
    article = get_article(actor, article_id)
    try:
        pk = int(attachment_id)
    except (TypeError, ValueError):
        raise NotFound(f"no attachment {attachment_id!r}", code="attachment.not_found") from None
    if (
        str(article.ticket_id) != str(ticket_id)
        or not Attachment.objects.filter(
            pk=pk, object_type="Article", object_id=article.pk
        ).exists()
    ):
        raise NotFound(f"no attachment {pk}", code="attachment.not_found")
    return get_attachment_download(actor, pk)


def _signed_in(actor: Actor) -> None:
    if actor.user_id is None and not actor.is_system:
        raise NotAuthenticated("sign in to read this", code="auth.required")


def list_states(actor: Actor) -> QuerySet[TicketState]:
    """Every state (Zammad: admin.object, ticket.agent and ticket.customer read them all)."""
    _signed_in(actor)
    return TicketState.objects.order_by("id")


def get_state(actor: Actor, state_id: int) -> TicketState:
    found = list_states(actor).filter(pk=state_id).first()
    if found is None:
        raise NotFound(f"no ticket state {state_id}", code="ticket_state.not_found")
    return found


def list_priorities(actor: Actor) -> QuerySet[TicketPriority]:
    """Every priority, by rank."""
    _signed_in(actor)
    return TicketPriority.objects.order_by("rank", "id")


def get_priority(actor: Actor, priority_id: int) -> TicketPriority:
    found = list_priorities(actor).filter(pk=priority_id).first()
    if found is None:
        raise NotFound(f"no ticket priority {priority_id}", code="ticket_priority.not_found")
    return found
