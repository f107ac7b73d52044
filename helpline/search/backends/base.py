"""What a search backend does; one implementation per database engine."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from helpline.search.registry import Document


@dataclass(frozen=True)
class Leaf:
    """Words to find: one word (``prefix``: as a prefix), or a phrase (words in order)."""

    text: str
    phrase: bool = False
    prefix: bool = False
    column: str | None = None


@dataclass(frozen=True)
class AllOf:
    items: tuple[TextExpr, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[TextExpr, ...]


@dataclass(frozen=True)
class Without:
    """``keep`` but not ``drop`` (full-text engines only negate against something)."""

    keep: TextExpr
    drop: TextExpr


TextExpr = Leaf | AllOf | AnyOf | Without


def positive(expr: TextExpr) -> TextExpr:
    """``expr`` without its "without" parts: what a match is ranked by."""
    if isinstance(expr, Without):
        return positive(expr.keep)
    if isinstance(expr, AllOf):
        return AllOf(tuple(positive(item) for item in expr.items))
    if isinstance(expr, AnyOf):
        return AnyOf(tuple(positive(item) for item in expr.items))
    return expr


class Backend(Protocol):
    vendor: str

    def write(self, kind: str, documents: Sequence[Document]) -> None:
        """Put these documents in the index, replacing what it held for them."""

    def delete(self, kind: str, object_ids: Sequence[int]) -> int:
        """Take these objects out of the index; returns how many were in it."""

    def matching(self, kind: str, expr: TextExpr, internal: bool) -> Any:
        """The ids of the objects whose documents match ``expr``, as something
        ``pk__in=`` takes (a subquery: a values queryset or raw SQL)."""

    def scored(
        self, kind: str, expr: TextExpr, internal: bool, *, within: str = ""
    ) -> tuple[str, list[object]]:
        """SQL yielding ``object_id`` and ``score`` (higher is better) for every match; with
        ``within`` (SQL of a subquery of object ids, no parameters) only for those."""

    def counting(self, alias: str) -> AbstractContextManager[None]:
        """Around counting a query's matches on connection ``alias`` (see PostgreSQL's)."""

    def prepare_rebuild(self) -> bool:
        """Make the index structures match the configuration; True when they were remade
        (and so every document must be written again)."""

    def dump(self, kind: str) -> dict[int, str]:
        """What the index holds per object, as comparable text (for checks and tests)."""


@runtime_checkable
class Walking(Protocol):
    """A backend whose index reads a word's matches in object id order, newest first, and
    can stop after a ``LIMIT`` (SQLite's FTS5; PostgreSQL's GIN index has no order)."""

    # SQL naming the object id of the document ``newest_matches`` is at, for a correlated
    # condition in its ``where``.
    walked_object: str

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
        """SQL yielding ``object_id`` and ``score`` (None unless ``scored``) of the matches
        of ``expr`` that satisfy ``where`` (SQL with ``params``, naming the object through
        ``walked_object``), highest object id first, read from the index in that order so
        that a ``LIMIT`` after it stops the walk; with ``before``, only objects below it.
        """
