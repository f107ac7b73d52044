"""The same ticket through every door: what django-helpdesk's API files, holds or adds is
what Flicket's API, the native API at /api/v1 and the ticket page show, with the same ids
(DESIGN.md, "Same thing, same id")."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from helpline.api.tests.conftest import Api, basic
from helpline.lib.actor import Actor
from helpline.testing.factories import PASSWORD, GroupFactory, UserFactory
from helpline.tickets import selectors
from helpline.tickets.services import ensure_default_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def support():
    group = GroupFactory(name="Support")
    ensure_default_category(group)
    return group


@pytest.fixture
def agent(support):
    return UserFactory(login="susan", roles=["Agent"], groups=[support])


@pytest.fixture
def djhelpdesk() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def flicket(agent) -> Client:
    """A Flicket client holding susan's session token."""
    client = Client(enforce_csrf_checks=True)
    raw = base64.b64encode(f"susan:{PASSWORD}".encode()).decode()
    token = client.post("/flicket-api/tokens", headers={"Authorization": f"Basic {raw}"})
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token.json()['token']}"
    return client


@pytest.fixture
def native(agent) -> Api:
    """The native API as susan (HTTP Basic)."""
    return Api(basic("susan"))


def helpdesk_call(client: Client, method: str, **fields: object) -> str:
    answer = client.post(
        f"/helpdesk/api/{method}/", {"user": "susan", "password": PASSWORD, **fields}
    )
    assert answer.status_code == 200, answer.content
    return answer.content.decode()


def test_a_django_helpdesk_ticket_is_the_same_flicket_topic_and_native_ticket(
    djhelpdesk, flicket, agent, support
):
    ticket_id = int(
        helpdesk_call(
            djhelpdesk,
            "create_ticket",
            queue=support.pk,
            title="Invoice 1234 raised",
            body="Please check the invoice.",
            priority=1,
        )
    )
    topic = flicket.get(f"/flicket-api/ticket/{ticket_id}").json()
    assert (topic["id"], topic["title"], topic["content"]) == (
        ticket_id,
        "Invoice 1234 raised",
        "Please check the invoice.",
    )
    assert (topic["started_id"], topic["ticket_priority_id"], topic["status_id"]) == (
        agent.pk,
        3,  # django-helpdesk 1 (high) is rank 5: Flicket's high
        1,
    )
    assert topic["category_id"] == ensure_default_category(support).pk

    actor = Actor.for_user(agent, via="api")
    native = selectors.get_ticket(actor, ticket_id)
    articles = list(selectors.list_articles(actor, ticket_id))
    assert (native.title, native.group_id) == ("Invoice 1234 raised", support.pk)
    assert [a.body for a in articles] == ["Please check the invoice."]


def test_a_django_helpdesk_ticket_is_the_same_ticket_in_the_native_api(
    djhelpdesk, native, agent, support
):
    ticket_id = int(
        helpdesk_call(
            djhelpdesk,
            "create_ticket",
            queue=support.pk,
            title="VPN drops",
            body="Every hour on the hour.",
        )
    )
    status, shown = native.get(f"/tickets/{ticket_id}")
    assert status == 200
    assert (shown["id"], shown["title"], shown["group_id"], shown["on_hold"]) == (
        ticket_id,
        "VPN drops",
        support.pk,
        False,
    )
    status, articles = native.get(f"/ticket_articles/by_ticket/{ticket_id}")
    assert status == 200
    assert [(a["id"], a["body"]) for a in articles] == [
        (shown["article_ids"][0], "Every hour on the hour.")
    ]
    _, listed = native.get("/tickets")
    assert [(t["id"], t["title"]) for t in listed] == [(ticket_id, "VPN drops")]


