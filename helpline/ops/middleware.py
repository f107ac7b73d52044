from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from helpline.ops.metrics import LATENCY, REQUESTS


class MetricsMiddleware:
    """Counts requests and their latency per route pattern (never per raw path), and tells
    the client what the request cost in a ``Server-Timing`` header: ``app`` the time in
    Django, ``cpu`` the CPU time of the request's thread (with SQLite that includes the
    database's work; it does not count waiting for a busy machine's cores)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        cpu = time.thread_time()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        response["Server-Timing"] = (
            f"app;dur={elapsed * 1000:.1f}, cpu;dur={(time.thread_time() - cpu) * 1000:.1f}"
        )
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match is not None else "<unmatched>"
        route = "/" + route.lstrip("^").rstrip("$") if route != "<unmatched>" else route
        method = request.method or "GET"
        LATENCY.labels(method, route).observe(elapsed)
        REQUESTS.labels(method, route, str(response.status_code)).inc()
        return response
