"""Searching: a query applied inside a queryset the caller has already scoped.

The caller narrows the queryset to what the actor may see (``scope_tickets``); the search
adds its conditions to that same SQL (``pk IN`` the index, or a join on it), so a page is
always a page of visible results and the total counts only visible results.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from helpline.lib.clock import now
from helpline.lib.dbrouter import search_alias
from helpline.lib.errors import Invalid
from helpline.lib.queries import count_up_to
from helpline.search import compile as compiler
from helpline.search import registry
from helpline.search.backends import Backend, Walking, backend
from helpline.search.query import parse

M = TypeVar("M", bound=models.Model)

MAX_LIMIT = 1000


def search_documents(
    kind: str,
    scoped: QuerySet[M],
    query: str,
    *,
    limit: int,
    offset: int = 0,
    include_internal: bool = False,
    count_limit: int | None = None,
) -> tuple[list[M], int]:
    """One page of ``scoped`` matching ``query``, best first, and how many match in all
    (with ``count_limit``, at most that many: a page that says "more than" need not count
    every match of a common word).

    Results are ordered by relevance (words in the title count most), then newest first;
    a query without words orders by newest. Each result gets ``search_score`` (``None``
    without words). ``include_internal`` lets words match internal notes: pass it only for
    actors who may read them. Raises ``Invalid(code="search.syntax", field="query")``.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be 1 to {MAX_LIMIT}", code="search.limit", field="limit")
    if offset < 0:
        raise Invalid("offset cannot be negative", code="search.offset", field="offset")
    scoped = scoped.using(search_alias())  # a read replica when configured
    spec = registry.get(kind)
    engine = backend()
    node = parse(query, spec.field_types, spec.aliases)
    plan = compiler.plan(node, spec, engine, internal=include_internal, moment=now())
    filtered = scoped.filter(plan.filter)
    window = settings.SEARCH_RANK_WINDOW
    if _walks_newest(engine, spec, plan):
        ranked, total = _walked_ids(
            kind,
            filtered,
            plan,
            window=window,
            limit=limit,
            offset=offset,
            include_internal=include_internal,
            count_limit=count_limit,
        )
        return _page(scoped, ranked), total
    if plan.required is not None:
        counted = filtered.filter(pk__in=engine.matching(kind, plan.required, include_internal))
    else:
        counted = filtered
    with engine.counting(scoped.db):
        total = count_up_to(counted, count_limit)
    if total == 0 or offset >= total:
        return [], total
    if plan.rank is None:
        # The page's ids first, off the ordering index: with the caller's joins in the same
        # statement SQLite drove it from the smallest joined table and sorted every match.
        ids = list(
            counted.order_by(*spec.newest).values_list("pk", flat=True)[offset : offset + limit]
        )
        rows = {obj.pk: obj for obj in scoped.filter(pk__in=ids)}
        page = [rows[pk] for pk in ids if pk in rows]
        for item in page:
            item.search_score = None  # type: ignore[attr-defined]
        return page, total
    if plan.required is not None:  # the window holds every match when there are fewer
        ranked = _windowed_ids(
            kind,
            counted,
            plan,
            spec.newest,
            window=window,
            limit=limit,
            offset=offset,
            include_internal=include_internal,
        )
    else:
        ranked = _ranked_ids(
            kind,
            filtered if plan.required is not None else counted,
            plan,
            spec.newest,
            limit=limit,
            offset=offset,
            include_internal=include_internal,
        )
    return _page(scoped, ranked), total


def _page(scoped: QuerySet[M], ranked: list[tuple[Any, float | None]]) -> list[M]:
    """The objects of ``ranked`` (ids and scores) in its order, each with its score."""
    if not ranked:
        return []
    by_id: dict[Any, M] = {obj.pk: obj for obj in scoped.filter(pk__in=[pk for pk, _ in ranked])}
    page = []
    for pk, score in ranked:
        obj = by_id.get(pk)
        if obj is not None:
            obj.search_score = score  # type: ignore[attr-defined]
            page.append(obj)
    return page


