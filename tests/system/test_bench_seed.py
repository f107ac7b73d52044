"""``helpline bench seed`` and ``helpline search reindex`` as an operator runs them."""

from __future__ import annotations

import json

import pytest

from tests.system.conftest import helpline

pytestmark = pytest.mark.system

COUNTS = """
import json
from helpline.core.models import Attachment, Group, Organization, Tag, Tagging, User
from helpline.search.models import SearchDocument
from helpline.tickets.models import Article, Ticket, TicketCategory, TicketCounter
print(json.dumps({
    "tickets": Ticket.objects.count(),
    "articles": Article.objects.count(),
    "users": User.objects.count(),
    "organizations": Organization.objects.count(),
    "groups": Group.objects.count(),
    "categories": TicketCategory.objects.count(),
    "tags": Tag.objects.count(),
    "taggings": Tagging.objects.count(),
    "attachments": Attachment.objects.count(),
    "search documents": SearchDocument.objects.count(),
    "counter": TicketCounter.objects.get(name="ticket").value,
}))
"""


def test_seed_200_tickets_then_reindex(server_env):
    result = helpline("bench", "seed", "--tickets", "200", env=server_env, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Applying ")  # a new data dir: migrations first
    assert any(line.startswith("Seeding the ") for line in lines)
    created = next(line for line in lines if line.startswith("Created "))
    reported = {
        " ".join(part.split(" ")[1:]): int(part.split(" ")[0].replace(",", ""))
        for part in created.removeprefix("Created ").rstrip(".").split(", ")
    }
    assert any(line.startswith("Tickets: 200 in ") for line in lines)
    assert "tickets/s" in result.stdout + result.stderr

    shell = helpline("shell", "-c", COUNTS, env=server_env)
    assert shell.returncode == 0, shell.stderr
    counts = json.loads(shell.stdout.strip().splitlines()[-1])
    assert {k: counts[k] for k in ("tickets", "users", "organizations", "groups")} == {
        "tickets": 200,
        "users": 50_000,
        "organizations": 5_000,
        "groups": 50,
    }
    assert counts["categories"] == 150
    assert counts["tags"] == 300
    assert counts["search documents"] == 200
    assert counts["counter"] == 200
    for name in ("articles", "taggings", "attachments", "users", "organizations", "tags"):
        assert counts[name] == reported[name], name
    assert 3 <= counts["articles"] / 200 <= 7

    again = helpline("bench", "seed", "--tickets", "200", env=server_env, timeout=120)
    assert again.returncode == 2
    assert again.stderr.strip().splitlines()[-1] == (
        "helpline: error: the database already holds 200 tickets; seed an empty database "
        "(another HELPLINE_DATA_DIR or DATABASE_URL)"
    )

    reindex = helpline("search", "reindex", env=server_env, timeout=300)
    assert reindex.returncode == 0, reindex.stderr
    assert reindex.stdout.startswith("Indexed 200 ticket documents in ")
    assert reindex.stdout.rstrip().endswith("removed 0 stale entries.")


def test_seed_help(server_env):
    result = helpline("bench", "seed", "--help", env=server_env)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: helpline bench seed")
    assert "--tickets" in result.stdout
