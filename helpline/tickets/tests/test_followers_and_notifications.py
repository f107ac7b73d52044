"""Following tickets, and who gets an online notification about what."""

from __future__ import annotations

import pytest

from helpline.core.models import OnlineNotification
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, PermissionDenied
from helpline.testing.factories import UserFactory
from helpline.tickets import selectors
from helpline.tickets.events import TicketFollowed, TicketUnfollowed
from helpline.tickets.models import Subscription
from helpline.tickets.services import (
    add_article,
    add_assignee,
    assign_ticket,
    create_ticket,
    follow_ticket,
    unfollow_ticket,
    update_ticket,
)

pytestmark = pytest.mark.django_db


def notified(ticket_id: int, kind: str | None = None) -> list[str]:
    qs = OnlineNotification.objects.filter(object_type="Ticket", object_id=ticket_id)
    if kind:
        qs = qs.filter(kind=kind)
    return sorted(qs.values_list("user__login", flat=True))


def test_follow_and_unfollow(world, commit):
    actor = world.actor(world.colleague)
    with events.capture() as seen, commit():
        follow_ticket(actor, world.ticket.pk)
        follow_ticket(actor, world.ticket.pk)
    assert list(Subscription.objects.values_list("user__login", flat=True)) == ["colin"]
    assert seen == [
        TicketFollowed(
            ticket_id=world.ticket.pk, user_id=world.colleague.pk, actor_id=world.colleague.pk
        )
    ]
    assert [t.pk for t in selectors.followed_tickets(actor)] == [world.ticket.pk]
    with events.capture() as seen, commit():
        assert unfollow_ticket(actor, world.ticket.pk) is True
        assert unfollow_ticket(actor, world.ticket.pk) is False
    assert seen == [
        TicketUnfollowed(
            ticket_id=world.ticket.pk, user_id=world.colleague.pk, actor_id=world.colleague.pk
        )
    ]
    assert not Subscription.objects.exists()


def test_agents_subscribe_others_who_may_read(world):
    follow_ticket(world.actor(world.agent), world.ticket.pk, user="colin")
    with pytest.raises(PermissionDenied) as info:
        follow_ticket(world.actor(world.agent), world.ticket.pk, user="sam")
    assert (info.value.field, info.value.code) == ("user", "ticket.follower_cannot_read")
    with pytest.raises(PermissionDenied):
        follow_ticket(world.actor(world.customer), world.ticket.pk, user="colin@example.com")
    with pytest.raises(Invalid):
        follow_ticket(world.actor(world.agent), world.ticket.pk, user="nobody")
    assert [
        s.user.login for s in selectors.ticket_followers(world.actor(world.agent), world.ticket.pk)
    ] == ["colin"]


def test_guests_cannot_follow_even_public_tickets(world):
    from helpline.core.services.settings import update_setting

    update_setting(Actor.system(), "tickets.visibility", "public")
    with pytest.raises(PermissionDenied) as info:
        follow_ticket(Actor.guest(), world.ticket.pk)
    assert info.value.code == "ticket.follow_forbidden"


def test_a_new_ticket_notifies_the_group_agents_but_not_its_author(world):
    second = UserFactory(login="bob", roles=["Agent"], groups=[world.group])
    ticket = create_ticket(world.actor(world.customer), title="Hi", body="x", group=world.group.pk)
    assert notified(ticket.pk, "create") == ["alice", "bob"]
    by_agent = create_ticket(world.actor(second), title="Hi", body="x", group=world.group.pk)
    assert notified(by_agent.pk) == ["alice"]


def test_a_new_ticket_with_an_owner_notifies_only_the_owner(world):
    UserFactory(login="bob", roles=["Agent"], groups=[world.group])
    ticket = create_ticket(
        world.actor(world.admin), title="Hi", body="x", group=world.group.pk, owner="alice"
    )
    assert notified(ticket.pk) == ["alice"]


def test_changes_notify_owner_assignees_and_followers_never_the_actor(world):
    level3 = UserFactory(login="lev3", roles=["Level 3 - Tickets management"])
    assign_ticket(world.actor(world.admin), world.ticket.pk, "alice")
    add_assignee(world.actor(level3), world.ticket.pk, "lev3")
    follow_ticket(world.actor(world.colleague), world.ticket.pk)
    OnlineNotification.objects.all().delete()

    update_ticket(world.actor(world.agent), world.ticket.pk, {"priority": "3 high"})
    assert notified(world.ticket.pk) == ["colin", "lev3"]

    OnlineNotification.objects.all().delete()
    add_article(world.actor(world.customer), world.ticket.pk, body="any news?")
    assert notified(world.ticket.pk) == ["alice", "colin", "lev3"]


def test_internal_articles_never_notify_customers(world):
    follow_ticket(world.actor(world.colleague), world.ticket.pk)
    assign_ticket(world.actor(world.admin), world.ticket.pk, "alice")
    OnlineNotification.objects.all().delete()
    add_article(world.actor(world.admin), world.ticket.pk, body="psst", internal=True)
    assert notified(world.ticket.pk) == ["alice"]


def test_followers_who_lost_access_are_not_notified(world):
    follow_ticket(world.actor(world.colleague), world.ticket.pk)
    world.org.shared = False
    world.org.save()
    add_article(world.actor(world.agent), world.ticket.pk, body="update")
    assert notified(world.ticket.pk) == []


def test_the_previous_owner_hears_about_the_handover(world):
    assign_ticket(world.actor(world.admin), world.ticket.pk, "alice")
    bob = UserFactory(login="bob", roles=["Agent"], groups=[world.group])
    OnlineNotification.objects.all().delete()
    assign_ticket(world.actor(world.admin), world.ticket.pk, bob.pk)
    assert notified(world.ticket.pk) == ["alice", "bob"]
