"""Backup and restore of a whole install, portable between databases and file storages.

A backup is a ``.tar.gz`` holding, in this order:

- ``manifest.json``: format and version, the Helpline version, the migrations applied, and
  per model its row count;
- ``data/<app>.<Model>.jsonl``: every row of every Helpline model, one JSON object a line
  (Django's ``jsonl`` serialization, primary keys included), models in dependency order
  (a model after the models it points at, cycles broken at nullable links);
- ``files/<name>``: every stored file a row names (attachments), under its storage name.

So an embedded install (SQLite, local files) moves to PostgreSQL and another storage with
the same ids, password hashes, history and ticket counter. Sessions are not kept (users log
in again), nor the job queue (the outbox is a table: mail still due is sent by the next
``flush_outbox``), nor the search index: it is rebuilt after the restore.

A restore goes into an *empty* database only: migrated to the same schema as the backup
(pending migrations are applied first) and holding no rows but those the migrations write
(roles, states, priorities, ...), which the backup's rows replace. All rows are written in
one transaction; if anything fails, nothing is kept (files written so far are removed).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as dt_time
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from helpline import __version__
from helpline.core import permissions as perms
from helpline.lib import refcache
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid

FORMAT = "helpline-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA_DIR = "data/"
FILES_DIR = "files/"
BATCH = 2000

# Apps whose tables are not copied: the search index is rebuilt from the data.
SKIPPED_APPS = frozenset({"search"})
# Tables the migrations fill on a new database (built-in roles, states, ...). A restore
# accepts them and replaces their rows with the backup's; any other row makes the database
# "not empty". A new data migration that seeds another table adds it here (the restore
# tests fail until it does).
SEEDED = frozenset(
    {
        "core.Permission",
        "core.Role",
        "core.Role_permissions",
        "core.ObjectAttribute",
        "tickets.ArticleSender",
        "tickets.ArticleType",
        "tickets.Calendar",
        "tickets.TicketCounter",
        "tickets.TicketPriority",
        "tickets.TicketState",
        "tickets.TicketStateType",
    }
)

# progress(stage, done, total): stage is a model label, "files" or "search"
Progress = Callable[[str, int, int], None]


@dataclass
class BackupReport:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    missing: list[str] = field(default_factory=list)  # named by rows, absent from the storage


@dataclass
class RestoreReport:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    documents: int = 0
    seconds: float = 0.0
    source: dict[str, Any] = field(default_factory=dict)


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | dt_time):
            return o.isoformat()
        return super().default(o)


def _quiet(stage: str, done: int, total: int) -> None:
    return None


# -- which models, in which order ----------------------------------------------------------


def backup_models() -> list[type[models.Model]]:
    """Every concrete Helpline model (m2m link tables included) in dependency order."""
    found: list[type[models.Model]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("helpline.") or config.label in SKIPPED_APPS:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                found.append(model)
    return _dependency_order(found)


def _dependency_order(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """Kahn's sort on foreign keys; a cycle is broken at a nullable key (``created_by``)."""
    chosen = set(found)

    def targets(model: type[models.Model], *, strict: bool) -> set[type[models.Model]]:
        out = set()
        for f in model._meta.concrete_fields:
            target = f.related_model if f.is_relation else None
            if target in chosen and target is not model and (strict or not f.null):
                out.add(apps.get_model(target._meta.label))  # type: ignore[union-attr]
        return out

    ordered: list[type[models.Model]] = []
    left = sorted(found, key=lambda m: m._meta.label)
    while left:
        placed = set(ordered)
        ready = [m for m in left if targets(m, strict=True) <= placed]
        if not ready:
            ready = [m for m in left if targets(m, strict=False) <= placed][:1] or left[:1]
        ordered.extend(ready)
        left = [m for m in left if m not in ready]
    return ordered


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _applied_migrations() -> dict[str, list[str]]:
    labels = {m._meta.app_label for m in backup_models()}
    applied: dict[str, list[str]] = {label: [] for label in sorted(labels)}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in applied:
            applied[app].append(name)
    return {app: sorted(names) for app, names in applied.items()}


# -- backup --------------------------------------------------------------------------------


