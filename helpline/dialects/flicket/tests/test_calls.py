"""Flicket's API beyond the golden files: token lifetimes, who sees what, paging, and
refusals that write nothing."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from helpline.core.models import AccessToken, Attachment, Group, User
from helpline.core.services import tokens
from helpline.core.services.attachments import Upload
from helpline.dialects.djhelpdesk.tests import test_calls as djhelpdesk_tests
from helpline.lib import clock, events
from helpline.lib.actor import Actor
from helpline.lib.errors import PermissionDenied
from helpline.testing.factories import (
    PASSWORD,
    ArticleFactory,
    GroupFactory,
    TicketFactory,
    UserFactory,
)
from helpline.tickets import services as ticket_services
from helpline.tickets.models import Article, Ticket
from helpline.tickets.services import ensure_default_category

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[dict]]:
    """Every row, less login accounting and when a token was last used."""
    rows = djhelpdesk_tests.snapshot()
    for row in rows["core.AccessToken"]:
        row.pop("last_used_at")
    return rows


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def design() -> Group:
    group = GroupFactory(name="Design")
    ensure_default_category(group)
    return group


@pytest.fixture
def agent(design) -> User:
    return UserFactory(login="susan", roles=["Agent"], groups=[design])


@pytest.fixture
def customer() -> User:
    return UserFactory(login="jblogs", roles=["Customer"])


def basic(login: str, password: str = PASSWORD) -> dict[str, str]:
    raw = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def token_for(api: Client, login: str) -> str:
    answer = api.post("/flicket-api/tokens", headers=basic(login))
    assert answer.status_code == 200
    return answer.json()["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_stored_hashed_expires_after_an_hour_and_ends_on_delete(api, agent, monkeypatch):
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    token = token_for(api, "susan")
    row = AccessToken.objects.get(user=agent)
    assert row.kind == "session"
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.expires_at == start + timedelta(hours=1)
    assert api.get("/flicket-api/statuses/", headers=bearer(token)).status_code == 200

    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=1, seconds=1))
    late = api.get("/flicket-api/statuses/", headers=bearer(token))
    assert (late.status_code, late.json()) == (401, {"error": "Unauthorized"})

    monkeypatch.setattr(clock, "now", lambda: start)
    gone = api.delete("/flicket-api/tokens", headers=bearer(token))
    assert (gone.status_code, gone.content) == (204, b"")
    assert not AccessToken.objects.filter(user=agent).exists()
    after = api.get("/flicket-api/statuses/", headers=bearer(token))
    assert after.status_code == 401


def test_a_personal_api_token_is_not_a_flicket_token(api, agent):
    issued = tokens.create_token(
        Actor.for_user(agent), label="native", permissions=["ticket.agent"]
    )
    answer = api.get("/flicket-api/statuses/", headers=bearer(issued.plaintext))
    assert (answer.status_code, answer.json()) == (401, {"error": "Unauthorized"})


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic !!!"},
        {"Authorization": "Bearer"},
        {"Authorization": "Token abc"},
    ],
)
def test_bad_credentials_for_a_token_are_401_and_write_nothing_but_the_login_count(
    api, agent, headers
):
    before = snapshot()
    answer = api.post("/flicket-api/tokens", headers=headers)
    assert (answer.status_code, answer.json()) == (401, {"error": "Unauthorized"})
    assert snapshot() == before


def test_a_wrong_password_is_401_and_counts_a_failed_login(api, agent):
    answer = api.post("/flicket-api/tokens", headers=basic("susan", "nope"))
    assert (answer.status_code, answer.json()) == (401, {"error": "Unauthorized"})
    assert not AccessToken.objects.exists()
    assert User.objects.get(pk=agent.pk).login_failed == 1


def test_a_customer_sees_only_their_tickets(api, design, customer):
    own = TicketFactory(group=design, customer=customer, created_by=customer, description="Mine")
    other = TicketFactory(group=design, description="Not mine")
    token = token_for(api, "jblogs")
    listed = api.get("/flicket-api/tickets/", headers=bearer(token)).json()
    assert [item["id"] for item in listed["items"]] == [own.pk]
    assert listed["items"][0]["content"] == "Mine"
    hidden = api.get(f"/flicket-api/ticket/{other.pk}", headers=bearer(token))
    assert (hidden.status_code, hidden.json()) == (
        404,
        {"error": "Not Found", "message": f"no ticket {other.pk}"},
    )


def test_a_customer_files_a_ticket_for_themselves(api, design, customer):
    token = token_for(api, "jblogs")
    category = ensure_default_category(design)
    answer = api.post(
        "/flicket-api/tickets",
        data=json.dumps(
            {
                "title": "Broken chair",
                "content": "It wobbles.",
                "category_id": category.pk,
                "ticket_priority_id": 3,
            }
        ),
        content_type="application/json",
        headers=bearer(token),
    )
    assert answer.status_code == 201
    made = Ticket.objects.get(pk=answer.json()["id"])
    assert (made.customer_id, made.created_by_id, made.group_id) == (
        customer.pk,
        customer.pk,
        design.pk,
    )
    assert (made.priority.rank, made.priority.name) == (4, "3 high")
    assert answer["Location"] == f"{settings.BASE_URL}/flicket-api/ticket/{made.pk}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "the body is not valid JSON"),
        ("[1]", "the body must be a JSON object"),
        ('{"title": "t"}', "Must include title, content, category_id and ticket_priority_id."),
        (
            '{"title": "t", "content": "c", "category_id": true, "ticket_priority_id": 1}',
            "ticket_priority_id and category_id must be integers.",
        ),
        (
            '{"title": "t", "content": "c", "category_id": 999999, "ticket_priority_id": 1}',
            "not a valid category_id",
        ),
        (
            '{"title": "t", "content": "c", "category_id": "C", "ticket_priority_id": 0}',
            "ticket_priority_id and category_id must be integers.",
        ),
        (
            '{"title": 5, "content": "c", "category_id": 1, "ticket_priority_id": 1}',
            "title and content must be strings.",
        ),
    ],
)
def test_refused_ticket_creation_writes_nothing(api, agent, design, body, message):
    token = token_for(api, "susan")
    before = snapshot()
    with events.capture() as published:
        answer = api.post(
            "/flicket-api/tickets",
            data=body,
            content_type="application/json",
            headers=bearer(token),
        )
    assert (answer.status_code, answer.json()) == (
        400,
        {"error": "Bad Request", "message": message},
    )
    assert snapshot() == before
    assert published == []


def test_tickets_page_with_next_and_prev_links(api, agent, design):
    first = TicketFactory(group=design)
    second = TicketFactory(group=design)
    third = TicketFactory(group=design)
    token = token_for(api, "susan")
    page = api.get("/flicket-api/tickets/2/?per_page=1", headers=bearer(token)).json()
    base = f"{settings.BASE_URL}/flicket-api/tickets/"
    assert [item["id"] for item in page["items"]] == [second.pk]
    assert page["_meta"] == {"page": 2, "per_page": 1, "total_items": 3, "total_pages": 3}
    assert page["_links"] == {
        "self": f"{base}2/?per_page=1",
        "next": f"{base}3/?per_page=1",
        "prev": f"{base}1/?per_page=1",
    }
    capped = api.get("/flicket-api/tickets/?per_page=1000", headers=bearer(token)).json()
    assert capped["_meta"]["per_page"] == 100
    assert [item["id"] for item in capped["items"]] == [first.pk, second.pk, third.pk]
    beyond = api.get("/flicket-api/tickets/9/", headers=bearer(token)).json()
    assert (beyond["items"], beyond["_links"]["next"]) == ([], None)


def test_the_description_is_the_ticket_content_not_a_post(api, agent, design):
    ticket = TicketFactory(group=design, description="First words")
    reply = ArticleFactory(ticket=ticket, body="A reply", type="web", created_by=agent)
    token = token_for(api, "susan")
    first = Article.objects.filter(ticket=ticket).order_by("id").first()
    posts = api.get(f"/flicket-api/posts/{ticket.pk}/", headers=bearer(token)).json()
    assert [(p["id"], p["content"]) for p in posts["items"]] == [(reply.pk, "A reply")]
    assert first is not None
    assert api.get(f"/flicket-api/post/{first.pk}", headers=bearer(token)).status_code == 404


def test_only_administrators_make_departments(api, agent):
    token = token_for(api, "susan")
    before = snapshot()
    answer = api.post(
        "/flicket-api/departments",
        data='{"department": "Sales"}',
        content_type="application/json",
        headers=bearer(token),
    )
    assert answer.status_code == 403
    assert answer.json()["error"] == "Forbidden"
    assert snapshot() == before


def test_a_new_department_is_a_group_with_its_default_category(api, design):
    UserFactory(login="boss", roles=["Admin", "Agent"], groups=[design])
    token = token_for(api, "boss")
    answer = api.post(
        "/flicket-api/departments",
        data='{"department": "Sales"}',
        content_type="application/json",
        headers=bearer(token),
    )
    assert answer.status_code == 201
    group = Group.objects.get(name="Sales")
    assert answer.json()["id"] == group.pk
    assert answer["Location"].endswith(f"/flicket-api/department/{group.pk}")
    assert group.categories.filter(is_default=True).count() == 1


def test_histories_and_actions_of_a_ticket(api, agent, design):
    boss = UserFactory(login="boss", roles=["Admin", "Agent"], groups=[design])
    ticket = TicketFactory(group=design)
    token = token_for(api, "susan")
    held = Client().post(
        "/helpdesk/api/hold_ticket/", {"user": "susan", "password": PASSWORD, "ticket": ticket.pk}
    )
    assert held.status_code == 200
    susan, admin = Actor.for_user(agent), Actor.for_user(boss)
    ticket_services.claim_ticket(susan, ticket.pk)
    ticket_services.release_ticket(susan, ticket.pk)
    ticket_services.assign_ticket(admin, ticket.pk, agent.pk)
    ticket_services.close_ticket(susan, ticket.pk)

    lines = api.get(f"/flicket-api/histories/?topic_id={ticket.pk}", headers=bearer(token)).json()
    first = lines["items"][0]
    assert (first["topic_id"], first["post_id"], first["original_content"], first["user_id"]) == (
        ticket.pk,
        None,
        "false",
        agent.pk,
    )
    assert sorted(first) == [
        "date_modified",
        "id",
        "links",
        "original_content",
        "post_id",
        "topic_id",
        "user_id",
    ]
    one = api.get(f"/flicket-api/history/{first['id']}", headers=bearer(token)).json()
    assert one == first

    done = api.get(f"/flicket-api/actions/{ticket.pk}/", headers=bearer(token)).json()
    assert [(a["action"], a["data"], a["user_id"], a["recipient_id"]) for a in done["items"]] == [
        ("on_hold", {"on_hold": "true"}, agent.pk, None),
        ("claim", None, agent.pk, None),
        ("release", None, agent.pk, None),
        ("assign", None, boss.pk, agent.pk),
        ("close", None, agent.pk, None),
    ]
    bad = api.get("/flicket-api/histories/?topic_id=x", headers=bearer(token))
    assert (bad.status_code, bad.json()["message"]) == (400, "Must include a numeric topic_id.")
    hidden = TicketFactory(group=GroupFactory(name="Board"))
    assert api.get(f"/flicket-api/actions/{hidden.pk}/", headers=bearer(token)).status_code == 404


def test_flickets_close_rule_claim_first(api, agent, design, customer):
    """Flicket: only administrators, the assignee or the creator close; others claim
    first (the core service applies it; the actions show it)."""
    other = UserFactory(login="other", roles=["Agent"], groups=[design])
    ticket = TicketFactory(group=design, customer=customer, created_by=customer)
    with pytest.raises(PermissionDenied):
        ticket_services.close_ticket(Actor.for_user(other), ticket.pk)
    ticket_services.claim_ticket(Actor.for_user(other), ticket.pk)
    ticket_services.close_ticket(Actor.for_user(other), ticket.pk)
    token = token_for(api, "susan")
    topic = api.get(f"/flicket-api/ticket/{ticket.pk}", headers=bearer(token)).json()
    assert (topic["status_id"], topic["assigned_id"]) == (2, other.pk)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/flicket-api/tickets"),
        ("post", "/flicket-api/ticket/1"),
        ("get", "/flicket-api/tokens"),
    ],
)
def test_other_methods_are_405(api, agent, method, path):
    answer = getattr(api, method)(path)
    assert answer.status_code == 405
    assert answer.json()["error"] == "Method Not Allowed"


@pytest.fixture
def uploads_dir(settings, tmp_path):
    """Stored files of each test go to its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


