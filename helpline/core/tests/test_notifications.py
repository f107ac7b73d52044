"""Online notifications: made for others, read and cleared by their owner only."""

from __future__ import annotations

import pytest

from helpline.core import selectors
from helpline.core.models import OnlineNotification
from helpline.core.services import notifications
from helpline.lib.actor import Actor
from helpline.lib.errors import NotAuthenticated, NotFound
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return (
        UserFactory(login="ann"),
        UserFactory(login="ben"),
        UserFactory(login="cid", active=False),
    )


def test_never_for_the_actor_nor_inactive_users(people):
    ann, ben, cid = people
    rows = notifications.record_notifications(
        Actor.for_user(ann),
        [ann.pk, ben.pk, ben.pk, cid.pk, None],
        object_type="Ticket",
        object_id=7,
        kind="update",
    )
    assert [(n.user, n.object_type, n.object_id, n.kind, n.seen, n.created_by) for n in rows] == [
        (ben, "Ticket", 7, "update", False, ann)
    ]


def test_owners_mark_seen_mark_all_and_delete(people):
    ann, ben, _ = people
    system = Actor.system()
    made = notifications.record_notifications(
        system, [ann.pk, ben.pk], object_type="Ticket", object_id=1, kind="create"
    )
    (later,) = notifications.record_notifications(
        system, [ann.pk], object_type="Ticket", object_id=2, kind="update"
    )
    as_ann, as_ben = Actor.for_user(ann), Actor.for_user(ben)
    mine = made[0]
    assert notifications.mark_notification_seen(as_ann, mine.pk).seen is True
    assert notifications.mark_notification_seen(as_ann, mine.pk, seen=False).seen is False
    with pytest.raises(NotFound) as info:
        notifications.mark_notification_seen(as_ben, mine.pk)
    assert info.value.code == "notification.not_found"
    assert notifications.mark_all_notifications_read(as_ann) == 2
    assert notifications.mark_all_notifications_read(as_ann) == 0
    assert list(
        selectors.list_notifications(as_ben, seen=False).values_list("object_id", flat=True)
    ) == [1]
    with pytest.raises(NotFound):
        notifications.delete_notification(as_ben, mine.pk)
    notifications.delete_notification(as_ann, mine.pk)
    assert sorted(OnlineNotification.objects.values_list("user__login", "object_id")) == [
        ("ann", 2),
        ("ben", 1),
    ]
    assert [n.object_id for n in selectors.list_notifications(as_ann)] == [2]
    assert selectors.get_notification(as_ann, later.pk) == later
    with pytest.raises(NotFound):
        selectors.get_notification(as_ben, later.pk)


def test_guests_have_none(people):
    with pytest.raises(NotAuthenticated):
        notifications.mark_all_notifications_read(Actor.guest())
    with pytest.raises(NotAuthenticated):
        selectors.list_notifications(Actor.guest())
