"""Writing "who changed what" lines (history entries).

Services call these helpers inside their own transaction, right after the change they
describe, so a change and its history line are committed or undone together. They do not
check permissions: the calling service already did. Values are stored as text (names for
relations) plus the ids in ``id_from`` / ``id_to`` when the value is a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from helpline.core.models import HistoryEntry
from helpline.lib.actor import Actor

Kind = HistoryEntry.Kind


@dataclass(frozen=True)
class Change:
    """One attribute of an object going from ``old`` to ``new`` (values or model rows)."""

    attribute: str
    old: Any
    new: Any


def as_text(value: Any) -> str:
    """How a value is written into a history line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(as_text(v) for v in value)
    return str(value)


def _id(value: Any) -> int | None:
    if isinstance(value, models.Model):
        return int(value.pk) if value.pk is not None else None
    return None


def _entry(
    actor: Actor,
    object_type: str,
    object_id: int,
    kind: str,
    attribute: str = "",
    old: Any = None,
    new: Any = None,
    *,
    id_from: int | None = None,
    id_to: int | None = None,
    related_object_type: str = "",
    related_object_id: int | None = None,
) -> HistoryEntry:
    return HistoryEntry(
        object_type=object_type,
        object_id=object_id,
        kind=kind,
        attribute=attribute,
        value_from=as_text(old),
        value_to=as_text(new),
        id_from=id_from if id_from is not None else _id(old),
        id_to=id_to if id_to is not None else _id(new),
        related_object_type=related_object_type,
        related_object_id=related_object_id,
        created_by=actor.user,
    )


def record(
    actor: Actor,
    object_type: str,
    object_id: int,
    kind: str,
    attribute: str = "",
    old: Any = None,
    new: Any = None,
    *,
    id_from: int | None = None,
    id_to: int | None = None,
    related_object_type: str = "",
    related_object_id: int | None = None,
) -> HistoryEntry:
    """Write one history line (``kind`` is one of ``HistoryEntry.Kind``)."""
    entry = _entry(
        actor,
        object_type,
        object_id,
        kind,
        attribute,
        old,
        new,
        id_from=id_from,
        id_to=id_to,
        related_object_type=related_object_type,
        related_object_id=related_object_id,
    )
    entry.save()
    return entry


def record_changes(
    actor: Actor, object_type: str, object_id: int, changes: Iterable[Change]
) -> list[HistoryEntry]:
    """One "updated" line per changed attribute, written in one statement."""
    rows = [
        _entry(actor, object_type, object_id, Kind.UPDATED, c.attribute, c.old, c.new)
        for c in changes
    ]
    return HistoryEntry.objects.bulk_create(rows) if rows else []


def history_of(object_type: str, object_id: int) -> models.QuerySet[HistoryEntry]:
    """The lines of one object, oldest first (unchecked: callers scope by the object)."""
    return HistoryEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("id")


def delete_history(object_type: str, object_id: int) -> int:
    """Remove every line of an object (its deletion); returns how many went."""
    deleted, _ = HistoryEntry.objects.filter(object_type=object_type, object_id=object_id).delete()
    return deleted
