"""Ticket categories (Flicket's categories, ITFlow's ticket categories): each belongs to one
group, and every group has a default category ("General"), made with it (DESIGN.md: a ticket
given only a group is filed in its default category).

Creating and changing categories needs ``admin.group``; a name is unique within its group in
any case, and a group's default category stays active."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from helpline.core import permissions as perms
from helpline.core.events import GroupCreated
from helpline.core.models import Group
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound
from helpline.tickets.models import TicketCategory
from helpline.tickets.services import _common as common

DEFAULT_CATEGORY_NAME = "General"


def ensure_default_category(group: Group) -> TicketCategory:
    """The group's default category, made now when it has none (groups created before this
    rule, or by a path that skipped the event). A category already named "General" becomes
    the default rather than a second one being made."""
    found = TicketCategory.objects.filter(group=group, is_default=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            named = (
                TicketCategory.objects.select_for_update()
                .filter(group=group, name__iexact=DEFAULT_CATEGORY_NAME)
                .first()
            )
            if named is not None:
                named.is_default = True
                named.save(update_fields=["is_default", "updated_at"])
                return named
            return TicketCategory.objects.create(
                group=group, name=DEFAULT_CATEGORY_NAME, is_default=True
            )
    except IntegrityError:
        # Another transaction made it at the same moment: use theirs.
        return TicketCategory.objects.get(group=group, is_default=True)


def on_group_created(event: GroupCreated) -> None:
    """In-transaction subscriber: the new group gets its default category in the same write."""
    group = Group.objects.get(pk=event.group_id)
    category = ensure_default_category(group)
    if event.actor_id is not None and category.created_by_id is None:
        TicketCategory.objects.filter(pk=category.pk).update(
            created_by_id=event.actor_id, updated_by_id=event.actor_id
        )


def _clean_name(value: Any, *, field: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    limit = TicketCategory._meta.get_field("name").max_length or 150
    if not text or len(text) > limit:
        raise Invalid(
            f"a category name has 1 to {limit} characters",
            code="category.name_invalid",
            field=field,
        )
    return text


@transaction.atomic
def create_category(actor: Actor, *, group: Any, name: Any, note: str = "") -> TicketCategory:
    """Add a category to a group (Flicket: administrators only; here ``admin.group``).
    Names are unique within their group in any case."""
    perms.require(actor, perms.ADMIN_GROUP)
    group_row = common.lookup_group(group, field="department_id")
    text = _clean_name(name, field="category")
    if TicketCategory.objects.filter(group=group_row, name__iexact=text).exists():
        raise Invalid(
            "Category within department already exists.",
            code="category.name_taken",
            field="category",
        )
    return TicketCategory.objects.create(
        group=group_row,
        name=text,
        note=str(note or ""),
        created_by=actor.user,
        updated_by=actor.user,
    )


@transaction.atomic
def update_category(actor: Actor, category_id: int, **changes: Any) -> TicketCategory:
    """Rename a category, change its note or (unless it is its group's default) disable it
    (``admin.group``)."""
    perms.require(actor, perms.ADMIN_GROUP)
    unknown = sorted(set(changes) - {"name", "note", "active"})
    if unknown:
        raise Invalid(
            f"categories have no field {unknown[0]!r}",
            code="category.unknown_field",
            field=unknown[0],
        )
    category = TicketCategory.objects.select_for_update().filter(pk=category_id).first()
    if category is None:
        raise NotFound(f"no category {category_id}", code="category.not_found")
    if "name" in changes:
        text = _clean_name(changes["name"], field="name")
        taken = TicketCategory.objects.filter(group_id=category.group_id, name__iexact=text)
        if taken.exclude(pk=category.pk).exists():
            raise Conflict(f"a category {text} exists", code="category.name_taken", field="name")
        category.name = text
    if "note" in changes:
        category.note = str(changes["note"] or "")
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise Invalid("active is true or false", code="category.active_invalid", field="active")
        if not changes["active"] and category.is_default:
            raise Conflict(
                "a group's default category stays active",
                code="category.default_active",
                field="active",
            )
        category.active = changes["active"]
    category.updated_by = actor.user
    category.save()
    return category
