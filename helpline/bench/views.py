"""The floor of ``helpline bench run``: the cheapest answer the server can give through the
same middleware and settings. Routed only when ``HELPLINE_BENCH_FLOOR=1`` (see urls.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hello, world!\n", content_type="text/plain")
