"""Mentions: who may mention whom, what a mention writes (follow, history, notification,
event), ``@login`` in an agent's note, and removal."""

from __future__ import annotations

import pytest

from helpline.core.models import GroupMembership, HistoryEntry, OnlineNotification
from helpline.lib import events
from helpline.lib.errors import Conflict, Invalid, NotFound, PermissionDenied
from helpline.testing.factories import UserFactory
from helpline.tickets.events import TicketMentioned
from helpline.tickets.models import Mention, Subscription
from helpline.tickets.services import add_article, add_mention, remove_mention


@pytest.fixture
def bob(world):
    """A second agent of the ticket's group."""
    return UserFactory(login="bob", roles=["Agent"], groups=[world.group])


def mention_notifications(user):
    return list(
        OnlineNotification.objects.filter(user=user, kind="mention").values_list(
            "object_type", "object_id", "created_by__login"
        )
    )


def nothing_written(world):
    assert not Mention.objects.exists()
    assert not OnlineNotification.objects.filter(kind="mention").exists()
    assert not HistoryEntry.objects.filter(attribute="mention").exists()


def test_an_agent_mentions_another_agent(world, bob, commit):
    with events.capture() as seen, commit():
        mention = add_mention(world.actor(world.agent), world.ticket.pk, user=bob.login)
    assert (mention.ticket_id, mention.user_id, mention.created_by_id) == (
        world.ticket.pk,
        bob.pk,
        world.agent.pk,
    )
    assert Subscription.objects.filter(ticket=world.ticket, user=bob).exists()
    assert mention_notifications(bob) == [("Ticket", world.ticket.pk, "alice")]
    assert not OnlineNotification.objects.filter(user=world.agent).exists()
    line = HistoryEntry.objects.get(object_id=world.ticket.pk, attribute="mention")
    assert (line.kind, line.value_to, line.created_by_id) == ("added", "bob", world.agent.pk)
    assert [e for e in seen if isinstance(e, TicketMentioned)] == [
        TicketMentioned(
            ticket_id=world.ticket.pk,
            user_id=bob.pk,
            mention_id=mention.pk,
            actor_id=world.agent.pk,
        )
    ]


def test_mentioning_oneself_follows_without_a_notification(world):
    add_mention(world.actor(world.agent), world.ticket.pk)
    assert Mention.objects.get().user_id == world.agent.pk
    assert Subscription.objects.filter(ticket=world.ticket, user=world.agent).exists()
    assert not OnlineNotification.objects.exists()


def test_twice_is_a_conflict(world, bob):
    add_mention(world.actor(world.agent), world.ticket.pk, user=bob.pk)
    with pytest.raises(Conflict) as refused:
        add_mention(world.actor(world.admin), world.ticket.pk, user=bob.pk)
    assert refused.value.code == "mention.exists"
    assert Mention.objects.count() == 1


@pytest.mark.parametrize("who", ["customer", "colleague"])
def test_customers_never_mention(world, bob, who):
    with pytest.raises(PermissionDenied) as refused:
        add_mention(world.actor(getattr(world, who)), world.ticket.pk, user=bob.pk)
    assert refused.value.code == "mention.forbidden"
    nothing_written(world)


def test_an_agent_outside_the_group_cannot_even_see_the_ticket(world, bob):
    with pytest.raises(NotFound):
        add_mention(world.actor(world.outsider), world.ticket.pk, user=bob.pk)
    nothing_written(world)


@pytest.mark.parametrize("who", ["outsider", "customer", "stranger"])
def test_nobody_is_mentioned_who_cannot_see_the_ticket_as_an_agent(world, who):
    with pytest.raises(Invalid) as refused:
        add_mention(world.actor(world.agent), world.ticket.pk, user=getattr(world, who).pk)
    assert (refused.value.code, refused.value.field) == ("mention.user_cannot_read", "user_id")
    nothing_written(world)


def test_an_unknown_user_is_named(world):
    with pytest.raises(Invalid) as refused:
        add_mention(world.actor(world.agent), world.ticket.pk, user="nobody-here")
    assert (refused.value.code, refused.value.field) == ("mention.user_unknown", "user_id")


def test_at_login_in_an_agents_note_mentions(world, bob):
    add_article(
        world.actor(world.agent),
        world.ticket.pk,
        body="@bob and @Oscar please look; mail carol@example.com, @boss too. @alice",
        internal=True,
    )
    # bob and the admin may see the ticket as agents; oscar (other group) may not; carol's
    # address is no mention; alice wrote the note (mentioned, but not notified).
    assert sorted(Mention.objects.values_list("user__login", flat=True)) == [
        "alice",
        "bob",
        "boss",
    ]
    assert mention_notifications(bob) == [("Ticket", world.ticket.pk, "alice")]
    assert mention_notifications(world.admin) == [("Ticket", world.ticket.pk, "alice")]
    assert mention_notifications(world.agent) == []
    assert mention_notifications(world.outsider) == []
    # a second note naming bob again adds nothing
    add_article(world.actor(world.agent), world.ticket.pk, body="@bob ping", internal=True)
    assert Mention.objects.filter(user=bob).count() == 1
    assert len(mention_notifications(bob)) == 1


def test_a_customer_reply_mentions_nobody(world, bob):
    add_article(world.actor(world.customer), world.ticket.pk, body="@bob help")
    assert not Mention.objects.exists()


def test_removal_by_the_mentioned_the_mentioner_or_a_changing_agent(world, bob):
    first = add_mention(world.actor(world.agent), world.ticket.pk, user=bob.pk)
    reader = UserFactory(login="rita", roles=["Agent"])
    GroupMembership.objects.create(user=reader, group=world.group, access="read")
    with pytest.raises(PermissionDenied):
        remove_mention(world.actor(reader), first.pk)
    with pytest.raises(NotFound):
        remove_mention(world.actor(world.outsider), first.pk)
    with pytest.raises(NotFound):
        remove_mention(world.actor(world.customer), first.pk)
    assert Mention.objects.count() == 1
    remove_mention(world.actor(bob), first.pk)
    assert not Mention.objects.exists()
    assert Subscription.objects.filter(ticket=world.ticket, user=bob).exists()
    line = HistoryEntry.objects.get(object_id=world.ticket.pk, attribute="mention", kind="removed")
    assert (line.value_from, line.created_by_id) == ("bob", bob.pk)
    again = add_mention(world.actor(world.agent), world.ticket.pk, user=bob.pk)
    remove_mention(world.actor(world.admin), again.pk)
    assert not Mention.objects.exists()


def test_the_mentioned_agent_alone_is_mailed(world, bob, commit, mailoutbox):
    from helpline.mail.models import Delivery

    with commit():
        add_mention(world.actor(world.agent), world.ticket.pk, user=bob.pk)
    rows = list(Delivery.objects.values_list("kind", "user__login", "recipient"))
    assert rows == [("ticket_mentioned", "bob", bob.email)]
    sent = [m for m in mailoutbox if bob.email in m.to]
    assert len(sent) == 1
    assert f"[Ticket#{world.ticket.number}]" in sent[0].subject
    assert "You were mentioned on" in sent[0].body
