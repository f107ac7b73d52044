"""Merging tickets (articles move, as Zammad does) and deleting them (everything goes)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from helpline.core.models import Attachment, HistoryEntry, OnlineNotification, Tagging
from helpline.core.services import tags
from helpline.core.services.attachments import Upload
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound
from helpline.testing.factories import TicketFactory
from helpline.tickets.events import TicketDeleted, TicketMerged
from helpline.tickets.models import Article, Subscription, Ticket
from helpline.tickets.services import (
    add_article,
    assign_ticket,
    create_ticket,
    delete_ticket,
    follow_ticket,
    merge_ticket,
)

pytestmark = pytest.mark.django_db


def test_merge_moves_articles_followers_and_tags(world, commit):
    agent = world.actor(world.agent)
    source = world.ticket
    target = TicketFactory(group=world.group, customer=world.customer, description="Original")
    add_article(agent, source.pk, body="more", time_unit=10)
    assign_ticket(agent, source.pk, "alice")
    follow_ticket(world.actor(world.colleague), source.pk)
    follow_ticket(world.actor(world.customer), source.pk)
    follow_ticket(world.actor(world.customer), target.pk)
    tags.add_tag(agent, "Ticket", source.pk, "printer")
    tags.add_tag(agent, "Ticket", target.pk, "printer")
    tags.add_tag(agent, "Ticket", source.pk, "fire")
    moved = list(Article.objects.filter(ticket=source).values_list("pk", flat=True))
    own = list(Article.objects.filter(ticket=target).values_list("pk", flat=True))
    assert len(moved) == 2

    with events.capture() as seen, commit():
        result = merge_ticket(agent, source.pk, target.pk)

    assert result == target
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.state.name, source.merged_into, source.owner, source.article_count) == (
        "merged",
        target,
        None,
        0,
    )
    assert source.time_unit == Decimal("0.00")
    assert (target.article_count, target.time_unit) == (3, Decimal("10.00"))
    assert sorted(Article.objects.filter(ticket=target).values_list("pk", flat=True)) == sorted(
        [*own, *moved]
    )
    assert not Article.objects.filter(ticket=source).exists()
    assert sorted(
        Subscription.objects.filter(ticket=target).values_list("user__login", flat=True)
    ) == [
        "carol",
        "colin",
    ]
    assert tags.list_tags(agent, "Ticket", target.pk) == ["printer", "fire"]
    assert list(
        HistoryEntry.objects.filter(kind="merged").values_list(
            "object_id", "attribute", "id_from", "id_to"
        )
    ) == [
        (source.pk, "merged_into", source.pk, target.pk),
        (target.pk, "merged_from", source.pk, target.pk),
    ]
    assert seen == [TicketMerged(source_id=source.pk, target_id=target.pk, actor_id=world.agent.pk)]


def test_merge_refusals(world):
    agent = world.actor(world.agent)
    other = TicketFactory(group=world.group)
    with pytest.raises(Invalid) as info:
        merge_ticket(agent, world.ticket.pk, world.ticket.pk)
    assert (info.value.field, info.value.code) == ("target_id", "ticket.merge_self")
    merge_ticket(agent, other.pk, world.ticket.pk)
    third = TicketFactory(group=world.group)
    with pytest.raises(Conflict) as info:
        merge_ticket(agent, third.pk, other.pk)
    assert info.value.code == "ticket.merge_target_merged"
    with pytest.raises(Conflict) as info:
        merge_ticket(agent, other.pk, third.pk)
    assert info.value.code == "ticket.merged"
    hidden = TicketFactory(group=world.other_group)
    with pytest.raises(NotFound):
        merge_ticket(agent, third.pk, hidden.pk)
    assert Ticket.objects.get(pk=third.pk).state.name == "new"


def test_delete_removes_everything_hanging_on_the_ticket(world, commit, uploads_dir):
    admin = world.actor(world.admin)
    ticket = create_ticket(
        world.actor(world.customer),
        title="Gone soon",
        body="x",
        group=world.group.pk,
        attachments=[Upload("a.txt", b"only here"), Upload("b.txt", b"shared")],
    )
    keeper = create_ticket(
        world.actor(world.customer),
        title="Stays",
        body="y",
        group=world.group.pk,
        attachments=[Upload("c.txt", b"shared")],
    )
    add_article(world.actor(world.agent), ticket.pk, body="note", internal=True)
    follow_ticket(world.actor(world.agent), ticket.pk)
    tags.add_tag(admin, "Ticket", ticket.pk, "doomed")
    assign_ticket(admin, ticket.pk, "alice")
    ticket.assignees.add(world.agent)
    files = {a.filename: uploads_dir / a.store.name for a in Attachment.objects.all()}
    assert OnlineNotification.objects.filter(object_id=ticket.pk).exists()

    with events.capture() as seen, commit():
        delete_ticket(admin, ticket.pk)

    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert not Article.objects.filter(ticket_id=ticket.pk).exists()
    assert sorted(Attachment.objects.values_list("filename", flat=True)) == ["c.txt"]
    assert not files["a.txt"].exists()
    assert files["c.txt"].exists()  # the same content as b.txt, still used by the keeper
    assert not HistoryEntry.objects.filter(object_type="Ticket", object_id=ticket.pk).exists()
    assert not Tagging.objects.filter(object_type="Ticket", object_id=ticket.pk).exists()
    assert not Subscription.objects.filter(ticket_id=ticket.pk).exists()
    assert not OnlineNotification.objects.filter(object_type="Ticket", object_id=ticket.pk).exists()
    assert not Ticket.assignees.through.objects.filter(ticket_id=ticket.pk).exists()
    assert Ticket.objects.filter(pk=keeper.pk).exists()
    assert seen == [
        TicketDeleted(ticket_id=ticket.pk, number=ticket.number, actor_id=world.admin.pk)
    ]


def test_tickets_merged_into_a_deleted_one_lose_the_link(world):
    other = TicketFactory(group=world.group)
    merge_ticket(world.actor(world.agent), other.pk, world.ticket.pk)
    delete_ticket(Actor.system(), world.ticket.pk)
    assert Ticket.objects.get(pk=other.pk).merged_into is None
