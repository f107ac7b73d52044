"""``DATABASE_REPLICA_URL``: searches read the replica, everything else the primary.

The "replica" is a copy of the primary made at one moment (``CREATE DATABASE … TEMPLATE``),
so a ticket written to the primary afterwards shows what each read sees: a search (the
replica) does not find it yet, the ticket list (the primary) does, and a write made by a
process that has a replica lands on the primary.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.system

POSTGRES = os.environ.get("HELPLINE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")

MAKE = r"""
import os
from helpline.core.services.users import create_or_update_admin
from helpline.lib.actor import Actor
from helpline.testing.factories import GroupFactory
from helpline.tickets.services import create_ticket
admin = create_or_update_admin(
    Actor.system("cli"), login="admin", email="admin@example.com", password="admin-password"
).user
group = GroupFactory(name="Support")
actor = Actor.for_user(admin, via="cli")
create_ticket(actor, title=os.environ["TICKET_TITLE"], body="x", group=group)
"""

READ = r"""
from helpline.core.models import User
from helpline.lib.actor import Actor
from helpline.tickets import selectors
from helpline.tickets.services import create_ticket
actor = Actor.for_user(User.objects.get(login="admin"), via="cli")
for word in ("quokka", "wombat"):
    print("SEARCH", word, [t.title for t in selectors.search_tickets(actor, word, limit=5)])
print("LIST", sorted(t.title for t in selectors.list_tickets(actor)))
create_ticket(actor, title="Numbat written", body="x", group="Support")
"""


def shell(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "helpline", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    names = (f"hl_primary_{uuid.uuid4().hex[:8]}", f"hl_replica_{uuid.uuid4().hex[:8]}")
    yield names
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_searches_read_the_replica_and_writes_go_to_the_primary(databases, tmp_path: Path):
    primary, replica = databases
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HELPLINE_"))}
    env.pop("REDIS_URL", None)
    env.update(HELPLINE_DATA_DIR=str(tmp_path), DATABASE_URL=f"{POSTGRES}/{primary}")
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{primary}"')
    migrated = subprocess.run(
        [sys.executable, "-m", "helpline", "migrate"], env=env, capture_output=True, timeout=300
    )
    assert migrated.returncode == 0, migrated.stderr
    shell(MAKE, dict(env, TICKET_TITLE="Quokka printer"))
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{replica}" TEMPLATE "{primary}"')
    later = MAKE.replace('group = GroupFactory(name="Support")', 'group = "Support"')
    shell(later, dict(env, TICKET_TITLE="Wombat"))

    out = shell(READ, dict(env, DATABASE_REPLICA_URL=f"{POSTGRES}/{replica}")).splitlines()
    assert "SEARCH quokka ['Quokka printer']" in out
    assert "SEARCH wombat []" in out  # not on the replica yet
    assert "LIST ['Quokka printer', 'Wombat']" in out  # lists read the primary
    with psycopg.connect(f"{POSTGRES}/{primary}") as conn:
        assert conn.execute(
            "SELECT count(*) FROM tickets_ticket WHERE title = 'Numbat written'"
        ).fetchone() == (1,)
    with psycopg.connect(f"{POSTGRES}/{replica}") as conn:
        assert conn.execute(
            "SELECT count(*) FROM tickets_ticket WHERE title = 'Numbat written'"
        ).fetchone() == (0,)
    # without a replica the same search reads the primary and finds it
    plain = shell(READ.replace("create_ticket(actor", "0 and create_ticket(actor"), env)
    assert "SEARCH wombat ['Wombat']" in plain.splitlines()
