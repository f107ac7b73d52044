"""Domain events of tickets. Published by the ticket services inside their transaction;
subscribers (SLA, notifications, mail, search) react in-transaction or after commit.

``changes`` maps a field name to ``(old, new)`` as stored (ids for relations).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TicketCreated:
    ticket_id: int
    actor_id: int | None
    article_id: int | None = None


@dataclass(frozen=True)
class TicketUpdated:
    ticket_id: int
    actor_id: int | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ArticleAdded:
    ticket_id: int
    article_id: int
    actor_id: int | None
    internal: bool = False
    sender: str = "Agent"  # Agent | Customer | System


@dataclass(frozen=True)
class TicketMerged:
    source_id: int
    target_id: int
    actor_id: int | None


@dataclass(frozen=True)
class TicketDeleted:
    ticket_id: int
    number: str
    actor_id: int | None


@dataclass(frozen=True)
class TicketFollowed:
    """A user started following a ticket (NodePoint follow, Flicket subscription)."""

    ticket_id: int
    user_id: int
    actor_id: int | None


@dataclass(frozen=True)
class TicketMentioned:
    """An agent was mentioned on a ticket (``add_mention`` or ``@login`` in a note)."""

    ticket_id: int
    user_id: int
    mention_id: int
    actor_id: int | None


@dataclass(frozen=True)
class TicketUnfollowed:
    ticket_id: int
    user_id: int
    actor_id: int | None


@dataclass(frozen=True)
class TicketEscalated:
    """A ticket missed one or more SLA deadlines (``kinds``: first_response, update,
    close); published once per breach by the escalation job, with the users notified."""

    ticket_id: int
    kinds: tuple[str, ...]
    due_at: Any
    user_ids: tuple[int, ...] = ()
