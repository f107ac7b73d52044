"""The ticket vocabularies an administrator keeps: categories (Flicket's config panel: per
group), states and priorities (Zammad's ``admin.object``).

- Categories need ``admin.group``; a name is unique within its group (any case); a group's
  default category ("General") stays active.
- States and priorities need ``admin.object``; names are unique (any case). A state's type
  is fixed (the rules hang on it), its name, note, ``needs_resolution`` and ``active`` change;
  the default state for new tickets and the default priority stay active.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from helpline.core import permissions as perms
from helpline.core import rules as core_rules
from helpline.core.models import Group
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound
from helpline.tickets.models import TicketCategory, TicketPriority, TicketState


def _name(value: Any, *, max_length: int, code: str) -> str:
    name = core_rules.check_text(
        value, field="name", max_length=max_length, code=code, required=True
    ).strip()
    if not name:
        raise Invalid("a name is required", code=f"{code}.name_missing", field="name")
    return name


def _flag(value: Any, field: str, code: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{field} is true or false", code=f"{code}.{field}_invalid", field=field)
    return value


@transaction.atomic
def create_category(actor: Actor, *, group_id: int, name: Any, note: str = "") -> TicketCategory:
    perms.require(actor, perms.ADMIN_GROUP)
    group = Group.objects.filter(pk=group_id).first()
    if group is None:
        raise Invalid(f"no group {group_id}", code="category.group_unknown", field="group")
    clean = _name(name, max_length=150, code="category")
    if TicketCategory.objects.filter(group=group, name__iexact=clean).exists():
        raise Conflict(
            f"{group.name} already has a category {clean}", code="category.name_taken", field="name"
        )
    return TicketCategory.objects.create(
        group=group, name=clean, note=note or "", created_by=actor.user, updated_by=actor.user
    )


@transaction.atomic
def update_category(actor: Actor, category_id: int, **changes: Any) -> TicketCategory:
    """Rename a category, change its note or (unless it is its group's default) disable it."""
    perms.require(actor, perms.ADMIN_GROUP)
    category = TicketCategory.objects.select_for_update().filter(pk=category_id).first()
    if category is None:
        raise NotFound(f"no category {category_id}", code="category.not_found")
    if "name" in changes:
        clean = _name(changes["name"], max_length=150, code="category")
        taken = TicketCategory.objects.filter(group_id=category.group_id, name__iexact=clean)
        if taken.exclude(pk=category.pk).exists():
            raise Conflict(f"a category {clean} exists", code="category.name_taken", field="name")
        category.name = clean
    if "note" in changes:
        category.note = str(changes["note"] or "")
    if "active" in changes:
        active = _flag(changes["active"], "active", "category")
        if not active and category.is_default:
            raise Conflict(
                "a group's default category stays active",
                code="category.default_active",
                field="active",
            )
        category.active = active
    category.updated_by = actor.user
    category.save()
    return category


@transaction.atomic
def update_state(actor: Actor, state_id: int, **changes: Any) -> TicketState:
    """Rename a state, change its note, whether it needs a resolution, and whether it is
    offered (the default state of new tickets stays active)."""
    perms.require(actor, perms.ADMIN_OBJECT)
    state = TicketState.objects.select_for_update().filter(pk=state_id).first()
    if state is None:
        raise NotFound(f"no state {state_id}", code="state.not_found")
    if "name" in changes:
        clean = _name(changes["name"], max_length=100, code="state")
        if TicketState.objects.filter(name__iexact=clean).exclude(pk=state.pk).exists():
            raise Conflict(f"a state {clean} exists", code="state.name_taken", field="name")
        state.name = clean
    if "note" in changes:
        state.note = str(changes["note"] or "")
    if "needs_resolution" in changes:
        state.needs_resolution = _flag(changes["needs_resolution"], "needs_resolution", "state")
    if "active" in changes:
        active = _flag(changes["active"], "active", "state")
        if not active and state.default_create:
            raise Conflict(
                "the state of new tickets stays active", code="state.default_active", field="active"
            )
        state.active = active
    state.updated_by = actor.user
    state.save()
    return state


@transaction.atomic
def create_priority(actor: Actor, *, name: Any, note: str = "") -> TicketPriority:
    """A new priority, ranked above every other (the most urgent)."""
    perms.require(actor, perms.ADMIN_OBJECT)
    clean = _name(name, max_length=100, code="priority")
    if TicketPriority.objects.filter(name__iexact=clean).exists():
        raise Conflict(f"a priority {clean} exists", code="priority.name_taken", field="name")
    top = TicketPriority.objects.select_for_update().order_by("-rank").first()
    return TicketPriority.objects.create(
        name=clean,
        rank=(top.rank + 1) if top else 1,
        note=note or "",
        created_by=actor.user,
        updated_by=actor.user,
    )


@transaction.atomic
def update_priority(actor: Actor, priority_id: int, **changes: Any) -> TicketPriority:
    """Rename a priority, change its note or whether it is offered (the default stays
    active)."""
    perms.require(actor, perms.ADMIN_OBJECT)
    priority = TicketPriority.objects.select_for_update().filter(pk=priority_id).first()
    if priority is None:
        raise NotFound(f"no priority {priority_id}", code="priority.not_found")
    if "name" in changes:
        clean = _name(changes["name"], max_length=100, code="priority")
        if TicketPriority.objects.filter(name__iexact=clean).exclude(pk=priority.pk).exists():
            raise Conflict(f"a priority {clean} exists", code="priority.name_taken", field="name")
        priority.name = clean
    if "note" in changes:
        priority.note = str(changes["note"] or "")
    if "active" in changes:
        active = _flag(changes["active"], "active", "priority")
        if not active and priority.default_create:
            raise Conflict(
                "the default priority stays active", code="priority.default_active", field="active"
            )
        priority.active = active
    priority.updated_by = actor.user
    priority.save()
    return priority
