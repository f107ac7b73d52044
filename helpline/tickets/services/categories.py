"""Every group has a default category ("General"), made with it (DESIGN.md: a ticket given
only a group is filed in its default category)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from helpline.core import permissions as perms
from helpline.core.events import GroupCreated
from helpline.core.models import Group
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid
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


@transaction.atomic
def create_category(actor: Actor, *, group: Any, name: Any) -> TicketCategory:
    """Add a category to a group (Flicket: administrators only; here ``admin.group``).
    Names are unique within their group in any case."""
    perms.require(actor, perms.ADMIN_GROUP)
    group_row = common.lookup_group(group, field="department_id")
    text = name.strip() if isinstance(name, str) else ""
    limit = TicketCategory._meta.get_field("name").max_length or 150
    if not text or len(text) > limit:
        raise Invalid(
            f"a category name has 1 to {limit} characters",
            code="category.name_invalid",
            field="category",
        )
    if TicketCategory.objects.filter(group=group_row, name__iexact=text).exists():
        raise Invalid(
            "Category within department already exists.",
            code="category.name_taken",
            field="category",
        )
    return TicketCategory.objects.create(
        group=group_row, name=text, created_by=actor.user, updated_by=actor.user
    )
