"""Requests per minute per access token (or, without one, per client address).

Counted in the Django cache (Redis when ``REDIS_URL`` is set), so every web process shares
the same counters. ``HELPLINE_API_RATE_LIMIT`` sets the limit; 0 turns it off.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from helpline.lib.errors import RateLimited

WINDOW = 60


def _now() -> float:
    return time.time()


class TooManyRequests(RateLimited):
    def __init__(self, limit: int, retry_after: int):
        super().__init__(
            f"rate limit of {limit} requests per minute exceeded; retry in {retry_after}s",
            code="api.rate_limited",
        )
        self.retry_after = retry_after


def bucket_for(request: HttpRequest, token: str | None) -> str:
    if token:
        return "token:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return "ip:" + str(request.META.get("REMOTE_ADDR") or "unknown")


def hit(bucket: str) -> None:
    """Count one request in ``bucket``; raise ``TooManyRequests`` past the limit."""
    limit = int(getattr(settings, "API_RATE_LIMIT", 0))
    if limit <= 0:
        return
    now = _now()
    key = f"helpline:api-rate:{bucket}:{int(now // WINDOW)}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)
        count = 1
    if count > limit:
        raise TooManyRequests(limit, WINDOW - int(now % WINDOW))
