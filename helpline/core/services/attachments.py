"""Storing files attached to objects (ticket articles, and later KB answers and assets).

Rules (runtime settings, NodePoint's and Flicket's upload options):
- ``uploads.enabled`` off refuses every upload;
- ``uploads.min_permission`` names the permission an uploader must hold (empty: anyone;
  see ``may_upload`` for how NodePoint's nested levels apply);
- ``uploads.allowed_extensions`` lists the extensions accepted (case-insensitive); a file
  without one is refused;
- ``uploads.max_size_mb`` caps each file.

Files go through Django's storage API under their SHA-256 (``Attachment.store``'s
``upload_to``): never under the uploader's name, so nothing uploaded can be executed or
overwrite another file, and identical files share one stored copy. The original name and
type are kept for the download, which is always served as an attachment with a safe type
(``core.selectors.get_attachment_download``).

Services check every upload (``check_uploads``) before writing anything, so a refused file
leaves no rows. Files written during a call that then fails are removed again when the call
runs inside ``cleanup_files_on_error``; files of deleted attachments are removed after the
deleting transaction commits, and only when no other attachment shares them.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from helpline.core import permissions as perms
from helpline.core.models import Attachment
from helpline.core.models.attachment import attachment_path
from helpline.core.object_access import require_object_access
from helpline.core.services.settings import get_setting
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, PermissionDenied

FILENAME_MAX = 255
_CONTENT_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
_written: ContextVar[list[str] | None] = ContextVar("attachment_files_written", default=None)


@dataclass(frozen=True)
class Upload:
    """A file a door received: its name as the user gave it, its bytes, its claimed type."""

    filename: str
    data: bytes
    content_type: str = ""

    @property
    def size(self) -> int:
        return len(self.data)


def clean_filename(filename: str) -> str:
    """The last path component, without control characters, at most 255 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not name:
        name = "attachment"
    if len(name) > FILENAME_MAX:
        stem, ext = posixpath.splitext(name)
        name = stem[: FILENAME_MAX - len(ext)] + ext
    return name


def extension_of(filename: str) -> str:
    _, ext = posixpath.splitext(filename)
    return ext.lstrip(".").lower()


def clean_content_type(content_type: str, filename: str) -> str:
    value = (content_type or "").split(";", 1)[0].strip().lower()
    if not _CONTENT_TYPE_RE.match(value):
        value = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return value


def check_uploads(actor: Actor, uploads: Sequence[Upload], *, field: str = "attachments") -> None:
    """Refuse the whole batch when one file breaks an upload rule (nothing is written)."""
    if not uploads:
        return
    if not get_setting("uploads.enabled"):
        raise PermissionDenied("uploads are disabled", code="upload.disabled", field=field)
    needed = str(get_setting("uploads.min_permission") or "").strip()
    if not may_upload(actor, needed):
        raise PermissionDenied(
            f"attaching files needs the permission {needed}", code="upload.forbidden", field=field
        )
    allowed = {str(e).lower().lstrip(".") for e in get_setting("uploads.allowed_extensions")}
    max_bytes = int(get_setting("uploads.max_size_mb")) * 1024 * 1024
    for upload in uploads:
        name = clean_filename(upload.filename)
        ext = extension_of(name)
        if not ext or ext not in allowed:
            raise Invalid(
                f"files of type {ext or '(none)'!r} may not be uploaded ({name})",
                code="upload.extension_refused",
                field=field,
            )
        if upload.size > max_bytes:
            raise Invalid(
                f"{name} is larger than {get_setting('uploads.max_size_mb')} MiB",
                code="upload.too_large",
                field=field,
            )


def may_upload(actor: Actor, needed: str) -> bool:
    """``uploads.min_permission`` is NodePoint's minimum upload level, named by a permission.
    Levels nest, so an agent (level 3) meets any permission of levels 0-3 even when their
    role does not list it (Zammad's Agent role has no ``ticket.customer``); admins meet any."""
    if not needed or actor.has(needed) or actor.has(perms.ADMIN):
        return True
    return actor.has(perms.TICKET_AGENT) and needed in perms.level_permissions(3)


@contextmanager
def cleanup_files_on_error() -> Iterator[None]:
    """Wrap a service call (outside its transaction): files it stored are removed again when
    it raises and no committed attachment refers to them."""
    if _written.get() is not None:
        yield  # an outer call already collects
        return
    token = _written.set([])
    try:
        yield
    except BaseException:
        for name in _written.get() or []:
            if not Attachment.objects.filter(store=name).exists():
                default_storage.delete(name)
        raise
    finally:
        _written.reset(token)


def _write(upload: Upload, digest: str) -> str:
    probe = Attachment(sha256=digest)
    name = attachment_path(probe, upload.filename)
    if default_storage.exists(name):
        return name
    stored = default_storage.save(name, ContentFile(upload.data))
    written = _written.get()
    if written is not None:
        written.append(stored)
    return stored


def store_attachments(
    actor: Actor, object_type: str, object_id: int, uploads: Iterable[Upload]
) -> list[Attachment]:
    """Write already checked uploads and their rows (unchecked: call ``check_uploads``
    first, inside the caller's transaction)."""
    rows = []
    for upload in uploads:
        name = clean_filename(upload.filename)
        digest = hashlib.sha256(upload.data).hexdigest()
        attachment = Attachment(
            object_type=object_type,
            object_id=object_id,
            filename=name,
            size=upload.size,
            content_type=clean_content_type(upload.content_type, name),
            sha256=digest,
            created_by=actor.user,
        )
        attachment.store.name = _write(upload, digest)
        attachment.save()
        rows.append(attachment)
    return rows


def add_attachment(actor: Actor, object_type: str, object_id: int, upload: Upload) -> Attachment:
    """Attach one file to an object the actor may change."""
    require_object_access(actor, object_type, object_id, "change")
    check_uploads(actor, [upload])
    with cleanup_files_on_error(), transaction.atomic():
        return store_attachments(actor, object_type, object_id, [upload])[0]


def attachments_of(object_type: str, object_ids: Iterable[int]) -> list[Attachment]:
    """The attachment rows of some objects (unchecked; selectors scope first)."""
    return list(
        Attachment.objects.filter(object_type=object_type, object_id__in=list(object_ids)).order_by(
            "id"
        )
    )


def delete_attachments(object_type: str, object_ids: Iterable[int]) -> int:
    """Delete the rows now and, once committed, each file no other attachment still uses."""
    qs = Attachment.objects.filter(object_type=object_type, object_id__in=list(object_ids))
    names = set(qs.values_list("store", flat=True))
    deleted, _ = qs.delete()

    def remove_files() -> None:
        still_used = set(
            Attachment.objects.filter(store__in=list(names)).values_list("store", flat=True)
        )
        for name in names - still_used:
            default_storage.delete(name)

    if names:
        transaction.on_commit(remove_files)
    return deleted
