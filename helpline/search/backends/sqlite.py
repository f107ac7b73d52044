"""SQLite: an FTS5 table ``search_fts`` whose rowid is the SearchDocument id
(``object_id * 16 + kind code``).

Ranking is FTS5's bm25 with per-column weights (title counts most, internal notes and
bodies least). Queries are built from quoted strings only, so no user input is ever read
as FTS5 syntax.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL

from helpline.lib.clock import now
from helpline.search import registry
from helpline.search.backends.base import AllOf, AnyOf, Leaf, TextExpr, Without
from helpline.search.models import SearchDocument
from helpline.search.registry import (
    BM25_WEIGHTS,
    COLUMNS,
    KIND_SLOTS,
    PUBLIC_COLUMNS,
    Document,
)

CHUNK = 500
_WEIGHTS = ", ".join(str(w) for w in BM25_WEIGHTS)
_WALKED = "hl_walk"  # the alias of the index in newest_matches


def tokenizer() -> str:
    """The FTS5 tokenizer for the configured language (Porter stems English only)."""
    if settings.SEARCH_LANGUAGE == "english":
        return "porter unicode61 remove_diacritics 2"
    return "unicode61 remove_diacritics 2"


def create_sql() -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5({', '.join(COLUMNS)}, "
        f"tokenize = '{tokenizer()}')",
        "CREATE TRIGGER IF NOT EXISTS search_searchdocument_fts_delete "
        "AFTER DELETE ON search_searchdocument BEGIN "
        "DELETE FROM search_fts WHERE rowid = old.id; END",
    ]


def _string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(expr: TextExpr) -> str:
    """The FTS5 MATCH expression for ``expr``."""
    if isinstance(expr, Leaf):
        out = _string(expr.text)
        if expr.prefix and not expr.phrase:
            out += "*"
        if expr.column:
            out = f"{expr.column} : {out}"
        return out
    if isinstance(expr, AllOf):
        return "(" + " AND ".join(fts_query(item) for item in expr.items) + ")"
    if isinstance(expr, AnyOf):
        return "(" + " OR ".join(fts_query(item) for item in expr.items) + ")"
    if isinstance(expr, Without):
        return f"({fts_query(expr.keep)} NOT {fts_query(expr.drop)})"
    raise TypeError(expr)


def match_expression(expr: TextExpr, internal: bool) -> str:
    query = fts_query(expr)
    if internal:
        return query
    return "{" + " ".join(PUBLIC_COLUMNS) + "} : (" + query + ")"


class SqliteBackend:
    vendor = "sqlite"

    def write(self, kind: str, documents: Sequence[Document]) -> None:
        if not documents:
            return
        spec = registry.get(kind)
        by_id = {spec.document_id(d.object_id): d for d in documents}
        stamp = connection.ops.adapt_datetimefield_value(now())
        placeholders = ", ".join(["%s"] * (len(COLUMNS) + 1))
        with connection.cursor() as cursor:
            existing = self._existing(cursor, list(by_id))
            if existing:  # replaced: the old text goes first
                cursor.executemany(
                    "DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk in existing]
                )
            cursor.executemany(
                "INSERT INTO search_searchdocument (id, kind, object_id, indexed_at) "
                "VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET indexed_at = excluded.indexed_at",
                [(pk, kind, d.object_id, stamp) for pk, d in by_id.items()],
            )
            cursor.executemany(
                f"INSERT INTO search_fts (rowid, {', '.join(COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
                [(pk, *(getattr(d, column) for column in COLUMNS)) for pk, d in by_id.items()],
            )

    def _existing(self, cursor: Any, ids: Sequence[int]) -> list[int]:
        """Which of these document ids are in the index already."""
        found: list[int] = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id FROM search_searchdocument WHERE id IN ({marks})",  # noqa: S608
                chunk,
            )
            found += [row[0] for row in cursor.fetchall()]
        return found

    def delete(self, kind: str, object_ids: Sequence[int]) -> int:
        # The trigger removes the text with each row.
        deleted, _ = SearchDocument.objects.filter(kind=kind, object_id__in=object_ids).delete()
        return deleted

    def matching(self, kind: str, expr: TextExpr, internal: bool) -> Any:
        # Document ids are object_id * 16 + kind code: the hit names its object directly.
        return RawSQL(  # noqa: S611 (the query is a parameter)
            f"SELECT rowid / {KIND_SLOTS} FROM search_fts "  # noqa: S608 (constants)
            f"WHERE search_fts MATCH %s AND rowid %% {KIND_SLOTS} = %s",
            [match_expression(expr, internal), registry.get(kind).code],
        )

    # Document ids are object_id * KIND_SLOTS + code: within one kind, FTS5's rowid order
    # is the objects' id order, and FTS5 reads a doclist in either direction by itself.
    walked_object: str = f"{_WALKED}.rowid / {KIND_SLOTS}"

    def newest_matches(
        self,
        kind: str,
        expr: TextExpr,
        internal: bool,
        *,
        where: str,
        params: Sequence[object],
        scored: bool,
        before: int | None = None,
    ) -> tuple[str, list[object]]:
        score = f"-bm25({_WALKED}.search_fts, {_WEIGHTS})" if scored else "NULL"
        below = f" AND {_WALKED}.rowid < %s" if before is not None else ""
        sql = (
            f"SELECT {_WALKED}.rowid / {KIND_SLOTS} AS object_id, {score} AS score "  # noqa: S608 (constants)
            f"FROM search_fts {_WALKED} WHERE {_WALKED}.search_fts MATCH %s "
            f"AND {_WALKED}.rowid %% {KIND_SLOTS} = %s{below} AND ({where}) "
            f"ORDER BY {_WALKED}.rowid DESC"
        )
        bound: list[object] = [match_expression(expr, internal), registry.get(kind).code]
        if before is not None:
            bound.append(before * KIND_SLOTS)  # below every document of object ``before``
        return sql, [*bound, *params]

    def scored(
        self, kind: str, expr: TextExpr, internal: bool, *, within: str = ""
    ) -> tuple[str, list[object]]:
        sql = (
            f"SELECT rowid / {KIND_SLOTS} AS object_id, "  # noqa: S608 (constants)
            f"-bm25(search_fts, {_WEIGHTS}) AS score FROM search_fts "
            f"WHERE search_fts MATCH %s AND rowid %% {KIND_SLOTS} = %s"
        )
        if within:  # bm25 is then computed for those rows only
            sql += f" AND rowid / {KIND_SLOTS} IN ({within})"
        return sql, [match_expression(expr, internal), registry.get(kind).code]

    def counting(self, alias: str) -> AbstractContextManager[None]:
        return nullcontext()

    def prepare_rebuild(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
            row = cursor.fetchone()
            if row is not None and f"'{tokenizer()}'" in row[0]:
                for sql in create_sql():  # the trigger is lost when Django remakes the table
                    cursor.execute(sql)
                return False
            cursor.execute("DROP TABLE IF EXISTS search_fts")
            for sql in create_sql():
                cursor.execute(sql)
        SearchDocument.objects.all().delete()
        return True

    def dump(self, kind: str) -> dict[int, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.object_id, {', '.join('f.' + c for c in COLUMNS)} "  # noqa: S608
                "FROM search_searchdocument d LEFT JOIN search_fts f ON f.rowid = d.id "
                "WHERE d.kind = %s",
                [kind],
            )
            return {row[0]: "\x1f".join(str(v) for v in row[1:]) for row in cursor.fetchall()}
