"""A group as Zammad shows it, and what may be sent to create or change one."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Id, Timestamp


class GroupOut(Schema):
    id: int
    signature_id: int | None
    email_address_id: int | None
    name: str
    assignment_timeout: int | None
    follow_up_possible: str
    follow_up_assignment: bool
    active: bool
    note: str
    updated_by_id: int | None
    created_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp
    user_ids: list[int]
    # with ?expand=true
    users: list[str] | None = None
    created_by: str | None = None
    updated_by: str | None = None


class GroupCreateIn(Schema):
    name: str
    signature_id: Id | None = None
    email_address_id: Id | None = None
    assignment_timeout: int | None = None
    follow_up_possible: str = "yes"
    follow_up_assignment: bool = True
    active: bool = True
    note: str | None = None
    user_ids: list[Id] | None = Field(None, max_length=10_000)


class GroupUpdateIn(Schema):
    name: str | None = None
    signature_id: Id | None = None
    email_address_id: Id | None = None
    assignment_timeout: int | None = None
    follow_up_possible: str | None = None
    follow_up_assignment: bool | None = None
    active: bool | None = None
    note: str | None = None
    user_ids: list[Id] | None = Field(None, max_length=10_000)
