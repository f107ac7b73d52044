"""Adding articles: who writes what, counters and contact times, follow-ups on closed tickets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from helpline.core.models import Attachment, Group, HistoryEntry
from helpline.core.services.attachments import Upload
from helpline.core.services.settings import update_setting
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, PermissionDenied
from helpline.testing.factories import TicketFactory
from helpline.tickets import selectors
from helpline.tickets.events import ArticleAdded, TicketUpdated
from helpline.tickets.models import Article, Ticket
from helpline.tickets.services import add_article, close_ticket, merge_ticket

pytestmark = pytest.mark.django_db


def test_an_agent_answers_publicly(world, commit):
    with events.capture() as seen, commit():
        article = add_article(
            world.actor(world.agent), world.ticket.pk, body="On my way", time_unit="15"
        )
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert (article.sender.name, article.type.name, article.internal) == ("Agent", "web", False)
    assert article.from_address == world.agent.fullname
    assert ticket.article_count == 2
    assert ticket.time_unit == Decimal("15.00")
    assert ticket.first_response_at is not None
    assert ticket.last_contact_agent_at == ticket.last_contact_at == ticket.first_response_at
    description = Article.objects.filter(ticket=ticket).order_by("id").first()
    assert ticket.last_contact_customer_at == description.created_at
    assert seen == [
        ArticleAdded(
            ticket_id=ticket.pk,
            article_id=article.pk,
            actor_id=world.agent.pk,
            internal=False,
            sender="Agent",
        )
    ]
    assert list(
        HistoryEntry.objects.filter(object_type="Ticket", object_id=ticket.pk).values_list(
            "kind", "attribute", "id_to", "related_object_type", "related_object_id"
        )
    ) == [("added", "article", article.pk, "Article", article.pk)]


def test_the_first_response_is_kept(world):
    actor = world.actor(world.agent)
    add_article(actor, world.ticket.pk, body="first")
    first = Ticket.objects.get(pk=world.ticket.pk).first_response_at
    add_article(actor, world.ticket.pk, body="second")
    assert Ticket.objects.get(pk=world.ticket.pk).first_response_at == first


@pytest.mark.parametrize(
    ("kwargs", "kind"), [({"internal": True}, "note"), ({"article_type": "note"}, "note")]
)
def test_internal_articles_and_public_notes_are_no_response(world, kwargs, kind):
    article = add_article(world.actor(world.agent), world.ticket.pk, body="hmm", **kwargs)
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert article.type.name == kind
    assert (ticket.first_response_at, ticket.last_contact_agent_at, ticket.article_count) == (
        None,
        None,
        2,
    )


def test_an_outbound_call_is_a_response(world):
    add_article(world.actor(world.agent), world.ticket.pk, body="called", article_type="phone")
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert ticket.first_response_at is not None
    assert ticket.first_response_at == ticket.last_contact_agent_at


def test_time_adds_up_and_corrects_with_negative_values(world):
    actor = world.actor(world.agent)
    add_article(actor, world.ticket.pk, body="a", time_unit=30, internal=True)
    add_article(actor, world.ticket.pk, body="b", time_unit="-10.5", internal=True)
    assert Ticket.objects.get(pk=world.ticket.pk).time_unit == Decimal("19.50")


def test_a_customer_replies(world):
    article = add_article(world.actor(world.customer), world.ticket.pk, body="Still burning")
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert (article.sender.name, article.type.name) == ("Customer", "web")
    assert ticket.last_contact_customer_at == ticket.last_contact_at
    assert ticket.first_response_at is None


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"internal": True}, "internal", "article.internal_forbidden"),
        ({"time_unit": 5}, "time_unit", "article.time_unit_forbidden"),
        ({"sender": "Agent"}, "sender", "article.sender_forbidden"),
    ],
)
def test_customers_cannot_write_as_agents(world, kwargs, field, code):
    with pytest.raises(PermissionDenied) as info:
        add_article(world.actor(world.customer), world.ticket.pk, body="x", **kwargs)
    assert (info.value.field, info.value.code) == (field, code)
    assert Article.objects.filter(ticket=world.ticket).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"body": "  "}, "body", "article.body_missing"),
        ({"content_type": "text/rtf"}, "content_type", "article.content_type_invalid"),
        ({"time_unit": "lots"}, "time_unit", "article.time_unit_invalid"),
        ({"article_type": "pigeon"}, "article_type", "article.type_unknown"),
        ({"sender": "Robot"}, "sender", "article.sender_unknown"),
        ({"attachments": [Upload("x.bat", b"@echo")]}, "attachments", "upload.extension_refused"),
    ],
)
def test_bad_input_names_the_field_and_adds_nothing(world, kwargs, field, code):
    args = {"body": "hello", **kwargs}
    with pytest.raises(Invalid) as info:
        add_article(world.actor(world.agent), world.ticket.pk, **args)
    assert (info.value.field, info.value.code) == (field, code)
    assert Article.objects.filter(ticket=world.ticket).count() == 1
    assert Ticket.objects.get(pk=world.ticket.pk).article_count == 1
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize("content_type", ["text/plain", "text/html", "text/markdown"])
def test_the_three_content_types(world, content_type):
    article = add_article(
        world.actor(world.agent), world.ticket.pk, body="**hi**", content_type=content_type
    )
    assert article.content_type == content_type


@pytest.mark.parametrize(
    ("follow_up", "outcome"),
    [("yes", "closed"), ("yes_with_reopen", "open"), ("new_ticket", "refused")],
)
def test_a_customer_follow_up_on_a_closed_ticket_follows_the_group(
    world, follow_up, outcome, commit
):
    Group.objects.filter(pk=world.group.pk).update(follow_up_possible=follow_up)
    close_ticket(world.actor(world.customer), world.ticket.pk)
    if outcome == "refused":
        with pytest.raises(Conflict) as info:
            add_article(world.actor(world.customer), world.ticket.pk, body="again")
        assert info.value.code == "ticket.follow_up_closed"
        assert Article.objects.filter(ticket=world.ticket).count() == 1
        return
    with events.capture() as seen, commit():
        add_article(world.actor(world.customer), world.ticket.pk, body="again")
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert ticket.state.name == outcome
    assert [type(e) for e in seen] == (
        [ArticleAdded, TicketUpdated] if outcome == "open" else [ArticleAdded]
    )


def test_agents_write_to_closed_tickets_whatever_the_group_says(world):
    Group.objects.filter(pk=world.group.pk).update(follow_up_possible="new_ticket")
    close_ticket(world.actor(world.customer), world.ticket.pk)
    add_article(world.actor(world.agent), world.ticket.pk, body="closing note")
    assert Ticket.objects.get(pk=world.ticket.pk).state.name == "closed"


def test_merged_tickets_take_no_articles(world):
    target = TicketFactory(group=world.group)
    merge_ticket(world.actor(world.agent), world.ticket.pk, target.pk)
    with pytest.raises(Conflict) as info:
        add_article(world.actor(world.agent), world.ticket.pk, body="late")
    assert info.value.code == "ticket.merged"


def test_internal_articles_are_hidden_from_customers(world):
    note = add_article(world.actor(world.agent), world.ticket.pk, body="secret", internal=True)
    customer = world.actor(world.customer)
    assert [a.body for a in selectors.list_articles(customer, world.ticket.pk)] == [
        "It is on fire."
    ]
    assert [a.body for a in selectors.list_articles(world.actor(world.agent), world.ticket.pk)] == [
        "It is on fire.",
        "secret",
    ]
    with pytest.raises(Exception) as info:
        selectors.get_article(customer, note.pk)
    assert info.value.code == "article.not_found"


def test_public_visibility_shows_public_articles_to_guests(world):
    add_article(world.actor(world.agent), world.ticket.pk, body="secret", internal=True)
    update_setting(Actor.system(), "tickets.visibility", "public")
    assert [a.body for a in selectors.list_articles(Actor.guest(), world.ticket.pk)] == [
        "It is on fire."
    ]


def test_uploads_follow_the_settings(world):
    actor = world.actor(world.customer)
    update_setting(Actor.system(), "uploads.enabled", False)
    with pytest.raises(PermissionDenied) as info:
        add_article(actor, world.ticket.pk, body="x", attachments=[Upload("a.txt", b"a")])
    assert (info.value.field, info.value.code) == ("attachments", "upload.disabled")
    update_setting(Actor.system(), "uploads.enabled", True)
    update_setting(Actor.system(), "uploads.min_permission", "ticket.agent")
    with pytest.raises(PermissionDenied) as info:
        add_article(actor, world.ticket.pk, body="x", attachments=[Upload("a.txt", b"a")])
    assert (info.value.field, info.value.code) == ("attachments", "upload.forbidden")
    update_setting(Actor.system(), "uploads.min_permission", "ticket.customer")
    update_setting(Actor.system(), "uploads.max_size_mb", 1)
    with pytest.raises(Invalid) as info:
        add_article(
            actor,
            world.ticket.pk,
            body="x",
            attachments=[Upload("a.txt", b"a" * (1024 * 1024 + 1))],
        )
    assert (info.value.field, info.value.code) == ("attachments", "upload.too_large")
    update_setting(Actor.system(), "uploads.allowed_extensions", ["log"])
    with pytest.raises(Invalid) as info:
        add_article(actor, world.ticket.pk, body="x", attachments=[Upload("a.txt", b"a")])
    assert info.value.code == "upload.extension_refused"
    article = add_article(actor, world.ticket.pk, body="x", attachments=[Upload("A.LOG", b"a")])
    assert list(
        Attachment.objects.filter(object_type="Article", object_id=article.pk).values_list(
            "filename", flat=True
        )
    ) == ["A.LOG"]
    assert Article.objects.filter(ticket=world.ticket).count() == 2
