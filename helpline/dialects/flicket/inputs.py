"""Reading Flicket's JSON bodies and query strings; malformed input is ``Invalid`` with
Flicket's own messages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from helpline.core.services.settings import get_setting
from helpline.dialects.flicket import vocab
from helpline.lib.errors import Invalid


def body(request: HttpRequest) -> dict[str, Any]:
    """The JSON object sent (Flask's ``request.get_json() or {}``)."""
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("the body is not valid JSON", code="flicket.body_invalid") from None
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object", code="flicket.body_invalid")
    return data


def per_page(request: HttpRequest) -> int:
    """``?per_page=``: the ``site.posts_per_page`` setting by default, at most 100 (a value
    that is not a number counts as absent, as Flask's ``type=int``)."""
    default = int(get_setting("site.posts_per_page"))
    try:
        value = int(request.GET.get("per_page", default))
    except ValueError:
        value = default
    return max(1, min(value, vocab.PER_PAGE_MAX))


@dataclass(frozen=True)
class NewTicket:
    title: str
    content: str
    category_id: int
    priority_id: int


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def new_ticket(data: dict[str, Any]) -> NewTicket:
    """``POST /tickets``: title, content, category_id and ticket_priority_id, all required."""
    needed = ("title", "content", "category_id", "ticket_priority_id")
    if any(name not in data for name in needed):
        raise Invalid(
            "Must include title, content, category_id and ticket_priority_id.",
            code="flicket.ticket_fields_missing",
        )
    if not _is_int(data["category_id"]) or not _is_int(data["ticket_priority_id"]):
        raise Invalid(
            "ticket_priority_id and category_id must be integers.",
            code="flicket.ticket_ids_invalid",
        )
    if data["ticket_priority_id"] not in vocab.PRIORITIES:
        raise Invalid("not a valid ticket_priority_id", code="flicket.priority_invalid")
    if not isinstance(data["title"], str) or not isinstance(data["content"], str):
        raise Invalid("title and content must be strings.", code="flicket.ticket_text_invalid")
    return NewTicket(
        title=data["title"],
        content=data["content"],
        category_id=data["category_id"],
        priority_id=data["ticket_priority_id"],
    )


def department_name(data: dict[str, Any]) -> str:
    """``POST /departments``: the ``department`` name."""
    name = data.get("department")
    if not isinstance(name, str) or not name.strip():
        raise Invalid("Must include department name.", code="flicket.department_missing")
    return name.strip()


def topic_id(request: HttpRequest) -> int:
    """``/histories/?topic_id=``: the ticket whose history to read."""
    value = request.GET.get("topic_id", "")
    try:
        return int(value)
    except ValueError:
        raise Invalid("Must include a numeric topic_id.", code="flicket.topic_id_invalid") from None


@dataclass(frozen=True)
class NewCategory:
    category: str
    department_id: int


def new_category(data: dict[str, Any]) -> NewCategory:
    """``POST /categories``: the ``category`` name and its ``department_id``."""
    if "category" not in data or "department_id" not in data:
        raise Invalid(
            "Must include category name and department_id", code="flicket.category_fields"
        )
    if not _is_int(data["department_id"]):
        raise Invalid("department_id must be an integer.", code="flicket.department_id_invalid")
    if not isinstance(data["category"], str):
        raise Invalid("category must be a string.", code="flicket.category_invalid")
    return NewCategory(category=data["category"], department_id=data["department_id"])


def optional_int(request: HttpRequest, name: str) -> int | None:
    """A numeric query parameter; absent or not a number counts as absent (Flask's
    ``type=int``)."""
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None
