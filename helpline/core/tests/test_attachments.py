"""Storing uploads under their hash, the upload rules, and inert downloads."""

from __future__ import annotations

import hashlib

import pytest
from django.db import transaction

from helpline.core import selectors
from helpline.core.models import Attachment
from helpline.core.services import attachments
from helpline.core.services.attachments import Upload
from helpline.core.services.settings import update_setting
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, NotFound, PermissionDenied
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return Actor.for_user(UserFactory(login="filer", roles=["Admin"]))


def test_files_are_stored_under_their_hash_and_shared(admin, uploads_dir):
    data = b"<script>alert(1)</script>"
    first = attachments.add_attachment(
        admin, "Widget", 1, Upload("C:\\temp\\..\\evil.html.txt", data, "text/html")
    )
    second = attachments.add_attachment(admin, "Widget", 3, Upload("copy.txt", data))
    digest = hashlib.sha256(data).hexdigest()
    assert (
        first.store.name == second.store.name == f"attachments/{digest[:2]}/{digest[2:4]}/{digest}"
    )
    assert (first.filename, first.content_type, first.size, first.sha256) == (
        "evil.html.txt",
        "text/html",
        len(data),
        digest,
    )
    assert second.content_type == "text/plain"
    assert [p.name for p in (uploads_dir / "attachments").rglob("*") if p.is_file()] == [digest]


def test_the_rules_refuse_before_anything_is_written(admin, uploads_dir):
    customer = Actor.for_user(UserFactory(login="cust8", roles=["Customer"]))
    cases = [
        (admin, Upload("a.exe", b"x"), Invalid, "upload.extension_refused"),
        (admin, Upload("noext", b"x"), Invalid, "upload.extension_refused"),
        (admin, Upload("a.pdf", b"x" * (10 * 1024 * 1024 + 1)), Invalid, "upload.too_large"),
        (Actor.guest(), Upload("a.pdf", b"x"), NotFound, "widget.not_found"),
        (customer, Upload("a.pdf", b"x"), PermissionDenied, "widget.forbidden"),
    ]
    for actor, upload, error, code in cases:
        with pytest.raises(error) as info:
            attachments.add_attachment(actor, "Widget", 1 if error is not NotFound else 2, upload)
        assert info.value.code == code
    update_setting(Actor.system(), "uploads.enabled", False)
    with pytest.raises(PermissionDenied) as info:
        attachments.add_attachment(admin, "Widget", 1, Upload("a.pdf", b"x"))
    assert (info.value.field, info.value.code) == ("attachments", "upload.disabled")
    assert not Attachment.objects.exists()
    assert not uploads_dir.exists() or not any(uploads_dir.rglob("*.*"))


def test_min_permission_follows_nodepoints_nested_levels():
    agent = Actor.for_user(UserFactory(login="agent8", roles=["Agent"]))
    customer = Actor.for_user(UserFactory(login="cust7", roles=["Customer"]))
    assert attachments.may_upload(agent, "ticket.customer")
    assert attachments.may_upload(customer, "ticket.customer")
    assert not attachments.may_upload(customer, "ticket.agent")
    assert not attachments.may_upload(agent, "admin.user")
    assert not attachments.may_upload(Actor.guest(), "ticket.customer")
    assert attachments.may_upload(Actor.guest(), "")


def test_files_of_a_failed_call_are_removed(admin, uploads_dir):
    def fail_after_storing():
        with attachments.cleanup_files_on_error(), transaction.atomic():
            attachments.store_attachments(admin, "Widget", 1, [Upload("a.txt", b"orphan?")])
            raise RuntimeError("later step failed")

    with pytest.raises(RuntimeError):
        fail_after_storing()
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in uploads_dir.rglob("*"))


def test_deleted_attachments_lose_their_files_after_commit(
    admin, uploads_dir, django_capture_on_commit_callbacks
):
    kept = attachments.add_attachment(admin, "Widget", 3, Upload("shared.txt", b"same"))
    attachments.add_attachment(admin, "Widget", 1, Upload("shared.txt", b"same"))
    gone = attachments.add_attachment(admin, "Widget", 1, Upload("own.txt", b"only"))
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.delete_attachments("Widget", [1]) == 2
    assert list(Attachment.objects.values_list("pk", flat=True)) == [kept.pk]
    assert (uploads_dir / kept.store.name).exists()
    assert not (uploads_dir / gone.store.name).exists()


@pytest.mark.parametrize(
    ("filename", "content_type", "served"),
    [
        ("page.html", "text/html", "application/octet-stream"),
        ("logo.svg", "image/svg+xml", "application/octet-stream"),
        ("shot.png", "image/png", "image/png"),
        ("notes.txt", "text/plain", "text/plain; charset=utf-8"),
        ("x.js", "application/javascript", "application/octet-stream"),
    ],
)
def test_downloads_are_inert(admin, filename, content_type, served):
    attachment = _stored(admin, filename, content_type)
    download = selectors.get_attachment_download(Actor.guest(), attachment.pk)
    assert download.content_type == served
    assert download.headers["Content-Type"] == served
    assert download.headers["Content-Disposition"].startswith("attachment; filename=")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    with download.open() as handle:
        assert handle.read() == b"data"


def _stored(admin, filename, content_type):
    """Stored without the upload rules, as mail and imports may store any file."""
    with transaction.atomic():
        return attachments.store_attachments(
            admin, "Widget", 1, [Upload(filename, b"data", content_type)]
        )[0]


def test_downloads_hide_what_the_actor_may_not_see(admin):
    hidden = attachments.add_attachment(admin, "Widget", 2, Upload("a.txt", b"x"))
    with pytest.raises(NotFound) as info:
        selectors.get_attachment_download(Actor.guest(), hidden.pk)
    assert info.value.code == "attachment.not_found"
    with pytest.raises(NotFound):
        selectors.get_attachment_download(admin, 999999)
    assert selectors.get_attachment_download(admin, hidden.pk).filename == "a.txt"


def test_content_disposition_keeps_unicode_names_safely():
    assert selectors.content_disposition('résumé "final".pdf') == (
        'attachment; filename="r_sum_ _final_.pdf"; '
        "filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf"
    )
