"""What one ticket create costs, in process, on a seeded database (``helpline bench seed``).

    HELPLINE_DATA_DIR=/path/to/seeded/data python benchmarks/create_times.py [--repeat 50]
        [--profile 25]

Posts the same body ``helpline bench run`` posts to ``POST /api/v1/tickets`` (token of the
benchmark administrator, ``bench.admin``; made here when missing), a few times to warm up,
then ``--repeat`` times. Prints the statements of one create by kind (the request's own,
then those of the jobs it queued, run here at once the way a worker would), and the median
and worst CPU time of the request thread, then of its jobs. ``--profile N`` also prints the
N functions with the most cumulative time over the measured creates (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import pstats
import statistics
import time
from collections import Counter


def _kind(sql: str) -> str:
    words = sql.split()
    verb = words[0].upper() if words else "?"
    table = ""
    for keyword in ("FROM", "INTO", "UPDATE"):
        upper = [w.upper() for w in words]
        if keyword in upper:
            index = upper.index(keyword) + 1
            if index < len(words):
                table = words[index].strip('"`')
                break
    return f"{verb} {table}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--sql", action="store_true", help="print every statement of one create")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")
    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from huey.contrib.djhuey import HUEY

    from helpline.bench.run import create_body, prepare

    def run_pending_jobs() -> None:
        while (task := HUEY.dequeue()) is not None:
            HUEY.execute(task)

    settings.ALLOWED_HOSTS = ["*"]
    fixture = prepare()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {fixture.token}")

    def create(i: int) -> None:
        body = create_body(f"Create timing {i}", fixture, i)
        response = client.post("/api/v1/tickets", json.dumps(body), content_type="application/json")
        if response.status_code not in (200, 201):
            raise SystemExit(f"create answered {response.status_code}: {response.content[:300]!r}")

    for i in range(5):
        create(i)
        run_pending_jobs()
    with CaptureQueriesContext(connection) as request_queries:
        create(5)
    with CaptureQueriesContext(connection) as job_queries:
        run_pending_jobs()
    for title, captured in (("request", request_queries), ("jobs", job_queries)):
        kinds = Counter(_kind(q["sql"]) for q in captured.captured_queries)
        print(f"{title}: {len(captured)} statements")
        for kind, count in kinds.most_common():
            print(f"  {count:3d}  {kind}")
        if args.sql:
            for query in captured.captured_queries:
                print(f"    {query['sql'][:300]}")

    profiler = cProfile.Profile() if args.profile else None
    request_times, job_times = [], []
    for i in range(args.repeat):
        started = time.thread_time()
        if profiler:
            profiler.enable()
        create(100 + i)
        if profiler:
            profiler.disable()
        request_times.append((time.thread_time() - started) * 1000)
        started = time.thread_time()
        run_pending_jobs()
        job_times.append((time.thread_time() - started) * 1000)
    print(
        f"request CPU ms: p50 {statistics.median(request_times):.1f}, "
        f"max {max(request_times):.1f}; jobs CPU ms: p50 {statistics.median(job_times):.1f}, "
        f"max {max(job_times):.1f}"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
