"""Scoped reads of core objects: the actor's notifications, attachment downloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.db.models import QuerySet

from helpline.core.models import Attachment, OnlineNotification
from helpline.core.object_access import require_object_access
from helpline.lib.actor import Actor
from helpline.lib.errors import NotAuthenticated, NotFound

# Types a browser may be handed as they are; anything else (HTML, SVG, scripts, unknown)
# goes out as application/octet-stream. Every download is an attachment either way.
SAFE_DOWNLOAD_TYPES = frozenset(
    {
        "application/pdf",
        "image/gif",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/csv",
        "text/plain",
        "application/zip",
    }
)


def list_notifications(actor: Actor, *, seen: bool | None = None) -> QuerySet[OnlineNotification]:
    """The actor's own notifications, newest first (a guest has none to list)."""
    if actor.user_id is None:
        raise NotAuthenticated(
            "notifications belong to a signed-in user", code="notification.login_required"
        )
    qs = OnlineNotification.objects.filter(user_id=actor.user_id)
    if seen is not None:
        qs = qs.filter(seen=seen)
    return qs.order_by("-id")


def get_notification(actor: Actor, notification_id: int) -> OnlineNotification:
    found = list_notifications(actor).filter(pk=notification_id).first()
    if found is None:
        raise NotFound(f"no notification {notification_id}", code="notification.not_found")
    return found


def safe_download_type(content_type: str) -> str:
    value = (content_type or "").split(";", 1)[0].strip().lower()
    if value not in SAFE_DOWNLOAD_TYPES:
        return "application/octet-stream"
    if value.startswith("text/"):
        return f"{value}; charset=utf-8"
    return value


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in RFC 5987 form."""
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@dataclass(frozen=True)
class AttachmentDownload:
    """Everything a door needs to hand out a stored file without making it live content."""

    attachment: Attachment
    filename: str
    content_type: str
    size: int
    headers: dict[str, str] = field(default_factory=dict)

    def open(self) -> IO[bytes]:
        return default_storage.open(self.attachment.store.name, "rb")


def get_attachment_download(actor: Actor, attachment_id: int) -> AttachmentDownload:
    """The file of an attachment the actor may see (``NotFound`` otherwise), with the
    headers that keep it inert: attachment disposition, a safe type, nosniff, a sandbox."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(f"no attachment {attachment_id}", code="attachment.not_found")
    try:
        require_object_access(actor, attachment.object_type, attachment.object_id, "read")
    except NotFound:
        raise NotFound(f"no attachment {attachment_id}", code="attachment.not_found") from None
    content_type = safe_download_type(attachment.content_type)
    return AttachmentDownload(
        attachment=attachment,
        filename=attachment.filename,
        content_type=content_type,
        size=attachment.size,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": content_disposition(attachment.filename),
            "Content-Length": str(attachment.size),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )
