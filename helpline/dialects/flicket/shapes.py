"""Flicket's JSON: each object's ``to_dict`` with absolute links from the base URL, lists
as ``items`` + ``_meta`` + ``_links`` (Flicket's ``to_collection_dict``), dates in
RFC 1123 ("Sun, 23 Jun 2019 18:25:36 GMT"). Field names are Flicket's, misspellings
(``started_ny``, ``data_added``) included."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import http_date

from helpline.core.models import Attachment, Group, HistoryEntry, User
from helpline.core.services.settings import get_setting
from helpline.dialects.flicket import vocab
from helpline.tickets.models import Article, Subscription, Ticket, TicketCategory

JSON = "application/json"


def base() -> str:
    """The site's base URL: the ``site.base_url`` setting, else ``HELPLINE_BASE_URL``."""
    return (str(get_setting("site.base_url") or "") or settings.BASE_URL).rstrip("/")


def api(path: str) -> str:
    return f"{base()}{vocab.PREFIX}{path}"


def date(value: datetime | None) -> str | None:
    return http_date(value.timestamp()) if value is not None else None


def _modified(created: datetime | None, updated: datetime | None) -> datetime | None:
    """Flicket's ``date_modified``: set once a row was changed after it was made (writes in
    the same second as the creation are part of making it)."""
    if created is None or updated is None or updated - created < timedelta(seconds=1):
        return None
    return updated


def answer(data: Any, status: int = 200, location: str | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type=JSON)
    if location:
        response["Location"] = location
    return response


def no_content() -> HttpResponse:
    return HttpResponse(b"", status=204, content_type="text/html; charset=utf-8")


# --- collections


@dataclass(frozen=True)
class Page:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def collection(
    items: Sequence[dict[str, Any]],
    page: Page,
    link: Callable[[int, int], str],
) -> dict[str, Any]:
    return {
        "items": list(items),
        "_meta": {
            "page": page.page,
            "per_page": page.per_page,
            "total_pages": page.pages,
            "total_items": page.total,
        },
        "_links": {
            "self": link(page.page, page.per_page),
            "next": link(page.page + 1, page.per_page) if page.page < page.pages else None,
            "prev": link(page.page - 1, page.per_page) if page.page > 1 else None,
        },
    }


def paged_link(path: str) -> Callable[[int, int], str]:
    """Collections with a ``<page>/`` route: ``tickets/2/?per_page=1``."""
    return lambda page, per_page: api(f"{path}{page}/?per_page={per_page}")


def query_link(path: str) -> Callable[[int, int], str]:
    """Collections without one: ``users/?page=1&per_page=50``."""
    return lambda page, per_page: api(f"{path}?{urlencode({'page': page, 'per_page': per_page})}")


# --- objects


def user(row: User, total_posts: int) -> dict[str, Any]:
    name = row.fullname
    return {
        "avatar": row.image if row.image.startswith("http") else base() + vocab.DEFAULT_AVATAR,
        "email": row.email,
        "id": row.pk,
        "job_title": row.job_title or "unknown",
        "links": {"self": api(f"user/{row.pk}"), "users": api("users/")},
        "name": name,
        "total_posts": total_posts,
        "username": row.login,
    }


def _user_link(user_id: int | None) -> str | None:
    return api(f"user/{user_id}") if user_id else None


def ticket(row: Ticket, description: Article | None) -> dict[str, Any]:
    modified = _modified(row.created_at, row.updated_at)
    modified_id = row.updated_by_id if modified is not None else None
    priority = vocab.priority_of_rank(row.priority.rank)
    status = vocab.status_of(row)
    return {
        "assigned_id": row.owner_id,
        "category_id": row.category_id,
        "content": description.body if description is not None else "",
        "date_added": date(row.created_at),
        "date_modified": date(modified),
        "id": row.pk,
        "links": {
            "assigned": _user_link(row.owner_id),
            "category": api(f"category/{row.category_id}") if row.category_id else None,
            "histories": api(f"histories/?topic_id={row.pk}"),
            "modified_by": _user_link(modified_id),
            "priority": api(f"priority/{priority}"),
            "self": api(f"ticket/{row.pk}"),
            "started_ny": _user_link(row.created_by_id),
            "status": api(f"status/{status}"),
            "subscribers": api(f"subscriptions/{row.pk}/"),
            "tickets": api("tickets/"),
        },
        "modified_id": modified_id,
        "started_id": row.created_by_id,
        "status_id": status,
        "ticket_priority_id": priority,
        "title": row.title,
    }


