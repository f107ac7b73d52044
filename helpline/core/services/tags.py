"""Tags on any kind of object (Zammad's tags: ``object`` + ``o_id`` + ``item``).

Rules:
- tag names are trimmed, 1-150 characters, without commas or line breaks; the same name in
  another case is the same tag (the first spelling is kept);
- who may tag an object is decided by the app that owns it (``core.object_access``):
  for tickets, holders of ``admin.tag``, or agents who may change the ticket; listing an
  object's tags needs ``admin.tag`` or ``ticket.agent`` and sight of the object;
- adding a tag the object already has, or removing one it does not have, changes nothing
  and returns ``False``; a real change writes a history line ("tag" added / removed) on the
  object.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count

from helpline.core import permissions as perms
from helpline.core.events import TagsChanged
from helpline.core.models import HistoryEntry, Tag, Tagging
from helpline.core.object_access import require_object_access
from helpline.core.services import history
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid

NAME_MAX = 150


def clean_tag_name(name: str) -> str:
    value = (name or "").strip()
    if not value:
        raise Invalid("a tag needs a name", code="tag.name_missing", field="item")
    if len(value) > NAME_MAX:
        raise Invalid(
            f"a tag has at most {NAME_MAX} characters", code="tag.name_too_long", field="item"
        )
    if any(ch in value for ch in ",\r\n\t"):
        raise Invalid(
            "a tag name may not contain commas or line breaks",
            code="tag.name_invalid",
            field="item",
        )
    return value


def _get_or_create_tag(name: str) -> Tag:
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is not None:
        return tag
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:
        # Someone created the same name (in another case) at the same moment.
        return Tag.objects.get(name__iexact=name)


def add_tag(actor: Actor, object_type: str, object_id: int, name: str) -> bool:
    """Tag an object; ``False`` when it already had the tag."""
    require_object_access(actor, object_type, object_id, "tag")
    name = clean_tag_name(name)
    with transaction.atomic():
        tag = _get_or_create_tag(name)
        _, created = Tagging.objects.get_or_create(
            tag=tag,
            object_type=object_type,
            object_id=object_id,
            defaults={"created_by": actor.user},
        )
        if created:
            history.record(
                actor, object_type, object_id, HistoryEntry.Kind.ADDED, "tag", None, tag.name
            )
            events.publish(TagsChanged(object_type, object_id, actor.user_id))
    return created


def remove_tag(actor: Actor, object_type: str, object_id: int, name: str) -> bool:
    """Remove a tag from an object; ``False`` when it did not have it."""
    require_object_access(actor, object_type, object_id, "tag")
    name = clean_tag_name(name)
    with transaction.atomic():
        tagging = (
            Tagging.objects.select_related("tag")
            .filter(tag__name__iexact=name, object_type=object_type, object_id=object_id)
            .first()
        )
        if tagging is None:
            return False
        tagging.delete()
        history.record(
            actor, object_type, object_id, HistoryEntry.Kind.REMOVED, "tag", tagging.tag.name, None
        )
        events.publish(TagsChanged(object_type, object_id, actor.user_id))
    return True


def list_tags(actor: Actor, object_type: str, object_id: int) -> list[str]:
    """The tag names of one object, in the order they were added."""
    require_object_access(actor, object_type, object_id, "tags")
    return tag_names(object_type, object_id)


def tag_names(object_type: str, object_id: int) -> list[str]:
    """The tag names of one object, in the order they were added (unchecked: for the
    owning app's selectors, which check access themselves)."""
    return list(
        Tagging.objects.filter(object_type=object_type, object_id=object_id)
        .order_by("id")
        .values_list("tag__name", flat=True)
    )


def search_tags(actor: Actor, term: str = "", *, limit: int = 25) -> list[str]:
    """Tag names starting with ``term`` (any case), for completion; agents and tag admins."""
    perms.require(actor, perms.ADMIN_TAG, perms.TICKET_AGENT)
    qs = Tag.objects.all()
    if term.strip():
        qs = qs.filter(name__istartswith=term.strip())
    return list(qs.order_by("name").values_list("name", flat=True)[: max(1, min(limit, 500))])


def delete_taggings(object_type: str, object_id: int) -> int:
    """Remove every tag of a deleted object (unchecked; called by the owning app's delete)."""
    deleted, _ = Tagging.objects.filter(object_type=object_type, object_id=object_id).delete()
    return deleted


def copy_taggings(actor: Actor, object_type: str, source_id: int, target_id: int) -> list[str]:
    """Give ``target`` every tag of ``source`` it lacks (unchecked; used by merges).
    Returns the names added."""
    have = set(
        Tagging.objects.filter(object_type=object_type, object_id=target_id).values_list(
            "tag_id", flat=True
        )
    )
    added: list[str] = []
    for tagging in (
        Tagging.objects.select_related("tag")
        .filter(object_type=object_type, object_id=source_id)
        .order_by("id")
    ):
        if tagging.tag_id in have:
            continue
        Tagging.objects.create(
            tag=tagging.tag, object_type=object_type, object_id=target_id, created_by=actor.user
        )
        history.record(
            actor, object_type, target_id, HistoryEntry.Kind.ADDED, "tag", None, tagging.tag.name
        )
        added.append(tagging.tag.name)
    return added


def search_tag_items(actor: Actor, term: str = "", *, limit: int = 10) -> list[tuple[int, str]]:
    """``(id, name)`` of the tags containing ``term`` (any case), by name (Zammad's
    ``tag_search``); agents and tag admins."""
    perms.require(actor, perms.ADMIN_TAG, perms.TICKET_AGENT)
    qs = Tag.objects.all()
    if term.strip():
        qs = qs.filter(name__icontains=term.strip())
    return list(qs.order_by("name").values_list("pk", "name")[: max(1, min(limit, 500))])


def tag_counts(actor: Actor) -> list[tuple[int, str, int]]:
    """``(id, name, how many objects carry it)`` of every tag, by name (Zammad's
    ``tag_list``); tag admins only."""
    perms.require(actor, perms.ADMIN_TAG)
    rows = Tag.objects.annotate(count=Count("taggings")).order_by("name")
    return [(t.pk, t.name, t.count) for t in rows]
