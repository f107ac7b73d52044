"""Tickets, ticket states and priorities, articles, online notifications, object manager
attributes and tags as Zammad shows them, and what may be sent to create or change them.

Relations go by id (``group_id``) or by name (``group``), as Zammad takes them; which one
exists is the service's to check, so most input fields are optional here and the service
names what is missing.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from helpline.api.schemas.common import Id, SearchParams, Timestamp

TEXT = 1_000_000  # a text field's hard limit before the service's own, smaller, rules
NAME = 1000


class TicketOut(Schema):
    id: int
    group_id: int
    priority_id: int
    state_id: int
    organization_id: int | None
    number: str
    title: str
    owner_id: int | None
    customer_id: int | None
    note: str | None
    first_response_at: Timestamp | None
    first_response_escalation_at: Timestamp | None
    first_response_in_min: int | None
    first_response_diff_in_min: int | None
    close_at: Timestamp | None
    close_escalation_at: Timestamp | None
    close_in_min: int | None
    close_diff_in_min: int | None
    update_escalation_at: Timestamp | None
    update_in_min: int | None
    update_diff_in_min: int | None
    last_contact_at: Timestamp | None
    last_contact_agent_at: Timestamp | None
    last_contact_customer_at: Timestamp | None
    last_owner_update_at: Timestamp | None
    create_article_type_id: int | None
    create_article_sender_id: int | None
    article_count: int
    escalation_at: Timestamp | None
    pending_time: Timestamp | None
    on_hold: bool = Field(description="paused (django-helpdesk hold): its SLA clock stops")
    type: str | None
    time_unit: str | None
    preferences: dict[str, Any]
    updated_by_id: int | None
    created_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp
    # show, create, update
    article_ids: list[int] | None = None
    ticket_time_accounting_ids: list[int] | None = None
    # with ?expand=true
    group: str | None = None
    state: str | None = None
    priority: str | None = None
    owner: str | None = None
    customer: str | None = None
    organization: str | None = None
    created_by: str | None = None
    updated_by: str | None = None
    tags: list[str] | None = None


class AttachmentIn(BaseModel):
    """A file sent inline: ``data`` is the content in base64. (Nested objects are plain
    models, so a nested value that is not an object is refused.)"""

    model_config = ConfigDict(populate_by_name=True)

    filename: str = Field(..., max_length=NAME)
    data: str = Field(..., max_length=200_000_000)
    mime_type: str | None = Field(None, alias="mime-type", max_length=NAME)


class ArticleFields(BaseModel):
    subject: str | None = Field(None, max_length=TEXT)
    body: str | None = Field(None, max_length=200_000_000)
    content_type: str | None = Field(None, max_length=NAME)
    type: str | None = Field(None, max_length=NAME, description="note, email, phone, web, ...")
    sender: str | None = Field(None, max_length=NAME, description="Agent, Customer or System")
    internal: bool = False
    to: str | None = Field(None, max_length=TEXT)
    cc: str | None = Field(None, max_length=TEXT)
    from_: str | None = Field(None, alias="from", max_length=TEXT)
    reply_to: str | None = Field(None, max_length=TEXT)
    time_unit: float | str | None = Field(None, description="minutes (or units) worked")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=100)

    model_config = ConfigDict(populate_by_name=True)


class ArticleCreateIn(ArticleFields):
    ticket_id: Id


class _TicketFields(Schema):
    title: str | None = Field(None, max_length=TEXT)
    group_id: Id | None = None
    group: str | None = Field(None, max_length=NAME)
    state_id: Id | None = None
    state: str | None = Field(None, max_length=NAME)
    priority_id: Id | None = None
    priority: str | None = Field(None, max_length=NAME)
    owner_id: Id | None = None
    organization_id: Id | None = None
    note: str | None = Field(None, max_length=TEXT)
    custom_field: str | None = Field(None, max_length=TEXT)
    pending_time: Timestamp | None = None
    attributes: dict[str, Any] | None = None
    article: ArticleFields | None = None


class TicketCreateIn(_TicketFields):
    customer_id: Id | str | None = Field(
        None, description='an id, or "guess:<email>" to find or make the customer'
    )
    customer: str | None = Field(None, max_length=NAME, description="login or email")


class TicketUpdateIn(_TicketFields):
    customer_id: Id | None = None
    customer: str | None = Field(None, max_length=NAME)
    on_hold: bool | None = Field(
        None, description="`true` holds the ticket, `false` takes it off hold (agents)"
    )


class TicketSearchParams(SearchParams):
    pass


class StateOut(Schema):
    id: int
    state_type_id: int
    name: str
    next_state_id: int | None
    ignore_escalation: bool
    default_create: bool
    default_follow_up: bool
    note: str | None
    active: bool
    updated_by_id: int | None
    created_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp


class StateIn(Schema):
    name: str | None = Field(None, max_length=NAME)
    state_type_id: Id | None = None
    next_state_id: Id | None = None
    ignore_escalation: bool | None = None
    default_create: bool | None = None
    default_follow_up: bool | None = None
    active: bool | None = None
    note: str | None = Field(None, max_length=TEXT)


class PriorityOut(Schema):
    id: int
    name: str
    default_create: bool
    ui_color: str | None
    note: str | None
    active: bool
    updated_by_id: int | None
    created_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp


class PriorityIn(Schema):
    name: str | None = Field(None, max_length=NAME)
    default_create: bool | None = None
    ui_color: str | None = Field(None, max_length=NAME)
    active: bool | None = None
    note: str | None = Field(None, max_length=TEXT)


class AttachmentOut(Schema):
    id: int
    filename: str
    size: str
    preferences: dict[str, Any]


class ArticleOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    id: int
    ticket_id: int
    type_id: int
    sender_id: int
    from_: str = Field(..., alias="from")
    to: str
    cc: str
    subject: str
    reply_to: str | None
    message_id: str | None
    message_id_md5: str | None
    in_reply_to: str | None
    content_type: str
    references: str | None
    body: str
    internal: bool
    preferences: dict[str, Any]
    updated_by_id: int | None
    created_by_id: int | None
    origin_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp
    attachments: list[AttachmentOut]
    type: str
    sender: str
    created_by: str | None
    updated_by: str | None


class NotificationOut(Schema):
    id: int
    o_id: int
    object_lookup_id: int | None
    type_lookup_id: int | None
    user_id: int
    seen: bool
    updated_by_id: int | None
    created_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp
    object: str | None = None
    type: str | None = None


class NotificationIn(Schema):
    seen: bool = True


class AttributeOut(Schema):
    id: int
    object: str
    object_lookup_id: int | None
    name: str
    display: str
    data_type: str
    data_option: dict[str, Any]
    data_option_new: dict[str, Any]
    editable: bool
    active: bool
    screens: dict[str, Any]
    to_create: bool
    to_migrate: bool
    to_delete: bool
    to_config: bool
    position: int
    updated_by_id: int | None
    created_by_id: int | None
    created_at: Timestamp
    updated_at: Timestamp


class AttributeIn(Schema):
    object: str | None = Field(None, max_length=NAME)
    name: str | None = Field(None, max_length=NAME)
    display: str | None = Field(None, max_length=NAME)
    data_type: str | None = Field(None, max_length=NAME)
    data_option: dict[str, Any] | None = None
    active: bool | None = None
    screens: dict[str, Any] | None = None
    position: int | None = Field(None, ge=-1_000_000, le=1_000_000)


class TagsOut(Schema):
    tags: list[str]


class TagChangeIn(Schema):
    object: str = Field(..., max_length=NAME)
    o_id: Id
    item: str = Field(..., max_length=NAME)


class TagSearchOut(Schema):
    id: int
    value: str
