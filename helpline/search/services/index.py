"""Keeping the search index equal to the data.

Freshness rule: the index is written in the same transaction as the change it reflects.
Apps call ``refresh_documents`` / ``remove_documents`` from in-transaction event
subscribers (``subscribe(..., in_transaction=True)``), so a committed change is searchable
at once, and a rolled-back change leaves the index as it was. ``rebuild_index`` rewrites
everything in batches (after a restore, a language change or an upgrade).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from helpline.lib.actor import Actor
from helpline.lib.errors import PermissionDenied
from helpline.search import registry
from helpline.search.backends import backend
from helpline.search.models import SearchDocument
from helpline.search.registry import TEXT_LIMITS, Document
from helpline.search.text import clean


def _cleaned(document: Document) -> Document:
    return Document(
        object_id=document.object_id,
        **{column: clean(getattr(document, column), TEXT_LIMITS[column]) for column in TEXT_LIMITS},
    )


def write_documents(kind: str, documents: Iterable[Document]) -> int:
    """Put already-built documents into the index (bulk loads); returns how many."""
    cleaned = [_cleaned(d) for d in documents]
    backend().write(kind, cleaned)
    return len(cleaned)


def refresh_documents(kind: str, object_ids: Sequence[int]) -> None:
    """Rebuild the index entries of these objects from the database; objects that no longer
    exist leave the index. Runs inside the caller's transaction."""
    ids = sorted({int(i) for i in object_ids})
    if not ids:
        return
    spec = registry.get(kind)
    with transaction.atomic():
        documents = [_cleaned(d) for d in spec.build(ids)]
        found = {d.object_id for d in documents}
        gone = [i for i in ids if i not in found]
        engine = backend()
        if gone:
            engine.delete(kind, gone)
        engine.write(kind, documents)


def remove_documents(kind: str, object_ids: Sequence[int]) -> None:
    """Take these objects out of the index (they were deleted)."""
    ids = sorted({int(i) for i in object_ids})
    if ids:
        backend().delete(kind, ids)


@dataclass(frozen=True)
class RebuildResult:
    kind: str
    documents: int
    removed: int


def rebuild_index(
    actor: Actor,
    *,
    kinds: Sequence[str] | None = None,
    batch_size: int = 2000,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[RebuildResult]:
    """Write every document of these kinds (all kinds by default) again, in batches of
    ``batch_size`` objects, each batch in its own transaction, so searching keeps working
    while it runs; then drop entries whose object is gone. Only administrators (and the
    system) may do it. ``progress(kind, done, total)`` is called after each batch.
    """
    if not actor.has("admin"):
        raise PermissionDenied("rebuilding the search index needs the admin permission")
    engine = backend()
    remade = engine.prepare_rebuild()
    specs = registry.kinds() if kinds is None or remade else [registry.get(k) for k in kinds]
    results = []
    for spec in specs:
        manager = spec.model._default_manager
        total = manager.count()
        done, last = 0, None
        while True:
            page = manager.order_by("pk")
            if last is not None:
                page = page.filter(pk__gt=last)
            ids = list(page.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            with transaction.atomic():
                documents = [_cleaned(d) for d in spec.build(ids)]
                engine.write(spec.name, documents)
            done += len(ids)
            last = ids[-1]
            if progress is not None:
                progress(spec.name, done, total)
        stale = SearchDocument.objects.filter(kind=spec.name).exclude(
            object_id__in=manager.values("pk")
        )
        removed, _ = stale.delete()
        results.append(RebuildResult(spec.name, done, removed))
    return results
