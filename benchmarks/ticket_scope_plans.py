"""Query plans of "tickets visible to U, filtered, newest first, page 1" at scale.

Makes a throwaway database (a SQLite file, or with --postgres a new database on that server,
dropped afterwards), fills it with --tickets tickets over 100 groups, 1,000 organizations and
20,000 customers, then prints for each scope the plan the database chooses and how long the
page takes. docs/ARCHITECTURE.md ("Tickets", "Query plans") shows its output at 1,000,000.

    .venv/bin/python benchmarks/ticket_scope_plans.py --tickets 1000000
    .venv/bin/python benchmarks/ticket_scope_plans.py --tickets 1000000 \\
        --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--postgres", default="", help="server URL; a new database is made on it")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="helpline-plans-"))
    os.environ["HELPLINE_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")
    dbname = ""
    if args.postgres:
        import psycopg

        dbname = f"hl_plans_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(args.postgres)._replace(path=f"/{dbname}"))
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'plans.sqlite3'}"
    try:
        run(args.tickets)
    finally:
        if dbname:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    return 0


def run(tickets: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from helpline.testing.bulk import explain, make_tickets, scope_queries
    from helpline.tickets.models import Ticket
    from helpline.tickets.selectors import LIST_RELATED

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    world = make_tickets(tickets=tickets)
    print(f"# {connection.vendor}: {tickets:,} tickets made in {time.monotonic() - started:.0f} s")
    for name, qs in scope_queries(world).items():
        list(qs)  # warm the cache: the timing is of a page served from memory
        find, load = [], []
        for _ in range(5):
            t0 = time.monotonic()
            ids = list(qs.all())
            t1 = time.monotonic()
            rows = list(Ticket.objects.filter(pk__in=ids).select_related(*LIST_RELATED))
            find.append(t1 - t0)
            load.append(time.monotonic() - t1)
        print(
            f"\n## {name}: {len(rows)} rows; best of 5: page ids {min(find) * 1000:.1f} ms, "
            f"rows {min(load) * 1000:.1f} ms\n"
        )
        print(explain(qs))


if __name__ == "__main__":
    raise SystemExit(main())
