"""``helpline search reindex``: rebuild the full-text index in batches."""

from __future__ import annotations

import argparse
import time
from typing import Any

from helpline.cli import CliError, database_errors, require_database, setup_django


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "search",
        help="manage the full-text search index",
        description="Manage the full-text search index.",
    )
    actions = parser.add_subparsers(dest="search_command", metavar="ACTION", required=True)
    p = actions.add_parser(
        "reindex",
        help="write every document into the search index again",
        description="Write every document (tickets, ...) into the search index again, in "
        "batches, each in its own transaction: searching keeps working meanwhile. Needed "
        "after changing HELPLINE_SEARCH_LANGUAGE or restoring a database without its index.",
    )
    p.add_argument(
        "--kind",
        action="append",
        metavar="KIND",
        help="only this kind of document, e.g. ticket (repeatable; default: all)",
    )
    p.add_argument(
        "--batch-size", type=int, default=2000, help="objects per transaction (default 2000)"
    )
    p.set_defaults(func=cmd_reindex)


def cmd_reindex(args: argparse.Namespace) -> int:
    setup_django()
    require_database()
    from tqdm import tqdm

    from helpline.lib.actor import Actor
    from helpline.search import registry
    from helpline.search.services.index import rebuild_index

    if args.batch_size < 1:
        raise CliError("--batch-size must be at least 1")
    known = [kind.name for kind in registry.kinds()]
    for name in args.kind or []:
        if name not in known:
            raise CliError(f"unknown document kind {name!r}; known kinds: {', '.join(known)}")
    bars: dict[str, Any] = {}

    def progress(kind: str, done: int, total: int) -> None:
        bar = bars.get(kind)
        if bar is None:
            bar = bars[kind] = tqdm(total=total, desc=kind, unit=" docs", unit_scale=True)
        bar.update(done - bar.n)

    started = time.monotonic()
    try:
        with database_errors():
            results = rebuild_index(
                Actor.system("cli"), kinds=args.kind, batch_size=args.batch_size, progress=progress
            )
    finally:
        for bar in bars.values():
            bar.close()
    elapsed = max(time.monotonic() - started, 1e-6)
    for result in results:
        print(
            f"Indexed {result.documents:,} {result.kind} documents in {elapsed:.1f} s "
            f"({result.documents / elapsed:,.0f}/s); removed {result.removed:,} stale entries."
        )
    return 0
