"""/tickets, /ticket_articles and /ticket_attachment through the API: exact shapes, round
trips through show, list and search, and refused input that leaves no rows behind."""

from __future__ import annotations

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.api.tests.conftest import ERROR_KEYS, Api, basic
from helpline.core.models import Attachment, Tagging, User
from helpline.search.services.index import refresh_documents
from helpline.testing.factories import ArticleFactory, TicketFactory, UserFactory
from helpline.tickets.models import Article, Ticket, TicketState

TICKET_KEYS = {
    "id", "group_id", "priority_id", "state_id", "organization_id", "number", "title",
    "owner_id", "customer_id", "note", "first_response_at", "first_response_escalation_at",
    "first_response_in_min", "first_response_diff_in_min", "close_at", "close_escalation_at",
    "close_in_min", "close_diff_in_min", "update_escalation_at", "update_in_min",
    "update_diff_in_min", "last_contact_at", "last_contact_agent_at",
    "last_contact_customer_at", "last_owner_update_at", "create_article_type_id",
    "create_article_sender_id", "article_count", "escalation_at", "pending_time", "on_hold", "type",
    "time_unit", "preferences", "updated_by_id", "created_by_id", "created_at", "updated_at",
}  # fmt: skip
TICKET_DETAIL_KEYS = TICKET_KEYS | {"article_ids", "ticket_time_accounting_ids"}
TICKET_EXPANDED_KEYS = TICKET_KEYS | {
    "group", "state", "priority", "owner", "customer", "organization", "created_by",
    "updated_by",
}  # fmt: skip
ARTICLE_KEYS = {
    "id", "ticket_id", "type_id", "sender_id", "from", "to", "cc", "subject", "reply_to",
    "message_id", "message_id_md5", "in_reply_to", "content_type", "references", "body",
    "internal", "preferences", "updated_by_id", "created_by_id", "origin_by_id", "created_at",
    "updated_at", "attachments", "type", "sender", "created_by", "updated_by",
}  # fmt: skip


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


def counts() -> tuple[int, int, int, int]:
    return (
        Ticket.objects.count(),
        Article.objects.count(),
        Attachment.objects.count(),
        User.objects.count(),
    )


def new_ticket(api: Api, **extra):
    body = {
        "title": "Help me!",
        "group": "Support",
        "customer_id": "guess:cust1@example.com",
        "article": {"subject": "some subject", "body": "I am lost", "type": "note"},
        **extra,
    }
    return api.post("/tickets", body)


def test_agent_creates_shows_lists_and_searches_a_ticket(as_agent, agent, customer, support):
    status, created = new_ticket(as_agent, priority="3 high", note="some note")
    assert status == 200, created
    assert set(created) == TICKET_DETAIL_KEYS
    ticket = Ticket.objects.get()
    article = Article.objects.get()
    assert created["id"] == ticket.pk
    assert created["number"] == ticket.number
    assert created["title"] == "Help me!"
    assert created["group_id"] == support.pk
    assert created["customer_id"] == customer.pk
    assert created["organization_id"] == customer.organization_id
    assert created["state_id"] == TicketState.objects.get(name="new").pk
    assert created["priority_id"] == ticket.priority_id
    assert ticket.priority.name == "3 high"
    assert created["note"] == "some note"
    assert created["article_count"] == 1
    assert created["article_ids"] == [article.pk]
    assert created["ticket_time_accounting_ids"] == []
    assert created["time_unit"] is None
    assert created["type"] is None
    assert created["created_by_id"] == agent.pk
    assert created["created_at"].endswith("Z")

    status, shown = as_agent.get(f"/tickets/{ticket.pk}")
    assert status == 200
    assert shown == created | {"updated_at": shown["updated_at"]}

    status, listed = as_agent.get("/tickets")
    assert status == 200
    assert [t["id"] for t in listed] == [ticket.pk]
    assert set(listed[0]) == TICKET_KEYS

    status, found = as_agent.get("/tickets/search?query=lost&limit=10")
    assert status == 200
    assert [t["id"] for t in found] == [ticket.pk]
    status, found = as_agent.get("/tickets/search?query=help%20state:new")
    assert [t["id"] for t in found] == [ticket.pk]
    status, found = as_agent.get("/tickets/search?query=state:closed")
    assert (status, found) == (200, [])
    status, found = as_agent.get(f"/tickets/search?query=number:{ticket.number}")
    assert [t["id"] for t in found] == [ticket.pk]


