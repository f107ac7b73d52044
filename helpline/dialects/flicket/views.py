"""Flicket's API calls. Each one: the caller (Basic for ``/tokens``, else the bearer
token), one service or selector, one shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from helpline.core import selectors
from helpline.core.services import groups as group_service
from helpline.core.services import tokens
from helpline.dialects.common import dialect_call
from helpline.dialects.flicket import auth, inputs, shapes, vocab
from helpline.dialects.flicket.errors import FLICKET_ERRORS
from helpline.lib.actor import Actor
from helpline.lib.errors import NotFound
from helpline.tickets import selectors as ticket_selectors
from helpline.tickets import services as tickets
from helpline.tickets.models import Article, Ticket

GET = ("GET",)


def _page(page: Any, per_page: int, total: int) -> shapes.Page:
    return shapes.Page(page=max(int(page), 1), per_page=per_page, total=total)


def _collection(
    request: HttpRequest,
    page: Any,
    qs: QuerySet[Any],
    shape: Callable[[list[Any]], list[dict[str, Any]]],
    link: Callable[[int, int], str],
) -> HttpResponse:
    """One page of an ordered queryset as Flicket's collection."""
    at = _page(page, inputs.per_page(request), qs.count())
    rows = list(qs[at.offset : at.offset + at.per_page])
    return shapes.answer(shapes.collection(shape(rows), at, link))


# --- tokens


@dialect_call(errors=FLICKET_ERRORS, methods=("POST", "DELETE"))
def tokens_view(request: HttpRequest) -> HttpResponse:
    """``POST /tokens`` (HTTP Basic) issues a token for an hour; ``DELETE /tokens`` (the
    bearer token) ends it: 204."""
    if request.method == "DELETE":
        actor = auth.actor_from_bearer(request)
        tokens.revoke_session_token(actor, auth.bearer(request))
        return shapes.no_content()
    actor = auth.actor_from_basic(request)
    issued = tokens.create_session_token(actor, label="Flicket API session")
    return shapes.answer({"token": issued.plaintext})


# --- users


