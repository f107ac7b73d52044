"""Zammad's mention objects."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Id, Timestamp


class MentionOut(Schema):
    id: int
    mentionable_type: Literal["Ticket"]
    mentionable_id: int
    user_id: int
    updated_by_id: int | None
    created_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp


class MentionListOut(Schema):
    mentions: list[MentionOut]


class MentionIn(Schema):
    mentionable_type: Literal["Ticket"] = Field(description="only tickets take mentions")
    mentionable_id: Id
    user_id: Id | None = Field(None, description="the agent to mention (the caller if absent)")


class MentionListParams(Schema):
    mentionable_type: Literal["Ticket"]
    mentionable_id: Id
