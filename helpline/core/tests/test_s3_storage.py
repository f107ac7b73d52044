"""Attachments in an S3-compatible bucket (``HELPLINE_STORAGE_URL=s3://…``), against a real
S3 server on a loopback port (``helpline.testing.s3``): uploads land in the bucket under
their content hash, downloads through the ticket page and the API give the same bytes and
the same inert headers as the local folder, deleting removes only unshared objects, and
``helpline backup`` of an embedded install restored with the bucket configured moves every
file into it (the documented move from an embedded install to S3)."""

from __future__ import annotations

import hashlib
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from storages.backends.s3 import S3Storage

from helpline.api.tests.conftest import basic
from helpline.core.models import Attachment
from helpline.core.services import attachments
from helpline.core.services.attachments import Upload
from helpline.core.tests import test_backup
from helpline.lib import config
from helpline.lib.actor import Actor
from helpline.testing.factories import GroupFactory, TicketFactory, UserFactory
from helpline.testing.s3 import Bucket, S3Server
from helpline.tickets.models import Article
from helpline.tickets.services import create_ticket, delete_ticket

PREFIX = "helpline/files"


def key_of(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"{PREFIX}/attachments/{digest[:2]}/{digest[2:4]}/{digest}"


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bucket(s3_server: S3Server, settings) -> Bucket:
    """A new, empty bucket, configured the way an operator configures it: by its URL."""
    bucket = s3_server.new_bucket(prefix=PREFIX)
    settings.STORAGES = {**settings.STORAGES, "default": config.storage(bucket.url)}
    return bucket


@pytest.fixture
def admin(db) -> Actor:
    return Actor.for_user(UserFactory(login="filer", roles=["Admin"]))


@pytest.mark.django_db
def test_uploads_land_in_the_bucket_under_their_hash(admin, bucket, uploads_dir):
    small = b"%PDF-1.4 \x00\xff\x10 not text"
    large = bytes(range(256)) * (9 * 4096)  # 9 MiB: uploaded in parts, spooled to disk
    first = attachments.add_attachment(admin, "Widget", 1, Upload("scan.pdf", small))
    again = attachments.add_attachment(admin, "Widget", 3, Upload("copy.pdf", small))
    big = attachments.add_attachment(admin, "Widget", 1, Upload("dump.log", large))

    assert isinstance(default_storage._wrapped, S3Storage)
    assert bucket.keys() == sorted([key_of(small), key_of(large)])
    assert bucket.get(key_of(small)) == small
    assert bucket.get(key_of(large)) == large
    assert bucket.anonymous_status(key_of(small)) == 403  # private: no public ACL is set
    # Rows name the file without the bucket's prefix, as with the local folder.
    assert first.store.name == again.store.name == key_of(small).removeprefix(PREFIX + "/")
    with big.store.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == big.sha256
    assert not uploads_dir.exists() or not any(p.is_file() for p in uploads_dir.rglob("*"))


@pytest.mark.django_db
def test_files_of_a_failed_call_are_removed_from_the_bucket(admin, bucket):
    kept = attachments.add_attachment(admin, "Widget", 1, Upload("kept.txt", b"kept"))

    def fail_after_storing() -> None:
        with attachments.cleanup_files_on_error(), transaction.atomic():
            attachments.store_attachments(
                admin, "Widget", 1, [Upload("orphan.txt", b"orphan?"), Upload("k.txt", b"kept")]
            )
            raise RuntimeError("later step failed")

    with pytest.raises(RuntimeError):
        fail_after_storing()
    assert list(Attachment.objects.values_list("pk", flat=True)) == [kept.pk]
    assert bucket.keys() == [key_of(b"kept")]


@pytest.mark.django_db
def test_deleting_removes_an_object_only_when_no_attachment_shares_it(
    admin, bucket, django_capture_on_commit_callbacks
):
    kept = attachments.add_attachment(admin, "Widget", 3, Upload("shared.txt", b"same"))
    attachments.add_attachment(admin, "Widget", 1, Upload("shared.txt", b"same"))
    attachments.add_attachment(admin, "Widget", 1, Upload("own.txt", b"only"))
    assert bucket.keys() == sorted([key_of(b"same"), key_of(b"only")])
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments.delete_attachments("Widget", [1]) == 2
    assert list(Attachment.objects.values_list("pk", flat=True)) == [kept.pk]
    assert bucket.keys() == [key_of(b"same")]
    assert bucket.get(key_of(b"same")) == b"same"


@pytest.mark.django_db
def test_deleting_a_ticket_removes_its_unshared_objects(
    admin, bucket, django_capture_on_commit_callbacks
):
    group = GroupFactory(name="Support")
    customer = UserFactory(login="carol")

    def ticket(title: str, *files: Upload) -> int:
        return create_ticket(
            admin, title=title, body="x", group=group, customer=customer, attachments=list(files)
        ).pk

    doomed = ticket("Doomed", Upload("a.txt", b"shared"), Upload("b.txt", b"own"))
    survivor = ticket("Survivor", Upload("c.txt", b"shared"))
    assert bucket.keys() == sorted([key_of(b"shared"), key_of(b"own")])
    with django_capture_on_commit_callbacks(execute=True):
        delete_ticket(admin, doomed)
    assert bucket.keys() == [key_of(b"shared")]
    article = Article.objects.get(ticket_id=survivor)
    (left,) = Attachment.objects.filter(object_type="Article", object_id=article.pk)
    with left.store.open("rb") as handle:
        assert handle.read() == b"shared"


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, uploads_dir: Path) -> Bucket | None:
    """The same download tests on the local folder and on a bucket."""
    if request.param == "local":
        return None
    return request.getfixturevalue("bucket")


