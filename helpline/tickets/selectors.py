"""Scoped reads of tickets and their articles, history and followers.

Every read starts from ``permissions.scope_tickets``: a ticket the actor may not see is
"not found", never "forbidden". Lists are "newest first" (``-id``) so they are read off the
ticket indexes that end in ``id`` (see ``Ticket.Meta.indexes``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Min, Q, QuerySet

from helpline.core import permissions as perms
from helpline.core import selectors as core_selectors
from helpline.core.models import (
    Attachment,
    Group,
    GroupMembership,
    HistoryEntry,
    Organization,
    Role,
    Tagging,
    User,
)
from helpline.core.rules import person_name, valid_id
from helpline.core.selectors import AttachmentDownload, Sort, apply_sort, get_attachment_download
from helpline.core.services import attachments as attachment_service
from helpline.core.services import history
from helpline.core.services import tags as tag_service
from helpline.lib import clock, refcache
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, NotAuthenticated, NotFound
from helpline.projects.models import Project
from helpline.tickets import permissions
from helpline.tickets.models import (
    Article,
    Calendar,
    Mention,
    SavedView,
    Sla,
    Subscription,
    Ticket,
    TicketCategory,
    TicketPriority,
    TicketState,
    TicketStateType,
)
from helpline.tickets.permissions import READ, TicketAccess

LIST_RELATED = ("state", "state__state_type", "priority", "group", "category")
PER_PAGE_MAX = 500
# Zammad's ``sort_by`` for ticket lists: each leads an index (``Ticket.Meta.indexes``, the
# unique number, the priority foreign key), so a sorted page is still read off an index.
TICKET_SORT_FIELDS = frozenset(
    {
        "id", "number", "title", "created_at", "updated_at", "state_id", "priority_id",
        "group_id", "owner_id", "customer_id", "organization_id",
    }
)  # fmt: skip
# State kinds of tickets nobody works on any more.


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
    related: Sequence[str] = (),
) -> Ticket:
    """One ticket the actor has ``access`` to, else ``NotFound`` (existence is not revealed).
    ``lock`` takes a row lock for the rest of the caller's transaction; ``related`` names
    relations to read with it."""
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise NotFound(f"no ticket {ticket_id!r}", code="ticket.not_found") from None
    qs = visible_tickets(actor, access, profile=profile).filter(pk=pk)
    if related:
        qs = qs.select_related(*related)
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
    # A full-text search in the search language (``helpline.search.query``: words, "phrases",
    # field:value, AND/OR/NOT), the same as the API's /tickets/search.
    text: str = ""
    tag: str = ""
    created_from: date | None = None
    created_to: date | None = None


def list_tickets(
    actor: Actor,
    filters: TicketFilters | None = None,
    *,
    access: str = READ,
    sort: Sort | None = None,
) -> QuerySet[Ticket]:
    """Tickets visible to the actor, filtered, newest first (or by ``sort``: fields of
    ``TICKET_SORT_FIELDS``, ties broken by id; another field is ``Invalid`` on
    ``sort_by``). No joins: the database picks the page off the ticket indexes alone;
    ``page_of`` then loads that page's rows with what a list row shows."""
    f = filters or TicketFilters()
    profile = permissions.ticket_access(actor)
    qs = visible_tickets(actor, access, profile=profile)
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
    if f.text.strip():
        from helpline.search.selectors import matching_tickets

        qs = matching_tickets(qs, f.text.strip(), include_internal=profile.admin or profile.agent)
    if f.tag.strip():
        tagged = Tagging.objects.filter(
            object_type="Ticket", tag__name__iexact=f.tag.strip()
        ).values("object_id")
        qs = qs.filter(pk__in=tagged)
    if f.created_from is not None:
        qs = qs.filter(created_at__date__gte=f.created_from)
    if f.created_to is not None:
        qs = qs.filter(created_at__date__lte=f.created_to)
    if sort:
        return apply_sort(qs, sort, TICKET_SORT_FIELDS, [("id", True)])
    return qs.order_by("-id")


@dataclass(frozen=True)
class SearchPage:
    """One page of a ranked ticket search: its rows and how many match in all."""

    tickets: list[Ticket]
    total: int
    number: int