def test_a_flicket_post_is_an_article_in_the_native_api(
    djhelpdesk, flicket, native, agent, support
):
    """Flicket's API reads posts (it has no call that writes one): the topic filed through
    Flicket and the reply Flicket lists are the native API's articles, same ids."""
    answer = flicket.post(
        "/flicket-api/tickets",
        data={
            "title": "Screen flickers",
            "content": "Since Monday.",
            "category_id": ensure_default_category(support).pk,
            "ticket_priority_id": 2,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201
    ticket_id = answer.json()["id"]
    helpdesk_call(djhelpdesk, "add_followup", ticket=ticket_id, message="New cable.", public="y")
    posts = flicket.get(f"/flicket-api/posts/{ticket_id}/").json()["items"]
    assert [(p["ticket_id"], p["content"], p["user_id"]) for p in posts] == [
        (ticket_id, "New cable.", agent.pk)
    ]
    post_id = posts[0]["id"]

    status, articles = native.get(f"/ticket_articles/by_ticket/{ticket_id}")
    assert status == 200
    assert [(a["body"], a["created_by_id"], a["internal"]) for a in articles] == [
        ("Since Monday.", agent.pk, False),
        ("New cable.", agent.pk, False),
    ]
    assert articles[1]["id"] == post_id
    status, article = native.get(f"/ticket_articles/{post_id}")
    assert (status, article["ticket_id"], article["body"]) == (200, ticket_id, "New cable.")
    status, shown = native.get(f"/tickets/{ticket_id}")
    assert (shown["title"], shown["article_ids"]) == (
        "Screen flickers",
        [articles[0]["id"], post_id],
    )


def test_a_followup_is_a_flicket_post_and_an_article_of_the_same_ticket(
    djhelpdesk, flicket, agent, support
):
    ticket_id = int(
        helpdesk_call(
            djhelpdesk, "create_ticket", queue=support.pk, title="Printer", body="It jams."
        )
    )
    helpdesk_call(djhelpdesk, "add_followup", ticket=ticket_id, message="Cleared.", public="y")
    actor = Actor.for_user(agent, via="api")
    articles = list(selectors.list_articles(actor, ticket_id))
    assert [(a.body, a.internal) for a in articles] == [("It jams.", False), ("Cleared.", False)]

    posts = flicket.get(f"/flicket-api/posts/{ticket_id}/").json()
    assert [(p["id"], p["ticket_id"], p["content"], p["user_id"]) for p in posts["items"]] == [
        (articles[1].pk, ticket_id, "Cleared.", agent.pk)
    ]
    post = flicket.get(f"/flicket-api/post/{articles[1].pk}").json()
    assert post["content"] == "Cleared."


def test_a_flicket_topic_is_a_django_helpdesk_ticket(djhelpdesk, flicket, agent, support):
    answer = flicket.post(
        "/flicket-api/tickets",
        data={
            "title": "From Flicket",
            "content": "Filed through Flicket.",
            "category_id": ensure_default_category(support).pk,
            "ticket_priority_id": 2,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201
    ticket_id = answer.json()["id"]
    assert helpdesk_call(djhelpdesk, "hold_ticket", ticket=ticket_id) == "OK"
    assert helpdesk_call(djhelpdesk, "resolve", ticket=ticket_id, resolution="Done.") == "OK"
    native = selectors.get_ticket(Actor.for_user(agent, via="api"), ticket_id)
    assert (native.title, native.priority.rank, native.on_hold, native.state.name) == (
        "From Flicket",
        3,
        True,
        "resolved",
    )
    assert flicket.get(f"/flicket-api/ticket/{ticket_id}").json()["status_id"] == 2


def test_a_django_helpdesk_hold_shows_up_as_on_hold_everywhere(
    djhelpdesk, flicket, native, agent, support
):
    ticket_id = int(
        helpdesk_call(djhelpdesk, "create_ticket", queue=support.pk, title="Parts", body="Fan.")
    )
    helpdesk_call(djhelpdesk, "hold_ticket", ticket=ticket_id)
    actor = Actor.for_user(agent, via="api")
    assert selectors.get_ticket(actor, ticket_id).on_hold is True
    held = selectors.list_tickets(actor, selectors.TicketFilters(on_hold=True))
    assert list(held.values_list("pk", flat=True)) == [ticket_id]
    actions = flicket.get(f"/flicket-api/actions/{ticket_id}/").json()["items"]
    assert [(a["action"], a["data"]) for a in actions if a["action"] == "on_hold"] == [
        ("on_hold", {"on_hold": "true"})
    ]

    # The native API and the ticket page say so too (Flicket's topic shape has no hold
    # field; its actions above carry it).
    status, shown = native.get(f"/tickets/{ticket_id}")
    assert (status, shown["on_hold"]) == (200, True)
    _, listed = native.get("/tickets")
    assert [(t["id"], t["on_hold"]) for t in listed] == [(ticket_id, True)]
    page = Client()
    page.force_login(agent)
    html = page.get(f"/tickets/{ticket_id}/").content.decode()
    assert "On hold" in html

    helpdesk_call(djhelpdesk, "unhold_ticket", ticket=ticket_id)
    assert selectors.get_ticket(actor, ticket_id).on_hold is False
    assert not selectors.list_tickets(actor, selectors.TicketFilters(on_hold=True)).exists()
    assert native.get(f"/tickets/{ticket_id}")[1]["on_hold"] is False
    assert "On hold" not in page.get(f"/tickets/{ticket_id}/").content.decode()


def test_on_hold_through_the_native_api_is_a_django_helpdesk_hold(
    djhelpdesk, native, agent, support
):
    ticket_id = int(
        helpdesk_call(djhelpdesk, "create_ticket", queue=support.pk, title="Disk", body="Full.")
    )
    status, held = native.put(f"/tickets/{ticket_id}", {"on_hold": True})
    assert (status, held["on_hold"]) == (200, True)
    actor = Actor.for_user(agent, via="api")
    assert selectors.get_ticket(actor, ticket_id).on_hold is True
    # django-helpdesk sees the hold made through the native API and takes it off.
    assert helpdesk_call(djhelpdesk, "unhold_ticket", ticket=ticket_id) == "OK"
    assert native.get(f"/tickets/{ticket_id}")[1]["on_hold"] is False