def test_expand_names_relations_and_tags(as_agent, agent, customer):
    status, created = new_ticket(as_agent)
    as_agent.post("/tags/add", {"object": "Ticket", "o_id": created["id"], "item": "printer"})
    status, shown = as_agent.get(f"/tickets/{created['id']}?expand=true")
    assert status == 200
    assert set(shown) == TICKET_EXPANDED_KEYS | {
        "tags",
        "article_ids",
        "ticket_time_accounting_ids",
    }
    assert shown["group"] == "Support"
    assert shown["state"] == "new"
    assert shown["priority"] == "2 normal"
    assert shown["customer"] == "cust1"
    assert shown["organization"] == "Org A"
    assert shown["owner"] is None
    assert shown["created_by"] == "agent1"
    assert shown["tags"] == ["printer"]
    status, listed = as_agent.get("/tickets?expand=true")
    assert listed[0]["tags"] == ["printer"]


def test_customer_creates_for_themselves_and_sees_no_tags(as_customer, customer, support):
    status, created = as_customer.post(
        "/tickets",
        {"title": "Broken", "group_id": support.pk, "article": {"body": "It broke"}},
    )
    assert status == 200, created
    assert created["customer_id"] == customer.pk
    article = Article.objects.get()
    assert (article.type.name, article.sender.name) == ("web", "Customer")
    status, shown = as_customer.get(f"/tickets/{created['id']}?expand=true")
    assert "tags" not in shown


def test_unknown_customer_email_is_made_by_guess(as_agent):
    status, created = new_ticket(as_agent, customer_id="guess:newbie@example.com")
    assert status == 200, created
    assert User.objects.get(pk=created["customer_id"]).email == "newbie@example.com"


def test_update_with_article_changes_fields_and_adds_it(as_agent, customer, support):
    ticket = TicketFactory(group=support, customer=customer, description="first")
    status, updated = as_agent.put(
        f"/tickets/{ticket.pk}",
        {
            "title": "Renamed",
            "state": "open",
            "article": {"body": "On it", "type": "note", "internal": True, "time_unit": "12"},
        },
    )
    assert status == 200, updated
    assert updated["title"] == "Renamed"
    assert updated["state_id"] == TicketState.objects.get(name="open").pk
    assert updated["article_count"] == 2
    assert len(updated["article_ids"]) == 2
    assert updated["time_unit"] == "12.0"
    assert Article.objects.filter(ticket=ticket, internal=True).count() == 1


def test_refused_article_in_update_leaves_the_fields(as_customer, customer, support):
    ticket = TicketFactory(group=support, customer=customer, title="Before", description="x")
    status, body = as_customer.put(
        f"/tickets/{ticket.pk}",
        {"title": "After", "article": {"body": "secret", "internal": True}},
    )
    assert status == 403
    assert body["code"] == "article.internal_forbidden"
    ticket.refresh_from_db()
    assert ticket.title == "Before"
    assert Article.objects.filter(ticket=ticket).count() == 1


def test_delete_is_for_admins(as_admin, as_agent, customer, support):
    ticket = TicketFactory(group=support, customer=customer, description="x")
    status, body = as_agent.delete(f"/tickets/{ticket.pk}")
    assert status == 403
    assert set(body) >= ERROR_KEYS
    assert as_admin.delete(f"/tickets/{ticket.pk}") == (200, {})
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert as_admin.get(f"/tickets/{ticket.pk}")[0] == 404


