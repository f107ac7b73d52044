"""Who works on a ticket: its owner (Zammad owner, Flicket assigned, django-helpdesk
assigned_to) and its further assignees (NodePoint's assigned users)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from helpline.core import permissions as perms
from helpline.core.models import HistoryEntry, User
from helpline.core.services import history
from helpline.lib import clock, events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, PermissionDenied
from helpline.tickets import permissions, selectors
from helpline.tickets.events import TicketUpdated
from helpline.tickets.models import Ticket
from helpline.tickets.services import _common as common


def _check_not_merged(ticket: Ticket) -> None:
    if ticket.state.state_type.name == "merged":
        raise Conflict(f"ticket {ticket.number} was merged", code="ticket.merged")


def _set_owner(actor: Actor, ticket: Ticket, owner: User | None) -> Ticket:
    old = ticket.owner
    if (old.pk if old else None) == (owner.pk if owner else None):
        return ticket
    ticket.owner = owner
    ticket.last_owner_update_at = clock.now()
    ticket.updated_by = actor.user
    ticket.save(update_fields=["owner", "last_owner_update_at", "updated_by", "updated_at"])
    history.record(actor, "Ticket", ticket.pk, HistoryEntry.Kind.UPDATED, "owner", old, owner)
    common.notify(actor, ticket, extra=[old.pk if old else None])
    events.publish(
        TicketUpdated(
            ticket_id=ticket.pk,
            actor_id=actor.user_id,
            changes={"owner_id": (old.pk if old else None, owner.pk if owner else None)},
        )
    )
    return ticket


def _self_service(actor: Actor) -> User:
    """Claiming and self-assignment: agents (NodePoint level 3+) and admins."""
    if actor.user is None or not actor.has_any(perms.TICKET_AGENT, perms.ADMIN):
        raise PermissionDenied("only agents take tickets", code="ticket.agent_required")
    return actor.user


@transaction.atomic
def assign_ticket(actor: Actor, ticket_id: int, owner: Any) -> Ticket:
    """Make ``owner`` (id, login or email; ``None`` to clear) the ticket's owner. Needs agent
    change access; the owner must be an active agent who may read the ticket."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
    permissions.require_manage_ticket(actor, ticket, profile=profile)
    _check_not_merged(ticket)
    user = None
    if owner not in (None, ""):
        user = common.lookup_user(owner, field="owner", code="ticket.owner_unknown")
        current = ticket.owner_id
        ticket.owner_id = None
        try:
            common.check_owner(user, ticket, field="owner")
        finally:
            ticket.owner_id = current
    return _set_owner(actor, ticket, user)


@transaction.atomic
def claim_ticket(actor: Actor, ticket_id: int) -> Ticket:
    """Flicket's claim: the acting agent becomes the owner of a ticket they may read."""
    me = _self_service(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True)
    _check_not_merged(ticket)
    if ticket.owner_id == me.pk:
        raise Conflict("you already own this ticket", code="ticket.already_owner")
    return _set_owner(actor, ticket, me)


@transaction.atomic
def release_ticket(actor: Actor, ticket_id: int) -> Ticket:
    """Flicket's release: the acting agent stops working on the ticket (no longer owner, no
    longer assignee). Refused when they were neither."""
    me = _self_service(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True)
    was_assignee = ticket.assignees.filter(pk=me.pk).exists()
    if ticket.owner_id != me.pk and not was_assignee:
        raise Conflict("you are not assigned to this ticket", code="ticket.not_assigned")
    if was_assignee:
        _change_assignees(actor, ticket, remove=me)
    if ticket.owner_id == me.pk:
        _set_owner(actor, ticket, None)
    return ticket


def _change_assignees(
    actor: Actor, ticket: Ticket, *, add: User | None = None, remove: User | None = None
) -> bool:
    before = common.assignee_ids(ticket)
    if add is not None:
        if add.pk in before:
            return False
        ticket.assignees.add(add)
        history.record(actor, "Ticket", ticket.pk, HistoryEntry.Kind.ADDED, "assignee", None, add)
    if remove is not None:
        if remove.pk not in before:
            return False
        ticket.assignees.remove(remove)
        history.record(
            actor, "Ticket", ticket.pk, HistoryEntry.Kind.REMOVED, "assignee", remove, None
        )
    ticket.updated_by = actor.user
    ticket.save(update_fields=["updated_by", "updated_at"])
    after = common.assignee_ids(ticket)
    common.notify(actor, ticket, extra=[remove.pk if remove else None])
    events.publish(
        TicketUpdated(
            ticket_id=ticket.pk, actor_id=actor.user_id, changes={"assignee_ids": (before, after)}
        )
    )
    return True


@transaction.atomic
def add_assignee(actor: Actor, ticket_id: int, user: Any) -> bool:
    """Assign a further user (NodePoint). Agents (level 3+) may assign themselves to a ticket
    they may read; assigning someone else needs agent change access. ``False`` when they
    were already assigned."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
    target = common.lookup_user(user, field="user", code="ticket.assignee_unknown")
    if target.pk == actor.user_id:
        _self_service(actor)
    else:
        permissions.require_manage_ticket(actor, ticket, profile=profile)
    _check_not_merged(ticket)
    common.check_owner(target, ticket, field="user")
    return _change_assignees(actor, ticket, add=target)


@transaction.atomic
def remove_assignee(actor: Actor, ticket_id: int, user: Any) -> bool:
    """Unassign a user: oneself with read access, anyone else with agent change access.
    ``False`` when they were not assigned."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True, profile=profile)
    target = common.lookup_user(user, field="user", code="ticket.assignee_unknown")
    if target.pk != actor.user_id:
        permissions.require_manage_ticket(actor, ticket, profile=profile)
    return _change_assignees(actor, ticket, remove=target)
