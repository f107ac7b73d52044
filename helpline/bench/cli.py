"""``helpline bench seed``: fill an empty database with a large, realistic dataset."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from helpline.cli import CliError, apply_migrations, database_errors, require_database, setup_django


def _positive(value: str) -> int:
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="benchmark tools",
        description="Benchmark tools (the benchmarks themselves are in benchmarks/).",
    )
    actions = parser.add_subparsers(dest="bench_command", metavar="ACTION", required=True)
    p = actions.add_parser(
        "seed",
        help="fill an empty database with a large, realistic dataset",
        description="Apply migrations, then load a reproducible dataset into an empty "
        "database: organizations, users, groups with categories, tags, tickets with about "
        "five articles each, attachment records, and the search index. Prints progress and "
        "the rate. Never use it on a database with real data: it refuses one with tickets.",
    )
    p.add_argument(
        "--tickets", type=_positive, default=1_000_000, help="tickets (default 1,000,000)"
    )
    p.add_argument("--users", type=_positive, default=50_000, help="users (default 50,000)")
    p.add_argument(
        "--organizations", type=_positive, default=5_000, help="organizations (default 5,000)"
    )
    p.add_argument("--groups", type=_positive, default=50, help="groups (default 50)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument(
        "--batch", type=_positive, default=5_000, help="tickets per transaction (default 5,000)"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes making tickets while the database writes (default 1; 0: none)",
    )
    p.add_argument(
        "--index-connections",
        type=int,
        default=2,
        help="PostgreSQL: connections computing the search index beside the one writing "
        "rows (default 2; 0: the same connection)",
    )
    p.set_defaults(func=cmd_seed)

    p = actions.add_parser(
        "run",
        help="measure latency and throughput of a server over a seeded database",
        description="Start `helpline serve` on a free loopback port against the configured "
        "database (seed it first with `helpline bench seed`) and measure, after a warm-up, "
        "creating, listing, showing and searching tickets and the home page through the "
        "API and the pages: p50/p95/p99 latency and throughput at each concurrency, next "
        "to floors measured in the same run (a hello-world view on the same server, raw "
        "database inserts, the raw full-text query) and the server's memory. Creates a "
        "'bench.admin' administrator and adds the tickets it creates.",
    )
    p.add_argument(
        "--concurrency",
        type=_concurrency,
        default=(1, 8),
        help="client threads, comma-separated (default 1,8)",
    )
    p.add_argument(
        "--requests",
        type=_positive,
        default=200,
        help="measured requests per scenario and concurrency (default 200)",
    )
    p.add_argument(
        "--warmup", type=int, default=20, help="warm-up requests per scenario (default 20)"
    )
    p.add_argument(
        "--max-seconds",
        type=float,
        default=60.0,
        help="stop a scenario's requests after this long (default 60)",
    )
    p.add_argument(
        "--web-workers",
        type=int,
        default=0,
        help="web worker processes (default: as `helpline serve`, two per CPU core)",
    )
    p.add_argument("--common-word", default="printer", help="common search word (default printer)")
    p.add_argument("--rare-word", default="ERR4521", help="rare search word (default ERR4521)")
    p.add_argument(
        "--field-query", default="state:open", help="field:value search (default state:open)"
    )
    p.add_argument(
        "--long-articles",
        type=int,
        default=5000,
        help="articles of the long ticket shown (default 5,000; 0: none)",
    )
    p.add_argument(
        "--db-inserts",
        type=_positive,
        default=2000,
        help="rows per concurrency for the raw insert floor (default 2,000)",
    )
    p.add_argument(
        "--only",
        type=_scenario_names,
        default=(),
        metavar="NAMES",
        help="run only these scenarios, comma-separated (the floor always runs), e.g. "
        "create_api,list_api",
    )
    p.add_argument("--json", metavar="FILE", help="write the results as JSON")
    p.add_argument("--markdown", metavar="FILE", help="write the results as a markdown table")
    p.set_defaults(func=cmd_run)


def _scenario_names(value: str) -> tuple[str, ...]:
    from helpline.bench.run import SCENARIO_NAMES

    names = tuple(v.strip() for v in value.split(",") if v.strip())
    unknown = [n for n in names if n not in SCENARIO_NAMES]
    if not names or unknown:
        wrong = ", ".join(unknown) if unknown else repr(value)
        raise argparse.ArgumentTypeError(
            f"{wrong}: no such scenario; choose from {', '.join(SCENARIO_NAMES)}"
        )
    return names


def _concurrency(value: str) -> tuple[int, ...]:
    try:
        levels = tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: give whole numbers, e.g. 1,8") from None
    if not levels or any(n < 1 or n > 256 for n in levels):
        raise argparse.ArgumentTypeError(f"{value!r}: give numbers from 1 to 256, e.g. 1,8")
    return levels


def cmd_seed(args: argparse.Namespace) -> int:
    setup_django()
    require_database()
    from tqdm import tqdm

    from helpline.bench.dataset import SeedError, SeedPlan, seed
    from helpline.cli import describe_database

    plan = SeedPlan(
        tickets=args.tickets,
        users=args.users,
        organizations=args.organizations,
        groups=args.groups,
        seed=args.seed,
        batch=args.batch,
        workers=max(0, args.workers),
        index_connections=max(0, args.index_connections),
    )
    with database_errors():
        apply_migrations(verbosity=0)
    print(f"Seeding the {describe_database()} (seed {plan.seed}).", flush=True)
    bars: list[Any] = []

    def progress(n: int) -> None:
        if not bars:  # the rate counts tickets only, from their first batch
            bars.append(tqdm(total=plan.tickets, unit=" tickets", unit_scale=True, desc="tickets"))
        bars[0].update(n)

    def out(line: str) -> None:
        if bars:
            bars[0].write(line)
        else:
            print(line, flush=True)

    started = time.monotonic()
    try:
        with database_errors():
            report = seed(plan, progress=progress, out=out)
    except SeedError as exc:
        raise CliError(str(exc)) from None
    finally:
        for bar in bars:
            bar.close()
    elapsed = time.monotonic() - started
    counts = ", ".join(f"{n:,} {name}" for name, n in report.counts.items())
    print(f"Created {counts}.")
    articles = report.counts.get("articles", 0)
    tickets = report.counts.get("tickets", 0)
    rate = tickets / max(report.ticket_seconds, 1e-6)
    print(
        f"Tickets: {tickets:,} in {report.ticket_seconds:.1f} s ({rate:,.0f} tickets/s, "
        f"{articles / max(tickets, 1):.2f} articles per ticket). Total {elapsed:.1f} s."
    )
    print("Time by phase: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.phases.items()))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    setup_django()
    require_database()
    from pathlib import Path

    from django.conf import settings

    from helpline.bench.run import RunError, RunPlan, render_markdown, run
    from helpline.cli import describe_database
    from helpline.ops.health import pending_migrations

    plan = RunPlan(
        concurrency=args.concurrency,
        requests=args.requests,
        warmup=max(0, args.warmup),
        max_seconds=max(1.0, args.max_seconds),
        web_workers=max(0, args.web_workers),
        common_word=args.common_word,
        rare_word=args.rare_word,
        field_query=args.field_query,
        db_inserts=args.db_inserts,
        long_articles=max(0, args.long_articles),
        only=args.only,
    )
    with database_errors():
        if pending_migrations():
            raise CliError(
                f"the {describe_database()} is not set up (migrations pending); load a "
                "dataset first with `helpline bench seed --tickets N`"
            )
        log_dir = Path(settings.DATA_DIR) / "run"
        log_dir.mkdir(parents=True, exist_ok=True)
        try:
            report = run(plan, out=lambda line: print(line, flush=True), log_dir=log_dir)
        except RunError as exc:
            raise CliError(str(exc)) from None
    table = render_markdown(report)
    print()
    print(table, end="")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
        print(f"Wrote {args.json}.")
    if args.markdown:
        Path(args.markdown).write_text(table)
        print(f"Wrote {args.markdown}.")
    return 0
