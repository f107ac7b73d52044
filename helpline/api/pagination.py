"""Zammad's list parameters: ``page``/``per_page`` (or ``limit``), ``sort_by``/``order_by``.

Without ``per_page`` a list answers up to 500 objects (Zammad's index); a search answers up
to 100 unless ``limit`` or ``per_page`` says otherwise. Nobody gets more than 500 at once:
larger values are cut to 500, as Zammad does. There is no total count; clients page until an
empty page comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from helpline.api.schemas.common import ListParams, SearchParams
from helpline.lib.errors import Invalid

MAX_PER_PAGE = 500
LIST_DEFAULT = 500
SEARCH_DEFAULT = 100


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int

    def of(self, qs: QuerySet[Any] | Sequence[Any]) -> list[Any]:
        return list(qs[self.offset : self.offset + self.limit])


def page_of(params: ListParams) -> Page:
    per_page = min(params.per_page or LIST_DEFAULT, MAX_PER_PAGE)
    page = params.page or 1
    return Page(offset=(page - 1) * per_page, limit=per_page)


def search_page_of(params: SearchParams) -> Page:
    per_page = min(params.per_page or params.limit or SEARCH_DEFAULT, MAX_PER_PAGE)
    page = params.page or 1
    return Page(offset=(page - 1) * per_page, limit=per_page)


def sort_of(params: ListParams) -> Sequence[tuple[str, bool]] | None:
    """``sort_by=lastname,firstname&order_by=desc,asc`` -> ``[("lastname", True), ...]``.

    A missing direction repeats the last one given (``asc`` when none is); the fields
    themselves are checked by the selector that sorts."""
    if not params.sort_by:
        return None  # Zammad ignores order_by without sort_by
    fields = [f.strip() for f in params.sort_by.split(",") if f.strip()]
    orders = [o.strip().lower() for o in (params.order_by or "").split(",") if o.strip()]
    for order in orders:
        if order not in ("asc", "desc"):
            raise Invalid(
                f"order_by is asc or desc, not {order[:20]!r}",
                code="sort.bad_order",
                field="order_by",
            )
    if len(orders) > len(fields):
        raise Invalid(
            "order_by has more directions than sort_by has fields",
            code="sort.bad_order",
            field="order_by",
        )
    result: list[tuple[str, bool]] = []
    last = "asc"
    for index, field in enumerate(fields):
        last = orders[index] if index < len(orders) else last
        result.append((field, last == "desc"))
    return result