@pytest.mark.django_db
def test_page_upload_then_page_and_api_downloads_match_the_local_storage(client, storage):
    group = GroupFactory(name="Support")
    agent = UserFactory(login="agent1", roles=["Agent"], groups=[group])
    customer = UserFactory(login="carol")
    ticket = TicketFactory(group=group, customer=customer, description="It is on fire.")
    scan = b"%PDF-1.4 \x00\x01\xfe\xff binary"
    notes = "été\n".encode()
    client.force_login(customer)
    response = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {
            "body": "Files attached",
            "attachments": [
                SimpleUploadedFile("scan.pdf", scan, content_type="application/pdf"),
                SimpleUploadedFile("résumé.txt", notes, content_type="text/plain"),
                SimpleUploadedFile("page.html.txt", b"<script>", content_type="text/html"),
            ],
        },
    )
    assert response.status_code == 302
    article = Article.objects.filter(ticket=ticket).latest("id")
    rows = {a.filename: a for a in Attachment.objects.filter(object_id=article.pk)}
    assert sorted(rows) == ["page.html.txt", "résumé.txt", "scan.pdf"]
    if storage is not None:
        assert storage.keys() == sorted(key_of(d) for d in (scan, notes, b"<script>"))

    expected = {
        "scan.pdf": (
            scan,
            "application/pdf",
            "attachment; filename=\"scan.pdf\"; filename*=UTF-8''scan.pdf",
        ),
        "résumé.txt": (
            notes,
            "text/plain; charset=utf-8",
            "attachment; filename=\"r_sum_.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt",
        ),
        "page.html.txt": (
            b"<script>",
            "application/octet-stream",
            "attachment; filename=\"page.html.txt\"; filename*=UTF-8''page.html.txt",
        ),
    }
    client.force_login(agent)
    for name, (data, content_type, disposition) in expected.items():
        row = rows[name]
        page = client.get(f"/tickets/attachments/{row.pk}/")
        api = client.get(
            f"/api/v1/ticket_attachment/{ticket.pk}/{article.pk}/{row.pk}",
            HTTP_AUTHORIZATION=basic("agent1"),
        )
        assert (page.status_code, api.status_code) == (200, 200)
        assert b"".join(page.streaming_content) == data
        assert api.content == data
        for response in (page, api):
            assert {
                h: response[h]
                for h in (
                    "Content-Type",
                    "Content-Disposition",
                    "Content-Length",
                    "X-Content-Type-Options",
                    "Content-Security-Policy",
                    "Cache-Control",
                )
            } == {
                "Content-Type": content_type,
                "Content-Disposition": disposition,
                "Content-Length": str(len(data)),
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
                "Cache-Control": "private, no-store",
            }
    stranger = UserFactory(login="mallory")
    client.force_login(stranger)
    assert client.get(f"/tickets/attachments/{rows['scan.pdf'].pk}/").status_code == 404