def _rows(model: type[models.Model]) -> Iterator[list[models.Model]]:
    """The rows of ``model`` in primary-key order, in batches, without loading them all."""
    manager = model._base_manager
    last = None
    while True:
        page = manager.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        batch = list(page[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _local_field_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]


def backup_install(
    actor: Actor, target: Path, *, progress: Progress = _quiet, force: bool = False
) -> BackupReport:
    """Write every row and every stored file to ``target`` (created readable by its owner
    only: it holds password hashes and mailbox passwords). The rows are read in one
    transaction, so the archive is one consistent moment of the database."""
    perms.require(actor, perms.ADMIN)
    if target.exists() and not force:
        raise Conflict(f"{target} already exists", code="backup.exists")
    started = time.monotonic()
    report = BackupReport(path=target)
    with tempfile.TemporaryDirectory(prefix="helpline-backup-") as tmp:
        work = Path(tmp)
        stored: set[str] = set()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            migrations = _applied_migrations()
            for model in backup_models():
                label = model._meta.label
                total = model._base_manager.count()
                done = 0
                files = _file_fields(model)
                names = _local_field_names(model)
                progress(label, 0, total)
                with (work / f"{label}.jsonl").open("w", encoding="utf-8") as out:
                    for batch in _rows(model):
                        serializers.serialize(
                            "jsonl", batch, fields=names, stream=out, cls=_ExactEncoder
                        )
                        for row in batch:
                            stored.update(
                                getattr(row, f.attname).name
                                for f in files
                                if getattr(row, f.attname)
                            )
                        done += len(batch)
                        progress(label, done, total)
                report.rows[label] = done
        # A row may name a file the storage lost: it is reported, and the backup goes on.
        present: list[str] = []
        for name in sorted(stored):
            (present if default_storage.exists(name) else report.missing).append(name)
        report.files = len(present)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "helpline": __version__,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "migrations": migrations,
            "models": [{"model": label, "rows": n} for label, n in report.rows.items()],
            "files": report.files,
            "missing_files": len(report.missing),
        }
        partial = target.with_name(f".{target.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
                for label in report.rows:
                    tar.add(work / f"{label}.jsonl", arcname=f"{DATA_DIR}{label}.jsonl")
                for done, name in enumerate(present, start=1):
                    with default_storage.open(name, "rb") as handle:
                        info = tarfile.TarInfo(FILES_DIR + name)
                        info.size = default_storage.size(name)
                        info.mtime = int(time.time())
                        tar.addfile(info, handle)
                        report.bytes += info.size
                    progress("files", done, len(present))
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    report.seconds = time.monotonic() - started
    return report


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


# -- restore -------------------------------------------------------------------------------


def database_rows() -> dict[str, int]:
    """Rows in the tables a restore fills, beyond those the migrations write."""
    counts = {}
    for model in backup_models():
        if model._meta.label in SEEDED:
            continue
        n = model._base_manager.count()
        if n:
            counts[model._meta.label] = n
    return counts


def _bad_archive(message: str) -> Invalid:
    return Invalid(message, code="backup.bad_archive", field="file")


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    member = tar.next()
    if member is None or member.name != MANIFEST or not member.isfile():
        raise _bad_archive("this is not a Helpline backup (it does not start with manifest.json)")
    handle = tar.extractfile(member)
    try:
        manifest = json.loads(handle.read() if handle else b"")
    except ValueError:
        raise _bad_archive("the backup's manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad_archive("this is not a Helpline backup (unknown manifest format)")
    if manifest.get("version") != VERSION:
        raise _bad_archive(
            f"backup format version {manifest.get('version')} cannot be read by this "
            f"Helpline (it reads version {VERSION})"
        )
    return manifest


def _check_schema(manifest: dict[str, Any]) -> None:
    ours = _applied_migrations()
    theirs = manifest.get("migrations") or {}
    if ours != theirs:
        missing = sorted(
            f"{app}.{name}"
            for app, names in theirs.items()
            for name in names
            if name not in ours.get(app, [])
        )
        extra = sorted(
            f"{app}.{name}"
            for app, names in ours.items()
            for name in names
            if name not in theirs.get(app, [])
        )
        detail = (
            f"it has migrations this database lacks ({', '.join(missing[:3])})"
            if missing
            else f"this database has newer migrations ({', '.join(extra[:3])})"
        )
        raise Conflict(
            f"the backup was made by another version of Helpline ({manifest.get('helpline')}): "
            f"{detail}; restore with the version that made it, then upgrade",
            code="backup.schema_mismatch",
        )


def _insert(model: type[models.Model], objects: list[models.Model]) -> None:
    """Insert rows as they are: their ids, and ``auto_now`` dates untouched (raw insert)."""
    fields = list(model._meta.concrete_fields)
    size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    for start in range(0, len(objects), size):
        model._base_manager._insert(  # type: ignore[attr-defined]
            objects[start : start + size], fields=fields, using=DEFAULT_DB_ALIAS, raw=True
        )


def _load(
    model: type[models.Model], lines: Iterable[str], expected: int, progress: Progress
) -> int:
    label = model._meta.label
    done = 0
    batch: list[str] = []
    progress(label, 0, expected)

    def flush() -> None:
        nonlocal done
        objects = []
        for item in serializers.deserialize("jsonl", batch, ignorenonexistent=False):
            if type(item.object) is not model:
                raise _bad_archive(f"data/{label}.jsonl holds rows of another model")
            objects.append(item.object)
        _insert(model, objects)
        done += len(objects)
        batch.clear()
        progress(label, done, expected)

    for line in lines:
        if line.strip():
            batch.append(line)
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
    return done


def _safe_file_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise _bad_archive(f"the backup holds a file with an unsafe name: {name!r}")
    return str(path)


def restore_install(
    actor: Actor, source: Path, *, progress: Progress = _quiet, reindex: bool = True
) -> RestoreReport:
    """Load a backup into this (empty, migrated) database and storage; then rebuild the
    search index. Refuses a database holding data, and a backup of another schema."""
    perms.require(actor, perms.ADMIN)
    started = time.monotonic()
    report = RestoreReport()
    written: list[str] = []
    try:
        with tarfile.open(source, mode="r|gz") as archive:
            _restore_from(archive, report, written, progress)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        _remove(written)
        raise _bad_archive(f"{source} is not a readable backup: {exc}") from None
    except BaseException:
        _remove(written)
        raise
    refcache.changed()  # the rows were written in bulk: running processes read them again
    if reindex:
        from helpline.search.services.index import rebuild_index

        results = rebuild_index(actor, progress=lambda kind, d, t: progress("search", d, t))
        report.documents = sum(r.documents for r in results)
    report.seconds = time.monotonic() - started
    return report


def _stream(archive: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    handle = archive.extractfile(member)
    if handle is None:
        raise _bad_archive(f"unexpected member {member.name!r} in the backup")
    return handle


def _restore_from(
    archive: tarfile.TarFile, report: RestoreReport, written: list[str], progress: Progress
) -> None:
    manifest = _read_manifest(archive)
    report.source = {k: manifest.get(k) for k in ("helpline", "created_at", "database")}
    _check_schema(manifest)
    models_by_label = {m._meta.label: m for m in backup_models()}
    expected = {item["model"]: int(item["rows"]) for item in manifest["models"]}
    unknown = sorted(set(expected) - set(models_by_label))
    if unknown:
        raise _bad_archive(f"the backup holds unknown models: {', '.join(unknown)}")
    with transaction.atomic():
        present = database_rows()
        if present:
            listed = ", ".join(f"{label}: {n}" for label, n in list(present.items())[:4])
            raise Conflict(
                f"the database is not empty (rows in {listed}); restore only into a new, "
                "empty database",
                code="backup.database_not_empty",
            )
        for model in reversed(list(models_by_label.values())):
            model._base_manager.all()._raw_delete(DEFAULT_DB_ALIAS)
        member = archive.next()
        while member is not None and member.name.startswith(DATA_DIR):
            label = member.name[len(DATA_DIR) : -len(".jsonl")]
            found = models_by_label.get(label)
            if found is None or not member.name.endswith(".jsonl"):
                raise _bad_archive(f"unexpected member {member.name!r} in the backup")
            lines = (raw.decode("utf-8") for raw in _stream(archive, member))
            report.rows[label] = _load(found, lines, expected.get(label, 0), progress)
            member = archive.next()
        if report.rows != expected:
            raise _bad_archive("the backup is incomplete: row counts differ from its manifest")
        total_files = int(manifest.get("files") or 0)
        while member is not None:
            if not member.name.startswith(FILES_DIR) or not member.isfile():
                raise _bad_archive(f"unexpected member {member.name!r} in the backup")
            name = _safe_file_name(member.name[len(FILES_DIR) :])
            if not default_storage.exists(name):  # content-addressed: same name, same bytes
                with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
                    shutil.copyfileobj(_stream(archive, member), spool)
                    spool.seek(0)
                    saved = default_storage.save(name, File(spool, name))
                written.append(saved)
                if saved != name:
                    raise _bad_archive(f"the storage renamed {name!r} to {saved!r}")
            report.files += 1
            progress("files", report.files, total_files)
            member = archive.next()
        if report.files != total_files:
            raise _bad_archive("the backup is incomplete: stored files are missing")
        _reset_sequences(list(models_by_label.values()))


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    """Make the next id of each table follow the restored ones (SQLite does it by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
