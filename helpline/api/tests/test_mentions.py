"""/mentions through the API: list, create, delete, as Zammad; who may and may not."""

from __future__ import annotations

import pytest

from helpline.api.tests.conftest import ERROR_KEYS, Api, basic
from helpline.core.models import OnlineNotification
from helpline.testing.factories import GroupFactory, TicketFactory, UserFactory
from helpline.tickets.models import Mention, Subscription

MENTION_KEYS = {
    "id", "mentionable_type", "mentionable_id", "user_id", "updated_by_id", "created_by_id",
    "created_at", "updated_at",
}  # fmt: skip


@pytest.fixture
def ticket(support, customer):
    return TicketFactory(group=support, customer=customer, title="Router")


@pytest.fixture
def bob(support):
    return UserFactory(login="bob", email="bob@example.com", roles=["Agent"], groups=[support])


@pytest.fixture
def outsider(db):
    return UserFactory(login="oscar", roles=["Agent"], groups=[GroupFactory(name="Elsewhere")])


def mention(api: Api, ticket_id, user_id=None, **extra):
    body = {"mentionable_type": "Ticket", "mentionable_id": ticket_id, **extra}
    if user_id is not None:
        body["user_id"] = user_id
    return api.post("/mentions", body)


def test_an_agent_mentions_lists_and_removes(as_agent, agent, bob, ticket):
    status, made = mention(as_agent, ticket.pk, bob.pk)
    assert status == 200, made
    assert set(made) == MENTION_KEYS
    row = Mention.objects.get()
    assert (made["id"], made["mentionable_type"], made["mentionable_id"], made["user_id"]) == (
        row.pk,
        "Ticket",
        ticket.pk,
        bob.pk,
    )
    assert made["created_by_id"] == agent.pk
    assert made["created_at"].endswith("Z")
    assert Subscription.objects.filter(ticket=ticket, user=bob).exists()
    # bob sees the notification through his own online_notifications
    status, notes = Api(basic("bob")).get("/online_notifications?expand=true")
    assert [(n["o_id"], n["object"], n["type"], n["created_by_id"]) for n in notes] == [
        (ticket.pk, "Ticket", "mention", agent.pk)
    ]
    assert not OnlineNotification.objects.filter(user=agent).exists()

    status, listed = as_agent.get(f"/mentions?mentionable_type=Ticket&mentionable_id={ticket.pk}")
    assert (status, [m["id"] for m in listed["mentions"]]) == (200, [row.pk])
    assert listed["mentions"][0] == made

    status, body = as_agent.delete(f"/mentions/{row.pk}")
    assert (status, body) == (200, {})
    assert not Mention.objects.exists()
    status, body = as_agent.delete(f"/mentions/{row.pk}")
    assert (status, body["code"]) == (404, "mention.not_found")


def test_without_user_id_the_caller_is_mentioned(as_agent, agent, ticket):
    status, made = mention(as_agent, ticket.pk)
    assert (status, made["user_id"]) == (200, agent.pk)
    status, body = mention(as_agent, ticket.pk)
    assert (status, body["code"], body["field"]) == (409, "mention.exists", "user_id")


def test_a_customer_cannot_mention(as_customer, bob, ticket):
    status, body = mention(as_customer, ticket.pk, bob.pk)
    assert (status, set(body) - {"field"}, body["code"]) == (403, ERROR_KEYS, "mention.forbidden")
    assert not Mention.objects.exists()
    status, listed = as_customer.get(
        f"/mentions?mentionable_type=Ticket&mentionable_id={ticket.pk}"
    )
    assert (status, listed) == (200, {"mentions": []})


def test_an_agent_cannot_mention_someone_who_cannot_see_the_ticket(
    as_agent, outsider, customer, ticket
):
    for user in (outsider, customer):
        status, body = mention(as_agent, ticket.pk, user.pk)
        assert (status, body["code"], body["field"]) == (
            422,
            "mention.user_cannot_read",
            "user_id",
        )
    assert not Mention.objects.exists()
    assert not OnlineNotification.objects.exists()


def test_an_agent_outside_the_group_gets_not_found(outsider, bob, ticket):
    as_outsider = Api(basic("oscar"))
    status, body = mention(as_outsider, ticket.pk, bob.pk)
    assert (status, body["code"]) == (404, "ticket.not_found")
    status, body = as_outsider.get(f"/mentions?mentionable_type=Ticket&mentionable_id={ticket.pk}")
    assert status == 404


def test_bad_input_names_the_field(as_agent, bob, ticket):
    status, body = mention(as_agent, ticket.pk, bob.pk, mentionable_type="User")
    assert (status, body["field"]) == (422, "mentionable_type")
    status, body = as_agent.post("/mentions", {"mentionable_type": "Ticket", "user_id": bob.pk})
    assert (status, body["field"]) == (422, "mentionable_id")
    status, body = mention(as_agent, ticket.pk, 10**12)
    assert (status, body["code"]) == (422, "mention.user_unknown")
    status, body = as_agent.get("/mentions?mentionable_type=Ticket")
    assert (status, body["field"]) == (422, "mentionable_id")
    assert not Mention.objects.exists()


def test_anonymous_is_refused(anonymous, ticket):
    status, body = anonymous.get(f"/mentions?mentionable_type=Ticket&mentionable_id={ticket.pk}")
    assert (status, body["code"]) == (401, "auth.required")
