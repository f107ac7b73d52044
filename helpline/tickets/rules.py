"""Pure ticket rules: no database, plain values in and out (unit-tested on their own)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware

from helpline.lib.errors import Invalid

TITLE_MAX = 250
CUSTOM_FIELD_MAX = 1000
BODY_MAX = 4 * 1024 * 1024
TIME_UNIT_MAX = Decimal("99999999.99")
CONTENT_TYPES = ("text/plain", "text/html", "text/markdown")

# What a follow-up from a customer does to a closed ticket, by the group's
# ``follow_up_possible`` (Zammad): "yes" adds it and leaves the state alone,
# "yes_with_reopen" adds it and reopens, "new_ticket" refuses it (a new ticket is due).
FOLLOW_UP_ADD = "add"
FOLLOW_UP_REOPEN = "reopen"
FOLLOW_UP_REFUSE = "refuse"


def ticket_number(prefix: str, value: int) -> str:
    """The human-facing number: the configured prefix and the counter value."""
    return f"{prefix or ''}{value}"


def clean_title(title: Any, *, field: str = "title") -> str:
    """A title is required, one line, at most 250 characters."""
    if not isinstance(title, str):
        raise Invalid("a title is text", code="ticket.title_invalid", field=field)
    value = " ".join(title.split())
    if not value:
        raise Invalid("a ticket needs a title", code="ticket.title_missing", field=field)
    if len(value) > TITLE_MAX:
        raise Invalid(
            f"a title has at most {TITLE_MAX} characters", code="ticket.title_too_long", field=field
        )
    return value


def clean_body(body: Any, *, field: str = "body") -> str:
    if not isinstance(body, str) or not body.strip():
        raise Invalid("the message is empty", code="article.body_missing", field=field)
    if len(body) > BODY_MAX:
        raise Invalid("the message is too long", code="article.body_too_long", field=field)
    return body


def clean_content_type(content_type: Any, *, field: str = "content_type") -> str:
    value = (content_type or "text/plain") if isinstance(content_type, str | None) else None
    if value is not None:
        value = value.split(";", 1)[0].strip().lower()
    if value not in CONTENT_TYPES:
        raise Invalid(
            f"content_type is one of {', '.join(CONTENT_TYPES)}",
            code="article.content_type_invalid",
            field=field,
        )
    return value


def clean_time_unit(value: Any, *, field: str = "time_unit") -> Decimal | None:
    """Time spent, in minutes or the site's unit; negative values correct earlier entries
    (NodePoint: time entries are never removed)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Invalid("time_unit is a number", code="article.time_unit_invalid", field=field)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Invalid(
            "time_unit is a number", code="article.time_unit_invalid", field=field
        ) from None
    if not amount.is_finite() or abs(amount) > TIME_UNIT_MAX:
        raise Invalid("time_unit is out of range", code="article.time_unit_invalid", field=field)
    return amount.quantize(Decimal("0.01"))


def clean_datetime(value: Any, *, field: str) -> datetime | None:
    """An aware datetime from a datetime or an ISO 8601 string (naive values are UTC)."""
    if value is None or value == "":
        return None
    parsed: datetime | None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    else:
        parsed = None
    if parsed is None:
        raise Invalid(
            f"{field} is a date and time (ISO 8601)", code="ticket.datetime_invalid", field=field
        )
    if is_naive(parsed):
        parsed = make_aware(parsed, UTC)
    return parsed


def clean_custom_field(value: Any, kind: str, *, field: str = "custom_field") -> str:
    """NodePoint's third form field: text, a URL (http/https) or a checkbox (yes/no)."""
    if value is None:
        return ""
    if kind == "checkbox":
        if isinstance(value, bool):
            return "yes" if value else "no"
        text = str(value).strip().lower()
        if text in {"yes", "true", "1", "on"}:
            return "yes"
        if text in {"no", "false", "0", "off", ""}:
            return "no"
        raise Invalid(
            "the custom field is yes or no", code="ticket.custom_field_invalid", field=field
        )
    if not isinstance(value, str):
        raise Invalid("the custom field is text", code="ticket.custom_field_invalid", field=field)
    text = value.strip()
    if len(text) > CUSTOM_FIELD_MAX:
        raise Invalid(
            f"the custom field has at most {CUSTOM_FIELD_MAX} characters",
            code="ticket.custom_field_invalid",
            field=field,
        )
    if kind == "url" and text:
        parts = urlsplit(text)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise Invalid(
                "the custom field is an http(s) address",
                code="ticket.custom_field_invalid",
                field=field,
            )
    return text


def follow_up_outcome(follow_up_possible: str, *, ticket_closed: bool) -> str:
    """What a customer's follow-up does (see the constants above)."""
    if not ticket_closed:
        return FOLLOW_UP_ADD
    if follow_up_possible == "new_ticket":
        return FOLLOW_UP_REFUSE
    if follow_up_possible == "yes_with_reopen":
        return FOLLOW_UP_REOPEN
    return FOLLOW_UP_ADD


def needs_resolution_ok(needs_resolution: bool, resolution: str) -> bool:
    """NodePoint: a state that needs a resolution is only reached with one."""
    return not needs_resolution or bool((resolution or "").strip())
