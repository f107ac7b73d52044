"""PostgreSQL: a weighted tsvector per document in ``search_searchdocument.vector``.

Every column is indexed twice: with the configured language (stemmed, stop words
dropped: "printers" finds "printer") and with ``simple`` (every word as written, so
numbers, codes, names and even stop words such as "what" are found). Weights: A title;
B codes, tags and people; C body; D internal notes. A customer's query is restricted to
weights A-C, so internal notes never match for them. Every word reaches PostgreSQL as a
bound parameter inside a quoted tsquery lexeme.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import BooleanField, F, Func, QuerySet
from django.db.models.expressions import RawSQL

from helpline.lib.clock import now
from helpline.search import registry
from helpline.search.backends.base import AllOf, AnyOf, Leaf, TextExpr, Without, positive
from helpline.search.models import SearchDocument
from helpline.search.registry import Document

CHUNK = 200
# ts_rank weights for D, C, B, A. No length normalization: repeated words already count
# less and less (ts_rank sums 1/n²), and long threads are not punished for being long.
RANK = "ts_rank('{0.05, 0.2, 0.4, 1.0}', d.vector, %s)"
WEIGHT = {"title": "A", "codes": "B", "tags": "B", "people": "B", "body": "C", "internal": "D"}


def _vector(column: str, weight: str) -> str:
    return (
        f"setweight(to_tsvector(%(lang)s::regconfig, v.{column}) "
        f"|| to_tsvector('simple', v.{column}), '{weight}')"
    )


_VECTOR = " || ".join(
    [_vector("a", "A"), _vector("b", "B"), _vector("c", "C"), _vector("d", "D")]
).replace("%(lang)s", "%s")


def _lexeme(leaf: Leaf, internal: bool) -> str:
    text = "'" + leaf.text.replace("\\", "\\\\").replace("'", "''") + "'"
    weights = ""
    if leaf.column:
        weights = WEIGHT[leaf.column]
    elif not internal:
        weights = "ABC"
    star = "*" if leaf.prefix and not leaf.phrase else ""
    if star or weights:
        text += ":" + star + weights
    return text


def tsquery(expr: TextExpr, internal: bool) -> tuple[str, list[object]]:
    """SQL for the tsquery of ``expr`` and its parameters."""
    if isinstance(expr, Leaf):
        lexeme = _lexeme(expr, internal)
        sql = "(to_tsquery(%s::regconfig, %s) || to_tsquery('simple', %s))"
        return sql, [settings.SEARCH_LANGUAGE, lexeme, lexeme]
    if isinstance(expr, AllOf | AnyOf):
        parts = [tsquery(item, internal) for item in expr.items]
        joiner = " && " if isinstance(expr, AllOf) else " || "
        return (
            "(" + joiner.join(sql for sql, _ in parts) + ")",
            [p for _, params in parts for p in params],
        )
    if isinstance(expr, Without):
        keep, keep_params = tsquery(expr.keep, internal)
        drop, drop_params = tsquery(expr.drop, internal)
        return f"({keep} && !!{drop})", [*keep_params, *drop_params]
    raise TypeError(expr)


class PostgresBackend:
    vendor = "postgresql"

    def write(self, kind: str, documents: Sequence[Document]) -> None:
        if not documents:
            return
        stamp = now()
        lang = settings.SEARCH_LANGUAGE
        vector_params = [lang] * 4
        spec = registry.get(kind)
        documents = list({d.object_id: d for d in documents}.values())
        with connection.cursor() as cursor:
            for start in range(0, len(documents), CHUNK):
                chunk = documents[start : start + CHUNK]
                values = ", ".join(["(%s::bigint, %s::bigint, %s, %s, %s, %s)"] * len(chunk))
                params: list[Any] = [kind, stamp, *vector_params]
                for d in chunk:
                    params += [
                        spec.document_id(d.object_id),
                        d.object_id,
                        d.title,
                        f"{d.codes}\n{d.tags}\n{d.people}",
                        d.body,
                        d.internal,
                    ]
                # Parameters of the SELECT list come before those of the VALUES list.
                cursor.execute(
                    "INSERT INTO search_searchdocument (id, kind, object_id, indexed_at, vector) "  # noqa: S608 (constants)
                    f"SELECT v.id, %s, v.oid, %s, {_VECTOR} "
                    f"FROM (VALUES {values}) AS v(id, oid, a, b, c, d) "
                    "ON CONFLICT (id) DO UPDATE "
                    "SET vector = EXCLUDED.vector, indexed_at = EXCLUDED.indexed_at",
                    params,
                )

    def delete(self, kind: str, object_ids: Sequence[int]) -> int:
        deleted, _ = SearchDocument.objects.filter(kind=kind, object_id__in=object_ids).delete()
        return deleted

    def matching(self, kind: str, expr: TextExpr, internal: bool) -> QuerySet:
        sql, params = tsquery(expr, internal)
        matches = Func(
            F("vector"),
            RawSQL(sql, params),  # noqa: S611 (words are parameters)
            arg_joiner=" @@ ",
            template="(%(expressions)s)",
            output_field=BooleanField(),
        )
        return SearchDocument.objects.filter(matches, kind=kind).values("object_id")

    def scored(
        self, kind: str, expr: TextExpr, internal: bool, *, within: str = ""
    ) -> tuple[str, list[object]]:
        sql, params = tsquery(expr, internal)
        rank_sql, rank_params = tsquery(positive(expr), internal)
        # OFFSET 0 fences the match off: PostgreSQL finds it through the GIN index first,
        # instead of scanning every document in rank order. With ``within``, the documents
        # of those objects are read by (kind, object_id) and only they are ranked.
        only = f" AND object_id IN ({within})" if within else ""
        return (
            f"SELECT d.object_id AS object_id, {RANK % rank_sql} AS score "  # noqa: S608 (constants)
            "FROM (SELECT object_id, vector FROM search_searchdocument "
            f"WHERE kind = %s AND vector @@ {sql}{only} OFFSET 0) d",
            [*rank_params, kind, *params],
        )

    @contextmanager
    def counting(self, alias: str) -> Iterator[None]:
        """Counting a common word's matches: PostgreSQL prices ``@@`` as one cheap operator
        and scans every document (reading each tsvector out of TOAST: 13 s for 380,000
        matches of a million) where the GIN bitmap counts them in 0.3 s. Sequential scans
        are priced out for these statements only (``set_config(..., true)`` lasts until the
        transaction ends; the previous value is put back)."""
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), "
                "set_config('enable_seqscan', 'off', true)"
            )
            previous = cursor.fetchone()[0]
            try:
                yield
            finally:
                cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    def prepare_rebuild(self) -> bool:
        return False

    def dump(self, kind: str) -> dict[int, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT object_id, vector::text FROM search_searchdocument WHERE kind = %s",
                [kind],
            )
            return dict(cursor.fetchall())
