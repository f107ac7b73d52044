"""What still refers to a row: the general "may this be deleted?" check.

Zammad refuses to delete a user, organization or group while anything refers to it. Rather
than listing the referring tables by hand (and forgetting the ones later apps add), this asks
Django's deletion collector what deleting the row would do:

- rows that would be deleted with it (``on_delete=CASCADE``: a user's own memberships and
  access tokens, a group's default category) belong to it and do not count;
- rows that would block the delete (``PROTECT``/``RESTRICT``: a ticket's customer) count;
- rows that would be changed (``SET_NULL``/``SET_DEFAULT``/``SET(...)``: "created by") count,
  unless the row changed is itself being deleted (a user who created their own account).

A model that wants a cascading relation to count anyway passes it in ``extra``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import models, router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError


def _label(obj: Any, field: Any = None) -> str:
    name = type(obj)._meta.object_name
    return f"{name}.{field.name}" if field is not None else str(name)


def find_references(obj: models.Model, *, extra: Iterable[models.QuerySet[Any]] = ()) -> list[str]:
    """``["Organization.created_by (2)", ...]``: what refers to ``obj``; empty when nothing."""
    found: Counter[str] = Counter()
    for queryset in extra:
        count = queryset.count()
        if count:
            found[f"{queryset.model._meta.object_name}"] += count
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    try:
        collector.collect([obj])
    except ProtectedError as exc:
        for blocked in exc.protected_objects:
            found[_label(blocked)] += 1
        return _format(found)
    except RestrictedError as exc:
        for blocked in exc.restricted_objects:
            found[_label(blocked)] += 1
        return _format(found)
    doomed: dict[Any, set[Any]] = {}
    for model, instances in collector.data.items():
        doomed.setdefault(model._meta.concrete_model, set()).update(o.pk for o in instances)
    for (field, _value), batches in collector.field_updates.items():
        for batch in batches:
            gone = doomed.get(field.model._meta.concrete_model, set())
            rows: Any = batch
            if isinstance(rows, models.QuerySet):
                count = rows.exclude(pk__in=list(gone)).count()
            else:
                count = len([row for row in rows if row.pk not in gone])
            if count:
                found[f"{field.model._meta.object_name}.{field.name}"] += count
    return _format(found)


def _format(found: Counter[str]) -> list[str]:
    return [f"{name} ({count})" for name, count in sorted(found.items())]
