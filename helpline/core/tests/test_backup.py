"""``helpline backup`` and ``helpline restore`` as an operator moves an install: an embedded
SQLite install is backed up, then restored into a new SQLite install and into a new
PostgreSQL database (a throwaway one, whatever ``DATABASE_URL`` the suite uses). Every row
comes across with its id, passwords still log in, attachments keep their bytes, the search
finds the tickets and the next ticket takes the next number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.system

POSTGRES = os.environ.get("HELPLINE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")

SEED = r"""
from helpline.core.services.attachments import Upload
from helpline.core.services.settings import update_setting
from helpline.core.services.users import create_or_update_admin
from helpline.lib.actor import Actor
from helpline.testing.factories import GroupFactory, UserFactory
from helpline.tickets.services import add_article, create_ticket, update_ticket

admin = create_or_update_admin(
    Actor.system("cli"), login="admin", email="admin@example.com", password="admin-password"
).user
actor = Actor.for_user(admin, via="cli")
group = GroupFactory(name="Support")
agent = UserFactory(login="agent", roles=["Agent"], groups=[group])
customer = UserFactory(login="carol", email="carol@example.com")
update_setting(actor, "site.name", "Moved Desk")
blob = "".join(f"log line {i}: \u00e9t\u00e9\n" for i in range(2000)).encode()
for n in range(25):
    data = blob if n % 10 == 0 else blob + str(n).encode()  # 0, 10 and 20 share one file
    upload = Upload(filename=f"log{n}.txt", data=data, content_type="text/plain")
    files = [upload] if n % 5 == 0 else []
    ticket = create_ticket(
        actor, title=f"Printer {n}", body=f"The printer jams, word plumbago{n}.",
        group=group, customer=customer, attachments=files,
    )
    add_article(actor, ticket.pk, body=f"Reply {n}", internal=n % 2 == 0)
    if n % 3 == 0:
        update_ticket(actor, ticket.pk, {"owner": agent.pk, "title": f"Printer {n} (owned)"})
print("SEEDED")
"""

SNAPSHOT = """
import json
from django.core import serializers
from helpline.core.services.backup import backup_models
out = {}
for model in backup_models():
    names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    rows = serializers.serialize("python", model._base_manager.order_by("pk"), fields=names)
    out[model._meta.label] = rows
print("SNAPSHOT" + json.dumps(out, sort_keys=True, default=str))
"""

CHECK = """
import hashlib
from django.core.files.storage import default_storage
from helpline.core.models import Attachment
from helpline.core.services.settings import get_setting
from helpline.core.services.users import check_credentials
from helpline.lib.actor import Actor
from helpline.tickets import selectors
from helpline.tickets.models import Ticket
from helpline.tickets.services import create_ticket

logins = [("admin", "admin-password"), ("carol", "correct horse"), ("agent", "correct horse")]
for login, password in logins:
    user = check_credentials(login, password)
    print("LOGIN", login, user is not None and user.login)
print("WRONG", check_credentials("carol", "not her password"))
for a in Attachment.objects.order_by("pk"):
    with default_storage.open(a.store.name, "rb") as handle:
        data = handle.read()
    print("FILE", a.pk, len(data) == a.size, hashlib.sha256(data).hexdigest() == a.sha256)
