"""A role as Zammad shows it."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from helpline.api.schemas.common import Timestamp


class RoleOut(Schema):
    id: int
    name: str
    preferences: dict[str, Any]
    default_at_signup: bool
    active: bool
    note: str
    updated_by_id: int | None
    created_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp
    permission_ids: list[int]
    knowledge_base_permission_ids: list[int]
    group_ids: dict[str, list[str]]
    # with ?expand=true
    permissions: list[str] | None = None
    created_by: str | None = None
    updated_by: str | None = None
