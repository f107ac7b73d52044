"""``helpline bench seed``: fill an empty database with a large, realistic dataset."""

from __future__ import annotations

import argparse
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
    p.set_defaults(func=cmd_seed)


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
