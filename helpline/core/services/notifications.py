"""Online notifications (Zammad's online_notifications): in-app messages about one object.

Rules:
- they are made by the services that change the object, by the same rules as mail (the
  caller decides who; ``record_notifications`` drops the actor, inactive users and
  duplicates: nobody is notified of their own change);
- a user marks seen, marks all read and deletes only their own; another user's
  notification is "not found" to them; guests have none.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from helpline.core.models import OnlineNotification, User
from helpline.lib import clock
from helpline.lib.actor import Actor
from helpline.lib.errors import NotAuthenticated, NotFound


def record_notifications(
    actor: Actor, user_ids: Iterable[int | None], *, object_type: str, object_id: int, kind: str
) -> list[OnlineNotification]:
    """Write one notification per recipient (unchecked: called by the service that made the
    change, inside its transaction)."""
    wanted = {int(u) for u in user_ids if u is not None} - {actor.user_id}
    if not wanted:
        return []
    active = User.objects.filter(pk__in=wanted, active=True).values_list("pk", flat=True)
    rows = [
        OnlineNotification(
            user_id=user_id,
            object_type=object_type,
            object_id=object_id,
            kind=kind,
            created_by=actor.user,
            updated_by=actor.user,
        )
        for user_id in sorted(active)
    ]
    return OnlineNotification.objects.bulk_create(rows)


def delete_object_notifications(object_type: str, object_id: int) -> int:
    """Remove every notification about a deleted object (unchecked)."""
    deleted, _ = OnlineNotification.objects.filter(
        object_type=object_type, object_id=object_id
    ).delete()
    return deleted


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise NotAuthenticated(
            "notifications belong to a signed-in user", code="notification.login_required"
        )
    return int(actor.user_id)


def _own(actor: Actor, notification_id: int) -> OnlineNotification:
    found = (
        OnlineNotification.objects.select_for_update()
        .filter(pk=notification_id, user_id=_user_id(actor))
        .first()
    )
    if found is None:
        raise NotFound(f"no notification {notification_id}", code="notification.not_found")
    return found


@transaction.atomic
def mark_notification_seen(
    actor: Actor, notification_id: int, *, seen: bool = True
) -> OnlineNotification:
    """Mark one of the actor's notifications seen (or unseen again)."""
    notification = _own(actor, notification_id)
    if notification.seen != seen:
        notification.seen = seen
        notification.updated_by = actor.user
        notification.save(update_fields=["seen", "updated_by", "updated_at"])
    return notification


@transaction.atomic
def mark_all_notifications_read(actor: Actor) -> int:
    """Mark every unseen notification of the actor seen; returns how many changed."""
    return OnlineNotification.objects.filter(user_id=_user_id(actor), seen=False).update(
        seen=True, updated_by=actor.user, updated_at=clock.now()
    )


@transaction.atomic
def delete_notification(actor: Actor, notification_id: int) -> None:
    """Delete one of the actor's notifications."""
    _own(actor, notification_id).delete()


# Zammad's type lookup ids of online notifications (its TypeLookup table), fixed here so that
# the API's ``type_lookup_id`` means the same on every installation.
TYPE_LOOKUP_IDS = {
    "create": 1,
    "update": 2,
    "reminder_reached": 3,
    "escalation": 4,
    "escalation_warning": 5,
    "mention": 6,
}
