"""Tickets in the search index: what is indexed, which fields filter, what keeps it fresh.

Indexed per ticket: the title, the number, the tags, the customer's and organization's
names and email addresses (or a guest's email), the text of every article (HTML
stripped); internal articles go to the ``internal`` column, which only agents search.

Field terms (Zammad's names work too: ``state.name``, ``tags``, ``customer.email``, ...):
``state``, ``priority``, ``group``, ``owner``, ``customer``, ``organization``, ``tag``,
``number`` (exact, or a prefix with ``*``), ``title`` (words in the title), ``id``,
``article_count``, ``created_at``, ``updated_at``, ``close_at``.

The index is updated inside the transaction of every ticket change (see
``helpline.search.services.index``): created, updated, article added, merged (both
tickets), deleted, and tags added or removed (core's ``TagsChanged``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from django.db.models import Q

from helpline.core.events import TagsChanged
from helpline.core.models import Group, Organization, Tagging, User
from helpline.lib.events import subscribe
from helpline.search.registry import Document, DocumentKind, FieldSpec, register
from helpline.search.services.index import refresh_documents, remove_documents
from helpline.search.text import body_text
from helpline.tickets.events import (
    ArticleAdded,
    TicketCreated,
    TicketDeleted,
    TicketMerged,
    TicketUpdated,
)
from helpline.tickets.models import Article, Ticket, TicketPriority, TicketState

TAGGED_AS = "Ticket"  # Tagging.object_type of tickets
_ID = re.compile(r"[0-9]{1,18}")


def ticket_document(
    pk: int,
    number: str,
    title: str,
    people: Iterable[str],
    tags: Iterable[str],
    articles: Iterable[tuple[str, str, bool]],
) -> Document:
    """A ticket's document from its values; ``articles`` are (body, content type, internal)
    in order. The one place that decides what a ticket's index entry holds."""
    public: list[str] = []
    internal: list[str] = []
    for body, content_type, is_internal in articles:
        (internal if is_internal else public).append(body_text(body, content_type))
    return Document(
        object_id=pk,
        title=title,
        codes=number,
        tags=" ".join(sorted(tags)),
        people=" ".join(p for p in people if p),
        body="\n".join(public),
        internal="\n".join(internal),
    )


def build_documents(ids: Sequence[int]) -> Iterator[Document]:
    """The documents of the tickets among ``ids`` (three queries for the whole batch)."""
    tickets = (
        Ticket.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list(
            "id",
            "number",
            "title",
            "submitter_email",
            "customer__firstname",
            "customer__lastname",
            "customer__email",
            "customer__login",
            "organization__name",
            "organization__email",
        )
    )
    articles: dict[int, list[tuple[str, str, bool]]] = defaultdict(list)
    rows = (
        Article.objects.filter(ticket_id__in=ids)
        .order_by("ticket_id", "id")
        .values_list("ticket_id", "body", "content_type", "internal")
    )
    for ticket_id, *article in rows.iterator(chunk_size=2000):
        articles[ticket_id].append(tuple(article))  # type: ignore[arg-type]
    tags: dict[int, list[str]] = defaultdict(list)
    taggings = Tagging.objects.filter(object_type=TAGGED_AS, object_id__in=ids).values_list(
        "object_id", "tag__name"
    )
    for object_id, name in taggings:
        tags[object_id].append(name)
    for pk, number, title, *people in tickets:
        yield ticket_document(pk, number, title, people, tags[pk], articles[pk])


# -- field terms --------------------------------------------------------------------------


def _lookup(prefix: bool) -> str:
    return "istartswith" if prefix else "iexact"


def _by_name_or_id(value: str, prefix: bool) -> Q:
    q = Q(**{f"name__{_lookup(prefix)}": value})
    if not prefix and _ID.fullmatch(value):
        q |= Q(pk=int(value))
    return q


def _state(value: str, prefix: bool) -> Q:
    return Q(state_id__in=TicketState.objects.filter(_by_name_or_id(value, prefix)).values("pk"))


def _priority(value: str, prefix: bool) -> Q:
    # "2 normal" is also found as "normal" (the number is part of Zammad's names).
    names = _by_name_or_id(value, prefix)
    names |= Q(name__icontains=f" {value}") if prefix else Q(name__iendswith=f" {value}")
    return Q(priority_id__in=TicketPriority.objects.filter(names).values("pk"))


def _group(value: str, prefix: bool) -> Q:
    return Q(group_id__in=Group.objects.filter(_by_name_or_id(value, prefix)).values("pk"))