def matching_documents(
    kind: str, scoped: QuerySet[M], query: str, *, include_internal: bool = False
) -> QuerySet[M]:
    """``scoped`` narrowed to what matches ``query``, unranked and unordered: for callers
    that sort by something else (a list sorted by date, an export). Raises
    ``Invalid(code="search.syntax", field="query")`` as ``search_documents`` does."""
    spec = registry.get(kind)
    engine = backend()
    plan = compiler.plan(
        parse(query, spec.field_types, spec.aliases),
        spec,
        engine,
        internal=include_internal,
        moment=now(),
    )
    filtered = scoped.filter(plan.filter)
    if plan.required is not None:
        filtered = filtered.filter(pk__in=engine.matching(kind, plan.required, include_internal))
    return filtered


def _walks_newest(engine: Backend, spec: registry.DocumentKind, plan: compiler.Plan) -> bool:
    """Whether the index itself can give this query's matches newest first: required words
    that are also what it ranks by, a kind whose newest-first order is its id order (which
    the document ids follow), and an index that reads its matches in id order."""
    return (
        isinstance(engine, Walking)
        and plan.required is not None
        and plan.rank == plan.required
        and spec.newest in (("-id",), ("-pk",))
    )


def _walked_ids(
    kind: str,
    filtered: QuerySet[M],
    plan: compiler.Plan,
    *,
    window: int,
    limit: int,
    offset: int,
    include_internal: bool,
    count_limit: int | None,
) -> tuple[list[tuple[Any, float | None]], int]:
    """``_windowed_ids`` and the count, with the index walking its matches newest first.

    Each match the walk meets is checked against ``filtered`` (the scope and the field
    terms, a correlated ``EXISTS`` on the object's primary key) and the walk stops once it
    has the window: a common word no longer has every match listed for ``pk IN``, then
    sorted. One statement scores the window, sorts its page and tells how many the window
    holds; the count goes on past the window only when the window is full and the caller
    wants more than that (``count_limit``), starting where the window ended.
    """
    engine = backend()
    required = plan.required
    if required is None or not isinstance(engine, Walking):
        raise ValueError("not a query the index can walk")
    scope = filtered.filter(pk=RawSQL(engine.walked_object, [])).order_by().values("pk")  # noqa: S611 (a constant)
    try:
        scope_sql, scope_params = scope.query.sql_with_params()
    except EmptyResultSet:
        return [], 0

    def walk(*, scored: bool, before: int | None = None) -> tuple[str, list[Any]]:
        return engine.newest_matches(
            kind,
            required,
            include_internal,
            where=f"EXISTS ({scope_sql})",
            params=scope_params,
            scored=scored,
            before=before,
        )

    ranks_page = offset < window
    walked_sql, walked_params = walk(scored=ranks_page)
    sql = (
        f"WITH w AS ({walked_sql} LIMIT %s), "  # noqa: S608 (backend SQL and constants)
        "n AS (SELECT count(*) AS n, min(object_id) AS last FROM w) "
        "SELECT n.n, n.last, p.object_id, p.score FROM n LEFT JOIN (SELECT object_id, score "
        "FROM w ORDER BY score DESC, object_id DESC LIMIT %s OFFSET %s) p ON 1 "
        "ORDER BY p.score DESC, p.object_id DESC"
    )
    take = [limit, offset] if ranks_page else [0, 0]
    with connections[filtered.db].cursor() as cursor:
        cursor.execute(sql, [*walked_params, window, *take])
        rows = cursor.fetchall()
        in_window, last = rows[0][0], rows[0][1]
        found: list[tuple[Any, float | None]] = [(r[2], r[3]) for r in rows if r[2] is not None]
        total = in_window
        full = in_window == window
        if full and (count_limit is None or count_limit > window):
            rest_sql, rest_params = walk(scored=False, before=last)
            rest = -1 if count_limit is None else count_limit - window  # -1: no limit
            cursor.execute(
                f"SELECT count(*) FROM ({rest_sql} LIMIT %s)",  # noqa: S608 (backend SQL)
                [*rest_params, rest],
            )
            total += cursor.fetchone()[0]
        elif full and count_limit is not None:
            total = count_limit
        if count_limit is not None:
            total = min(total, count_limit)
        if offset >= total:
            return [], total
        if full and offset + limit > window:
            start = max(offset, window)
            older_sql, older_params = walk(scored=False, before=last)
            cursor.execute(
                f"{older_sql} LIMIT %s OFFSET %s",
                [*older_params, offset + limit - start, start - window],
            )
            found += [(row[0], None) for row in cursor.fetchall()]
    return found, total


