"""``/mail_server``: the SMTP server outgoing mail goes through (``admin.channel``, checked
by the ``mail_server`` service). ``HELPLINE_SMTP_URL`` in the environment wins: then the
server is shown and every change is 409 ``mail_server.environment``. The password is
write-only: taken by PUT, never answered (``password_set`` says whether one is stored)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Router, Schema

from helpline.api.auth import ApiRequest
from helpline.api.schemas.common import Timestamp
from helpline.core.services import mail_server

router = Router(tags=["mail_server"])


class MailServerOut(Schema):
    source: Literal["environment", "settings", "none"] = Field(
        ..., description="who sets the server: the environment, this API/the page, or none"
    )
    host: str
    port: int | None
    security: str = Field(..., description="none, starttls or tls ('' without a server)")
    username: str
    password_set: bool
    sender: str = Field(..., description="the address mail goes out from")
    custom_sender: str = Field(..., description="the saved sender ('' uses default_sender)")
    default_sender: str = Field(..., description="HELPLINE_FROM_EMAIL")
    file_path: str = Field(..., description="the outbox folder when there is no server")
    updated_at: Timestamp | None = None
    updated_by: str


class MailServerIn(Schema):
    host: str | None = Field(None, max_length=255, description="a host name or IP address")
    port: int | None = Field(None, ge=1, le=65535, description="null: the usual port")
    security: Literal["none", "starttls", "tls"] | None = None
    username: str | None = Field(None, max_length=254)
    password: str | None = Field(
        None, max_length=1000, description="write-only; omitted or empty keeps the stored one"
    )
    clear_password: bool = Field(False, description="remove the stored password")
    sender: str | None = Field(None, max_length=254, description="empty: HELPLINE_FROM_EMAIL")


class MailServerTestIn(Schema):
    to: str | None = Field(None, max_length=254, description="default: the caller's address")


class MailServerTestOut(MailServerOut):
    to: str


@router.get("/mail_server", response=MailServerOut, url_name="mail-server-detail")
def show_mail_server(request: ApiRequest) -> dict[str, Any]:
    """How mail goes out, without the password."""
    return mail_server.describe(request.auth)


@router.put("/mail_server", response=MailServerOut, url_name="mail-server-update")
def update_mail_server(request: ApiRequest, payload: MailServerIn) -> dict[str, Any]:
    """Only the fields sent change (``null`` is the same as leaving a field out, except
    ``port``: null is the usual port of the security). The first save needs ``host``."""
    changes = payload.model_dump(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k == "port"}
    return mail_server.update(request.auth, **changes)


@router.delete("/mail_server", response=MailServerOut, url_name="mail-server-delete")
def delete_mail_server(request: ApiRequest) -> dict[str, Any]:
    """Use no SMTP server: mail is kept as files in the outbox folder again."""
    return mail_server.clear(request.auth)


@router.post("/mail_server/test", response=MailServerTestOut, url_name="mail-server-test")
def send_test_message(request: ApiRequest, payload: MailServerTestIn) -> dict[str, Any]:
    """Send a short test message now (to ``to``, else the caller's own address); 422
    ``mail_server.test_failed`` says what the server or the network answered."""
    user = request.auth.user
    to = payload.to if payload.to is not None else str(getattr(user, "email", "") or "")
    return mail_server.send_test(request.auth, to)