def post(row: Article) -> dict[str, Any]:
    modified = _modified(row.created_at, row.updated_at)
    return {
        "content": row.body,
        "data_added": date(row.created_at),
        "date_modified": date(modified),
        "id": row.pk,
        "links": {
            "created_by": _user_link(row.created_by_id),
            "posts": api(f"posts/{row.ticket_id}/"),
            "self": api(f"post/{row.pk}"),
        },
        "ticket_id": row.ticket_id,
        "user_id": row.created_by_id,
    }


def department(row: Group) -> dict[str, Any]:
    return {
        "department": row.name,
        "id": row.pk,
        "links": {"departments": api("departments/"), "self": api(f"department/{row.pk}")},
    }


def category(row: TicketCategory) -> dict[str, Any]:
    return {
        "category": row.name,
        "department": row.group.name,
        "id": row.pk,
        "links": {
            "categories": api("categories/"),
            "department": api(f"department/{row.group_id}"),
            "self": api(f"category/{row.pk}"),
        },
    }


def priority(priority_id: int) -> dict[str, Any]:
    return {
        "id": priority_id,
        "links": {"priorities": api("priorities/"), "self": api(f"priority/{priority_id}")},
        "priority": vocab.PRIORITIES[priority_id],
    }


def status(status_id: int) -> dict[str, Any]:
    return {
        "id": status_id,
        "links": {"self": api(f"status/{status_id}"), "statuses": api("statuses/")},
        "status": vocab.STATUSES[status_id],
    }


def subscription(row: Subscription) -> dict[str, Any]:
    person = row.user
    return {
        "id": row.pk,
        "links": {
            "self": api(f"subscription/{row.pk}"),
            "subscriptions": api("subscriptions/"),
            "ticket": api(f"ticket/{row.ticket_id}"),
            "user": api(f"user/{row.user_id}"),
        },
        "ticket_id": row.ticket_id,
        "user_def": person.fullname,
        "user_id": row.user_id,
    }


def upload(row: Attachment, article: Article, first: bool) -> dict[str, Any]:
    """An article's attachment: on the description it belongs to the topic (``topic_id``),
    on a later article to that post (``post_id``)."""
    post_id = None if first else article.pk
    topic_id = article.ticket_id if first else None
    return {
        "filename": row.store.name.rsplit("/", 1)[-1],
        "id": row.pk,
        "image": f"{base()}/api/v1/ticket_attachment/{article.ticket_id}/{article.pk}/{row.pk}",
        "links": {
            "post": api(f"post/{post_id}") if post_id else None,
            "self": api(f"upload/{row.pk}"),
            "ticket": api(f"ticket/{topic_id}") if topic_id else None,
            "uploads": api("uploads/"),
        },
        "original_filename": row.filename,
        "post_id": post_id,
        "topic_id": topic_id,
    }


def history(entry: HistoryEntry) -> dict[str, Any]:
    """A change of a ticket as Flicket's history line: ``original_content`` is the value
    before the change (Flicket kept the text a post had before an edit)."""
    return {
        "date_modified": date(entry.created_at),
        "id": entry.pk,
        "links": {
            "histories": api("histories/"),
            "post": None,
            "self": api(f"history/{entry.pk}"),
            "ticket": api(f"ticket/{entry.object_id}"),
            "user": _user_link(entry.created_by_id),
        },
        "original_content": entry.value_from,
        "post_id": None,
        "topic_id": entry.object_id,
        "user_id": entry.created_by_id,
    }


def action(entry: HistoryEntry) -> dict[str, Any]:
    """A change of a ticket as Flicket's action (``vocab.action_of``)."""
    name, data, recipient = vocab.action_of(entry)
    return {
        "action": name,
        "data": data,
        "date": date(entry.created_at),
        "id": entry.pk,
        "links": {
            "actions": api(f"actions/{entry.object_id}/"),
            "self": api(f"action/{entry.pk}"),
        },
        "post_id": None,
        "recipient_id": recipient,
        "ticket_id": entry.object_id,
        "user_id": entry.created_by_id,
    }
