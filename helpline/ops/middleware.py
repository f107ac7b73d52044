from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from helpline.ops.metrics import LATENCY, REQUESTS


class MetricsMiddleware:
    """Counts requests and their latency per route pattern (never per raw path)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match is not None else "<unmatched>"
        route = "/" + route.lstrip("^").rstrip("$") if route != "<unmatched>" else route
        method = request.method or "GET"
        LATENCY.labels(method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(method, route, str(response.status_code)).inc()
        return response
