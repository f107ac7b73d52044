"""A ticket's life: hold and unhold (django-helpdesk), resolve (django-helpdesk, NodePoint),
close (Flicket's rule) and reopen."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from helpline.core.services import history
from helpline.lib import clock, events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid
from helpline.tickets import permissions, selectors
from helpline.tickets.events import TicketUpdated
from helpline.tickets.models import Ticket, TicketState, TicketStateType
from helpline.tickets.services import _common as common


def _refuse_final(ticket: Ticket) -> None:
    if ticket.state.state_type.name == TicketStateType.MERGED:
        raise Conflict(f"ticket {ticket.number} was merged", code="ticket.merged")


def _write(
    actor: Actor, ticket: Ticket, changes: dict[str, tuple[Any, Any]], lines: list[history.Change]
) -> Ticket:
    ticket.updated_by = actor.user
    ticket.save()
    history.record_changes(actor, "Ticket", ticket.pk, lines)
    common.notify(actor, ticket)
    events.publish(TicketUpdated(ticket_id=ticket.pk, actor_id=actor.user_id, changes=changes))
    return ticket


def _move_state(
    ticket: Ticket,
    state: TicketState,
    changes: dict[str, tuple[Any, Any]],
    lines: list[history.Change],
) -> None:
    if state.pk == ticket.state_id:
        return
    changes["state_id"] = (ticket.state_id, state.pk)
    lines.append(history.Change("state", ticket.state, state))
    if state.is_closed and ticket.close_at is None:
        ticket.close_at = clock.now()
    if not state.is_pending and ticket.pending_time is not None:
        changes["pending_time"] = (ticket.pending_time, None)
        lines.append(history.Change("pending_time", ticket.pending_time, None))
        ticket.pending_time = None
    ticket.state = state


@transaction.atomic
def hold_ticket(actor: Actor, ticket_id: int) -> Ticket:
    """Pause a ticket (django-helpdesk's hold): it keeps its state, its SLA clock stops until
    ``unhold_ticket``. Needs agent change access."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
    permissions.require_manage_ticket(actor, ticket, profile=profile)
    _refuse_final(ticket)
    if ticket.on_hold:
        raise Conflict("the ticket is already on hold", code="ticket.already_on_hold")
    ticket.on_hold = True
    return _write(
        actor, ticket, {"on_hold": (False, True)}, [history.Change("on_hold", False, True)]
    )


@transaction.atomic
def unhold_ticket(actor: Actor, ticket_id: int) -> Ticket:
    """Take a ticket off hold. Needs agent change access."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
    permissions.require_manage_ticket(actor, ticket, profile=profile)
    if not ticket.on_hold:
        raise Conflict("the ticket is not on hold", code="ticket.not_on_hold")
    ticket.on_hold = False
    return _write(
        actor, ticket, {"on_hold": (True, False)}, [history.Change("on_hold", True, False)]
    )


@transaction.atomic
def resolve_ticket(actor: Actor, ticket_id: int, *, resolution: Any) -> Ticket:
    """Mark a ticket resolved with its resolution text (django-helpdesk's resolve): the
    first active closed-type state that needs a resolution ("resolved"). Needs agent change
    access; a resolution is required."""
    if not isinstance(resolution, str) or not resolution.strip():
        raise Invalid(
            "resolving needs a resolution", code="ticket.resolution_missing", field="resolution"
        )
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
    permissions.require_manage_ticket(actor, ticket, profile=profile)
    _refuse_final(ticket)
    state = common.state_of_type(TicketStateType.CLOSED, needs_resolution=True)
    text = resolution.strip()
    if ticket.state_id == state.pk and ticket.resolution == text:
        raise Conflict("the ticket is already resolved", code="ticket.already_resolved")
    changes: dict[str, tuple[Any, Any]] = {}
    lines: list[history.Change] = []
    if ticket.resolution != text:
        changes["resolution"] = (ticket.resolution, text)
        lines.append(history.Change("resolution", ticket.resolution, text))
        ticket.resolution = text
    _move_state(ticket, state, changes, lines)
    return _write(actor, ticket, changes, lines)


@transaction.atomic
def close_ticket(actor: Actor, ticket_id: int, *, resolution: str | None = None) -> Ticket:
    """Close a ticket (the first active closed-type state without a resolution requirement).
    Flicket's rule: only administrators, the owner or an assignee, and the creator or the
    customer may close; anyone else claims it first. An optional resolution is kept."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
    permissions.require_close_ticket(actor, ticket, profile=profile)
    _refuse_final(ticket)
    if ticket.state.state_type.name == TicketStateType.CLOSED:
        raise Conflict("the ticket is already closed", code="ticket.already_closed")
    state = common.state_of_type(TicketStateType.CLOSED, needs_resolution=False)
    changes: dict[str, tuple[Any, Any]] = {}
    lines: list[history.Change] = []
    text = (resolution or "").strip()
    if text and text != ticket.resolution:
        changes["resolution"] = (ticket.resolution, text)
        lines.append(history.Change("resolution", ticket.resolution, text))
        ticket.resolution = text
    _move_state(ticket, state, changes, lines)
    return _write(actor, ticket, changes, lines)


@transaction.atomic
def reopen_ticket(actor: Actor, ticket_id: int) -> Ticket:
    """Reopen a closed ticket into the follow-up state ("open"). Anyone who may change the
    ticket (its customers too); the resolution text is kept as history of the last close."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
    permissions.require_change_ticket(actor, ticket, profile=profile)
    _refuse_final(ticket)
    if ticket.state.state_type.name != TicketStateType.CLOSED:
        raise Conflict("the ticket is not closed", code="ticket.not_closed")
    changes: dict[str, tuple[Any, Any]] = {}
    lines: list[history.Change] = []
    _move_state(ticket, common.default_follow_up_state(), changes, lines)
    return _write(actor, ticket, changes, lines)
