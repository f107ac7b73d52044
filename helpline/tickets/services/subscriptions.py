"""Following tickets (NodePoint's follow, Flicket's subscriptions): followers are notified
of changes and new articles, and see the ticket on their home page."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from helpline.core.models import HistoryEntry, User
from helpline.core.services import history
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import PermissionDenied
from helpline.tickets import permissions, selectors
from helpline.tickets.events import TicketFollowed, TicketUnfollowed
from helpline.tickets.models import Subscription
from helpline.tickets.services import _common as common


def _target(actor: Actor, ticket: Any, user: Any, profile: permissions.TicketAccess) -> User:
    if actor.user is None:
        raise PermissionDenied("sign in to follow tickets", code="ticket.follow_forbidden")
    if user in (None, "") or common.find_user(user) == actor.user:
        return actor.user
    # Subscribing someone else (Flicket lets agents add subscribers) needs agent access.
    permissions.require_manage_ticket(actor, ticket, profile=profile)
    target = common.lookup_user(user, field="user", code="ticket.follower_unknown")
    if not permissions.can_read_ticket(Actor.for_user(target), ticket):
        raise PermissionDenied(
            f"{target.login} may not read this ticket",
            code="ticket.follower_cannot_read",
            field="user",
        )
    return target


@transaction.atomic
def follow_ticket(actor: Actor, ticket_id: int, *, user: Any = None) -> Subscription:
    """Follow a ticket one may read (any signed-in user); following again changes nothing.
    Agents who may change the ticket may subscribe another user who may read it."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, profile=profile)
    target = _target(actor, ticket, user, profile)
    subscription, created = Subscription.objects.get_or_create(ticket=ticket, user=target)
    if created:
        history.record(
            actor, "Ticket", ticket.pk, HistoryEntry.Kind.ADDED, "follower", None, target
        )
        events.publish(
            TicketFollowed(ticket_id=ticket.pk, user_id=target.pk, actor_id=actor.user_id)
        )
    return subscription


@transaction.atomic
def unfollow_ticket(actor: Actor, ticket_id: int, *, user: Any = None) -> bool:
    """Stop following; ``False`` when the user did not follow the ticket."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, profile=profile)
    target = _target(actor, ticket, user, profile)
    deleted, _ = Subscription.objects.filter(ticket=ticket, user=target).delete()
    if deleted:
        history.record(
            actor, "Ticket", ticket.pk, HistoryEntry.Kind.REMOVED, "follower", target, None
        )
        events.publish(
            TicketUnfollowed(ticket_id=ticket.pk, user_id=target.pk, actor_id=actor.user_id)
        )
    return bool(deleted)
