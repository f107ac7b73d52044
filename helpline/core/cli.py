"""``helpline users import|export FILE.json``: users in Flicket's JSON format;
``helpline backup|restore FILE``: the whole install in a portable archive.

Thin commands: they read or write the file and call
``helpline.core.services.user_transfer`` or ``helpline.core.services.backup``; the rules
live there.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from helpline.cli import CliError, database_errors, require_database, setup_django

# Rejected rows listed in full; beyond this many, only a count is printed.
MAX_LISTED = 50


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "users",
        help="import or export users (Flicket's JSON format)",
        description="Import or export users as a JSON list of objects with username, name, "
        "email and password (a bcrypt hash), the format of Flicket's export_users.",
    )
    actions = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    e = actions.add_parser(
        "export",
        help="write every active user to a JSON file",
        description="Write every active user to FILE as Flicket's export_users does. Users "
        "who have logged in since their import, or were made in Helpline, have Helpline's "
        "own password hash (argon2), which only Helpline can read back. The file holds "
        "password hashes: it is created readable by its owner only.",
    )
    e.add_argument("file", metavar="FILE.json", help="file to write, or - for standard output")
    e.add_argument("--force", action="store_true", help="replace FILE if it exists")
    e.set_defaults(func=cmd_export)

    i = actions.add_parser(
        "import",
        help="create or update users from a JSON file",
        description="Create or update users from FILE (Flicket's export_users format). Users "
        "are matched by username; running the same file again changes nothing. Bad rows are "
        "listed with their position and skipped; exits 1 when any row was rejected.",
    )
    i.add_argument("file", metavar="FILE.json", help="file to read, or - for standard input")
    i.set_defaults(func=cmd_import)

    b = subparsers.add_parser(
        "backup",
        help="write the whole install (data and files) to a portable archive",
        description="Write every row of the database and every stored file to FILE, a "
        ".tar.gz that `helpline restore` loads into an empty database of either kind "
        "(SQLite or PostgreSQL) and any file storage, with the same ids. The rows are read "
        "in one transaction; on SQLite stop the web and job processes first, or writes wait "
        "until it is done. FILE holds password hashes: it is created readable by its owner "
        "only.",
    )
    b.add_argument("file", metavar="FILE", help="archive to write, e.g. helpline.tar.gz")
    b.add_argument("--force", action="store_true", help="replace FILE if it exists")
    b.set_defaults(func=cmd_backup)

    r = subparsers.add_parser(
        "restore",
        help="load an archive made by `helpline backup` into an empty database",
        description="Apply pending migrations, then load FILE (made by `helpline backup` of "
        "the same Helpline version) into this database and file storage, and rebuild the "
        "search index. The database must be empty (new, or only migrated); a database "
        "holding data is refused and left as it was.",
    )
    r.add_argument("file", metavar="FILE", help="archive made by `helpline backup`")
    r.set_defaults(func=cmd_restore)


def cmd_export(args: argparse.Namespace) -> int:
    setup_django()
    require_database()
    from helpline.core.services.user_transfer import export_users
    from helpline.lib.actor import Actor

    target = None if args.file == "-" else Path(args.file)
    if target is not None and target.exists() and not args.force:
        raise CliError(f"{target} already exists; use --force to replace it")
    with database_errors():
        rows = export_users(Actor.system("cli"))
    text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if target is None:
        sys.stdout.write(text)
        return 0
    _write_private(target, text)
    print(f"Exported {len(rows)} users to {target}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    setup_django()
    require_database()
    from tqdm import tqdm

    from helpline.core.services.user_transfer import import_users
    from helpline.lib.actor import Actor

    rows = _read_rows(args.file)
    with (
        tqdm(total=len(rows), unit="users", desc="Importing", file=sys.stderr, disable=None) as bar,
        database_errors(),
    ):
        report = import_users(Actor.system("cli"), rows, progress=bar.update)
    print(
        f"Created {report.created}, updated {report.updated}, "
        f"skipped {report.skipped} (unchanged), rejected {len(report.rejected)}."
    )
    for rejected in report.rejected[:MAX_LISTED]:
        print(f"  rejected {rejected}")
    if len(report.rejected) > MAX_LISTED:
        print(f"  ... and {len(report.rejected) - MAX_LISTED} more rejected rows")
    return 1 if report.rejected else 0


def _read_rows(name: str) -> list[Any]:
    try:
        if name == "-":
            data = json.load(sys.stdin)
        else:
            with open(name, encoding="utf-8") as handle:
                data = json.load(handle)
    except OSError as exc:
        raise CliError(f"cannot read {name}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CliError(f"{name} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise CliError(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    if not isinstance(data, list):
        raise CliError(f"{name} must hold a JSON list of users, not a {type(data).__name__}")
    return data


def _write_private(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically, readable by its owner only (it holds hashes)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise CliError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CliError(f"cannot write {target}: {exc.strerror}") from None


class _Bars:
    """One progress bar per stage (a table, the files, the search index)."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            if not total:
                return
            bar = self.bars[stage] = tqdm(
                total=total, desc=stage, unit=self.unit, unit_scale=True, file=sys.stderr,
                disable=None, leave=False,
            )  # fmt: skip
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def cmd_backup(args: argparse.Namespace) -> int:
    setup_django()
    require_database()
    from helpline.core.services.backup import backup_install
    from helpline.lib.actor import Actor
    from helpline.lib.errors import DomainError

    target = Path(args.file)
    if target.exists() and not args.force:
        raise CliError(f"{target} already exists; use --force to replace it")
    if not target.parent.is_dir():
        raise CliError(f"cannot write {target}: {target.parent} is not a directory")
    bars = _Bars(" rows")
    try:
        with database_errors():
            report = backup_install(Actor.system("cli"), target, progress=bars, force=True)
    except DomainError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        bars.close()
    size = target.stat().st_size
    print(
        f"Backed up {sum(report.rows.values()):,} rows of {len(report.rows)} tables and "
        f"{report.files:,} files ({report.bytes / 1e6:,.1f} MB) to {target} "
        f"({size / 1e6:,.1f} MB) in {report.seconds:.1f} s."
    )
    if report.missing:
        shown = ", ".join(report.missing[:3]) + (", ..." if len(report.missing) > 3 else "")
        print(
            f"Warning: {len(report.missing):,} files named by attachments were not in the "
            f"storage and are not in the backup: {shown}",
            file=sys.stderr,
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    setup_django()
    require_database()
    from helpline.cli import apply_migrations, describe_database
    from helpline.core.services.backup import restore_install
    from helpline.lib.actor import Actor
    from helpline.lib.errors import DomainError

    source = Path(args.file)
    if not source.is_file():
        raise CliError(f"cannot read {source}: no such file")
    bars = _Bars(" rows")
    try:
        with database_errors():
            apply_migrations(verbosity=0)
            report = restore_install(Actor.system("cli"), source, progress=bars)
    except DomainError as exc:
        raise CliError(str(exc)) from None
    finally:
        bars.close()
    made = report.source
    print(
        f"Restored {sum(report.rows.values()):,} rows of {len(report.rows)} tables and "
        f"{report.files:,} files into the {describe_database()} in {report.seconds:.1f} s "
        f"(backup of Helpline {made.get('helpline')} on {made.get('database')}, "
        f"{made.get('created_at')}); indexed {report.documents:,} documents for search."
    )
    print("Users log in with their passwords as before; they were logged out.")
    return 0