def _windowed_ids(
    kind: str,
    counted: QuerySet[M],
    plan: compiler.Plan,
    newest: tuple[str, ...],
    *,
    window: int,
    limit: int,
    offset: int,
    include_internal: bool,
) -> list[tuple[Any, float | None]]:
    """One page of a query matching more than ``window`` objects: the newest ``window``
    matches ranked, then the older ones newest first (unscored). Every match is on exactly
    one page; a common word costs ``window`` scores instead of one per match."""
    found: list[tuple[Any, float | None]] = []
    if offset < window:
        top = min(offset + limit, window)
        found = _ranked_ids(
            kind,
            counted,
            plan,
            newest,
            limit=top - offset,
            offset=offset,
            include_internal=include_internal,
            window=window,
        )
    if offset + limit > window:
        start = max(offset, window)
        older = counted.order_by(*newest).values_list("pk", flat=True)
        found += [(pk, None) for pk in older[start : offset + limit]]
    return found


def _ranked_ids(
    kind: str,
    base: QuerySet[M],
    plan: compiler.Plan,
    newest: tuple[str, ...],
    *,
    limit: int,
    offset: int,
    include_internal: bool,
    window: int = 0,
) -> list[tuple[Any, float | None]]:
    """Ids and scores of one page: the scoped, filtered rows joined with the index's
    scores in one statement (an inner join when the ranked words are required). With
    ``window``, ``base`` (which then already holds only matches) is cut to its newest
    ``window`` rows first and only those are scored."""
    if plan.rank is None:
        raise ValueError("nothing to rank by")
    engine = backend()
    order_columns = {f"hl_o{i}": F(name.lstrip("-")) for i, name in enumerate(newest)}
    rows = base.order_by(*newest) if window else base.order_by()
    rows = rows.annotate(hl_id=F("pk"), **order_columns).values("hl_id", *order_columns)
    if window:
        rows = rows[:window]
    try:
        inner_sql, inner_params = rows.query.sql_with_params()
    except EmptyResultSet:
        return []
    within = "SELECT hl_id FROM t" if window else ""
    score_sql, score_params = engine.scored(kind, plan.rank, include_internal, within=within)
    join = "JOIN" if plan.required is not None else "LEFT JOIN"
    ties = ", ".join(
        f"t.{alias} {'DESC' if name.startswith('-') else 'ASC'}"
        for alias, name in zip(order_columns, newest, strict=True)
    )
    sql = (
        f"WITH t AS ({inner_sql}) SELECT t.hl_id, m.score FROM t "  # noqa: S608 (ORM SQL and constants)
        f"{join} ({score_sql}) m ON m.object_id = t.hl_id "
        f"ORDER BY m.score DESC NULLS LAST, {ties} LIMIT %s OFFSET %s"
    )
    with connections[base.db].cursor() as cursor:
        params: list[Any] = [*inner_params, *score_params, limit, offset]
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def search_tickets(
    scoped: QuerySet[M],
    query: str,
    *,
    limit: int,
    offset: int = 0,
    include_internal: bool = False,
    count_limit: int | None = None,
) -> tuple[list[M], int]:
    """Tickets of ``scoped`` (already limited by ``scope_tickets``) matching ``query``.

    Pass ``include_internal=True`` for agents (internal notes are searched too).
    """
    return search_documents(
        "ticket",
        scoped,
        query,
        limit=limit,
        offset=offset,
        include_internal=include_internal,
        count_limit=count_limit,
    )


def matching_tickets(
    scoped: QuerySet[M], query: str, *, include_internal: bool = False
) -> QuerySet[M]:
    """Tickets of ``scoped`` matching ``query``, unranked (see ``matching_documents``)."""
    return matching_documents("ticket", scoped, query, include_internal=include_internal)
