"""Document kinds: what each app puts into the search index and how its fields filter.

An app declares its kinds in ``<app>/search.py`` (found when the search app starts)::

    TICKET = register(DocumentKind(name="ticket", model=Ticket, build=build_documents,
                                   fields={...}, aliases={...}))

and keeps the index fresh by calling ``helpline.search.services.index.refresh_documents``
from its event subscribers. Every kind shares one index with the same six columns, so
one query language and one ranking serve tickets, knowledge-base answers and assets alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

from helpline.search.query import FieldType

# The index columns, their weight in ranking (SQLite bm25 weights), and the PostgreSQL
# weight class each belongs to. ``internal`` holds text customers may never match on.
COLUMNS: tuple[str, ...] = ("title", "codes", "tags", "people", "body", "internal")
BM25_WEIGHTS: tuple[float, ...] = (10.0, 8.0, 5.0, 4.0, 1.0, 1.0)
PUBLIC_COLUMNS: tuple[str, ...] = COLUMNS[:-1]
TEXT_LIMITS = {
    "title": 1_000,
    "codes": 2_000,
    "tags": 5_000,
    "people": 5_000,
    "body": 150_000,
    "internal": 50_000,
}


@dataclass(frozen=True)
class Document:
    """The text of one object as the index holds it (plain text, already cleaned)."""

    object_id: int
    title: str = ""
    codes: str = ""  # numbers and identifiers (ticket number, serial, asset tag)
    tags: str = ""
    people: str = ""  # names and email addresses of the people and companies involved
    body: str = ""  # what everyone allowed to see the object may read
    internal: str = ""  # what only staff may read (internal notes)


@dataclass(frozen=True)
class FieldSpec:
    """How ``name:value`` filters a kind.

    ``keyword`` fields give ``match(value, prefix) -> Q``; ``number`` and ``date`` fields
    give ``path``, the ORM path compared with ``exact/gte/gt/lte/lt``; ``text`` fields
    give ``column``, the index column the words are searched in.
    """

    type: FieldType
    match: Callable[[str, bool], Q] | None = None
    path: str | None = None
    column: str | None = None


@dataclass(frozen=True)
class DocumentKind:
    """One kind of searchable object.

    ``build(ids)`` returns the documents of the objects that exist among ``ids`` (the rest
    are removed from the index). ``newest`` orders equal ranks and queries without words.
    ``code`` makes document ids follow from object ids, so the index leads straight to the
    object (no lookup table in between).
    """

    name: str
    code: int  # 1-15, unique: a document's id is object_id * KIND_SLOTS + code
    model: type[models.Model]
    build: Callable[[Sequence[int]], Iterable[Document]]
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    newest: tuple[str, ...] = ("-created_at", "-id")

    @property
    def field_types(self) -> dict[str, FieldType]:
        return {name: spec.type for name, spec in self.fields.items()}

    def document_id(self, object_id: int) -> int:
        return object_id * KIND_SLOTS + self.code


KIND_SLOTS = 16
_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    if not 1 <= kind.code < KIND_SLOTS:
        raise ValueError(f"{kind.name}: code must be 1 to {KIND_SLOTS - 1}")
    taken = {k.code: k.name for k in _KINDS.values() if k.name != kind.name}
    if kind.code in taken:
        raise ValueError(f"{kind.name}: code {kind.code} is already {taken[kind.code]}'s")
    for name, spec in kind.fields.items():
        if spec.type == "text" and spec.column not in COLUMNS:
            raise ValueError(f"{kind.name}.{name}: text fields need an index column")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> DocumentKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no search document kind {name!r} is registered") from None


def kinds() -> list[DocumentKind]:
    return list(_KINDS.values())