admin = check_credentials("admin", "admin-password")
actor = Actor.for_user(admin, via="cli")
print("FOUND", [t.title for t in selectors.search_tickets(actor, "plumbago7", limit=5, offset=0)])
print("SITE", get_setting("site.name"))
last = Ticket.objects.order_by("-pk").first()
new = create_ticket(actor, title="After the move", body="new", group="Support", customer="carol")
print("NEXT", last.pk, last.number, new.pk, new.number)
"""


def run(
    args: list[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "helpline", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def shell(code: str, env: dict[str, str]) -> str:
    done = run(["shell", "-c", code], env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def snapshot(env: dict[str, str]) -> dict[str, object]:
    line = next(x for x in shell(SNAPSHOT, env).splitlines() if x.startswith("SNAPSHOT"))
    return json.loads(line[len("SNAPSHOT") :])


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HELPLINE_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        HELPLINE_DATA_DIR=str(data_dir),
        HELPLINE_QUEUE_NAME=f"backup-{uuid.uuid4().hex[:8]}",
    )
    return env


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    """An embedded install with data, and its backup."""
    base = tmp_path_factory.mktemp("source")
    env = base_env(base / "data")
    assert run(["migrate"], env).returncode == 0
    assert "SEEDED" in shell(SEED, env)
    archive = base / "helpline.tar.gz"
    done = run(["backup", str(archive)], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Backed up ")
    assert " 3 files " in done.stdout  # 5 attachments; three with the same bytes share a file
    return env, archive


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = base_env(tmp_path / "data")
    if request.param == "sqlite":
        yield env
        return
    database = f"helpline_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    env["DATABASE_URL"] = f"{POSTGRES}/{database}"
    try:
        yield env
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_restore_brings_everything_across(source, target):
    source_env, archive = source
    done = run(["restore", str(archive)], target)
    assert done.returncode == 0, done.stderr
    assert "Restored " in done.stdout
    assert "indexed 25 documents for search" in done.stdout

    before, after = snapshot(source_env), snapshot(target)
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert len(after["tickets.Ticket"]) == 25
    assert len(after["tickets.Article"]) == 50
    assert len(after["core.Attachment"]) == 5
    assert len(after["core.HistoryEntry"]) > 25

    lines = shell(CHECK, target).splitlines()
    assert "LOGIN admin admin" in lines
    assert "LOGIN carol carol" in lines
    assert "LOGIN agent agent" in lines
    assert "WRONG None" in lines
    files = [line for line in lines if line.startswith("FILE ")]
    assert len(files) == 5
    assert all(line.endswith(" True True") for line in files)
    assert "FOUND ['Printer 7']" in lines
    assert "SITE Moved Desk" in lines
    last_pk, last_number, new_pk, new_number = next(
        line for line in lines if line.startswith("NEXT ")
    ).split()[1:]
    assert int(new_pk) == int(last_pk) + 1
    assert int(new_number) == int(last_number) + 1


def test_restore_refuses_a_database_with_data_and_changes_nothing(source, tmp_path):
    source_env, archive = source
    before = snapshot(source_env)
    done = run(["restore", str(archive)], source_env)
    assert done.returncode == 2
    assert done.stderr.startswith("helpline: error: the database is not empty (rows in ")
    assert done.stderr.rstrip().endswith("restore only into a new, empty database")
    assert "Traceback" not in done.stderr
    assert snapshot(source_env) == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    env = base_env(tmp_path / "data")
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.add(__file__, arcname="notes.txt")
    done = run(["restore", str(bogus)], env)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "helpline: error: file: this is not a Helpline backup (it does not start with "
        "manifest.json)"
    )
    plain = tmp_path / "plain.txt"
    plain.write_text("hello")
    done = run(["restore", str(plain)], env)
    assert done.returncode == 2
    assert done.stderr.startswith(f"helpline: error: file: {plain} is not a readable backup")


def test_backup_will_not_overwrite_a_file(source):
    source_env, archive = source
    done = run(["backup", str(archive)], source_env)
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"helpline: error: {archive} already exists; use --force to replace it"
    )
    assert oct(archive.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_has_help(command, tmp_path):
    done = run([command, "--help"], base_env(tmp_path))
    assert done.returncode == 0
    assert done.stdout.startswith(f"usage: helpline {command} [-h]")


def test_backup_names_files_the_storage_lost_and_goes_on(tmp_path):
    env = base_env(tmp_path / "data")
    assert run(["migrate"], env).returncode == 0
    assert "SEEDED" in shell(SEED.replace("range(25)", "range(1)"), env)
    (stored,) = [p for p in (tmp_path / "data" / "uploads").rglob("*") if p.is_file()]
    stored.unlink()
    archive = tmp_path / "lost.tar.gz"
    done = run(["backup", str(archive)], env)
    assert done.returncode == 0, done.stderr
    assert " 0 files " in done.stdout
    assert done.stderr.strip() == (
        "Warning: 1 files named by attachments were not in the storage and are not in the "
        f"backup: attachments/{stored.parent.parent.name}/{stored.parent.name}/{stored.name}"
    )
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert (manifest["files"], manifest["missing_files"]) == (0, 1)
