"""Search latency on a seeded database (``helpline bench seed``).

    HELPLINE_DATA_DIR=/path/to/seeded/data python benchmarks/search_queries.py [--repeat 5]
        [--count-limit 10001]

Runs each query through ``search_tickets`` twice per round: over every ticket (an
administrator) and scoped to the groups of one agent (``group_id IN (...)``, as
``scope_tickets`` narrows it), and prints the median and worst time and the total.
The total is exact unless ``--count-limit`` stops it as the callers do (the ticket list
page counts up to ``list_count_limit``, 10,001 by default; the API's search to one past
the page).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

QUERIES = [
    "printer",
    "prin",
    "printer not working",
    '"cannot connect"',
    "vpn OR wifi",
    "outlook -crash",
    "state:open",
    "state:open priority:high",
    "printer state:closed",
    "tag:urgent",
    "created_at:[2024-01-01 TO 2024-01-31]",
    "created_at:>now-30d",
    "customer:smith",
    "laptop AND (battery OR charger) AND NOT state:closed",
    "title:monitor flickering",
    "ERR4521",
    "zzzz-no-such-word",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--limit", type=int, default=25)
    parser.add_argument("--count-limit", type=int, default=None)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")
    import django

    django.setup()
    from django.db import connection

    from helpline.core.models import GroupMembership
    from helpline.search.selectors import search_tickets
    from helpline.tickets.models import Ticket

    agent_groups = list(
        GroupMembership.objects.values_list("group_id", flat=True).order_by("user_id")[:3]
    )
    scopes = {
        "all": Ticket.objects.all(),
        f"groups {agent_groups}": Ticket.objects.filter(group_id__in=agent_groups),
    }
    print(
        f"{Ticket.objects.count():,} tickets on {connection.vendor}; limit {args.limit}; "
        f"count limit {args.count_limit or 'none'}"
    )
    print(f"{'query':58} {'scope':18} {'total':>9} {'median ms':>10} {'max ms':>8}")
    for query in QUERIES:
        for name, scoped in scopes.items():
            times, total = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                _page, total = search_tickets(
                    scoped,
                    query,
                    limit=args.limit,
                    include_internal=True,
                    count_limit=args.count_limit,
                )
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"{query:58.58} {name[:18]:18} {total:>9,} "
                f"{statistics.median(times):>10.1f} {max(times):>8.1f}"
            )


if __name__ == "__main__":
    main()
