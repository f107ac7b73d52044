"""The index follows the real ticket and tag services, and a search through
``scope_tickets`` shows each person only what they may see."""

from __future__ import annotations

import pytest

from helpline.core.services.tags import add_tag, remove_tag
from helpline.lib.actor import Actor
from helpline.search.models import SearchDocument
from helpline.search.selectors import search_tickets
from helpline.testing.factories import GroupFactory, OrganizationFactory, UserFactory
from helpline.tickets import services
from helpline.tickets.models import Ticket
from helpline.tickets.permissions import scope_tickets


def actor(user) -> Actor:
    user.forget_permissions()
    return Actor.for_user(user)


@pytest.fixture
def people(db):
    desk = GroupFactory(name="Service Desk")
    facilities = GroupFactory(name="Facilities")
    acme = OrganizationFactory(name="Acme", shared=False)
    return {
        "desk": desk,
        "facilities": facilities,
        "agent": UserFactory(login="alice", roles=["Agent"], groups=[desk]),
        "outsider": UserFactory(login="oscar", roles=["Agent"], groups=[facilities]),
        "carol": UserFactory(login="carol", roles=["Customer"], organization=acme),
        "colin": UserFactory(login="colin", roles=["Customer"], organization=acme),
    }


def visible(user, query: str) -> list[int]:
    who = actor(user)
    page, _ = search_tickets(
        scope_tickets(who, Ticket.objects.all()),
        query,
        limit=50,
        include_internal=who.has("ticket.agent"),
    )
    return [t.pk for t in page]


def test_every_ticket_change_is_searchable_at_once(people):
    agent, carol = people["agent"], people["carol"]
    ticket = services.create_ticket(
        actor(carol), title="Beamer flickers", body="in room 4.12", group=people["desk"]
    )
    assert visible(agent, "beamer") == [ticket.pk]
    services.add_article(actor(agent), ticket.pk, body="replaced the lamp")
    services.add_article(actor(agent), ticket.pk, body="supplier overcharged", internal=True)
    assert visible(agent, "lamp") == [ticket.pk]
    assert visible(agent, "overcharged") == [ticket.pk]
    assert visible(carol, "lamp") == [ticket.pk]
    assert visible(carol, "overcharged") == []
    services.update_ticket(actor(agent), ticket.pk, {"title": "Projector flickers"})
    assert visible(agent, "beamer") == []
    assert visible(agent, "projector") == [ticket.pk]
    add_tag(actor(agent), "Ticket", ticket.pk, "audiovisual")
    assert visible(agent, "audiovisual") == [ticket.pk]
    remove_tag(actor(agent), "Ticket", ticket.pk, "audiovisual")
    assert visible(agent, "audiovisual") == []


def test_merge_and_delete(people, admin_user):
    agent, carol = people["agent"], people["carol"]
    source = services.create_ticket(
        actor(carol), title="Mouse broken", body="left button sticks", group=people["desk"]
    )
    target = services.create_ticket(
        actor(carol), title="Peripherals", body="keyboard too", group=people["desk"]
    )
    services.merge_ticket(actor(agent), source.pk, target.pk)
    assert visible(agent, "sticks") == [target.pk]
    assert visible(agent, "keyboard") == [target.pk]
    services.delete_ticket(actor(admin_user), target.pk)
    assert visible(agent, "keyboard") == []
    assert not SearchDocument.objects.filter(object_id=target.pk).exists()


def test_search_stays_inside_each_persons_tickets(people):
    carol, colin = people["carol"], people["colin"]
    mine = services.create_ticket(
        actor(carol), title="Printer jammed", body="tray 2", group=people["desk"]
    )
    theirs = services.create_ticket(
        actor(colin), title="Printer offline", body="no network", group=people["desk"]
    )
    elsewhere = services.create_ticket(
        actor(colin), title="Printer room too hot", body="aircon", group=people["facilities"]
    )
    assert sorted(visible(people["agent"], "printer")) == sorted([mine.pk, theirs.pk])
    assert visible(people["outsider"], "printer") == [elsewhere.pk]
    assert visible(carol, "printer") == [mine.pk]  # Acme does not share its tickets
    assert sorted(visible(colin, "printer OR jammed")) == sorted([theirs.pk, elsewhere.pk])
