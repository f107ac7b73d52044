"""A stand-in object type ("Widget") so core's generic services are tested without any app:
ids below 100 exist; odd ids are readable by everyone, even ids only by admins; changing and
tagging need ``admin.tag``."""

from __future__ import annotations

import pytest

from helpline.core import object_access
from helpline.core import permissions as perms
from helpline.lib.actor import Actor
from helpline.lib.errors import NotFound, PermissionDenied


def check_widget(actor: Actor, object_id: int, access: str) -> None:
    if object_id >= 100 or (object_id % 2 == 0 and not actor.has(perms.ADMIN)):
        raise NotFound(f"no widget {object_id}", code="widget.not_found")
    if access in ("change", "tag") and not actor.has(perms.ADMIN_TAG):
        raise PermissionDenied("no", code="widget.forbidden")


@pytest.fixture(autouse=True)
def widgets():
    object_access._checks.setdefault("Widget", check_widget)
    yield
    object_access._checks.pop("Widget", None)


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    location = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location
