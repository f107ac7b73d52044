"""Use cases about groups (Zammad group = django-helpdesk queue = Flicket department)."""

from __future__ import annotations

from django.db import transaction

from helpline.core import permissions as perms
from helpline.core import rules, selectors
from helpline.core.events import GroupCreated, GroupDeleted
from helpline.core.models import Group, GroupMembership, User
from helpline.lib import events, refcache
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid
from helpline.lib.references import find_references

FIELDS = frozenset(
    {
        "name", "note", "active", "signature_id", "email_address_id", "assignment_timeout",
        "follow_up_possible", "follow_up_assignment", "user_ids",
    }
)  # fmt: skip
ASSIGNMENT_TIMEOUT_MAX = 60 * 24 * 365  # minutes


def _clean(field: str, value: object) -> object:
    if field in ("active", "follow_up_assignment"):
        return rules.check_bool(value, field=field, code="group")
    if field == "user_ids":
        return rules.check_ids(value, field=field, code="group")
    if field in ("signature_id", "email_address_id"):
        return None if value is None else rules.check_id(value, field=field, code="group")
    if field == "assignment_timeout":
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= ASSIGNMENT_TIMEOUT_MAX
        ):
            raise Invalid(
                f"assignment_timeout is a number of minutes from 0 to {ASSIGNMENT_TIMEOUT_MAX}",
                code="group.assignment_timeout",
                field=field,
            )
        return value
    if field == "follow_up_possible":
        if value not in Group.FollowUp.values:
            raise Invalid(
                f"follow_up_possible is one of {', '.join(Group.FollowUp.values)}",
                code="group.follow_up_possible",
                field=field,
            )
        return value
    column = Group._meta.get_field(field)
    max_length = getattr(column, "max_length", None) or rules.NOTE_MAX
    text = rules.check_text(
        value, field=field, max_length=max_length, code="group", required=field == "name"
    )
    return text.strip() if field == "name" else text


def _check_fields(values: dict[str, object]) -> dict[str, object]:
    unknown = set(values) - FIELDS
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(f"unknown group attribute {field!r}", code="group.unknown_field", field=field)
    return {field: _clean(field, value) for field, value in values.items()}


def _check_name_free(name: str, *, exclude: int | None = None) -> None:
    clash = Group.objects.filter(name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise Conflict(f"a group named {name!r} exists", code="group.name_taken", field="name")


def _set_users(group: Group, user_ids: list[int]) -> None:
    """Exactly ``user_ids`` belong to the group: newcomers get ``full`` access, users not
    listed lose their access to it, the others keep the access kinds they have."""
    found = set(User.objects.filter(pk__in=user_ids).values_list("pk", flat=True))
    missing = sorted(set(user_ids) - found)
    if missing:
        raise Invalid(f"no user with id {missing[0]}", code="group.user_unknown", field="user_ids")
    GroupMembership.objects.filter(group=group).exclude(user_id__in=user_ids).delete()
    present = set(
        GroupMembership.objects.filter(group=group).values_list("user_id", flat=True).distinct()
    )
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(group=group, user_id=uid, access=GroupMembership.Access.FULL)
            for uid in user_ids
            if uid not in present
        ]
    )
    refcache.changed()  # bulk_create sends no signal


@transaction.atomic
def create_group(actor: Actor, **values: object) -> Group:
    """Create a group (``admin.group``); names are unique in any case. Publishes
    ``GroupCreated`` inside the transaction, so the tickets app's in-transaction subscriber
    makes the group's default category as part of the same write."""
    perms.require(actor, perms.ADMIN_GROUP)
    if "name" not in values:
        raise Invalid("name is required", code="group.missing", field="name")
    clean = _check_fields(values)
    user_ids = clean.pop("user_ids", None)
    _check_name_free(str(clean["name"]))
    group = Group(created_by=actor.user, updated_by=actor.user, **clean)
    group.save()
    if user_ids is not None:
        _set_users(group, user_ids)  # type: ignore[arg-type]
    events.publish(GroupCreated(group_id=group.pk, actor_id=actor.user_id))
    return group


@transaction.atomic
def update_group(actor: Actor, group_id: int, **changes: object) -> Group:
    """Change a group (``admin.group``); only the fields given change. ``user_ids``
    replaces the members (newcomers get ``full`` access)."""
    perms.require(actor, perms.ADMIN_GROUP)
    group = selectors.get_group(actor, group_id)
    group = Group.objects.select_for_update().get(pk=group.pk)
    clean = _check_fields(changes)
    user_ids = clean.pop("user_ids", None)
    if "name" in clean:
        _check_name_free(str(clean["name"]), exclude=group.pk)
    for field, value in clean.items():
        setattr(group, field, value)
    group.updated_by = actor.user
    group.save()
    if user_ids is not None:
        _set_users(group, user_ids)  # type: ignore[arg-type]
    return group


@transaction.atomic
def delete_group(actor: Actor, group_id: int) -> None:
    """Delete a group (``admin.group``) nothing refers to; refused with ``Conflict`` while
    tickets or other rows refer to it. Memberships and rows that belong to the group (made
    with it, deleted with it) do not count."""
    perms.require(actor, perms.ADMIN_GROUP)
    group = selectors.get_group(actor, group_id)
    references = find_references(group)
    if references:
        raise Conflict(
            f"group {group.name} is still referenced ({', '.join(references)})",
            code="group.referenced",
        )
    group_pk = group.pk
    group.delete()
    events.publish(GroupDeleted(group_id=group_pk, actor_id=actor.user_id))