def _organization(value: str, prefix: bool) -> Q:
    found = Organization.objects.filter(_by_name_or_id(value, prefix)).values("pk")
    return Q(organization_id__in=found)


def _people(value: str, prefix: bool) -> Q:
    """Users by login, email, first or last name, or "first last"; digits also match ids."""
    op = _lookup(prefix)
    q = (
        Q(**{f"login__{op}": value})
        | Q(**{f"email__{op}": value})
        | Q(**{f"firstname__{op}": value})
        | Q(**{f"lastname__{op}": value})
    )
    first, _, last = value.strip().partition(" ")
    if last:
        q |= Q(firstname__iexact=first, **{f"lastname__{op}": last.strip()})
    if not prefix and _ID.fullmatch(value):
        q |= Q(pk=int(value))
    return q


def _owner(value: str, prefix: bool) -> Q:
    return Q(owner_id__in=User.objects.filter(_people(value, prefix)).values("pk"))


def _customer(value: str, prefix: bool) -> Q:
    users = User.objects.filter(_people(value, prefix)).values("pk")
    return Q(customer_id__in=users) | Q(**{f"submitter_email__{_lookup(prefix)}": value})


def _tag(value: str, prefix: bool) -> Q:
    tagged = Tagging.objects.filter(
        object_type=TAGGED_AS, **{f"tag__name__{_lookup(prefix)}": value}
    ).values("object_id")
    return Q(pk__in=tagged)


def _number(value: str, prefix: bool) -> Q:
    return Q(number__startswith=value) if prefix else Q(number=value)


FIELDS = {
    "state": FieldSpec("keyword", match=_state),
    "priority": FieldSpec("keyword", match=_priority),
    "group": FieldSpec("keyword", match=_group),
    "owner": FieldSpec("keyword", match=_owner),
    "customer": FieldSpec("keyword", match=_customer),
    "organization": FieldSpec("keyword", match=_organization),
    "tag": FieldSpec("keyword", match=_tag),
    "number": FieldSpec("keyword", match=_number),
    "title": FieldSpec("text", column="title"),
    "id": FieldSpec("number", path="id"),
    "article_count": FieldSpec("number", path="article_count"),
    "created_at": FieldSpec("date", path="created_at"),
    "updated_at": FieldSpec("date", path="updated_at"),
    "close_at": FieldSpec("date", path="close_at"),
}
ALIASES = {
    "state.name": "state",
    "priority.name": "priority",
    "group.name": "group",
    "organization.name": "organization",
    "tags": "tag",
    "closed_at": "close_at",
    **{
        f"{who}.{attribute}": who
        for who in ("owner", "customer")
        for attribute in ("login", "email", "firstname", "lastname")
    },
}

TICKET = register(
    DocumentKind(
        name="ticket",
        code=1,
        model=Ticket,
        build=build_documents,
        fields=FIELDS,
        aliases=ALIASES,
        newest=("-id",),  # ids follow creation; the ticket indexes all end in id
    )
)


# -- freshness: in the transaction of each change -----------------------------------------


# Changes to these fields leave a ticket's index entry as it was (they filter through
# field terms on the live row instead).
NOT_INDEXED = frozenset(
    {
        "state", "state_id", "priority", "priority_id", "group", "group_id", "category",
        "category_id", "owner", "owner_id", "assignees", "pending_time", "on_hold", "note",
        "resolution", "time_unit", "escalation_at", "close_at", "first_response_at",
        "last_contact_at", "last_contact_agent_at", "last_contact_customer_at", "type",
        "project", "project_id", "release", "release_id", "preferences", "attributes",
    }
)  # fmt: skip


def _ticket_changed(event: TicketCreated | TicketUpdated | ArticleAdded) -> None:
    if isinstance(event, TicketUpdated) and event.changes and set(event.changes) <= NOT_INDEXED:
        return
    refresh_documents("ticket", [event.ticket_id])


def _tickets_merged(event: TicketMerged) -> None:
    refresh_documents("ticket", [event.source_id, event.target_id])


def _ticket_deleted(event: TicketDeleted) -> None:
    remove_documents("ticket", [event.ticket_id])


def _tags_changed(event: TagsChanged) -> None:
    if event.object_type == TAGGED_AS:
        refresh_documents("ticket", [event.object_id])


for _event in (TicketCreated, TicketUpdated, ArticleAdded):
    subscribe(_event, _ticket_changed, in_transaction=True)
subscribe(TicketMerged, _tickets_merged, in_transaction=True)
subscribe(TicketDeleted, _ticket_deleted, in_transaction=True)
subscribe(TagsChanged, _tags_changed, in_transaction=True)