def test_uploads_of_the_topic_and_of_posts(api, agent, design, customer, uploads_dir):
    actor = Actor.for_user(agent)
    made = ticket_services.create_ticket(
        actor,
        title="Photos",
        body="See the photo.",
        group=design.pk,
        customer=customer.pk,
        attachments=[Upload("photos-1.jpg", b"\xff\xd8jpeg", "image/jpeg")],
    )
    reply = ticket_services.add_article(
        actor, made.pk, body="Another", attachments=[Upload("b.txt", b"b", "text/plain")]
    )
    ticket_services.add_article(
        actor, made.pk, body="Internal", internal=True, attachments=[Upload("c.txt", b"c")]
    )
    first, second, third = Attachment.objects.order_by("id")
    token = token_for(api, "susan")
    shown = api.get(f"/flicket-api/upload/{first.pk}", headers=bearer(token)).json()
    assert (shown["original_filename"], shown["topic_id"], shown["post_id"]) == (
        "photos-1.jpg",
        made.pk,
        None,
    )
    assert sorted(shown) == [
        "filename",
        "id",
        "image",
        "links",
        "original_filename",
        "post_id",
        "topic_id",
    ]
    assert sorted(shown["links"]) == ["post", "self", "ticket", "uploads"]
    assert shown["links"]["ticket"].endswith(f"/flicket-api/ticket/{made.pk}")
    assert shown["links"]["post"] is None
    listed = api.get("/flicket-api/uploads/", headers=bearer(token)).json()
    assert [(u["id"], u["post_id"]) for u in listed["items"]] == [
        (first.pk, None),
        (second.pk, reply.pk),
        (third.pk, third.object_id),
    ]
    customer_token = token_for(api, "jblogs")
    theirs = api.get("/flicket-api/uploads/", headers=bearer(customer_token)).json()
    assert [u["id"] for u in theirs["items"]] == [first.pk, second.pk]
    hidden = api.get(f"/flicket-api/upload/{third.pk}", headers=bearer(customer_token))
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    ("login", "body", "status", "message"),
    [
        ("susan", '{"category": "Printers", "department_id": "D"}', 403, None),
        (
            "boss",
            '{"category": "Printers", "department_id": 999999}',
            400,
            "not a valid department_id",
        ),
        ("boss", '{"category": "Printers", "department_id": "1"}', 400, None),
        ("boss", '{"category": "  ", "department_id": "D"}', 400, None),
    ],
)
def test_refused_category_creation_writes_nothing(api, agent, design, login, body, status, message):
    UserFactory(login="boss", roles=["Admin", "Agent"], groups=[design])
    token = token_for(api, login)
    before = snapshot()
    answer = api.post(
        "/flicket-api/categories",
        data=body.replace('"D"', str(design.pk)),
        content_type="application/json",
        headers=bearer(token),
    )
    assert answer.status_code == status
    if message is not None:
        assert answer.json()["message"] == message
    assert snapshot() == before