def search_page(
    actor: Actor,
    filters: TicketFilters,
    *,
    page: int = 1,
    per_page: int = 50,
    related: Sequence[str] = LIST_RELATED,
    only: Sequence[str] = (),
    count_limit: int | None = None,
) -> SearchPage:
    """The ticket list's free-text search, best match first (words in the title count
    most), then newest: ``filters.text`` in the search language, inside the actor's scope
    and every other filter. A page past the end gives the last page. Internal notes are
    searched only for admins and agents. With ``count_limit`` the total stops there
    (``list_count_limit``)."""
    from helpline.search.selectors import search_tickets as full_text

    profile = permissions.ticket_access(actor)
    scoped = list_tickets(actor, replace(filters, text="")).select_related(*related)
    if only:
        scoped = scoped.only(*only)
    include_internal = profile.admin or profile.agent
    page = max(1, page)
    found, total = full_text(
        scoped, filters.text, limit=per_page, offset=(page - 1) * per_page,
        include_internal=include_internal, count_limit=count_limit,
    )  # fmt: skip
    if not found and total:
        page = -(-total // per_page)
        found, total = full_text(
            scoped, filters.text, limit=per_page, offset=(page - 1) * per_page,
            include_internal=include_internal, count_limit=count_limit,
        )  # fmt: skip
    return SearchPage(tickets=found, total=total, number=page if total else 1)


def list_count_limit(page: int, per_page: int) -> int:
    """How far the ticket list counts when showing ``page``: ``LIST_COUNT_LIMIT`` tickets and
    always ten pages past the one shown, plus one to tell whether there are more."""
    return max(settings.LIST_COUNT_LIMIT, (page + 10) * per_page) + 1


def page_ids(qs: QuerySet[Ticket], page: int, per_page: int) -> list[int]:
    """The ids of one page (1-based) of an ordered ticket list, off its indexes."""
    if page < 1:
        raise Invalid("pages start at 1", code="list.page_invalid", field="page")
    if not 1 <= per_page <= PER_PAGE_MAX:
        raise Invalid(
            f"per_page is between 1 and {PER_PAGE_MAX}",
            code="list.per_page_invalid",
            field="per_page",
        )
    start = (page - 1) * per_page
    return list(qs.values_list("pk", flat=True)[start : start + per_page])


def page_of(
    qs: QuerySet[Ticket],
    page: int = 1,
    per_page: int = 50,
    *,
    related: Sequence[str] = LIST_RELATED,
    only: Sequence[str] = (),
) -> list[Ticket]:
    """One page (1-based) of an ordered ticket list, in two queries: the page's ids off the
    indexes, then those rows with their state, priority, group and category (``related``;
    with ``only``, just those columns)."""
    ids = page_ids(qs, page, per_page)
    if not ids:
        return []
    found = Ticket.objects.filter(pk__in=ids).select_related(*related)
    if only:
        found = found.only(*only)
    rows = {t.pk: t for t in found}
    return [rows[pk] for pk in ids if pk in rows]


@dataclass(frozen=True, slots=True)
class TicketRow:
    """What a row of the pages' ticket lists shows (the list page, the home page's lists):
    names instead of related rows."""

    pk: int
    number: str
    title: str
    state: str
    priority: str
    group: str
    customer: str  # the customer's name, else the address of a ticket filed by mail
    owner: str  # "" when nobody owns it
    escalation_at: datetime | None
    updated_at: datetime


_ROW_COLUMNS = (
    "pk",
    "number",
    "title",
    "state__name",
    "priority__name",
    "group__name",
    "customer__login",
    "customer__firstname",
    "customer__lastname",
    "submitter_email",
    "owner__login",
    "owner__firstname",
    "owner__lastname",
    "escalation_at",
    "updated_at",
)


def list_rows(ids: Sequence[int]) -> list[TicketRow]:
    """The rows of these tickets (already read within the reader's scope), in the order of
    ``ids``, read as plain values in one query: tickets with five related rows cost a page
    of 50 about 6 ms to build, these about 1.5 ms."""
    if not ids:
        return []
    rows = {}
    for values in Ticket.objects.filter(pk__in=list(ids)).order_by().values_list(*_ROW_COLUMNS):
        (pk, number, title, state, priority, group, c_login, c_first, c_last, email) = values[:10]
        (o_login, o_first, o_last, escalation_at, updated_at) = values[10:]
        rows[pk] = TicketRow(
            pk=pk,
            number=number,
            title=title,
            state=state,
            priority=priority,
            group=group,
            customer=person_name(c_login, c_first, c_last) if c_login is not None else email,
            owner=person_name(o_login, o_first, o_last),
            escalation_at=escalation_at,
            updated_at=updated_at,
        )
    return [rows[pk] for pk in ids if pk in rows]


def row_page(qs: QuerySet[Ticket], page: int, per_page: int) -> list[TicketRow]:
    """One page (1-based) of an ordered ticket list as ``TicketRow``: the page's ids off the
    indexes, then ``list_rows``."""
    return list_rows(page_ids(qs, page, per_page))


def _readable(
    actor: Actor, ticket_id: Any, profile: TicketAccess | None, ticket: Ticket | None
) -> Ticket:
    """``ticket`` when the caller already read it with ``get_ticket`` for this actor (the
    ticket page reads one ticket's articles, history and followers), else ``get_ticket``."""
    if ticket is not None and str(ticket.pk) == str(ticket_id):
        return ticket
    return get_ticket(actor, ticket_id, profile=profile)


def list_articles(
    actor: Actor,
    ticket_id: Any,
    *,
    profile: TicketAccess | None = None,
    ticket: Ticket | None = None,
) -> QuerySet[Article]:
    """The articles of a ticket the actor may read, oldest first; internal ones only for
    those who may see them (attachments: ``article_attachments``). ``ticket``: as
    ``_readable``."""
    profile = profile or permissions.ticket_access(actor)
    ticket = _readable(actor, ticket_id, profile, ticket)
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


def ticket_history(
    actor: Actor,
    ticket_id: Any,
    *,
    profile: TicketAccess | None = None,
    ticket: Ticket | None = None,
) -> QuerySet[HistoryEntry]:
    """The "who changed what" lines of a ticket the actor may read, oldest first."""
    ticket = _readable(actor, ticket_id, profile, ticket)
    return history.history_of("Ticket", ticket.pk).select_related("created_by")


def ticket_followers(
    actor: Actor,
    ticket_id: Any,
    *,
    profile: TicketAccess | None = None,
    ticket: Ticket | None = None,
) -> QuerySet[Subscription]:
    ticket = _readable(actor, ticket_id, profile, ticket)
    return Subscription.objects.filter(ticket_id=ticket.pk).select_related("user").order_by("id")


def ticket_assignees(
    actor: Actor,
    ticket_id: Any,
    *,
    profile: TicketAccess | None = None,
    ticket: Ticket | None = None,
) -> list[Choice]:
    """A ticket's assignees as ``(id, name)`` pairs, by name (the name: ``person_name``).
    ``ticket``: as ``_readable``."""
    ticket = _readable(actor, ticket_id, profile, ticket)
    rows = (
        User.objects.filter(assigned_tickets=ticket.pk)
        .order_by("firstname", "lastname", "login")
        .values_list("pk", "login", "firstname", "lastname")
    )
    return [(pk, person_name(login, first, last)) for pk, login, first, last in rows]


def ticket_tags(
    actor: Actor,
    ticket_id: Any,
    *,
    profile: TicketAccess | None = None,
    ticket: Ticket | None = None,
) -> list[str]:
    """A ticket's tag names, in the order they were added: for ``admin.tag`` holders and
    agents who may read it (``PermissionDenied`` for others who may read it). ``ticket``: as
    ``_readable``. The same rule as ``tags.list_tags(actor, "Ticket", id)`` (both call
    ``permissions.require_list_ticket_tags``)."""
    ticket = _readable(actor, ticket_id, profile, ticket)
    permissions.require_list_ticket_tags(actor, ticket, profile=profile)
    return tag_service.tag_names("Ticket", ticket.pk)


def list_mentions(actor: Actor, ticket_id: Any) -> QuerySet[Mention]:
    """The mentions on a ticket, oldest first: for admins and agents who may read it
    (customers see none: mentions are between agents)."""
    profile = permissions.ticket_access(actor)
    ticket = get_ticket(actor, ticket_id, profile=profile)
    if not permissions.can_see_internal(actor, ticket, profile=profile):
        return Mention.objects.none()
    return Mention.objects.filter(ticket_id=ticket.pk).select_related("user").order_by("id")


def get_mention(actor: Actor, mention_id: Any) -> Mention:
    """One mention on a ticket the actor may read as an agent, else ``NotFound``."""
    pk = mention_id if isinstance(mention_id, int) and valid_id(mention_id) else None
    mention = Mention.objects.select_related("ticket", "user").filter(pk=pk).first() if pk else None
    if mention is None or not permissions.can_see_internal(actor, mention.ticket):
        raise NotFound(f"no mention {mention_id}", code="mention.not_found")
    return mention


def followed_tickets(actor: Actor, *, profile: TicketAccess | None = None) -> QuerySet[Ticket]:
    """Tickets the actor follows and may still read (NodePoint's home page), newest first."""
    if actor.user_id is None:
        return Ticket.objects.none()
    return (
        visible_tickets(actor, profile=profile)
        .filter(pk__in=Subscription.objects.filter(user_id=actor.user_id).values("ticket_id"))
        .order_by("-id")
    )


def is_agent(actor: Actor) -> bool:
    """Agents and admins work tickets; the pages show them the agent's tools."""
    return actor.has_any(perms.TICKET_AGENT, perms.ADMIN)


def created_tickets(actor: Actor, *, profile: TicketAccess | None = None) -> QuerySet[Ticket]:
    """Tickets the actor filed or is the customer of, newest first."""
    if actor.user_id is None:
        return Ticket.objects.none()
    return (
        visible_tickets(actor, profile=profile)
        .filter(Q(customer_id=actor.user_id) | Q(created_by_id=actor.user_id))
        .order_by("-id")
    )


def assigned_tickets(actor: Actor, *, profile: TicketAccess | None = None) -> QuerySet[Ticket]:
    """Open tickets the actor owns or is an assignee of, newest first."""
    if actor.user_id is None:
        return Ticket.objects.none()
    # Assignments are read first, so the filter is two index lookups (owner, id) ORed
    # together; a join to the assignees with DISTINCT sorted every visible ticket.
    assigned = list(
        Ticket.assignees.through.objects.filter(user_id=actor.user_id).values_list(
            "ticket_id", flat=True
        )
    )
    mine = Q(owner_id=actor.user_id) | Q(pk__in=assigned)
    return (
        visible_tickets(actor, profile=profile)
        .filter(mine)
        .exclude(state_id__in=finished_state_ids())
        .order_by("-id")
    )


def needs_reply_tickets(actor: Actor, *, profile: TicketAccess | None = None) -> QuerySet[Ticket]:
    """An agent's open tickets (owned or in their groups without an owner) where the
    customer spoke last (Zammad's contact times)."""
    if actor.user_id is None or not is_agent(actor):
        return Ticket.objects.none()
    owned = Q(owner_id=actor.user_id) | Q(owner__isnull=True)
    return _needs_reply(actor, owned, profile, finished_state_ids()).order_by("-id")


def needs_reply_ids(actor: Actor, limit: int, *, profile: TicketAccess | None = None) -> list[int]:
    """The newest ``limit`` of ``needs_reply_tickets``, read as two walks of the owner index
    (the agent's own, then the unowned) and merged. As one query, "mine or nobody's" made
    the database read every unowned ticket and sort them: 13 ms at 100,000 tickets on
    SQLite, growing with the table."""
    if actor.user_id is None or not is_agent(actor):
        return []
    ids: set[int] = set()
    finished = finished_state_ids()
    for owned in (Q(owner_id=actor.user_id), Q(owner__isnull=True)):
        rows = _needs_reply(actor, owned, profile, finished).order_by("-id")
        ids.update(rows.values_list("pk", flat=True)[:limit])
    return sorted(ids, reverse=True)[:limit]


def _needs_reply(
    actor: Actor, owned: Q, profile: TicketAccess | None, finished: list[int]
) -> QuerySet[Ticket]:
    return (
        visible_tickets(actor, profile=profile)
        .filter(owned)
        .exclude(state_id__in=finished)
        .filter(last_contact_customer_at__isnull=False)
        .filter(
            Q(last_contact_agent_at__isnull=True)
            | Q(last_contact_agent_at__lt=F("last_contact_customer_at"))
        )
    )


def escalated_tickets(actor: Actor, *, profile: TicketAccess | None = None) -> QuerySet[Ticket]:
    """Tickets past one of their SLA deadlines (agents only), the most overdue first."""
    if not is_agent(actor):
        return Ticket.objects.none()
    return (
        visible_tickets(actor, profile=profile)
        .filter(escalation_at__lte=clock.now())
        .order_by("escalation_at")
    )


def finished_state_ids() -> list[int]:
    """The ids of the closed, merged and removed states (a handful), read first so that a
    list excluding them needs no join to the states: the database then walks the ticket
    indexes in the list's order instead of the state index."""
    return list(
        TicketState.objects.filter(state_type__name__in=TicketStateType.FINAL).values_list(
            "pk", flat=True
        )
    )


def with_rows(tickets: QuerySet[Ticket], limit: int) -> list[TicketRow]:
    """The first ``limit`` tickets as list rows (``row_page``)."""
    return row_page(tickets, 1, limit)


Choice = tuple[int, str]


@dataclass(frozen=True)
class ListChoices:
    """What the ticket list's filters offer the actor, as ``(id, label)`` pairs: a page
    shows hundreds of them, and reading them as pairs instead of model rows halves their
    cost."""

    states: list[Choice]
    priorities: list[Choice]
    groups: list[Choice]
    categories: list[Choice]  # labelled "Group / Category"
    projects: list[Choice]
    owners: list[Choice]  # labelled "Full Name (login)"


def list_choices(
    actor: Actor, *, profile: TicketAccess | None = None, group_id: int | None = None
) -> ListChoices:
    """States and priorities for everyone; groups, categories, projects and owners for
    agents (those of the groups they may read). Organizations are too many to offer: the
    list filters by an organization's name (``find_organization``). With ``group_id`` (a
    ticket's update form), only that group's categories and owners.

    The whole lists are kept per process (``refcache``: dropped when their tables change)
    and narrowed to the actor's groups here, so a page reads none of them from the
    database."""
    lists = refcache.Reader()
    states = list(lists.get("tickets.states", _active_states))
    priorities = list(lists.get("tickets.priorities", _active_priorities))
    if not is_agent(actor):
        return ListChoices(states, priorities, [], [], [], [])
    profile = profile or permissions.ticket_access(actor)
    group_list = list(lists.get("tickets.groups", _active_groups))
    if READ not in profile.everything:
        readable = profile.group_ids(READ)
        group_list = [(pk, name) for pk, name in group_list if pk in readable]
    ids = {pk for pk, _ in group_list} if group_id is None else {group_id}
    return ListChoices(
        states=states,
        priorities=priorities,
        groups=group_list,
        categories=[
            (pk, label)
            for pk, group, label in lists.get("tickets.categories", _active_categories)
            if group in ids
        ],
        projects=[
            (pk, name)
            for pk, group, name in lists.get("tickets.projects", _projects)
            if group in ids
        ],
        owners=owner_candidates(ids, lists=lists),
    )


def _active_states() -> tuple[Choice, ...]:
    return tuple(TicketState.objects.filter(active=True).order_by("id").values_list("pk", "name"))


def _active_priorities() -> tuple[Choice, ...]:
    return tuple(
        TicketPriority.objects.filter(active=True).order_by("rank").values_list("pk", "name")
    )


def _active_groups() -> tuple[Choice, ...]:
    return tuple(Group.objects.filter(active=True).order_by("name").values_list("pk", "name"))


def _active_categories() -> tuple[tuple[int, int, str], ...]:
    """(id, group id, "Group / Category") of every active category, by group and name."""
    rows = (
        TicketCategory.objects.filter(active=True)
        .order_by("group__name", "name")
        .values_list("pk", "group_id", "group__name", "name")
    )
    return tuple((pk, group_id, f"{group} / {name}") for pk, group_id, group, name in rows)


def _projects() -> tuple[tuple[int, int | None, str], ...]:
    """(id, group id, name) of every project, by name."""
    return tuple(Project.objects.order_by("name").values_list("pk", "group_id", "name"))


def person_label(user: User) -> str:
    """How a choice names a person: "Full Name (login)"."""
    return f"{user.fullname} ({user.login})"


def owner_candidates(
    group_ids: Iterable[int], *, lists: refcache.Reader | None = None
) -> list[Choice]:
    """Active agents who are members of one of the groups (who may own their tickets), as
    ``(id, person_label)`` pairs by name."""
    wanted = set(group_ids)
    lists = lists or refcache.Reader()
    return [
        (pk, label)
        for pk, label, groups in lists.get("tickets.agents", _agents_by_group)
        if not wanted.isdisjoint(groups)
    ]


def _agents_by_group() -> tuple[tuple[int, str, frozenset[int]], ...]:
    """(id, "Full Name (login)", group ids) of every active agent or admin who is a member
    of a group, by name."""
    agent_roles = Role.objects.filter(
        active=True, permissions__name__in=[perms.TICKET_AGENT, perms.ADMIN]
    )
    agents = (
        User.objects.filter(active=True, roles__in=agent_roles)
        .filter(pk__in=GroupMembership.objects.values("user_id"))
        .distinct()
        .order_by("firstname", "lastname", "login")
        .values_list("pk", "login", "firstname", "lastname")
    )
    people = [
        (pk, f"{person_name(login, first, last)} ({login})") for pk, login, first, last in agents
    ]
    groups: dict[int, set[int]] = {}
    members = GroupMembership.objects.filter(user_id__in=[pk for pk, _ in people])
    for user_id, group_id in members.values_list("user_id", "group_id"):
        groups.setdefault(user_id, set()).add(group_id)
    return tuple((pk, label, frozenset(groups.get(pk, ()))) for pk, label in people)


def watch_choices() -> None:
    """Drop the cached choice lists whenever one of the tables they are read from changes
    (called from the app's ``ready``)."""
    for model in (TicketState, TicketPriority, TicketCategory, Group, Project, Role):
        refcache.watch(model)
    refcache.watch(GroupMembership)
    refcache.watch(User, fields=("active", "login", "firstname", "lastname"))
    refcache.watch(User.roles.through)
    refcache.watch(Role.permissions.through)


def groups_for_create(actor: Actor) -> list[Group]:
    """The groups the actor may file a ticket in, by name."""
    return list(permissions.scope_groups_for_create(actor, Group.objects.all()).order_by("name"))


def projects_for_create(actor: Actor) -> list[Project]:
    """The active projects the actor may file a ticket against (those whose group they may
    file into), by name, with their custom form."""
    groups = permissions.scope_groups_for_create(actor, Group.objects.all())
    return list(
        Project.objects.filter(active=True, group__in=groups)
        .select_related("custom_form")
        .order_by("name")
    )


def form_clients() -> list[tuple[int, str]]:
    """The clients a custom form's client field offers (NodePoint: every client that is not
    closed), by name."""
    return list(
        Organization.objects.filter(active=True)
        .exclude(status=Organization.Status.CLOSED)
        .order_by("name")
        .values_list("pk", "name")[:1000]
    )


def find_organization(reference: str) -> int | None:
    """The id of an organization named by its name (any case) or id (links and saved views
    of older lists), the list's organization filter; ``None`` when there is none."""
    text = reference.strip()
    if not text:
        return None
    found = Organization.objects.filter(name__iexact=text).values_list("pk", flat=True).first()
    if found is None and text.isdigit() and valid_id(int(text)):
        found = Organization.objects.filter(pk=int(text)).values_list("pk", flat=True).first()
    return found


def find_customer(reference: str) -> User | None:
    """A customer named by login or email (the list's customer filter)."""
    text = reference.strip()
    if not text:
        return None
    return User.objects.filter(Q(login__iexact=text) | Q(email__iexact=text)).first()


def admin_categories(actor: Actor) -> QuerySet[TicketCategory]:
    """Every category with its group, for their administration (``admin.group``)."""
    perms.require(actor, perms.ADMIN_GROUP)
    return TicketCategory.objects.select_related("group").order_by("group__name", "name")


def admin_states(actor: Actor) -> QuerySet[TicketState]:
    """Every state with its type (``admin.object``)."""
    perms.require(actor, perms.ADMIN_OBJECT)
    return TicketState.objects.select_related("state_type").order_by("id")


def admin_state_types(actor: Actor) -> QuerySet[TicketStateType]:
    """The fixed kinds a new state may have (``admin.object``)."""
    perms.require(actor, perms.ADMIN_OBJECT)
    return TicketStateType.objects.order_by("id")


def admin_priorities(actor: Actor) -> QuerySet[TicketPriority]:
    """Every priority, least urgent first (``admin.object``)."""
    perms.require(actor, perms.ADMIN_OBJECT)
    return TicketPriority.objects.order_by("rank")


def admin_group_choices(actor: Actor) -> QuerySet[Group]:
    perms.require(actor, perms.ADMIN_GROUP)
    return Group.objects.order_by("name")


def admin_calendars(actor: Actor) -> QuerySet[Calendar]:
    """Every business-hours calendar with how many SLAs use it (``admin.sla``)."""
    perms.require(actor, perms.ADMIN_SLA)
    return Calendar.objects.annotate(sla_count=Count("slas")).order_by("name", "id")


def admin_slas(actor: Actor) -> QuerySet[Sla]:
    """Every SLA with its calendar, in the order they are tried (``admin.sla``)."""
    perms.require(actor, perms.ADMIN_SLA)
    return Sla.objects.select_related("calendar").order_by("precedence", "name", "id")


@dataclass(frozen=True)
class SlaChoices:
    """What an SLA's conditions may name, each as ``(id, name)`` pairs: priorities (least
    urgent first) and groups. Organizations are too many to list: see
    ``admin_sla_organizations``."""

    priorities: list[tuple[int, str]]
    groups: list[tuple[int, str]]


def admin_sla_choices(actor: Actor) -> SlaChoices:
    perms.require(actor, perms.ADMIN_SLA)
    return SlaChoices(
        priorities=list(TicketPriority.objects.order_by("rank").values_list("pk", "name")),
        groups=list(Group.objects.order_by("name").values_list("pk", "name")),
    )


SLA_ORGANIZATION_MATCHES = 20


def admin_sla_organizations(
    actor: Actor, text: str, *, exclude: Iterable[int] = (), limit: int = SLA_ORGANIZATION_MATCHES
) -> tuple[list[tuple[int, str]], bool]:
    """The organizations an SLA may name matching ``text``, name prefix first, at most
    ``limit`` and whether more match (``core.selectors.organizations_named``); ``exclude``
    leaves out those already chosen (``admin.sla``)."""
    perms.require(actor, perms.ADMIN_SLA)
    return core_selectors.organizations_named(text, exclude=exclude, limit=min(limit, 100))


def admin_sla_organization_names(actor: Actor, ids: Iterable[int]) -> dict[int, str]:
    """The names of the organizations ``ids`` (one query; unknown ids are left out)."""
    perms.require(actor, perms.ADMIN_SLA)
    wanted = [i for i in ids if valid_id(i)]
    if not wanted:
        return {}
    return dict(Organization.objects.filter(pk__in=wanted).values_list("pk", "name"))


def priority_by_rank(rank: int) -> TicketPriority:
    """The active priority of a ``rank`` (how the dialects name priorities on their own
    scales); ``Invalid`` when none has it."""
    priority = TicketPriority.objects.filter(rank=rank, active=True).first()
    if priority is None:
        raise Invalid(
            f"no active priority of rank {rank}", code="ticket.priority_unknown", field="priority"
        )
    return priority


def descriptions(ticket_ids: Iterable[int]) -> dict[int, Article]:
    """The first article (the description) of each of some already-scoped tickets, by
    ticket id, in two queries; tickets without an article are left out."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    firsts = (
        Article.objects.filter(ticket_id__in=ids)
        .values("ticket_id")
        .annotate(first=Min("id"))
        .values_list("first", flat=True)
    )
    return {a.ticket_id: a for a in Article.objects.filter(pk__in=list(firsts))}


def replies(actor: Actor, ticket_id: Any) -> QuerySet[Article]:
    """The articles after the description of a ticket the actor may read (Flicket's
    "posts"), oldest first; internal ones only for those who may see them."""
    articles = list_articles(actor, ticket_id)
    first = Article.objects.filter(ticket_id=int(ticket_id)).order_by("id").first()
    return articles.exclude(pk=first.pk) if first is not None else articles


def authored_article_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """How many articles each user wrote (Flicket's ``total_posts``), by user id."""
    rows = (
        Article.objects.filter(created_by_id__in=list(user_ids))
        .values("created_by_id")
        .annotate(n=Count("id"))
        .values_list("created_by_id", "n")
    )
    return dict(rows)


def get_subscription(actor: Actor, subscription_id: Any) -> Subscription:
    """One follower row of a ticket the actor may read, else ``NotFound``."""
    try:
        pk = int(subscription_id)
    except (TypeError, ValueError):
        raise NotFound(
            f"no subscription {subscription_id!r}", code="subscription.not_found"
        ) from None
    row = Subscription.objects.select_related("user").filter(pk=pk).first()
    if row is None or not visible_tickets(actor).filter(pk=row.ticket_id).exists():
        raise NotFound(f"no subscription {pk}", code="subscription.not_found")
    return row


def directory_categories(
    actor: Actor, *, group_id: int | None = None, group_name: str | None = None
) -> QuerySet[TicketCategory]:
    """The active categories of the groups the actor may file tickets into, by name;
    optionally of one group, by id or by name."""
    from helpline.core.selectors import group_directory

    qs = TicketCategory.objects.filter(active=True, group__in=group_directory(actor))
    if group_id is not None:
        qs = qs.filter(group_id=group_id)
    if group_name is not None:
        qs = qs.filter(group__name=group_name)
    return qs.select_related("group").order_by("name", "id")


def get_directory_category(actor: Actor, category_id: Any) -> TicketCategory:
    try:
        pk = int(category_id)
    except (TypeError, ValueError):
        raise NotFound(f"no category {category_id!r}", code="category.not_found") from None
    row = directory_categories(actor).filter(pk=pk).first()
    if row is None:
        raise NotFound(f"no category {pk}", code="category.not_found")
    return row


def visible_attachments(actor: Actor) -> QuerySet[Attachment]:
    """The attachments of the articles the actor may see (Flicket's "uploads"), by id:
    articles of readable tickets, internal ones only for admins and agents (who see them on
    every ticket they may read, ``permissions.can_see_internal``)."""
    profile = permissions.ticket_access(actor)
    articles = Article.objects.filter(
        ticket_id__in=visible_tickets(actor, profile=profile).values("pk")
    )
    if not (profile.admin or profile.agent):
        articles = articles.filter(internal=False)
    return Attachment.objects.filter(
        object_type="Article", object_id__in=articles.values("pk")
    ).order_by("id")


def get_visible_attachment(actor: Actor, attachment_id: Any) -> Attachment:
    try:
        pk = int(attachment_id)
    except (TypeError, ValueError):
        raise NotFound(f"no upload {attachment_id!r}", code="attachment.not_found") from None
    row = visible_attachments(actor).filter(pk=pk).first()
    if row is None:
        raise NotFound(f"no upload {pk}", code="attachment.not_found")
    return row


def attachment_articles(attachments: Iterable[Attachment]) -> dict[int, Article]:
    """The articles that already-scoped article attachments hang on, by article id."""
    return Article.objects.in_bulk([a.object_id for a in attachments])


def get_history_entry(actor: Actor, entry_id: Any) -> HistoryEntry:
    """One history line of a ticket the actor may read, else ``NotFound``."""
    try:
        pk = int(entry_id)
    except (TypeError, ValueError):
        raise NotFound(f"no history line {entry_id!r}", code="history.not_found") from None
    entry = HistoryEntry.objects.filter(pk=pk, object_type="Ticket").first()
    if entry is None or not visible_tickets(actor).filter(pk=entry.object_id).exists():
        raise NotFound(f"no history line {pk}", code="history.not_found")
    return entry


def search_tickets(
    actor: Actor, query: str, *, limit: int, offset: int = 0, sort: Sort | None = None
) -> list[Ticket]:
    """The actor's visible tickets matching ``query`` in the search language (free words,
    "phrases", ``field:value``, AND/OR/NOT; see ``helpline.search.query``), best match first,
    then newest — or in the order of ``sort`` (as ``list_tickets``). The permission scope is
    part of the search query itself. An empty query lists the visible tickets, newest first."""
    from helpline.search.selectors import search_tickets as full_text

    if sort:
        sorted_qs = list_tickets(actor, TicketFilters(text=query or ""), sort=sort)
        ids = list(sorted_qs.values_list("pk", flat=True)[offset : offset + limit])
        by_id = {t.pk: t for t in Ticket.objects.filter(pk__in=ids).select_related(*LIST_RELATED)}
        return [by_id[pk] for pk in ids if pk in by_id]
    profile = permissions.ticket_access(actor)
    qs = visible_tickets(actor, profile=profile)
    if not (query or "").strip():
        ids = list(qs.order_by("-id").values_list("pk", flat=True)[offset : offset + limit])
    else:
        # No total is shown: the count only needs to reach past the page.
        found, _total = full_text(
            qs,
            query,
            limit=limit,
            offset=offset,
            include_internal=profile.admin or profile.agent,
            count_limit=offset + limit + 1,
        )
        ids = [ticket.pk for ticket in found]
    rows = {t.pk: t for t in Ticket.objects.filter(pk__in=ids).select_related(*LIST_RELATED)}
    return [rows[pk] for pk in ids if pk in rows]


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


STATE_SORT_FIELDS = frozenset(
    {"id", "name", "state_type_id", "next_state_id", "active", "created_at", "updated_at"}
)
PRIORITY_SORT_FIELDS = frozenset({"id", "name", "active", "created_at", "updated_at"})


def list_states(actor: Actor, *, sort: Sort | None = None) -> QuerySet[TicketState]:
    """Every state (Zammad: admin.object, ticket.agent and ticket.customer read them all),
    by id or by ``sort`` (fields of ``STATE_SORT_FIELDS``)."""
    _signed_in(actor)
    return apply_sort(TicketState.objects.all(), sort, STATE_SORT_FIELDS, [("id", False)])


def get_state(actor: Actor, state_id: int) -> TicketState:
    found = list_states(actor).filter(pk=state_id).first()
    if found is None:
        raise NotFound(f"no ticket state {state_id}", code="ticket_state.not_found")
    return found


def list_priorities(actor: Actor, *, sort: Sort | None = None) -> QuerySet[TicketPriority]:
    """Every priority, by rank (or by ``sort``: fields of ``PRIORITY_SORT_FIELDS``)."""
    _signed_in(actor)
    if sort:
        return apply_sort(TicketPriority.objects.all(), sort, PRIORITY_SORT_FIELDS, [])
    return TicketPriority.objects.order_by("rank", "id")


def get_priority(actor: Actor, priority_id: int) -> TicketPriority:
    found = list_priorities(actor).filter(pk=priority_id).first()
    if found is None:
        raise NotFound(f"no ticket priority {priority_id}", code="ticket_priority.not_found")
    return found


def saved_views(actor: Actor) -> QuerySet[SavedView]:
    """The saved ticket lists the actor may open, by name: their own personal views, views
    shared with everyone and views shared with one of their active roles (admins, who
    manage shared views: every shared view)."""
    if actor.user_id is None:
        return SavedView.objects.none()
    mine = Q(owner_id=actor.user_id, sharing=SavedView.Sharing.PERSONAL)
    if actor.has(perms.ADMIN):
        shared = ~Q(sharing=SavedView.Sharing.PERSONAL)
    else:
        shared = Q(sharing=SavedView.Sharing.EVERYONE) | Q(
            sharing=SavedView.Sharing.ROLE,
            role__in=Role.objects.filter(active=True, users__id=actor.user_id),
        )
    return SavedView.objects.filter(mine | shared).select_related("role").order_by("name", "id")


def get_saved_view(actor: Actor, view_id: Any, *, lock: bool = False) -> SavedView:
    """One view the actor may open, else ``NotFound`` (another's personal view is not
    revealed)."""
    try:
        pk = int(view_id)
    except (TypeError, ValueError):
        raise NotFound(f"no view {view_id!r}", code="view.not_found") from None
    qs = saved_views(actor).filter(pk=pk)
    if lock:
        qs = qs.select_for_update(of=("self",))
    view = qs.first()
    if view is None:
        raise NotFound(f"no view {pk}", code="view.not_found")
    return view
