"""Prometheus metrics. Under ``helpline serve`` every web process writes to a shared folder
(prometheus_client's multiprocess mode) so a scrape sees the sum over all processes."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "helpline_http_requests_total",
    "HTTP requests answered, by method, route and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "helpline_http_request_duration_seconds",
    "Time spent answering HTTP requests, by method and route.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def exposition(extra_lines: list[str]) -> tuple[bytes, str]:
    """The metrics page: every process's counters plus ``extra_lines`` computed at scrape time."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    if extra_lines:
        body += ("\n".join(extra_lines) + "\n").encode()
    return body, CONTENT_TYPE_LATEST
