"""A user as Zammad shows it, and what may be sent to create or change one."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from helpline.api.schemas.common import Day, Id, Timestamp


class UserOut(Schema):
    id: int
    organization_id: int | None
    login: str
    firstname: str
    lastname: str
    email: str
    image: str | None
    image_source: str | None
    web: str
    phone: str
    fax: str
    mobile: str
    department: str
    street: str
    zip: str
    city: str
    country: str
    address: str
    vip: bool
    verified: bool
    active: bool
    note: str
    last_login: Timestamp | None
    source: str | None
    login_failed: int
    out_of_office: bool
    out_of_office_start_at: Day | None
    out_of_office_end_at: Day | None
    out_of_office_replacement_id: int | None
    preferences: dict[str, Any]
    updated_by_id: int | None
    created_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp
    role_ids: list[int]
    organization_ids: list[int]
    authorization_ids: list[int]
    group_ids: dict[str, list[str]]
    # with ?expand=true
    organization: str | None = None
    roles: list[str] | None = None
    organizations: list[str] | None = None
    authorizations: list[str] | None = None
    groups: dict[str, list[str]] | None = None
    created_by: str | None = None
    updated_by: str | None = None


class _UserFields(Schema):
    login: str | None = None
    email: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    organization_id: Id | None = None
    organization_ids: list[Id] | None = Field(None, max_length=1000)
    role_ids: list[Id] | None = Field(None, max_length=1000)
    group_ids: dict[str, list[str] | str] | None = Field(
        None, description='group access, e.g. {"1": ["full"]}'
    )
    image: str | None = None
    image_source: str | None = None
    web: str | None = None
    phone: str | None = None
    fax: str | None = None
    mobile: str | None = None
    department: str | None = None
    street: str | None = None
    zip: str | None = None
    city: str | None = None
    country: str | None = None
    address: str | None = None
    note: str | None = None
    source: str | None = None
    out_of_office_start_at: Day | None = None
    out_of_office_end_at: Day | None = None
    preferences: dict[str, Any] | None = None


class UserCreateIn(_UserFields):
    password: str | None = None
    vip: bool = False
    verified: bool = False
    active: bool = True
    out_of_office: bool = False


class UserUpdateIn(_UserFields):
    password: str | None = None
    vip: bool | None = None
    verified: bool | None = None
    active: bool | None = None
    out_of_office: bool | None = None
    out_of_office_replacement_id: Id | None = None
