"""SQLite: an FTS5 table ``search_fts`` whose rowid is the SearchDocument id.

Ranking is FTS5's bm25 with per-column weights (title counts most, internal notes and
bodies least). Queries are built from quoted strings only, so no user input is ever read
as FTS5 syntax.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from helpline.lib.clock import now
from helpline.search.backends.base import AllOf, AnyOf, Leaf, TextExpr, Without
from helpline.search.models import SearchDocument
from helpline.search.registry import BM25_WEIGHTS, COLUMNS, PUBLIC_COLUMNS, Document

CHUNK = 500
_WEIGHTS = ", ".join(str(w) for w in BM25_WEIGHTS)


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
        by_object = {d.object_id: d for d in documents}
        documents = list(by_object.values())
        stamp = connection.ops.adapt_datetimefield_value(now())
        placeholders = ", ".join(["%s"] * (len(COLUMNS) + 1))
        with connection.cursor() as cursor:
            ids = self._ids(cursor, kind, list(by_object))
            if ids:  # replaced: the old text goes first
                cursor.executemany(
                    "UPDATE search_searchdocument SET indexed_at = %s WHERE id = %s",
                    [(stamp, pk) for pk in ids.values()],
                )
                cursor.executemany(
                    "DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk in ids.values()]
                )
            new = [o for o in by_object if o not in ids]
            if new:
                cursor.executemany(
                    "INSERT INTO search_searchdocument (kind, object_id, indexed_at) "
                    "VALUES (%s, %s, %s)",
                    [(kind, o, stamp) for o in new],
                )
                ids.update(self._ids(cursor, kind, new))
            cursor.executemany(
                f"INSERT INTO search_fts (rowid, {', '.join(COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
                [
                    (ids[d.object_id], *(getattr(d, column) for column in COLUMNS))
                    for d in documents
                ],
            )

    def _ids(self, cursor: Any, kind: str, object_ids: Sequence[int]) -> dict[int, int]:
        """SearchDocument ids of these objects (those that have one)."""
        found: dict[int, int] = {}
        for start in range(0, len(object_ids), CHUNK):
            chunk = object_ids[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                "SELECT object_id, id FROM search_searchdocument "  # noqa: S608 (placeholders)
                f"WHERE kind = %s AND object_id IN ({marks})",
                [kind, *chunk],
            )
            found.update(cursor.fetchall())
        return found

    def delete(self, kind: str, object_ids: Sequence[int]) -> int:
        # The trigger removes the text with each row.
        deleted, _ = SearchDocument.objects.filter(kind=kind, object_id__in=object_ids).delete()
        return deleted

    def matching(self, kind: str, expr: TextExpr, internal: bool) -> QuerySet:
        hits = RawSQL(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s",
            [match_expression(expr, internal)],
        )
        return SearchDocument.objects.filter(kind=kind, id__in=hits).values("object_id")

    def scored(self, kind: str, expr: TextExpr, internal: bool) -> tuple[str, list[object]]:
        sql = (
            f"SELECT d.object_id AS object_id, -bm25(search_fts, {_WEIGHTS}) AS score "  # noqa: S608
            "FROM search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH %s AND d.kind = %s"
        )
        return sql, [match_expression(expr, internal), kind]

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
