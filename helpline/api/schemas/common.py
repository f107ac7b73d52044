"""Types shared by every schema: ids, Zammad's timestamps, list parameters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, PlainSerializer, WithJsonSchema

from helpline.core.rules import ID_MAX


def format_timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and ``Z``, as Zammad: ``2019-03-08T19:47:02.323Z``."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


Timestamp = Annotated[
    datetime,
    PlainSerializer(format_timestamp, return_type=str),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "example": "2019-03-08T19:47:02.323Z"}
    ),
]
Day = Annotated[
    date,
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date", "example": "2019-03-08"}),
]
Id = Annotated[int, Field(ge=1, le=ID_MAX)]


class Message(Schema):
    """An error, as Zammad answers it (plus a stable ``code`` and the offending ``field``)."""

    error: str
    error_human: str
    code: str
    field: str | None = None


class Empty(Schema):
    """``{}``: what a successful delete answers."""


class PageParams(Schema):
    """Optional paging of a list Zammad answers whole (a ticket's articles)."""

    page: int | None = Field(None, ge=1, le=1_000_000, description="page number, from 1")
    per_page: int | None = Field(
        None, ge=1, le=1_000_000, description="objects per page (at most 500)"
    )


class ListParams(Schema):
    """Zammad's list parameters."""

    page: int | None = Field(None, ge=1, le=1_000_000, description="page number, from 1")
    per_page: int | None = Field(
        None, ge=1, le=1_000_000, description="objects per page (at most 500)"
    )
    expand: str | None = Field(
        None, max_length=10, description="`true` adds related names next to ids"
    )
    sort_by: str | None = Field(None, max_length=200, description="field(s), comma-separated")
    order_by: str | None = Field(None, max_length=200, description="`asc` or `desc` per field")


class SearchParams(ListParams):
    query: str = Field("", max_length=1000, description="words to find; `field:value` narrows")
    limit: int | None = Field(
        None, ge=1, le=1_000_000, description="objects to return (at most 500)"
    )