# -- moving an embedded install's files into S3 --------------------------------------------


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An embedded install (SQLite, files in its data dir) with attachments, and its backup."""
    base = tmp_path_factory.mktemp("embedded")
    env = test_backup.base_env(base / "data")
    assert test_backup.run(["migrate"], env).returncode == 0
    # 11 tickets: tickets 0, 5 and 10 have a file; 0 and 10 share theirs.
    assert "SEEDED" in test_backup.shell(test_backup.SEED.replace("range(25)", "range(11)"), env)
    archive = base / "helpline.tar.gz"
    done = test_backup.run(["backup", str(archive)], env)
    assert done.returncode == 0, done.stderr
    assert " 2 files " in done.stdout
    return base / "data" / "uploads", archive


@pytest.mark.system
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_backup_restored_with_a_bucket_moves_the_files_into_it(
    embedded, s3_server, database, tmp_path
):
    uploads, archive = embedded
    local = {str(p.relative_to(uploads)): p.read_bytes() for p in uploads.rglob("*") if p.is_file()}
    assert len(local) == 2
    bucket = s3_server.new_bucket(prefix=PREFIX)
    env = test_backup.base_env(tmp_path / "data")
    env["HELPLINE_STORAGE_URL"] = bucket.url
    with _database(env, database):
        done = test_backup.run(["restore", str(archive)], env)
        assert done.returncode == 0, done.stderr
        assert "Restored " in done.stdout
        assert "secret" not in done.stdout + done.stderr

        assert bucket.keys() == sorted(f"{PREFIX}/{name}" for name in local)
        for name, data in local.items():
            assert bucket.get(f"{PREFIX}/{name}") == data
        assert not any(p.is_file() for p in (tmp_path / "data" / "uploads").rglob("*"))
        lines = test_backup.shell(test_backup.CHECK, env).splitlines()
        files = [line for line in lines if line.startswith("FILE ")]
        assert len(files) == 3
        assert all(line.endswith(" True True") for line in files)

        checked = test_backup.run(["check"], env)
        assert checked.returncode == 0, checked.stdout
        assert checked.stdout.splitlines()[-1] == "ok    storage"
        assert bucket.keys() == sorted(f"{PREFIX}/{name}" for name in local)  # probe removed

        # A backup of the S3 install reads the files back out of the bucket.
        again = tmp_path / "from-s3.tar.gz"
        done = test_backup.run(["backup", str(again)], env)
        assert done.returncode == 0, done.stderr
        with tarfile.open(again) as tar:
            stored = {
                m.name.removeprefix("files/"): tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in tar.getmembers()
                if m.name.startswith("files/")
            }
        assert stored == local


@pytest.mark.system
def test_check_reports_a_bucket_it_cannot_use(s3_server, tmp_path):
    bucket = s3_server.new_bucket()
    env = test_backup.base_env(tmp_path / "data")
    env["HELPLINE_STORAGE_URL"] = bucket.url.replace(bucket.name, "helpline-no-such-bucket")
    done = test_backup.run(["check"], env)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        "FAIL  storage: NoSuchBucket: An error occurred (NoSuchBucket) when calling the "
        "PutObject operation: The specified bucket does not exist"
    )
    assert "secret" not in done.stdout + done.stderr


@contextmanager
def _database(env: dict[str, str], kind: str) -> Iterator[dict[str, str]]:
    """The target install's embedded SQLite, or a throwaway PostgreSQL database."""
    if kind == "sqlite":
        yield env
        return
    name = f"helpline_s3_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{test_backup.POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{test_backup.POSTGRES}/{name}"
    try:
        yield env
    finally:
        with psycopg.connect(f"{test_backup.POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
