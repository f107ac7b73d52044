"""django-helpdesk's ticket calls: what each one writes, and that a refused call writes
nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from helpline.core.models import User
from helpline.dialects.djhelpdesk.tests.test_calls import snapshot
from helpline.lib import events
from helpline.testing.factories import PASSWORD, GroupFactory, TicketFactory, UserFactory
from helpline.tickets.models import Article, Ticket
from helpline.tickets.services import ensure_default_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def support():
    """A queue with its default category, as ``create_group`` leaves every group."""
    group = GroupFactory(name="Support")
    ensure_default_category(group)
    return group


@pytest.fixture
def agent(support) -> User:
    return UserFactory(login="susan", roles=["Agent"], groups=[support])


@pytest.fixture
def ticket(support):
    customer = UserFactory(login="jblogs", email="jblogs@example.com")
    return TicketFactory(
        title="Printer on fire", group=support, customer=customer, description="It burns."
    )


def call(api: Client, method: str, **fields: object):
    return api.post(f"/helpdesk/api/{method}/", {"user": "susan", "password": PASSWORD, **fields})


def test_create_ticket_files_into_the_queue_with_the_mapped_priority(api, agent, support):
    answer = call(
        api,
        "create_ticket",
        queue=support.pk,
        title="Invoice 1234 raised",
        body="Please check the invoice.",
        submitter_email="billing@example.com",
        assigned_to=agent.pk,
        priority=1,
    )
    assert answer.status_code == 200
    made = Ticket.objects.get()
    assert answer.content.decode() == str(made.pk)
    assert (made.title, made.group_id, made.owner_id) == (
        "Invoice 1234 raised",
        support.pk,
        agent.pk,
    )
    assert made.submitter_email == "billing@example.com"
    assert (made.priority.rank, made.priority.name) == (5, "4 critical")
    assert made.created_by_id == agent.pk
    assert list(Article.objects.filter(ticket=made).values_list("body", "internal")) == [
        ("Please check the invoice.", False)
    ]


@pytest.mark.parametrize(("priority", "rank"), [("", 3), ("1", 5), ("2", 4), ("4", 2), ("5", 1)])
def test_create_ticket_priorities_one_high_to_five_low(api, agent, support, priority, rank):
    answer = call(api, "create_ticket", queue=support.pk, title="T", body="B", priority=priority)
    assert answer.status_code == 200
    assert Ticket.objects.get(pk=int(answer.content)).priority.rank == rank


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({"title": "T", "body": "B"}, 400, "* queue\n  * This field is required."),
        ({"queue": "x", "title": "T", "body": "B"}, 400, "* queue\n  * Enter a whole number."),
        ({"queue": "Q", "title": "", "body": "B"}, 400, "* title\n  * This field is required."),
        ({"queue": "Q", "title": "T", "body": "  "}, 400, "* body\n  * This field is required."),
        (
            {"queue": "Q", "title": "T", "body": "B", "priority": "0"},
            400,
            "* priority\n  * Select a valid choice. 0 is not one of the available choices.",
        ),
        (
            {"queue": "Q", "title": "T", "body": "B", "assigned_to": "me"},
            400,
            "* assigned_to\n  * Enter a whole number.",
        ),
        (
            {"queue": "Q", "title": "T", "body": "B", "assigned_to": "999999"},
            404,
            "Invalid user ID for assigned_to",
        ),
        (
            {"queue": "Q", "title": "T", "body": "B", "submitter_email": "not-an-address"},
            400,
            None,
        ),
    ],
)
def test_create_ticket_refusals_write_nothing(api, agent, support, fields, status, text):
    fields = {k: (support.pk if v == "Q" else v) for k, v in fields.items()}
    before = snapshot()
    with events.capture() as published:
        answer = call(api, "create_ticket", **fields)
    assert answer.status_code == status
    if text is not None:
        assert answer.content.decode() == text
    else:
        assert answer.content
    assert snapshot() == before
    assert published == []


def test_create_ticket_in_a_queue_without_create_access_is_403(api, agent):
    other = GroupFactory(name="Board")
    ensure_default_category(other)
    before = snapshot()
    answer = call(api, "create_ticket", queue=other.pk, title="T", body="B")
    assert (answer.status_code, answer.content.decode()) == (
        403,
        "Permission denied: you may not file tickets in group Board",
    )
    assert snapshot() == before


def test_hold_and_unhold(api, agent, ticket):
    assert call(api, "hold_ticket", ticket=ticket.pk).content == b"OK"
    assert Ticket.objects.get(pk=ticket.pk).on_hold is True
    assert call(api, "unhold_ticket", ticket=ticket.pk).content == b"OK"
    assert Ticket.objects.get(pk=ticket.pk).on_hold is False


def test_a_ticket_of_a_group_the_agent_cannot_see_is_404(api, agent):
    hidden = TicketFactory(group=GroupFactory(name="Board"))
    before = snapshot()
    answer = call(api, "hold_ticket", ticket=hidden.pk)
    assert (answer.status_code, answer.content) == (404, b"Invalid ticket ID")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("public", "internal"), [({"public": "y"}, False), ({"public": "n"}, True), ({}, True)]
)
def test_add_followup_public_or_private(api, agent, ticket, public, internal):
    answer = call(api, "add_followup", ticket=ticket.pk, message="On its way.", **public)
    assert (answer.status_code, answer.content) == (200, b"OK")
    added = Article.objects.filter(ticket=ticket).order_by("-pk").first()
    assert (added.body, added.internal, added.created_by_id) == ("On its way.", internal, agent.pk)
    assert Ticket.objects.get(pk=ticket.pk).article_count == 2


def test_resolve_marks_the_ticket_resolved_with_its_resolution(api, agent, ticket):
    answer = call(api, "resolve", ticket=ticket.pk, resolution="Replaced the printer.")
    assert (answer.status_code, answer.content) == (200, b"OK")
    done = Ticket.objects.get(pk=ticket.pk)
    assert (done.state.name, done.resolution) == ("resolved", "Replaced the printer.")


def test_delete_ticket_by_an_admin_agent_removes_it(api, support, ticket):
    UserFactory(login="susan", roles=["Agent", "Admin"], groups=[support])
    answer = call(api, "delete_ticket", ticket=ticket.pk, confirm="1")
    assert (answer.status_code, answer.content) == (200, b"OK")
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert not Article.objects.filter(ticket_id=ticket.pk).exists()


@pytest.mark.parametrize(
    ("method", "fields", "status", "text"),
    [
        ("delete_ticket", {"ticket": "T"}, 400, "No confirmation provided"),
        ("hold_ticket", {}, 400, "No ticket ID provided"),
        ("unhold_ticket", {"ticket": "T"}, 400, "the ticket is not on hold"),
        (
            "add_followup",
            {"ticket": "T", "message": "x", "public": "Y"},
            400,
            "Invalid 'public' flag",
        ),
        ("add_followup", {"ticket": "999999", "message": "x"}, 404, "Invalid ticket ID"),
        ("resolve", {"ticket": "T", "resolution": " "}, 400, "Blank resolution"),
        (
            "resolve",
            {"ticket": "1.5", "resolution": "x"},
            400,
            "Invalid ticket ID '1.5': a number is required",
        ),
    ],
)
def test_refused_ticket_calls_write_nothing(api, agent, ticket, method, fields, status, text):
    fields = {k: (ticket.pk if v == "T" else v) for k, v in fields.items()}
    before = snapshot()
    with events.capture() as published:
        answer = call(api, method, **fields)
    assert (answer.status_code, answer.content.decode()) == (status, text)
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    assert snapshot() == before
    assert published == []
