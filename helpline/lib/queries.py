"""Query helpers shared by the selectors of several apps."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def count_up_to(rows: QuerySet[Any], limit: int | None) -> int:
    """How many ``rows`` there are, or ``limit`` when there are at least that many (the
    database stops at ``limit``: ``SELECT COUNT(*) FROM (... LIMIT n)``)."""
    if limit is None:
        return rows.count()
    return rows.order_by().values("pk")[:limit].count()
