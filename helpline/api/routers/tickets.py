"""``/tickets``, ``/ticket_articles`` and ``/ticket_attachment``: Zammad's ticket endpoints."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import HttpResponse
from ninja import Query, Router, Status

from helpline.api import expand
from helpline.api import expand_tickets as shape
from helpline.api.auth import ApiRequest
from helpline.api.pagination import LIST_DEFAULT, MAX_PER_PAGE, search_page_of, sort_of
from helpline.api.schemas.common import Empty, ListParams, PageParams, SearchParams
from helpline.api.schemas.tickets import (
    ArticleCreateIn,
    ArticleFields,
    ArticleOut,
    AttachmentIn,
    TicketCreateIn,
    TicketOut,
    TicketUpdateIn,
)
from helpline.api.status import CREATED
from helpline.core import permissions as perms
from helpline.core.services.attachments import Upload
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid
from helpline.tickets import selectors
from helpline.tickets import services as ticket_services
from helpline.tickets.models import Ticket

router = Router(tags=["tickets"])

GUESS = "guess:"


def _uploads(files: list[AttachmentIn], field: str) -> list[Upload]:
    """Inline attachments decoded; one bad ``data`` refuses the request."""
    uploads: list[Upload] = []
    for index, f in enumerate(files):
        try:
            data = base64.b64decode("".join(f.data.split()), validate=True)
        except (binascii.Error, ValueError):
            raise Invalid(
                "attachment data is not base64",
                code="attachment.bad_base64",
                field=f"{field}.{index}.data",
            ) from None
        uploads.append(Upload(filename=f.filename, data=data, content_type=f.mime_type or ""))
    return uploads


def _article_kwargs(article: ArticleFields, field: str) -> dict[str, Any]:
    """An article payload in ``add_article``'s (and ``create_ticket``'s) names."""
    return {
        "body": article.body,
        "content_type": article.content_type or "text/plain",
        "internal": article.internal,
        "article_type": article.type,
        "sender": article.sender,
        "subject": article.subject or "",
        "to": article.to or "",
        "cc": article.cc or "",
        "reply_to": article.reply_to or "",
        "from_address": article.from_ or "",
        "time_unit": article.time_unit,
        "attachments": _uploads(
            article.attachments, f"{field}.attachments" if field else "attachments"
        ),
    }


def _with_tags(actor: Actor) -> bool:
    return actor.has_any(perms.ADMIN_TAG, perms.TICKET_AGENT)


def _detail(request: ApiRequest, ticket: Ticket) -> dict[str, Any]:
    article_ids = list(
        selectors.list_articles(request.auth, ticket.pk).values_list("pk", flat=True)
    )
    return shape.ticket_detail(
        ticket,
        article_ids,
        expanded=expand.is_expanded(request),
        with_tags=_with_tags(request.auth),
    )


@router.get("/tickets", response=list[TicketOut], exclude_unset=True, url_name="ticket-list")
def list_tickets(request: ApiRequest, params: Query[ListParams]) -> list[dict[str, Any]]:
    """The tickets the caller may read (agents: their groups' and their own; customers:
    their own and their shared organizations'), newest first or by ``sort_by`` (id, number,
    title, created_at, updated_at, state_id, priority_id, group_id, owner_id, customer_id,
    organization_id; ties by id) and ``order_by`` (asc/desc per field)."""
    per_page = min(params.per_page or LIST_DEFAULT, MAX_PER_PAGE)
    found = selectors.list_tickets(request.auth, sort=sort_of(params))
    rows = selectors.page_of(found, params.page or 1, per_page)
    return shape.tickets(
        rows, expanded=expand.is_expanded(request), with_tags=_with_tags(request.auth)
    )


@router.get(
    "/tickets/search", response=list[TicketOut], exclude_unset=True, url_name="ticket-search"
)
def search_tickets(request: ApiRequest, params: Query[SearchParams]) -> list[dict[str, Any]]:
    """Words in the title, number or an article; ``state:``, ``priority:``, ``group:`` and
    ``number:`` narrow. Best match first, or by ``sort_by`` / ``order_by`` as the list."""
    page = search_page_of(params)
    rows = selectors.search_tickets(
        request.auth, params.query, limit=page.limit, offset=page.offset, sort=sort_of(params)
    )
    return shape.tickets(
        rows, expanded=expand.is_expanded(request), with_tags=_with_tags(request.auth)
    )


@router.get(
    "/tickets/{ticket_id}", response=TicketOut, exclude_unset=True, url_name="ticket-detail"
)
def show_ticket(request: ApiRequest, ticket_id: int) -> dict[str, Any]:
    return _detail(request, selectors.get_ticket(request.auth, ticket_id))


@router.post(
    "/tickets", response={CREATED: TicketOut}, exclude_unset=True, url_name="ticket-create"
)
def create_ticket(request: ApiRequest, payload: TicketCreateIn) -> Status[dict[str, Any]]:
    """The ``article`` is the description. ``customer_id`` takes an id or ``guess:<email>``;
    ``customer`` a login or email; ``group``, ``state`` and ``priority`` names."""
    customer: Any = payload.customer_id if payload.customer_id is not None else payload.customer
    if isinstance(customer, str) and customer.startswith(GUESS):
        customer = customer[len(GUESS) :]
    article = _article_kwargs(payload.article or ArticleFields.model_validate({}), "article")
    ticket = ticket_services.create_ticket(
        request.auth,
        title=payload.title if payload.title is not None else "",
        group=payload.group_id or payload.group,
        customer=customer,
        organization=payload.organization_id,
        state=payload.state_id or payload.state,
        priority=payload.priority_id or payload.priority,
        owner=payload.owner_id,
        note=payload.note or "",
        pending_time=payload.pending_time,
        custom_field=payload.custom_field,
        attributes=payload.attributes,
        **article,
    )
    return Status(CREATED, _detail(request, ticket))


@router.put(
    "/tickets/{ticket_id}", response=TicketOut, exclude_unset=True, url_name="ticket-update"
)
def update_ticket(request: ApiRequest, ticket_id: int, payload: TicketUpdateIn) -> dict[str, Any]:
    """Changes the fields sent; an ``article`` is added and ``on_hold`` applied (hold or
    unhold) in the same transaction."""
    changes = payload.model_dump(exclude_unset=True, exclude={"article", "on_hold"})
    article = _article_kwargs(payload.article, "article") if payload.article is not None else None
    ticket = ticket_services.update_ticket_with_article(
        request.auth, ticket_id, changes, article, on_hold=payload.on_hold
    )
    return _detail(request, ticket)


@router.delete("/tickets/{ticket_id}", response=Empty, url_name="ticket-delete")
def delete_ticket(request: ApiRequest, ticket_id: int) -> dict[str, Any]:
    """Administrators only; removes the ticket with everything on it."""
    ticket_services.delete_ticket(request.auth, ticket_id)
    return {}


@router.get(
    "/ticket_articles/by_ticket/{ticket_id}",
    response=list[ArticleOut],
    by_alias=True,
    url_name="article-by-ticket",
)
def articles_by_ticket(
    request: ApiRequest, ticket_id: int, params: Query[PageParams]
) -> list[dict[str, Any]]:
    """A ticket's articles, oldest first (internal ones only for agents): all of them, as
    Zammad answers, or one page of them with ``page`` / ``per_page`` (at most 500)."""
    found = selectors.list_articles(request.auth, ticket_id)
    if params.page is None and params.per_page is None:
        rows = list(found)
    else:
        per_page = min(params.per_page or LIST_DEFAULT, MAX_PER_PAGE)
        start = ((params.page or 1) - 1) * per_page
        rows = list(found[start : start + per_page])
    return shape.articles(rows, selectors.article_attachments(rows))


@router.get(
    "/ticket_articles/{article_id}",
    response=ArticleOut,
    by_alias=True,
    url_name="article-detail",
)
def show_article(request: ApiRequest, article_id: int) -> dict[str, Any]:
    article = selectors.get_article(request.auth, article_id)
    return shape.articles([article], selectors.article_attachments([article]))[0]


@router.post(
    "/ticket_articles",
    response={CREATED: ArticleOut},
    by_alias=True,
    url_name="article-create",
)
def create_article(request: ApiRequest, payload: ArticleCreateIn) -> Status[dict[str, Any]]:
    """Attachments go inline: ``{"filename", "data" (base64), "mime-type"}``."""
    article = ticket_services.add_article(
        request.auth, payload.ticket_id, **_article_kwargs(payload, "")
    )
    rows = [article]
    return Status(CREATED, shape.articles(rows, selectors.article_attachments(rows))[0])


@router.get(
    "/ticket_attachment/{ticket_id}/{article_id}/{attachment_id}",
    url_name="ticket-attachment",
    response={200: bytes},
    openapi_extra={
        "responses": {
            "200": {
                "description": "the file, as an attachment",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_attachment(
    request: ApiRequest, ticket_id: int, article_id: int, attachment_id: int
) -> HttpResponse:
    """The file, always as a download: a safe type (else ``application/octet-stream``),
    ``nosniff`` and a sandboxing Content-Security-Policy."""
    download = selectors.get_article_attachment_download(
        request.auth, ticket_id, article_id, attachment_id
    )
    with download.open() as handle:
        response = HttpResponse(handle.read())
    for name, value in download.headers.items():
        response[name] = value
    return response
