"""Zammad's user access tokens: the list with the grantable permissions, the one-time name."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Timestamp


class TokenOut(Schema):
    id: int
    user_id: int
    action: str
    label: str
    prefix: str
    preferences: dict[str, Any]
    last_used_at: Timestamp | None
    expires_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class PermissionOut(Schema):
    id: int
    name: str
    note: str
    preferences: dict[str, Any]
    active: bool
    created_at: Timestamp
    updated_at: Timestamp


class TokenListOut(Schema):
    tokens: list[TokenOut]
    permissions: list[PermissionOut]


class TokenCreateIn(Schema):
    label: str
    permission: list[str] = Field(default_factory=list, max_length=200)
    expires_at: str | None = Field(None, max_length=40, description="a date or date and time")


class TokenCreatedOut(Schema):
    name: str = Field(description="the token; shown once")
