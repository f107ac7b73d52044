"""Who may do what to tickets through /api/v1, as one table: personas x endpoints -> status.

Personas: an administrator, an agent of Support (the ticket's group), an agent of another
group, the ticket's customer (cust1, Org A not shared here), a customer of Org B, the Support
agent's token with ``ticket.agent`` and with only an unrelated permission, and nobody. A
refused call must leave every ticket, article, tag, state and priority as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from helpline.api.tests.conftest import Api, basic, token_for
from helpline.core.models import ObjectAttribute, OnlineNotification, Tagging
from helpline.search.services.index import refresh_documents
from helpline.testing.factories import GroupFactory, TicketFactory, UserFactory
from helpline.tickets.models import Article, Ticket, TicketPriority, TicketState

PERSONAS = (
    "admin", "agent", "outsider", "customer", "other_customer", "token_with",
    "token_without", "anonymous",
)  # fmt: skip

NEW_TICKET = {"title": "Matrix", "group": "Support", "customer": "cust1", "article": {"body": "x"}}
TAG = {"object": "Ticket", "o_id": "{ticket}", "item": "matrix"}

# (name, method, path, body, statuses in PERSONAS order)
TABLE: list[tuple[str, str, str, dict[str, Any] | None, tuple[int, ...]]] = [
    ("list tickets", "GET", "/tickets", None, (200, 200, 200, 200, 200, 200, 200, 401)),
    ("search tickets", "GET", "/tickets/search?query=fire", None,
     (200, 200, 200, 200, 200, 200, 200, 401)),
    ("show ticket", "GET", "/tickets/{ticket}", None, (200, 200, 404, 200, 404, 200, 404, 401)),
    ("create ticket", "POST", "/tickets", NEW_TICKET, (200, 200, 403, 200, 403, 200, 403, 401)),
    ("update ticket", "PUT", "/tickets/{ticket}", {"title": "Changed"},
     (200, 200, 404, 200, 404, 200, 404, 401)),
    ("update ticket agent field", "PUT", "/tickets/{ticket}", {"priority": "3 high"},
     (200, 200, 404, 403, 404, 200, 404, 401)),
    ("delete ticket", "DELETE", "/tickets/{ticket}", None,
     (200, 403, 403, 403, 403, 403, 403, 401)),
    ("articles by ticket", "GET", "/ticket_articles/by_ticket/{ticket}", None,
     (200, 200, 404, 200, 404, 200, 404, 401)),
    ("show article", "GET", "/ticket_articles/{article}", None,
     (200, 200, 404, 200, 404, 200, 404, 401)),
    ("show internal article", "GET", "/ticket_articles/{internal}", None,
     (200, 200, 404, 404, 404, 200, 404, 401)),
    ("add article", "POST", "/ticket_articles", {"ticket_id": "{ticket}", "body": "more"},
     (200, 200, 404, 200, 404, 200, 404, 401)),
    ("add internal article", "POST", "/ticket_articles",
     {"ticket_id": "{ticket}", "body": "psst", "internal": True},
     (200, 200, 404, 403, 404, 200, 404, 401)),
    ("list states", "GET", "/ticket_states", None, (200, 200, 200, 200, 200, 200, 200, 401)),
    ("create state", "POST", "/ticket_states", {"name": "m", "state_type_id": 2},
     (200, 403, 403, 403, 403, 403, 403, 401)),
    ("update priority", "PUT", "/ticket_priorities/{priority}", {"note": "n"},
     (200, 403, 403, 403, 403, 403, 403, 401)),
    ("list tags", "GET", "/tags?object=Ticket&o_id={ticket}", None,
     (200, 200, 404, 403, 404, 200, 404, 401)),
    ("add tag", "POST", "/tags/add", TAG, (200, 200, 404, 403, 404, 200, 404, 401)),
    ("tag search", "GET", "/tag_search?term=m", None, (200, 200, 200, 403, 403, 200, 403, 401)),
    ("list notifications", "GET", "/online_notifications", None,
     (200, 200, 200, 200, 200, 200, 200, 401)),
    ("mark all read", "POST", "/online_notifications/mark_all_as_read", None,
     (200, 200, 200, 200, 200, 200, 200, 401)),
    ("list attributes", "GET", "/object_manager_attributes", None,
     (200, 403, 403, 403, 403, 403, 403, 401)),
]  # fmt: skip


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


@pytest.fixture
def world(db, admin, agent, customer, customer_other_org, org_a, support):
    org_a.shared = False
    org_a.save()
    UserFactory(login="outsider", roles=["Agent"], groups=[GroupFactory(name="Elsewhere")])
    ticket = TicketFactory(
        title="Printer on fire", group=support, customer=customer, description="It is on fire."
    )
    internal = Article.objects.create(
        ticket=ticket, type_id=Article.objects.get().type_id, sender_id=1, body="internal",
        internal=True,
    )  # fmt: skip
    # Made with the ORM, not the services: bring the search index up to date by hand.
    refresh_documents("ticket", [ticket.pk])
    apis = {
        "admin": Api(basic("admin1")),
        "agent": Api(basic("agent1")),
        "outsider": Api(basic("outsider")),
        "customer": Api(basic("cust1")),
        "other_customer": Api(basic("cust3")),
        "token_with": Api("Bearer " + token_for(agent, ["ticket.agent"])),
        "token_without": Api("Bearer " + token_for(agent, ["user_preferences.password"])),
        "anonymous": Api(),
    }
    ids = {
        "ticket": ticket.pk,
        "article": Article.objects.filter(ticket=ticket, internal=False).get().pk,
        "internal": internal.pk,
        "priority": TicketPriority.objects.get(name="3 high").pk,
    }
    return apis, ids


def snapshot() -> tuple[Any, ...]:
    return (
        sorted(Ticket.objects.values_list("pk", "title", "priority_id", "updated_at")),
        sorted(Article.objects.values_list("pk", "body")),
        sorted(Tagging.objects.values_list("pk", "object_id")),
        sorted(TicketState.objects.values_list("pk", "name")),
        sorted(TicketPriority.objects.values_list("pk", "note")),
        sorted(OnlineNotification.objects.values_list("pk", "seen")),
        ObjectAttribute.objects.count(),
    )


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


CASES = [
    pytest.param(method, path, body, persona, statuses[i], id=f"{name}-{persona}")
    for name, method, path, body, statuses in TABLE
    for i, persona in enumerate(PERSONAS)
]


@pytest.mark.parametrize(("method", "path", "body", "persona", "expected"), CASES)
def test_matrix(world, method, path, body, persona, expected):
    apis, ids = world
    before = snapshot()
    status, answer = apis[persona].call(method, path.format(**ids), _fill(body, ids))
    assert status == expected, answer
    if expected >= 400:
        assert set(answer) >= {"error", "error_human", "code"}
        assert snapshot() == before
    else:
        assert answer is not None


def test_lists_show_only_what_each_persona_may_read(world):
    apis, ids = world
    seen = {p: [t["id"] for t in apis[p].get("/tickets")[1]] for p in PERSONAS[:-1]}
    assert seen == {
        "admin": [ids["ticket"]],
        "agent": [ids["ticket"]],
        "outsider": [],
        "customer": [ids["ticket"]],
        "other_customer": [],
        "token_with": [ids["ticket"]],
        "token_without": [],
    }
    found = {p: [t["id"] for t in apis[p].get("/tickets/search?query=internal")[1]]
             for p in PERSONAS[:-1]}  # fmt: skip
    assert found == {
        "admin": [ids["ticket"]],
        "agent": [ids["ticket"]],
        "outsider": [],
        "customer": [],
        "other_customer": [],
        "token_with": [ids["ticket"]],
        "token_without": [],
    }
