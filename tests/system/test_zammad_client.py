"""A whole session of the real Zammad client library (``zammad_py``) against a live
``helpline serve``: customer, ticket with article, search, reply, state change, tags, pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from zammad_py import ZammadAPI
from zammad_py.api import OnlineNotification

from tests.system.conftest import start_server, stop_server

pytestmark = pytest.mark.system


def test_zammad_py_session(server_env: dict[str, str], tmp_path: Path):
    server = start_server(server_env, tmp_path, "--no-worker")
    try:
        client = ZammadAPI(url=f"{server.url}/api/v1/", username="admin", password="admin-password")
        assert client.user.me()["login"] == "admin"
        group = client.group.create({"name": "Support"})
        customer = client.user.create(
            {"firstname": "Carol", "lastname": "Customer", "email": "carol@example.com"}
        )
        ticket = client.ticket.create(
            {
                "title": "Printer on fire",
                "group": "Support",
                "customer_id": customer["id"],
                "article": {
                    "subject": "fire",
                    "body": "It is burning",
                    "type": "note",
                    "internal": False,
                },
            }
        )
        assert ticket["group_id"] == group["id"]
        assert ticket["customer_id"] == customer["id"]
        assert ticket["article_count"] == 1
        assert len(ticket["article_ids"]) == 1

        found = client.ticket.search("burning")
        assert [t["id"] for t in found] == [ticket["id"]]
        assert found[0]["customer"] == "carol@example.com"
        assert client.ticket.find(ticket["id"])["title"] == "Printer on fire"

        reply = client.ticket_article.create(
            {"ticket_id": ticket["id"], "body": "We are on it", "type": "note", "internal": False}
        )
        assert (reply["sender"], reply["type"], reply["created_by"]) == ("Agent", "note", "admin")
        articles = client.ticket.articles(ticket["id"])
        assert [a["body"] for a in articles] == ["It is burning", "We are on it"]

        states = {s["name"]: s["id"] for s in client.ticket_state.all()}
        updated = client.ticket.update(ticket["id"], {"state": "open"})
        assert updated["state_id"] == states["open"]
        assert client.ticket.find(ticket["id"])["state_id"] == states["open"]

        assert client.ticket_tag.add(ticket["id"], "printer") is True
        assert client.ticket_tag.add(ticket["id"], "fire") is True
        assert client.ticket.tags(ticket["id"]) == {"tags": ["printer", "fire"]}
        assert client.ticket_tag.remove(ticket["id"], "fire") is True
        assert client.ticket.tags(ticket["id"]) == {"tags": ["printer"]}

        for n in range(4):
            client.ticket.create(
                {
                    "title": f"Paged {n}",
                    "group_id": group["id"],
                    "customer_id": customer["id"],
                    "article": {"body": f"page body {n}"},
                }
            )
        page = client.ticket.all(filters={"per_page": 2})
        seen = [t["id"] for t in page]
        while not page.is_last_page():
            page = page.next_page()
            seen.extend(t["id"] for t in page)
        assert len(seen) == 5
        assert seen == sorted(seen, reverse=True)
        assert ticket["id"] in seen

        assert OnlineNotification(client).mark_all_read() == {}
    finally:
        stop_server(server)
