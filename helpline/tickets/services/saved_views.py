"""Saved ticket lists ("overviews", Zammad): save the list's filters and sort under a name,
rename, share (admins) and delete them.

- Anyone signed in saves personal views; only the owner sees, opens, renames or deletes a
  personal view (admins included: it is private).
- Admins (``admin``) share a view with everyone or with one role, and rename, re-share or
  delete shared views. Readers of a shared view only open it.
- ``filters`` keeps only the ticket list's own parameters (``VIEW_FILTERS``) as short texts;
  they are applied again, inside the reader's scope, each time the view is opened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from helpline.core import permissions as perms
from helpline.core.models import Role, User
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from helpline.tickets import selectors
from helpline.tickets.models import SavedView

NAME_MAX = 100
VALUE_MAX = 200
VIEW_FILTERS = (
    "q",
    "state",
    "priority",
    "group",
    "category",
    "project",
    "owner",
    "customer",
    "organization",
    "tag",
    "created_from",
    "created_to",
    "sort",
)


def clean_view_name(name: Any) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise Invalid("a view needs a name", code="view.name_missing", field="name")
    if len(text) > NAME_MAX:
        raise Invalid(
            f"a view name has at most {NAME_MAX} characters",
            code="view.name_too_long",
            field="name",
        )
    return text


def clean_view_filters(filters: Any) -> dict[str, str]:
    """The list parameters worth keeping: known names, non-blank texts of at most 200
    characters; anything else (page, format, csrf token...) is dropped."""
    if not isinstance(filters, Mapping):
        raise Invalid("filters are name -> value", code="view.filters_invalid", field="filters")
    kept: dict[str, str] = {}
    for name in VIEW_FILTERS:
        value = filters.get(name)
        if value is None or isinstance(value, bool | dict | list):
            continue
        text = str(value).strip()
        if not text:
            continue
        if len(text) > VALUE_MAX:
            raise Invalid(
                f"the filter {name} has at most {VALUE_MAX} characters",
                code="view.filter_too_long",
                field=name,
            )
        kept[name] = text
    return kept


def _signed_in(actor: Actor) -> User:
    if actor.user is None:
        raise NotAuthenticated("sign in to save views", code="auth.required")
    return actor.user


def _sharing(actor: Actor, sharing: Any, role: Any) -> tuple[str, Role | None]:
    if sharing in (None, ""):
        sharing = SavedView.Sharing.PERSONAL
    if sharing not in SavedView.Sharing.values:
        raise Invalid(
            "sharing is personal, everyone or role", code="view.sharing_invalid", field="sharing"
        )
    if sharing != SavedView.Sharing.PERSONAL and not actor.has(perms.ADMIN):
        raise PermissionDenied(
            "only admins share views", code="view.share_forbidden", field="sharing"
        )
    if sharing != SavedView.Sharing.ROLE:
        if role not in (None, ""):
            raise Invalid("a role is given only to share with it", code="view.role_unexpected",
                          field="role")  # fmt: skip
        return sharing, None
    try:
        row = Role.objects.filter(pk=int(role), active=True).first() if role else None
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise Invalid("choose an active role to share with", code="view.role_unknown", field="role")
    return sharing, row


def _may_change(actor: Actor, view: SavedView) -> None:
    if view.sharing == SavedView.Sharing.PERSONAL:
        if view.owner_id != actor.user_id:  # the selector already hides it; belt and braces
            raise PermissionDenied("this view is not yours", code="view.change_forbidden")
        return
    if not actor.has(perms.ADMIN):
        raise PermissionDenied("only admins change shared views", code="view.change_forbidden")


def _name_free(owner_id: int, name: str, exclude: int | None = None) -> None:
    qs = SavedView.objects.filter(owner_id=owner_id, name__iexact=name)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise Conflict(f"you have a view named {name}", code="view.name_taken", field="name")


def save_view(
    actor: Actor,
    *,
    name: Any,
    filters: Any,
    sharing: Any = SavedView.Sharing.PERSONAL,
    role: Any = None,
) -> SavedView:
    """Save the list's current filters and sort under ``name`` (unique among the owner's
    views, without regard to case). ``sharing`` other than personal needs ``admin``."""
    user = _signed_in(actor)
    clean_name = clean_view_name(name)
    clean_filters = clean_view_filters(filters)
    kind, role_row = _sharing(actor, sharing, role)
    _name_free(user.pk, clean_name)
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                name=clean_name,
                owner=user,
                sharing=kind,
                role=role_row,
                filters=clean_filters,
                created_by=user,
                updated_by=user,
            )
    except IntegrityError:
        raise Conflict(
            f"you have a view named {clean_name}", code="view.name_taken", field="name"
        ) from None


@transaction.atomic
def update_view(
    actor: Actor,
    view_id: Any,
    *,
    name: Any = None,
    sharing: Any = None,
    role: Any = None,
) -> SavedView:
    """Rename a view, or (admins) change whom it is shared with."""
    _signed_in(actor)
    view = selectors.get_saved_view(actor, view_id, lock=True)
    _may_change(actor, view)
    if name is not None:
        view.name = clean_view_name(name)
        _name_free(view.owner_id, view.name, exclude=view.pk)
    if sharing is not None:
        view.sharing, view.role = _sharing(actor, sharing, role)
    view.updated_by = actor.user
    view.save()
    return view


@transaction.atomic
def delete_view(actor: Actor, view_id: Any) -> None:
    """Delete a view (personal: its owner; shared: an admin)."""
    _signed_in(actor)
    view = selectors.get_saved_view(actor, view_id, lock=True)
    _may_change(actor, view)
    view.delete()