def test_articles_by_ticket_show_and_create(as_agent, as_customer, agent, customer, support):
    ticket = TicketFactory(group=support, customer=customer, description="It is on fire.")
    ArticleFactory(ticket=ticket, body="internal note", internal=True, created_by=agent)
    data = base64.b64encode(b"hello file").decode()
    status, created = as_agent.post(
        "/ticket_articles",
        {
            "ticket_id": ticket.pk,
            "to": "",
            "cc": "",
            "subject": "some subject",
            "body": "huhuhuu<br>huhuhuu<script>alert(1)</script>",
            "content_type": "text/html",
            "type": "note",
            "internal": False,
            "time_unit": "12",
            "attachments": [{"filename": "a.txt", "data": data, "mime-type": "text/plain"}],
        },
    )
    assert status == 200, created
    assert set(created) == ARTICLE_KEYS
    assert created["ticket_id"] == ticket.pk
    assert created["type"] == "note"
    assert created["sender"] == "Agent"
    assert created["created_by"] == "agent1"
    assert created["content_type"] == "text/html"
    assert created["body"] == "huhuhuu<br>huhuhuu"
    assert created["reply_to"] is None
    assert created["message_id_md5"] is None
    [attachment] = created["attachments"]
    assert attachment["filename"] == "a.txt"
    assert attachment["size"] == "10"
    assert attachment["preferences"]["Mime-Type"] == "text/plain"
    ticket.refresh_from_db()
    assert float(ticket.time_unit) == 12.0

    status, shown = as_agent.get(f"/ticket_articles/{created['id']}")
    assert (status, shown) == (200, created | {"updated_at": shown["updated_at"]})

    status, agent_list = as_agent.get(f"/ticket_articles/by_ticket/{ticket.pk}")
    assert status == 200
    assert [a["body"] for a in agent_list] == [
        "It is on fire.",
        "internal note",
        "huhuhuu<br>huhuhuu",
    ]
    status, customer_list = as_customer.get(f"/ticket_articles/by_ticket/{ticket.pk}")
    assert [a["internal"] for a in customer_list] == [False, False]
    internal_id = agent_list[1]["id"]
    assert as_customer.get(f"/ticket_articles/{internal_id}")[0] == 404

    url = f"/ticket_attachment/{ticket.pk}/{created['id']}/{attachment['id']}"
    response = as_agent.client.get(f"/api/v1{url}", HTTP_AUTHORIZATION=basic("agent1"))
    assert response.status_code == 200
    assert response.content == b"hello file"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    wrong = f"/api/v1/ticket_attachment/{ticket.pk + 1}/{created['id']}/{attachment['id']}"
    assert as_agent.client.get(wrong, HTTP_AUTHORIZATION=basic("agent1")).status_code == 404
    other = UserFactory(login="cust9", email="cust9@example.com")
    assert (
        as_agent.client.get(f"/api/v1{url}", HTTP_AUTHORIZATION=basic(other.login)).status_code
        == 404
    )


def test_html_attachment_is_served_inert(as_agent, customer, support):
    ticket = TicketFactory(group=support, customer=customer, description="x")
    data = base64.b64encode(b"<script>alert(1)</script>").decode()
    status, created = as_agent.post(
        "/ticket_articles",
        {
            "ticket_id": ticket.pk,
            "body": "see file",
            "attachments": [{"filename": "x.html", "data": data, "mime-type": "text/html"}],
        },
    )
    if status != 200:  # uploads.allowed_extensions may refuse .html: then nothing is stored
        assert Attachment.objects.count() == 0
        return
    att = created["attachments"][0]
    response = as_agent.client.get(
        f"/api/v1/ticket_attachment/{ticket.pk}/{created['id']}/{att['id']}",
        HTTP_AUTHORIZATION=basic("agent1"),
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (
            {
                "group": "Support",
                "customer_id": "guess:cust1@example.com",
                "article": {"body": "x"},
            },
            422,
            "ticket.title_missing",
            "title",
        ),
        (
            {"title": "x" * 1_000_001, "group": "Support", "article": {"body": "x"}},
            422,
            "request.invalid",
            "title",
        ),
        (
            {
                "title": "x" * 300_000,
                "group": "Support",
                "customer": "cust1",
                "article": {"body": "x"},
            },
            422,
            "ticket.title_too_long",
            "title",
        ),
        (
            {"title": "t", "group": "Nope", "customer": "cust1", "article": {"body": "x"}},
            422,
            "ticket.group_unknown",
            "group",
        ),
        (
            {"title": "t", "group_id": "abc", "article": {"body": "x"}},
            422,
            "request.invalid",
            "group_id",
        ),
        (
            {
                "title": "t",
                "group": "Support",
                "customer": "cust1",
                "state": "bogus",
                "article": {"body": "x"},
            },
            422,
            "ticket.state_unknown",
            "state",
        ),
        (
            {
                "title": "t",
                "group": "Support",
                "customer": "cust1",
                "article": {
                    "body": "x",
                    "attachments": [{"filename": "a.txt", "data": "***not base64***"}],
                },
            },
            422,
            "attachment.bad_base64",
            "article.attachments.0.data",
        ),
        (
            {"title": "t", "group": "Support", "customer": "cust1", "article": "text"},
            422,
            "request.invalid",
            "article",
        ),
    ],
)
def test_bad_ticket_input_is_refused_without_rows(as_agent, customer, body, status, code, field):
    before = counts()
    got_status, got = as_agent.post("/tickets", body)
    assert got_status == status, got
    assert set(got) >= ERROR_KEYS
    assert got["code"] == code
    assert got.get("field") == field
    assert counts() == before


