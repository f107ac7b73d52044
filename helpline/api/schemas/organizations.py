"""An organization as Zammad shows it, and what may be sent to create or change one."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Id, Timestamp


class OrganizationOut(Schema):
    id: int
    name: str
    shared: bool
    domain: str
    domain_assignment: bool
    active: bool
    vip: bool
    note: str
    updated_by_id: int | None
    created_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp
    member_ids: list[int]
    # with ?expand=true
    members: list[str] | None = None
    created_by: str | None = None
    updated_by: str | None = None


class OrganizationCreateIn(Schema):
    name: str
    shared: bool = True
    domain: str | None = None
    domain_assignment: bool = False
    active: bool = True
    vip: bool = False
    note: str | None = None
    member_ids: list[Id] | None = Field(None, max_length=10_000)


class OrganizationUpdateIn(Schema):
    name: str | None = None
    shared: bool | None = None
    domain: str | None = None
    domain_assignment: bool | None = None
    active: bool | None = None
    vip: bool | None = None
    note: str | None = None
    member_ids: list[Id] | None = Field(None, max_length=10_000)