def _users(rows: list[Any]) -> list[dict[str, Any]]:
    counts = ticket_selectors.authored_article_counts(row.pk for row in rows)
    return [shapes.user(row, counts.get(row.pk, 0)) for row in rows]


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def user(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return shapes.answer(_users([selectors.get_user(actor, user_id)])[0])


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def users(request: HttpRequest) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    page = request.GET.get("page", "1")
    return _collection(
        request,
        page if page.isdigit() else 1,
        selectors.list_users(actor),
        _users,
        shapes.query_link("users/"),
    )


# --- tickets ("topics")


def _tickets(rows: list[Ticket]) -> list[dict[str, Any]]:
    firsts = ticket_selectors.descriptions(row.pk for row in rows)
    return [shapes.ticket(row, firsts.get(row.pk)) for row in rows]


def _visible_tickets(actor: Actor) -> QuerySet[Ticket]:
    return (
        ticket_selectors.list_tickets(actor)
        .order_by("id")
        .select_related(*ticket_selectors.LIST_RELATED)
    )


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return shapes.answer(_tickets([ticket_selectors.get_ticket(actor, ticket_id)])[0])


@dialect_call(errors=FLICKET_ERRORS, methods=("GET", "POST"))
def tickets_view(request: HttpRequest, page: int = 1) -> HttpResponse:
    """``GET /tickets/`` lists tickets, oldest first; ``POST /tickets`` files one as the
    caller, with its content as the first article."""
    actor = auth.actor_from_bearer(request)
    if request.method == "GET":
        return _collection(
            request, page, _visible_tickets(actor), _tickets, shapes.paged_link("tickets/")
        )
    new = inputs.new_ticket(inputs.body(request))
    made = tickets.create_ticket(
        actor,
        title=new.title,
        body=new.content,
        category=new.category_id,
        priority=ticket_selectors.priority_by_rank(vocab.rank_of_priority(new.priority_id)).pk,
    )
    shaped = _tickets([ticket_selectors.get_ticket(actor, made.pk)])[0]
    return shapes.answer(shaped, status=201, location=shaped["links"]["self"])


# --- posts


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def post(request: HttpRequest, post_id: int) -> HttpResponse:
    """A later article of a ticket; the first article is the ticket's ``content``."""
    actor = auth.actor_from_bearer(request)
    article = ticket_selectors.get_article(actor, post_id)
    if not ticket_selectors.replies(actor, article.ticket_id).filter(pk=article.pk).exists():
        raise NotFound(f"no post {post_id}", code="article.not_found")
    return shapes.answer(shapes.post(article))


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def posts(request: HttpRequest, ticket_id: int, page: int = 1) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    rows: QuerySet[Article] = ticket_selectors.replies(actor, ticket_id)
    return _collection(
        request,
        page,
        rows,
        lambda items: [shapes.post(a) for a in items],
        shapes.paged_link(f"posts/{ticket_id}/"),
    )


# --- departments and categories


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def department(request: HttpRequest, department_id: int) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return shapes.answer(shapes.department(selectors.get_directory_group(actor, department_id)))


@dialect_call(errors=FLICKET_ERRORS, methods=("GET", "POST"))
def departments(request: HttpRequest) -> HttpResponse:
    """``GET /departments/`` by name; ``POST /departments`` makes one (administrators)."""
    actor = auth.actor_from_bearer(request)
    if request.method == "POST":
        name = inputs.department_name(inputs.body(request))
        made = group_service.create_group(actor, name=name)
        shaped = shapes.department(made)
        return shapes.answer(shaped, status=201, location=shaped["links"]["self"])
    page = request.GET.get("page", "1")
    return _collection(
        request,
        page if page.isdigit() else 1,
        selectors.group_directory(actor),
        lambda rows: [shapes.department(g) for g in rows],
        shapes.query_link("departments/"),
    )


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def category(request: HttpRequest, category_id: int) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return shapes.answer(
        shapes.category(ticket_selectors.get_directory_category(actor, category_id))
    )


@dialect_call(errors=FLICKET_ERRORS, methods=("GET", "POST"))
def categories(request: HttpRequest) -> HttpResponse:
    """``GET /categories/`` by name (``?department_id=`` or ``?department=`` narrow it);
    ``POST /categories`` adds one to a department (administrators)."""
    actor = auth.actor_from_bearer(request)
    if request.method == "POST":
        new = inputs.new_category(inputs.body(request))
        made = tickets.create_category(actor, group=new.department_id, name=new.category)
        shaped = shapes.category(made)
        return shapes.answer(shaped, status=201, location=shaped["links"]["self"])
    page = request.GET.get("page", "1")
    return _collection(
        request,
        page if page.isdigit() else 1,
        ticket_selectors.directory_categories(
            actor,
            group_id=inputs.optional_int(request, "department_id"),
            group_name=request.GET.get("department") or None,
        ),
        lambda rows: [shapes.category(c) for c in rows],
        shapes.query_link("categories/"),
    )


# --- priorities and statuses (Flicket's fixed lists)


def _fixed(
    request: HttpRequest,
    page: Any,
    ids: list[int],
    shape: Callable[[int], dict[str, Any]],
    link: Callable[[int, int], str],
) -> HttpResponse:
    at = _page(page, inputs.per_page(request), len(ids))
    chosen = ids[at.offset : at.offset + at.per_page]
    return shapes.answer(shapes.collection([shape(i) for i in chosen], at, link))


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def priority(request: HttpRequest, priority_id: int) -> HttpResponse:
    auth.actor_from_bearer(request)
    if priority_id not in vocab.PRIORITIES:
        raise NotFound(f"no priority {priority_id}", code="priority.not_found")
    return shapes.answer(shapes.priority(priority_id))


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def priorities(request: HttpRequest, page: int = 1) -> HttpResponse:
    auth.actor_from_bearer(request)
    return _fixed(
        request, page, list(vocab.PRIORITIES), shapes.priority, shapes.paged_link("priorities/")
    )


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def status(request: HttpRequest, status_id: int) -> HttpResponse:
    auth.actor_from_bearer(request)
    if status_id not in vocab.STATUSES:
        raise NotFound(f"no status {status_id}", code="status.not_found")
    return shapes.answer(shapes.status(status_id))


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def statuses(request: HttpRequest) -> HttpResponse:
    auth.actor_from_bearer(request)
    page = request.GET.get("page", "1")
    return _fixed(
        request,
        page if page.isdigit() else 1,
        list(vocab.STATUSES),
        shapes.status,
        shapes.query_link("statuses/"),
    )


# --- subscriptions


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def subscription(request: HttpRequest, subscription_id: int) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return shapes.answer(
        shapes.subscription(ticket_selectors.get_subscription(actor, subscription_id))
    )


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def subscriptions(request: HttpRequest, ticket_id: int, page: int = 1) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return _collection(
        request,
        page,
        ticket_selectors.ticket_followers(actor, ticket_id),
        lambda rows: [shapes.subscription(s) for s in rows],
        shapes.paged_link(f"subscriptions/{ticket_id}/"),
    )


# --- uploads


def _uploads(rows: list[Any]) -> list[dict[str, Any]]:
    articles = ticket_selectors.attachment_articles(rows)
    firsts = ticket_selectors.descriptions({a.ticket_id for a in articles.values()})
    first_ids = {a.pk for a in firsts.values()}
    return [shapes.upload(row, articles[row.object_id], row.object_id in first_ids) for row in rows]


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def upload(request: HttpRequest, upload_id: int) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return shapes.answer(_uploads([ticket_selectors.get_visible_attachment(actor, upload_id)])[0])


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def uploads(request: HttpRequest, page: int = 1) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return _collection(
        request,
        page,
        ticket_selectors.visible_attachments(actor),
        _uploads,
        shapes.paged_link("uploads/"),
    )


# --- histories


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def history(request: HttpRequest, history_id: int) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return shapes.answer(shapes.history(ticket_selectors.get_history_entry(actor, history_id)))


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def histories(request: HttpRequest, page: int = 1) -> HttpResponse:
    """``/histories/?topic_id=``: the changes of one ticket, oldest first."""
    actor = auth.actor_from_bearer(request)
    topic = inputs.topic_id(request)
    return _collection(
        request,
        page,
        ticket_selectors.ticket_history(actor, topic),
        lambda rows: [shapes.history(h) for h in rows],
        lambda p, n: shapes.api(f"histories/{p}/?per_page={n}&topic_id={topic}"),
    )


# --- actions


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def action(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return shapes.answer(shapes.action(ticket_selectors.get_history_entry(actor, action_id)))


@dialect_call(errors=FLICKET_ERRORS, methods=GET)
def actions(request: HttpRequest, ticket_id: int, page: int = 1) -> HttpResponse:
    actor = auth.actor_from_bearer(request)
    return _collection(
        request,
        page,
        ticket_selectors.ticket_history(actor, ticket_id),
        lambda rows: [shapes.action(h) for h in rows],
        shapes.paged_link(f"actions/{ticket_id}/"),
    )
