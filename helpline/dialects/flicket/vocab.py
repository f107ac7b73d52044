"""Flicket's words for Helpline's things. Only this dialect says "topic", "post",
"department" and "status".

- a ticket ("topic") is a Helpline ticket with the same id; its ``content`` is the
  ticket's first article, its ``started_id`` the user who filed it, ``assigned_id`` its
  owner;
- a post is a later article of the ticket, with the article's id;
- a department is a Helpline group, a category a ticket category, same ids;
- Flicket's three priorities low, medium, high (ids 1, 2, 3) are ranks 2, 3, 4; a
  Helpline ticket of rank 1 reads as low, of rank 5 as high;
- Flicket's four statuses come from the ticket's state: closed (and merged, removed) is
  Closed, pending is Awaiting Information, new or open with an owner In Work, else Open;
- a subscription is a ticket follower, an upload an article's attachment;
- a history line (Flicket kept edits of text) and an action (Flicket's "claimed",
  "assigned", "status", ...) are both read from Helpline's ticket history.
"""

from __future__ import annotations

from typing import Any

from helpline.core.models import HistoryEntry
from helpline.tickets.models import Ticket, TicketStateType

DIALECT = "flicket"
PREFIX = "/flicket-api/"
PER_PAGE_MAX = 100  # Flicket caps ``per_page`` at 100

PRIORITIES = {1: "low", 2: "medium", 3: "high"}
OPEN, CLOSED, IN_WORK, AWAITING = 1, 2, 3, 4
STATUSES = {OPEN: "Open", CLOSED: "Closed", IN_WORK: "In Work", AWAITING: "Awaiting Information"}
DEFAULT_AVATAR = "/flicket/static/flicket_avatars/__default_profile.png"


def rank_of_priority(priority_id: int) -> int:
    return priority_id + 1


def priority_of_rank(rank: int) -> int:
    return min(max(rank - 1, 1), 3)


def status_of(ticket: Ticket) -> int:
    kind = ticket.state.state_type.name
    if kind in (TicketStateType.CLOSED, TicketStateType.MERGED, TicketStateType.REMOVED):
        return CLOSED
    if kind in (TicketStateType.PENDING_REMINDER, TicketStateType.PENDING_ACTION):
        return AWAITING
    return IN_WORK if ticket.owner_id else OPEN


CLOSING_STATES = {"closed", "resolved", "merged", "removed"}


def action_of(entry: HistoryEntry) -> tuple[str, dict[str, Any] | None, int | None]:
    """Flicket's action name, data and recipient for a history line: the ticket made is
    ``open``; a new owner is ``claim`` (the actor took it), ``assign`` (someone else, the
    recipient) or ``release`` (none); a state is ``close`` or ``status``; priority and
    category keep Flicket's names; any other change is named by its attribute."""
    if entry.kind == HistoryEntry.Kind.CREATED:
        return "open", None, None
    attribute = entry.attribute
    if attribute == "owner":
        if entry.id_to is None:
            return "release", None, None
        if entry.id_to == entry.created_by_id:
            return "claim", None, None
        return "assign", None, entry.id_to
    if attribute == "state":
        if entry.value_to in CLOSING_STATES:
            return "close", None, None
        return "status", {"status": entry.value_to}, None
    if attribute == "priority":
        return "priority", {"priority": entry.value_to}, None
    if attribute in ("category", "group"):
        return "department_category", {"department_category": entry.value_to}, None
    return attribute or entry.kind, {attribute or entry.kind: entry.value_to}, None