def test_malformed_json_is_400_without_rows(as_agent, customer):
    before = counts()
    status, body = as_agent.post("/tickets", raw='{"title": "x", ')
    assert status == 400
    assert body["code"] == "request.malformed"
    assert counts() == before


def test_bad_article_input(as_agent, customer, support):
    ticket = TicketFactory(group=support, customer=customer, description="x")
    before = counts()
    status, body = as_agent.post("/ticket_articles", {"ticket_id": ticket.pk})
    assert (status, body["code"]) == (422, "article.body_missing")
    status, body = as_agent.post("/ticket_articles", {"ticket_id": 999999, "body": "x"})
    assert (status, body["code"]) == (404, "ticket.not_found")
    status, body = as_agent.post(
        "/ticket_articles",
        {"ticket_id": ticket.pk, "body": "x", "attachments": [{"filename": "a", "data": "%%"}]},
    )
    assert (status, body["code"], body["field"]) == (
        422,
        "attachment.bad_base64",
        "attachments.0.data",
    )
    status, body = as_agent.post("/ticket_articles", {"ticket_id": "x", "body": "x"})
    assert (status, body["code"]) == (422, "request.invalid")
    assert counts() == before


def test_unknown_ids_are_404(as_agent):
    assert as_agent.get("/tickets/999999")[1]["code"] == "ticket.not_found"
    assert as_agent.get("/ticket_articles/999999")[1]["code"] == "article.not_found"
    assert as_agent.get("/ticket_articles/by_ticket/999999")[0] == 404
    assert as_agent.put("/tickets/999999", {"title": "x"})[0] == 404
    assert as_agent.get("/ticket_attachment/1/2/3")[0] == 404


def test_pagination_pages_through_tickets(as_agent, customer, support):
    made = [TicketFactory(group=support, customer=customer).pk for _ in range(5)]
    pages = [as_agent.get(f"/tickets?page={p}&per_page=2")[1] for p in (1, 2, 3, 4)]
    assert [[t["id"] for t in page] for page in pages] == [
        made[::-1][0:2],
        made[::-1][2:4],
        made[::-1][4:5],
        [],
    ]
    _status, found = as_agent.get("/tickets/search?query=&limit=2&page=2")
    assert [t["id"] for t in found] == made[::-1][2:4]


def test_a_word_search_pages_through_every_match_counting_only_past_the_page(
    as_agent, customer, support, settings
):
    """The API shows no total, so a search counts its matches only as far as one past the
    page asked for (``LIMIT offset + limit + 1``), and still pages through them all. On
    SQLite the index walks its matches newest first: the rank window's statement counts the
    window (two here), and the count goes on past it only as far as one past the page."""
    settings.SEARCH_RANK_WINDOW = 2
    made = [TicketFactory(group=support, customer=customer, title=f"toner {n}") for n in range(5)]
    refresh_documents("ticket", [t.pk for t in made])
    TicketFactory(group=support, customer=customer, title="paper jam")
    pages = []
    for page in (1, 2, 3, 4):
        with CaptureQueriesContext(connection) as queries:
            _status, found = as_agent.get(f"/tickets/search?query=toner&limit=2&page={page}")
        statements = [q["sql"] for q in queries.captured_queries]
        if connection.vendor == "sqlite":
            windows = [sql for sql in statements if sql.startswith("WITH w AS (")]
            counts = [sql for sql in statements if sql.startswith("SELECT count(*) FROM (")]
            assert len(windows) == 1
            assert "LIMIT 2), n AS" in windows[0]
            assert len(counts) == 1
            assert counts[0].endswith(f"LIMIT {page * 2 + 1 - 2})")
        else:
            counts = [sql for sql in statements if "COUNT(" in sql]
            assert len(counts) == 1
            assert f"LIMIT {page * 2 + 1}" in counts[0]
        pages.append([t["id"] for t in found])
    assert [len(p) for p in pages] == [2, 2, 1, 0]
    assert sorted(pk for p in pages for pk in p) == sorted(t.pk for t in made)


