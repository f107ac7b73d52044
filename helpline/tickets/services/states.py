"""Administering ticket states and priorities (Zammad's ticket_states / ticket_priorities).

Administrators with ``admin.object`` create, change and delete them. Behaviour hangs on the
state type, never the name. One state at most is ``default_create`` and one
``default_follow_up``, one priority ``default_create``: setting the flag on one clears it on
the others, as Zammad does; the default state of new tickets and the default priority stay
active. A state or priority a ticket, another state (``next_state``) or an
SLA still refers to cannot be deleted (``Conflict``); deactivate it instead. Neither can a
state the ticket services need: the default state of new tickets or of follow-ups, and the
last active state of a kind they look up (``_NEEDED_KINDS``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from helpline.core import permissions as perms
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound
from helpline.tickets.models import Sla, Ticket, TicketPriority, TicketState, TicketStateType

NAME_MAX = 100
NOTE_MAX = 5000
STATE_FIELDS = (
    "name", "state_type_id", "next_state_id", "ignore_escalation", "default_create",
    "default_follow_up", "needs_resolution", "active", "note",
)  # fmt: skip
PRIORITY_FIELDS = ("name", "default_create", "active", "note", "ui_color")
# The states the ticket services find by kind (``_common.state_of_type`` and the defaults'
# fallbacks): kind and, where it matters, ``needs_resolution``. Creating falls back to
# "new", reopening to "open", resolving and closing take a closed kind with and without a
# resolution, merging takes "merged".
_NEEDED_KINDS: tuple[tuple[str, bool | None], ...] = (
    (TicketStateType.NEW, None),
    (TicketStateType.OPEN, None),
    (TicketStateType.CLOSED, True),
    (TicketStateType.CLOSED, False),
    (TicketStateType.MERGED, None),
)


def _clean_name(value: Any, *, model: Any, exclude: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("a name is required", code="name.required", field="name")
    name = value.strip()
    if len(name) > NAME_MAX:
        raise Invalid(
            f"names are at most {NAME_MAX} characters", code="name.too_long", field="name"
        )
    taken = model.objects.filter(name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Invalid(f"the name {name!r} is taken", code="name.taken", field="name")
    return name


def _clean_note(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > NOTE_MAX:
        raise Invalid(
            f"a note is text of at most {NOTE_MAX} characters", code="note.invalid", field="note"
        )
    return value


def _flag(changes: dict[str, Any], key: str) -> None:
    if key in changes and not isinstance(changes[key], bool):
        raise Invalid(f"{key} is true or false", code="field.not_boolean", field=key)


def _unknown(changes: dict[str, Any], allowed: tuple[str, ...], what: str) -> None:
    for key in changes:
        if key not in allowed:
            raise Invalid(f"{what} have no field {key!r}", code=f"{what}.unknown_field", field=key)


def _apply_state(state: TicketState, changes: dict[str, Any]) -> None:
    _unknown(changes, STATE_FIELDS, "ticket_state")
    for key in (
        "ignore_escalation",
        "default_create",
        "default_follow_up",
        "needs_resolution",
        "active",
    ):
        _flag(changes, key)
        if key in changes:
            setattr(state, key, changes[key])
    if "name" in changes:
        state.name = _clean_name(changes["name"], model=TicketState, exclude=state.pk)
    if "note" in changes:
        state.note = _clean_note(changes["note"])
    if "state_type_id" in changes:
        state_type = TicketStateType.objects.filter(
            pk=_int(changes["state_type_id"], "state_type_id")
        ).first()
        if state_type is None:
            raise Invalid(
                "no such state type", code="ticket_state.type_unknown", field="state_type_id"
            )
        state.state_type = state_type
    if "next_state_id" in changes:
        value = changes["next_state_id"]
        if value is None:
            state.next_state = None
        else:
            target = TicketState.objects.filter(pk=_int(value, "next_state_id")).first()
            if target is None or (state.pk is not None and target.pk == state.pk):
                raise Invalid(
                    "no such next state", code="ticket_state.next_unknown", field="next_state_id"
                )
            state.next_state = target


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{field} is an id", code="field.not_id", field=field)
    return value


def _single_defaults(model: Any, row: Any, keys: tuple[str, ...]) -> None:
    for key in keys:
        if getattr(row, key):
            model.objects.filter(**{key: True}).exclude(pk=row.pk).update(**{key: False})


def _default_stays_active(row: Any, what: str) -> None:
    """The state new tickets get, and the default priority, cannot be switched off."""
    if row.default_create and not row.active:
        if what == "state":
            raise Conflict(
                "the state of new tickets stays active", code="state.default_active", field="active"
            )
        raise Conflict(
            "the default priority stays active", code="priority.default_active", field="active"
        )


def create_state(actor: Actor, **fields: Any) -> TicketState:
    """A new state; ``name`` and ``state_type_id`` are required."""
    perms.require(actor, perms.ADMIN_OBJECT)
    if "state_type_id" not in fields:
        raise Invalid(
            "a state type is required", code="ticket_state.type_required", field="state_type_id"
        )
    with transaction.atomic():
        state = TicketState(name="", created_by=actor.user, updated_by=actor.user)
        if "name" not in fields:
            raise Invalid("a name is required", code="name.required", field="name")
        _apply_state(state, dict(fields))
        _default_stays_active(state, "state")
        state.save()
        _single_defaults(TicketState, state, ("default_create", "default_follow_up"))
    return state


def update_state(actor: Actor, state_id: int, **changes: Any) -> TicketState:
    """Change the fields given; a name stays unique in any case, a state never moves on to
    itself, and the last active state of a kind the services need (``_NEEDED_KINDS``) is
    neither deactivated nor moved to another kind."""
    perms.require(actor, perms.ADMIN_OBJECT)
    with transaction.atomic():
        state = (
            TicketState.objects.select_for_update(of=("self",))
            .select_related("state_type")
            .filter(pk=state_id)
            .first()
        )
        if state is None:
            raise NotFound(f"no ticket state {state_id}", code="ticket_state.not_found")
        covered = _needed_slots(state)
        _apply_state(state, dict(changes))
        _default_stays_active(state, "state")
        for kind, resolution in covered - _needed_slots(state):
            _another_covers(state, kind, resolution)
        state.updated_by = actor.user
        state.save()
        _single_defaults(TicketState, state, ("default_create", "default_follow_up"))
    return state


def _needed_slots(state: TicketState) -> set[tuple[str, bool | None]]:
    """The needed kinds (``_NEEDED_KINDS``) this state fills as it is now."""
    if not state.active:
        return set()
    kind = state.state_type.name
    return {
        (needed, resolution)
        for needed, resolution in _NEEDED_KINDS
        if kind == needed and resolution in (None, state.needs_resolution)
    }


def _another_covers(state: TicketState, kind: str, resolution: bool | None) -> None:
    """Refuse when no other active state fills the needed kind ``state`` leaves."""
    others = TicketState.objects.filter(state_type__name=kind, active=True).exclude(pk=state.pk)
    if resolution is not None:
        others = others.filter(needs_resolution=resolution)
    if not others.exists():
        raise Conflict(
            f"{state.name} is the last active state of the kind {kind}"
            + (" with a resolution" if resolution else "")
            + "; add another one first",
            code="ticket_state.needed",
        )


def _check_not_needed(state: TicketState) -> None:
    """Refuse to remove a state the ticket services cannot do without."""
    if state.default_create or state.default_follow_up:
        raise Conflict(
            f"new tickets or follow-ups start in the state {state.name}",
            code="ticket_state.default",
        )
    for kind, resolution in _needed_slots(state):
        _another_covers(state, kind, resolution)


def delete_state(actor: Actor, state_id: int) -> None:
    """Only a state nothing refers to (tickets, another state's ``next_state``) and the
    ticket services do not need (``_check_not_needed``)."""
    perms.require(actor, perms.ADMIN_OBJECT)
    with transaction.atomic():
        state = (
            TicketState.objects.select_for_update(of=("self",))
            .select_related("state_type")
            .filter(pk=state_id)
            .first()
        )
        if state is None:
            raise NotFound(f"no ticket state {state_id}", code="ticket_state.not_found")
        if Ticket.objects.filter(state_id=state.pk).exists():
            raise Conflict(
                f"tickets are in the state {state.name}; deactivate it instead",
                code="ticket_state.in_use",
            )
        if TicketState.objects.filter(next_state_id=state.pk).exclude(pk=state.pk).exists():
            raise Conflict(f"another state moves on to {state.name}", code="ticket_state.in_use")
        _check_not_needed(state)
        state.delete()


def create_priority(actor: Actor, **fields: Any) -> TicketPriority:
    """A new priority, ranked after the others; ``name`` is required."""
    perms.require(actor, perms.ADMIN_OBJECT)
    _unknown(fields, PRIORITY_FIELDS, "ticket_priority")
    with transaction.atomic():
        top = TicketPriority.objects.select_for_update().aggregate(top=Max("rank"))["top"] or 0
        priority = TicketPriority(
            name=_clean_name(fields.get("name"), model=TicketPriority),
            rank=top + 1,
            created_by=actor.user,
            updated_by=actor.user,
        )
        _apply_priority(priority, {k: v for k, v in fields.items() if k != "name"})
        _default_stays_active(priority, "priority")
        priority.save()
        _single_defaults(TicketPriority, priority, ("default_create",))
    return priority


def _apply_priority(priority: TicketPriority, changes: dict[str, Any]) -> None:
    _unknown(changes, PRIORITY_FIELDS, "ticket_priority")
    for key in ("default_create", "active"):
        _flag(changes, key)
        if key in changes:
            setattr(priority, key, changes[key])
    if "name" in changes:
        priority.name = _clean_name(changes["name"], model=TicketPriority, exclude=priority.pk)
    if "note" in changes:
        priority.note = _clean_note(changes["note"])
    if "ui_color" in changes:
        color = changes["ui_color"]
        if color is not None and (not isinstance(color, str) or len(color) > 20):
            raise Invalid(
                "ui_color is at most 20 characters",
                code="ticket_priority.bad_color",
                field="ui_color",
            )
        priority.ui_color = color or ""


def update_priority(actor: Actor, priority_id: int, **changes: Any) -> TicketPriority:
    """Change the fields given; the rank (order) stays, a name stays unique in any case."""
    perms.require(actor, perms.ADMIN_OBJECT)
    with transaction.atomic():
        priority = TicketPriority.objects.select_for_update().filter(pk=priority_id).first()
        if priority is None:
            raise NotFound(f"no ticket priority {priority_id}", code="ticket_priority.not_found")
        _apply_priority(priority, dict(changes))
        _default_stays_active(priority, "priority")
        priority.updated_by = actor.user
        priority.save()
        _single_defaults(TicketPriority, priority, ("default_create",))
    return priority


def delete_priority(actor: Actor, priority_id: int) -> None:
    """Only a priority no ticket and no SLA refers to."""
    perms.require(actor, perms.ADMIN_OBJECT)
    with transaction.atomic():
        priority = TicketPriority.objects.select_for_update().filter(pk=priority_id).first()
        if priority is None:
            raise NotFound(f"no ticket priority {priority_id}", code="ticket_priority.not_found")
        if Ticket.objects.filter(priority_id=priority.pk).exists():
            raise Conflict(
                f"tickets have the priority {priority.name}; deactivate it instead",
                code="ticket_priority.in_use",
            )
        if any(priority.pk in (sla.priority_ids or []) for sla in Sla.objects.all()):
            raise Conflict(
                f"an SLA applies to the priority {priority.name}", code="ticket_priority.in_use"
            )
        priority.delete()
