"""Ticket lists, pages, history and articles through the selectors."""

from __future__ import annotations

import pytest

from helpline.core.services import tags
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, NotFound, PermissionDenied
from helpline.testing.factories import TicketFactory
from helpline.tickets import selectors
from helpline.tickets.models import TicketState
from helpline.tickets.selectors import TicketFilters
from helpline.tickets.services import hold_ticket, update_ticket

pytestmark = pytest.mark.django_db


def test_lists_are_newest_first_and_filtered_inside_the_query(world):
    opened = [TicketFactory(group=world.group, state="open") for _ in range(3)]
    TicketFactory(group=world.other_group, state="open")
    actor = world.actor(world.agent)
    everything = selectors.list_tickets(actor)
    assert [t.pk for t in everything] == [t.pk for t in reversed(opened)] + [world.ticket.pk]
    open_id = TicketState.objects.get(name="open").pk
    assert [t.pk for t in selectors.list_tickets(actor, TicketFilters(state_ids=[open_id]))] == [
        t.pk for t in reversed(opened)
    ]
    assert [
        t.pk for t in selectors.list_tickets(actor, TicketFilters(customer_id=world.customer.pk))
    ] == [world.ticket.pk]
    hold_ticket(actor, opened[0].pk)
    assert [t.pk for t in selectors.list_tickets(actor, TicketFilters(on_hold=True))] == [
        opened[0].pk
    ]


def test_pages(world):
    made = [TicketFactory(group=world.group) for _ in range(4)]
    qs = selectors.list_tickets(world.actor(world.agent))
    assert [t.pk for t in selectors.page_of(qs, 1, 2)] == [made[3].pk, made[2].pk]
    assert [t.pk for t in selectors.page_of(qs, 3, 2)] == [world.ticket.pk]
    assert selectors.page_of(qs, 4, 2) == []
    with pytest.raises(Invalid) as info:
        selectors.page_of(qs, 0, 2)
    assert info.value.field == "page"
    with pytest.raises(Invalid) as info:
        selectors.page_of(qs, 1, 501)
    assert info.value.field == "per_page"


def test_a_list_page_is_two_queries_whatever_its_length(world, django_assert_num_queries):
    for _ in range(5):
        TicketFactory(group=world.group)
    actor = world.actor(world.agent)
    qs = selectors.list_tickets(actor)
    with django_assert_num_queries(2):
        rows = selectors.page_of(qs, 1, 50)
        assert len(rows) == 6
        assert {(t.state.name, t.priority.name, t.group.name, t.category.name) for t in rows} == {
            ("new", "2 normal", "Service Desk", "General")
        }


def test_history_is_read_through_the_ticket(world):
    update_ticket(world.actor(world.agent), world.ticket.pk, {"title": "Renamed"})
    lines = list(selectors.ticket_history(world.actor(world.customer), world.ticket.pk))
    assert [(h.attribute, h.value_from, h.value_to, h.created_by) for h in lines] == [
        ("title", "Printer on fire", "Renamed", world.agent)
    ]
    with pytest.raises(NotFound):
        selectors.ticket_history(world.actor(world.stranger), world.ticket.pk)


def test_numbers_find_only_visible_tickets(world):
    assert (
        selectors.find_ticket_by_number(world.actor(world.customer), world.ticket.number)
        == world.ticket
    )
    assert selectors.find_ticket_by_number(world.actor(world.stranger), world.ticket.number) is None


def test_article_attachments_are_grouped_by_article(world):
    from helpline.core.services.attachments import Upload
    from helpline.tickets.services import add_article

    article = add_article(
        world.actor(world.agent),
        world.ticket.pk,
        body="logs",
        attachments=[Upload("a.log", b"1"), Upload("b.log", b"2")],
    )
    articles = list(selectors.list_articles(world.actor(world.agent), world.ticket.pk))
    grouped = selectors.article_attachments(articles)
    assert {pk: [a.filename for a in rows] for pk, rows in grouped.items()} == {
        articles[0].pk: [],
        article.pk: ["a.log", "b.log"],
    }


def test_ticket_tags_follow_the_tag_services_rule(world):
    """``ticket_tags`` (the ticket page's read) answers as ``tags.list_tags`` does, for
    every persona: the names in order, "forbidden" or "not found"."""
    admin = Actor.for_user(world.admin)
    tags.add_tag(admin, "Ticket", world.ticket.pk, "printer")
    tags.add_tag(admin, "Ticket", world.ticket.pk, "Fire")
    for user in (world.admin, world.agent, world.outsider, world.customer, world.stranger):
        actor = Actor.for_user(user)
        expected: object
        try:
            expected = tags.list_tags(actor, "Ticket", world.ticket.pk)
        except (NotFound, PermissionDenied) as error:
            expected = type(error)
        try:
            got: object = selectors.ticket_tags(actor, world.ticket.pk)
        except (NotFound, PermissionDenied) as error:
            got = type(error)
        assert got == expected, user.login
    assert selectors.ticket_tags(Actor.for_user(world.agent), world.ticket.pk) == [
        "printer",
        "Fire",
    ]
    with pytest.raises(PermissionDenied):
        selectors.ticket_tags(Actor.for_user(world.customer), world.ticket.pk)
    with pytest.raises(NotFound):
        selectors.ticket_tags(Actor.for_user(world.outsider), world.ticket.pk)
