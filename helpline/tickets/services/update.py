"""Changing a ticket's fields (Zammad PUT /tickets/{id}, NodePoint's ticket edit, pages)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from helpline.core import permissions as perms
from helpline.core.models import Group, Organization, User
from helpline.core.services import history
from helpline.core.services.attributes import clean_attribute_values
from helpline.core.services.settings import get_setting
from helpline.lib import clock, events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, PermissionDenied
from helpline.projects.models import Project, Release
from helpline.tickets import permissions, rules, selectors
from helpline.tickets.events import TicketUpdated
from helpline.tickets.models import (
    Ticket,
    TicketCategory,
    TicketPriority,
    TicketState,
    TicketStateType,
)
from helpline.tickets.services import _common as common
from helpline.tickets.services.articles import add_article
from helpline.tickets.services.lifecycle import hold_ticket, unhold_ticket

# canonical name -> the keys a caller may use for it (Zammad accepts names and ids).
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "state_id": ("state_id", "state"),
    "priority_id": ("priority_id", "priority"),
    "group_id": ("group_id", "group"),
    "category_id": ("category_id", "category"),
    "owner_id": ("owner_id", "owner"),
    "customer_id": ("customer_id", "customer"),
    "organization_id": ("organization_id", "organization"),
    "project_id": ("project_id", "project"),
    "release_id": ("release_id", "release"),
    "pending_time": ("pending_time",),
    "resolution": ("resolution",),
    "custom_field": ("custom_field",),
    "note": ("note",),
    "attributes": ("attributes",),
}
_KEY_TO_FIELD = {key: canonical for canonical, keys in FIELDS.items() for key in keys}
# History names relations without the "_id".
_HISTORY_NAME = {c: c.removesuffix("_id") for c in FIELDS}


def _normalize(changes: Mapping[str, Any]) -> dict[str, tuple[str, Any]]:
    """canonical name -> (the key the caller used, value); unknown or doubled keys refused."""
    out: dict[str, tuple[str, Any]] = {}
    for key, value in changes.items():
        canonical = _KEY_TO_FIELD.get(key)
        if canonical is None:
            raise Invalid(f"tickets have no field {key!r}", code="ticket.unknown_field", field=key)
        if canonical in out:
            raise Invalid(
                f"{key} and {out[canonical][0]} name the same field",
                code="ticket.field_twice",
                field=key,
            )
        out[canonical] = (key, value)
    return out


def _blank(value: Any) -> bool:
    return value is None or value == ""


def update_ticket(actor: Actor, ticket_id: int, changes: Mapping[str, Any]) -> Ticket:
    """Change some fields of a ticket; only what differs is written, recorded and published.

    - Agents with change access set every field; customers who may change the ticket only
      ``permissions.CUSTOMER_FIELDS`` (title, state, custom field, attributes), and a state
      only of type open or closed (closing by the Flicket rule).
    - Group, category and project follow DESIGN.md: a new group alone takes its default
      category, a category alone takes its group, a new project takes its group. An explicit
      category change obeys ``tickets.change_category`` (and ``..._only_admin``). An agent
      moves tickets only into groups they have create or change access to; an owner who
      cannot work in the new group is removed.
    - A state that needs a resolution is refused without one (given now or already set); a
      pending state needs a pending time; leaving a pending state clears it.
    - A new customer brings their organization unless one is given; a closed organization
      takes no tickets.
    Errors name the key the caller used.
    """
    fields = _normalize(changes)
    with transaction.atomic():
        profile = permissions.ticket_access(actor)
        ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
        permissions.require_change_ticket(actor, ticket, profile=profile)
        manager = permissions.can_manage_ticket(actor, ticket, profile=profile)
        if not manager:
            for canonical, (key, _) in fields.items():
                if (
                    key not in permissions.CUSTOMER_FIELDS
                    and canonical not in permissions.CUSTOMER_FIELDS
                ):
                    raise PermissionDenied(
                        f"only agents change {key}", code="ticket.field_forbidden", field=key
                    )
        if ticket.state.state_type.name == TicketStateType.MERGED:
            raise Conflict(f"ticket {ticket.number} was merged", code="ticket.merged")
        before = _snapshot(ticket)
        before_attributes = dict(ticket.attributes or {})
        _apply(actor, ticket, fields, manager=manager, profile=profile, before=before)
        changed = _diff(before, _snapshot(ticket))
        attribute_changes = {
            f"attributes.{name}": (before_attributes.get(name), value)
            for name, value in (ticket.attributes or {}).items()
            if before_attributes.get(name) != value
        }
        if not changed and not attribute_changes:
            return ticket
        now = clock.now()
        if "owner_id" in changed or ticket.owner_id == actor.user_id:
            ticket.last_owner_update_at = now
        ticket.updated_by = actor.user
        ticket.save()
        history.record_changes(
            actor,
            "Ticket",
            ticket.pk,
            [
                history.Change(_HISTORY_NAME[name], _display(name, old), _display(name, new))
                for name, (old, new) in changed.items()
            ]
            + [history.Change(name, old, new) for name, (old, new) in attribute_changes.items()],
        )
        common.notify(actor, ticket, extra=[before["owner_id"]] if "owner_id" in changed else ())
        all_changes: dict[str, tuple[Any, Any]] = {**changed, **attribute_changes}
        events.publish(
            TicketUpdated(ticket_id=ticket.pk, actor_id=actor.user_id, changes=all_changes)
        )
    return ticket


_SNAPSHOT_FIELDS = (
    "title", "state_id", "priority_id", "group_id", "category_id", "owner_id", "customer_id",
    "organization_id", "project_id", "release_id", "pending_time", "resolution", "custom_field",
    "note",
)  # fmt: skip


def _snapshot(ticket: Ticket) -> dict[str, Any]:
    return {name: getattr(ticket, name) for name in _SNAPSHOT_FIELDS}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (before[k], after[k]) for k in _SNAPSHOT_FIELDS if before[k] != after[k]}


_DISPLAY_MODELS: dict[str, Any] = {
    "state_id": TicketState,
    "priority_id": TicketPriority,
    "group_id": Group,
    "category_id": TicketCategory,
    "owner_id": User,
    "customer_id": User,
    "organization_id": Organization,
    "project_id": Project,
    "release_id": Release,
}


def _display(name: str, value: Any) -> Any:
    """A history value: the row for relations (so the line shows its name and keeps its id)."""
    if value is None or name not in _DISPLAY_MODELS:
        return value
    return _DISPLAY_MODELS[name].objects.filter(pk=value).first() or value


def _apply(
    actor: Actor,
    ticket: Ticket,
    fields: dict[str, tuple[str, Any]],
    *,
    manager: bool,
    profile: permissions.TicketAccess,
    before: dict[str, Any],
) -> None:
    """Validate every given field and set it on ``ticket`` (in memory); ``before`` holds the
    values as loaded."""
    if "title" in fields:
        key, value = fields["title"]
        ticket.title = rules.clean_title(value, field=key)
    if "priority_id" in fields:
        key, value = fields["priority_id"]
        ticket.priority = common.lookup_priority(value, field=key)
    if "note" in fields:
        key, value = fields["note"]
        ticket.note = "" if value is None else str(value).strip()
    if "custom_field" in fields:
        key, value = fields["custom_field"]
        ticket.custom_field = rules.clean_custom_field(
            value, str(get_setting("tickets.custom_field_type")), field=key
        )
    if "resolution" in fields:
        key, value = fields["resolution"]
        if value is not None and not isinstance(value, str):
            raise Invalid("a resolution is text", code="ticket.resolution_invalid", field=key)
        ticket.resolution = (value or "").strip()
    if "attributes" in fields:
        key, value = fields["attributes"]
        if not isinstance(value, Mapping):
            raise Invalid(
                "attributes are a mapping of names to values",
                code="ticket.attributes_invalid",
                field=key,
            )
        cleaned = clean_attribute_values("Ticket", dict(value))
        ticket.attributes = {**(ticket.attributes or {}), **cleaned}

    _apply_placement(actor, ticket, fields, profile=profile)

    if "customer_id" in fields:
        key, value = fields["customer_id"]
        if _blank(value):
            ticket.customer = None
        else:
            customer = common.lookup_user(value, field=key, code="ticket.customer_unknown")
            if not customer.active:
                raise Invalid(
                    f"the user {customer.login} is disabled",
                    code="ticket.customer_inactive",
                    field=key,
                )
            ticket.customer = customer
            if "organization_id" not in fields:
                ticket.organization = customer.organization
                common.check_organization_open(ticket.organization, field=key)
    if "organization_id" in fields:
        key, value = fields["organization_id"]
        organization = None if _blank(value) else common.lookup_organization(value, field=key)
        if organization is not None and organization.pk != ticket.organization_id:
            common.check_organization_open(organization, field=key)
        ticket.organization = organization

    if "state_id" in fields:
        key, value = fields["state_id"]
        state = common.lookup_state(value, field=key)
        common.check_state_allowed(state, field=key)
        if not manager:
            _check_customer_state(actor, ticket, state, key, profile)
        if state.pk != ticket.state_id:
            if state.is_closed and ticket.close_at is None:
                ticket.close_at = clock.now()
            ticket.state = state
    if "pending_time" in fields:
        key, value = fields["pending_time"]
        ticket.pending_time = rules.clean_datetime(value, field=key)
    state = ticket.state
    moved_or_resolved = state.pk != before["state_id"] or "resolution" in fields
    if moved_or_resolved and not rules.needs_resolution_ok(
        state.needs_resolution, ticket.resolution
    ):
        raise Invalid(
            f"the state {state.name} needs a resolution",
            code="ticket.state_needs_resolution",
            field="resolution",
        )
    if state.is_pending:
        if ticket.pending_time is None:
            raise Invalid(
                f"the state {state.name} needs a pending time",
                code="ticket.pending_time_missing",
                field=fields.get("pending_time", ("pending_time", None))[0],
            )
    else:
        ticket.pending_time = None

    if "owner_id" in fields:
        key, value = fields["owner_id"]
        if _blank(value):
            ticket.owner = None
        else:
            owner = common.lookup_user(value, field=key, code="ticket.owner_unknown")
            ticket.owner = None
            common.check_owner(owner, ticket, field=key)
            ticket.owner = owner
    elif ticket.owner is not None and ticket.group_id != before["group_id"]:
        owner = ticket.owner
        ticket.owner = None
        if permissions.can_own_ticket(owner, ticket):
            ticket.owner = owner


def _check_customer_state(
    actor: Actor, ticket: Ticket, state: TicketState, key: str, profile: permissions.TicketAccess
) -> None:
    kind = state.state_type.name
    if (
        kind not in (TicketStateType.OPEN, TicketStateType.CLOSED, TicketStateType.NEW)
        or state.needs_resolution
    ):
        raise PermissionDenied(
            f"customers cannot set the state {state.name}", code="ticket.state_forbidden", field=key
        )
    if kind == TicketStateType.CLOSED and not permissions.can_close_ticket(
        actor, ticket, profile=profile
    ):
        raise PermissionDenied(
            "only administrators, the ticket's assignees and its creator or customer may close it",
            code="ticket.close_forbidden",
            field=key,
        )


def _apply_placement(
    actor: Actor,
    ticket: Ticket,
    fields: dict[str, tuple[str, Any]],
    *,
    profile: permissions.TicketAccess,
) -> None:
    names = {
        "group": fields.get("group_id", ("group_id",))[0],
        "category": fields.get("category_id", ("category_id",))[0],
        "project": fields.get("project_id", ("project_id",))[0],
        "release": fields.get("release_id", ("release_id",))[0],
    }
    group_given = "group_id" in fields
    category_given = "category_id" in fields
    project_given = "project_id" in fields
    release_given = "release_id" in fields
    if not (group_given or category_given or project_given or release_given):
        return
    project = ticket.project
    if project_given:
        value = fields["project_id"][1]
        project = None if _blank(value) else common.lookup_project(value, field=names["project"])
    group = None
    category = None
    if group_given:
        value = fields["group_id"][1]
        if _blank(value):
            raise Invalid(
                "a ticket needs a group", code="ticket.group_missing", field=names["group"]
            )
        group = common.lookup_group(value, field=names["group"])
    if category_given:
        value = fields["category_id"][1]
        if _blank(value):
            raise Invalid(
                "a ticket needs a category", code="ticket.category_missing", field=names["category"]
            )
        category = common.lookup_category(value, field=names["category"])
    if not group_given and not category_given:
        if project_given and project is not None and project.group is not None:
            group = project.group
            if group.pk == ticket.group_id:
                category = ticket.category
        else:
            group, category = ticket.group, ticket.category
    elif group_given and not category_given and group is not None and group.pk == ticket.group_id:
        category = ticket.category
    release: Release | None
    if release_given:
        value = fields["release_id"][1]
        release = (
            None if _blank(value) else common.lookup_release(project, value, field=names["release"])
        )
    else:
        release = ticket.release
        if release is not None and (project is None or release.project_id != project.pk):
            release = None
    placement = common.place(
        group=group,
        category=category,
        project=project if project_given else None,
        release=None,
        fields=names,
    )
    if release is not None and (project is None or release.project_id != project.pk):
        raise Invalid(
            "the release belongs to another project",
            code="ticket.release_project_mismatch",
            field=names["release"],
        )
    if category_given and placement.category.pk != ticket.category_id:
        if not get_setting("tickets.change_category"):
            raise PermissionDenied(
                "categories of tickets may not be changed",
                code="ticket.category_locked",
                field=names["category"],
            )
        if get_setting("tickets.change_category_only_admin") and not actor.has(perms.ADMIN):
            raise PermissionDenied(
                "only administrators change categories",
                code="ticket.category_admin_only",
                field=names["category"],
            )
    if placement.group.pk != ticket.group_id and not permissions.can_move_to_group(
        actor, placement.group.pk, profile=profile
    ):
        raise PermissionDenied(
            f"you may not move tickets into group {placement.group.name}",
            code="ticket.group_forbidden",
            field=names["group"],
        )
    ticket.group = placement.group
    ticket.category = placement.category
    ticket.project = project
    ticket.release = release


def update_ticket_with_article(
    actor: Actor,
    ticket_id: int,
    changes: Mapping[str, Any],
    article: Mapping[str, Any] | None = None,
    *,
    on_hold: bool | None = None,
) -> Ticket:
    """Zammad's ``PUT /tickets/{id}`` with an ``article``: change the fields and add the
    article in one transaction, so a refused article leaves the fields as they were (and a
    refused change adds no article). ``article`` takes ``add_article``'s keyword arguments.
    ``on_hold`` different from the ticket's goes through ``hold_ticket`` / ``unhold_ticket``
    (their rules, history and event); the same value changes nothing."""
    with transaction.atomic():
        ticket = update_ticket(actor, ticket_id, changes) if changes else None
        if on_hold is not None:
            current = selectors.get_ticket(actor, ticket_id)
            if not isinstance(on_hold, bool):
                raise Invalid(
                    "on_hold must be true or false", code="ticket.not_bool", field="on_hold"
                )
            if on_hold != current.on_hold:
                (hold_ticket if on_hold else unhold_ticket)(actor, ticket_id)
                ticket = None
        if article is not None:
            add_article(actor, ticket_id, **article)
        if ticket is None or article is not None:
            ticket = selectors.get_ticket(actor, ticket_id)
    return ticket
