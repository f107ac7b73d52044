"""Who may read or change an object that core services handle generically (tags,
attachments) without knowing its app.

Each app registers, for its object types ("Ticket", "Article", ...), one function that
raises ``NotFound`` when the actor may not see the object and ``PermissionDenied`` when
they see it but may not do what they ask. Core's tag and attachment services call
``require_object_access``; they never import the app that owns the object.

Access kinds: ``read`` (see it and its attachments), ``change`` (attach files to it),
``tag`` (add or remove tags), ``tags`` (list its tags).
"""

from __future__ import annotations

from collections.abc import Callable

from helpline.lib.actor import Actor
from helpline.lib.errors import NotFound

AccessCheck = Callable[[Actor, int, str], None]

_checks: dict[str, AccessCheck] = {}

ACCESS_KINDS = ("read", "change", "tag", "tags")


def register_object_type(object_type: str, check: AccessCheck) -> None:
    """Declare how access to ``object_type`` is checked (called from an AppConfig.ready)."""
    existing = _checks.get(object_type)
    if existing is not None and existing is not check:
        raise ValueError(f"object type {object_type} registered twice")
    _checks[object_type] = check


def known_object_types() -> list[str]:
    return sorted(_checks)


def require_object_access(actor: Actor, object_type: str, object_id: int, access: str) -> None:
    """Raise unless ``actor`` may ``access`` the object; unknown types are not found."""
    if access not in ACCESS_KINDS:
        raise ValueError(f"unknown access kind {access!r}")
    check = _checks.get(object_type)
    if check is None:
        raise NotFound(f"unknown object type {object_type!r}", code="object.type_unknown")
    check(actor, int(object_id), access)
