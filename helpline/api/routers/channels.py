"""``/channels_email`` and ``/failed_mails``: the mail channels (mailboxes read into
tickets) and the mail that could not be taken in. Zammad-like shapes; every call needs
``admin.channel`` (checked by the mail services). A channel's password is write-only: it
is accepted on create and update, never answered (``password_set`` says whether one is
stored)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from helpline.api.auth import ApiRequest
from helpline.api.pagination import page_of
from helpline.api.schemas.common import Empty, ListParams, Timestamp
from helpline.api.status import CREATED
from helpline.mail.models import FailedMail
from helpline.mail.services import channels as channel_services
from helpline.mail.services import failed as failed_services

router = Router(tags=["channels"])


class ChannelOut(Schema):
    id: int
    name: str
    group_id: int
    group: str
    protocol: str
    security: str
    host: str
    port: int
    username: str
    password_set: bool
    folder: str
    address: str
    poll_interval: int
    active: bool
    last_fetch_at: Timestamp | None = None
    last_error: str
    created_at: Timestamp
    updated_at: Timestamp


class ChannelCreateIn(Schema):
    group_id: int = Field(..., ge=1, le=2**62, description="group new tickets are filed into")
    protocol: Literal["imap", "pop3"] = "imap"
    security: Literal["tls", "starttls", "plain"] = "tls"
    host: str = Field(..., max_length=255)
    port: int | None = Field(None, ge=1, le=65535, description="default: the usual port")
    username: str = Field(..., max_length=255)
    password: str = Field(..., max_length=1000, description="write-only")
    folder: str = Field("INBOX", max_length=255)
    address: str = Field("", max_length=255, description="the address customers write to")
    name: str = Field("", max_length=250, description="default: user@host/folder")
    poll_interval: int = Field(60, ge=10, le=86400, description="seconds")
    active: bool = True


class ChannelUpdateIn(Schema):
    group_id: int | None = Field(None, ge=1, le=2**62)
    protocol: Literal["imap", "pop3"] | None = None
    security: Literal["tls", "starttls", "plain"] | None = None
    host: str | None = Field(None, max_length=255)
    port: int | None = Field(None, ge=1, le=65535)
    username: str | None = Field(None, max_length=255)
    password: str | None = Field(
        None, max_length=1000, description="write-only; omitted or empty keeps the stored one"
    )
    folder: str | None = Field(None, max_length=255)
    address: str | None = Field(None, max_length=255)
    name: str | None = Field(None, max_length=250)
    poll_interval: int | None = Field(None, ge=10, le=86400)
    active: bool | None = None


class FetchOut(Schema):
    id: int
    queued: bool


class CheckOut(Schema):
    id: int
    ok: bool
    error: str


class FailedMailOut(Schema):
    id: int
    channel_id: int | None
    error: str
    size: int
    attempts: int
    resolved: bool
    created_at: Timestamp
    updated_at: Timestamp


class FailedListParams(ListParams):
    include_resolved: bool = Field(False, description="also the mail taken in since")


class RetryOut(Schema):
    id: int
    outcome: str
    reason: str
    ticket_id: int | None
    article_id: int | None


def _failed(row: FailedMail) -> dict[str, Any]:
    return {
        "id": row.pk,
        "channel_id": row.channel_id,
        "error": row.error,
        "size": row.size,  # type: ignore[attr-defined]
        "attempts": row.attempts,
        "resolved": row.resolved,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def _changes(payload: ChannelCreateIn | ChannelUpdateIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    if "group_id" in data:
        data["group"] = data.pop("group_id")
    return data


@router.get("/channels_email", response=list[ChannelOut], url_name="channel-email-list")
def list_channels(request: ApiRequest) -> list[dict[str, Any]]:
    """Every mail channel (``admin.channel``), without passwords."""
    return channel_services.list_channels(request.auth)


@router.get("/channels_email/{channel_id}", response=ChannelOut, url_name="channel-email-detail")
def show_channel(request: ApiRequest, channel_id: int) -> dict[str, Any]:
    return channel_services.describe_channel(channel_services.get_channel(request.auth, channel_id))


@router.post("/channels_email", response={CREATED: ChannelOut}, url_name="channel-email-create")
def create_channel(request: ApiRequest, payload: ChannelCreateIn) -> Status[dict[str, Any]]:
    channel = channel_services.create_channel(request.auth, **_changes(payload))
    return Status(CREATED, channel_services.describe_channel(channel))


@router.put("/channels_email/{channel_id}", response=ChannelOut, url_name="channel-email-update")
def update_channel(
    request: ApiRequest, channel_id: int, payload: ChannelUpdateIn
) -> dict[str, Any]:
    """Only the fields sent change; ``null`` is the same as leaving a field out."""
    changes = {k: v for k, v in _changes(payload).items() if v is not None}
    channel = channel_services.update_channel(request.auth, channel_id, **changes)
    return channel_services.describe_channel(channel)


@router.delete("/channels_email/{channel_id}", response=Empty, url_name="channel-email-delete")
def delete_channel(request: ApiRequest, channel_id: int) -> dict[str, Any]:
    channel_services.delete_channel(request.auth, channel_id)
    return {}


@router.post(
    "/channels_email/{channel_id}/fetch", response=FetchOut, url_name="channel-email-fetch"
)
def fetch_channel(request: ApiRequest, channel_id: int) -> dict[str, Any]:
    """Queue one fetch of the channel and answer at once (409 when it is disabled)."""
    channel = channel_services.request_fetch(request.auth, channel_id)
    return {"id": channel.pk, "queued": True}


@router.post(
    "/channels_email/{channel_id}/check", response=CheckOut, url_name="channel-email-check"
)
def check_channel(request: ApiRequest, channel_id: int) -> dict[str, Any]:
    """Log in to the server and open the folder now (10 seconds at most per step)."""
    ok, error = channel_services.check_channel(request.auth, channel_id)
    return {"id": channel_id, "ok": ok, "error": error}


@router.get("/failed_mails", response=list[FailedMailOut], url_name="failed-mail-list")
def list_failed(request: ApiRequest, params: Query[FailedListParams]) -> list[dict[str, Any]]:
    """Mail kept as failed, newest first (``page``/``per_page``)."""
    rows = failed_services.failed_mail_rows(request.auth, include_resolved=params.include_resolved)
    return [_failed(row) for row in page_of(params).of(rows)]


@router.get("/failed_mails/{failed_id}", response=FailedMailOut, url_name="failed-mail-detail")
def show_failed(request: ApiRequest, failed_id: int) -> dict[str, Any]:
    return _failed(failed_services.get_failed_mail(request.auth, failed_id))


@router.get(
    "/failed_mails/{failed_id}/raw",
    url_name="failed-mail-raw",
    openapi_extra={
        "responses": {
            200: {
                "description": "the message as it came",
                "content": {"message/rfc822": {"schema": {"type": "string"}}},
            }
        }
    },
)
def failed_raw(request: ApiRequest, failed_id: int) -> HttpResponse:
    """The raw message (``message/rfc822``), as a download."""
    row = failed_services.get_failed_mail(request.auth, failed_id)
    response = HttpResponse(bytes(row.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="failed-mail-{row.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/failed_mails/{failed_id}/retry", response=RetryOut, url_name="failed-mail-retry")
def retry_failed(request: ApiRequest, failed_id: int) -> dict[str, Any]:
    """Take the message in again; ``outcome`` is ticket, article, bounce, ignored, duplicate
    or failed (then ``reason`` says why and the mail stays listed)."""
    outcome = failed_services.reprocess_failed_mail(request.auth, failed_id)
    return {
        "id": failed_id,
        "outcome": outcome.kind,
        "reason": outcome.reason,
        "ticket_id": outcome.ticket_id,
        "article_id": outcome.article_id,
    }


@router.delete("/failed_mails/{failed_id}", response=Empty, url_name="failed-mail-delete")
def delete_failed(request: ApiRequest, failed_id: int) -> dict[str, Any]:
    failed_services.delete_failed_mail(request.auth, failed_id)
    return {}