def test_tag_rows_go_with_the_ticket(as_admin, customer, support):
    ticket = TicketFactory(group=support, customer=customer, description="x")
    as_admin.post("/tags/add", {"object": "Ticket", "o_id": ticket.pk, "item": "gone"})
    assert as_admin.delete(f"/tickets/{ticket.pk}")[0] == 200
    assert Tagging.objects.count() == 0


def test_update_pending_time_custom_field_and_bad_values(as_agent, customer, support):
    ticket = TicketFactory(group=support, customer=customer, description="x")
    status, updated = as_agent.put(
        f"/tickets/{ticket.pk}",
        {"state": "pending reminder", "pending_time": "2030-01-02T03:04:05Z", "custom_field": "c"},
    )
    assert status == 200, updated
    assert updated["pending_time"] == "2030-01-02T03:04:05.000Z"
    ticket.refresh_from_db()
    assert ticket.custom_field == "c"
    before = sorted(Ticket.objects.values_list("pk", "title", "state_id", "updated_at"))
    for body, code, field in [
        ({"title": ["x"]}, "request.invalid", "title"),
        ({"state_id": 999999}, "ticket.state_unknown", "state_id"),
        ({"owner_id": 999999}, None, "owner_id"),
        ({"pending_time": "soon"}, "request.invalid", "pending_time"),
        ({"title": "x" * 1_000_001}, "request.invalid", "title"),
        ({"article": {"body": "x", "attachments": [{"filename": "a", "data": "@@"}]},
          "title": "changed"}, "attachment.bad_base64", "article.attachments.0.data"),
    ]:  # fmt: skip
        status, got = as_agent.put(f"/tickets/{ticket.pk}", body)
        assert status == 422, (body, got)
        assert set(got) >= ERROR_KEYS
        if code:
            assert got["code"] == code
        assert got["field"] == field
    assert sorted(Ticket.objects.values_list("pk", "title", "state_id", "updated_at")) == before
    assert Article.objects.filter(ticket=ticket).count() == 1


def test_articles_by_ticket_page_when_asked(as_agent, as_customer, agent, customer, support):
    ticket = TicketFactory(group=support, customer=customer, description="It is on fire.")
    notes = [
        ArticleFactory(ticket=ticket, body=f"step {n}", internal=n == 1, created_by=agent)
        for n in range(5)
    ]
    everything = [a.pk for a in Article.objects.filter(ticket=ticket).order_by("id")]
    status, whole = as_agent.get(f"/ticket_articles/by_ticket/{ticket.pk}")
    assert status == 200
    assert [a["id"] for a in whole] == everything  # Zammad answers them all
    status, second = as_agent.get(f"/ticket_articles/by_ticket/{ticket.pk}?page=2&per_page=2")
    assert status == 200
    assert [a["id"] for a in second] == everything[2:4]
    status, last = as_agent.get(f"/ticket_articles/by_ticket/{ticket.pk}?page=3&per_page=2")
    assert [a["id"] for a in last] == everything[4:6]
    # a customer's pages are made of what they may see: the internal note is not counted
    public = [pk for pk in everything if pk != notes[1].pk]
    status, first = as_customer.get(f"/ticket_articles/by_ticket/{ticket.pk}?per_page=3")
    assert [a["id"] for a in first] == public[:3]
    status, body = as_agent.get(f"/ticket_articles/by_ticket/{ticket.pk}?per_page=0")
    assert status == 422, body
