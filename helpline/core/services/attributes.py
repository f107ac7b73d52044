"""Custom object attributes (Zammad's object manager) on Ticket, User, Organization and Group:
defining them, applying pending changes, and validating the values a door sends.

Values live in the object's ``attributes`` JSON field, so "migrating" needs no schema
change: executing the migrations makes new attributes take effect, puts changed options in
force and removes deleted attributes together with their values. Until then every change
is pending and the previous definition rules, as in Zammad.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Q

from helpline.core import permissions as perms
from helpline.core.attribute_rules import (
    OBJECT_TYPES,
    OPTION_TYPES,
    RELATION_TYPES,
    AttributeSpec,
    check_data_type,
    check_data_type_change,
    check_display,
    check_name,
    check_object,
    clean_value,
    empty_value,
    is_empty,
    normalise_data_option,
)
from helpline.core.models import ObjectAttribute
from helpline.core.selectors import Sort, apply_sort
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound

__all__ = [
    "OBJECT_LOOKUP_IDS",
    "OBJECT_TYPES",
    "MigrationResult",
    "active_attributes",
    "clean_attribute_values",
    "create_attribute",
    "delete_attribute",
    "discard_attribute_changes",
    "execute_attribute_migrations",
    "get_attribute",
    "list_attributes",
    "update_attribute",
]

# Zammad answers with ``object_lookup_id``; these are Helpline's fixed ids (Ticket is 2 as
# in Zammad's own answers).
OBJECT_LOOKUP_IDS = {"User": 1, "Ticket": 2, "Organization": 3, "Group": 4}

_MODELS = {
    "Ticket": ("tickets", "Ticket"),
    "User": ("core", "User"),
    "Organization": ("core", "Organization"),
    "Group": ("core", "Group"),
}
# Names the doors accept on each object besides its columns (Zammad's lookups by name,
# NodePoint's and the other dialects' extra parameters): never an attribute name.
_DOOR_NAMES = {
    "Ticket": {
        "article", "articles", "tags", "state", "priority", "group", "customer", "owner",
        "organization", "links", "mentions", "time_unit", "custom", "custom_field", "form",
        "project", "release", "category", "subscriptions", "assignees", "history",
    },
    "User": {
        "password", "roles", "groups", "organization", "organizations", "fullname",
        "permissions", "level", "access_level", "image", "authorizations",
    },
    "Organization": {"members", "member_ids", "secondary_members", "tickets"},
    "Group": {"users", "members", "parent", "tickets"},
}  # fmt: skip
_UPDATABLE = ("object", "name", "display", "data_type", "data_option", "active", "screens",
              "position")  # fmt: skip
DEFAULT_POSITION = 1550  # where Zammad puts a new attribute


@dataclass(frozen=True)
class MigrationResult:
    """What executing the pending migrations did ("Ticket.product" style names)."""

    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    values_removed: int = 0


# ---------------------------------------------------------------------------------------------
# Reads


ATTRIBUTE_SORT_FIELDS = frozenset(
    {"id", "object", "name", "display", "data_type", "position", "active", "created_at",
     "updated_at"}
)  # fmt: skip


def list_attributes(
    actor: Actor, *, object_type: str | None = None, sort: Sort | None = None
) -> list[ObjectAttribute]:
    """Every attribute, built-in and custom, pending or not, in Zammad's order (position,
    then name) or by ``sort`` (fields of ``ATTRIBUTE_SORT_FIELDS``). Administrators only
    (``admin.object``)."""
    perms.require(actor, perms.ADMIN_OBJECT)
    qs = ObjectAttribute.objects.all()
    if object_type is not None:
        qs = qs.filter(object=check_object(object_type))
    if sort:
        return list(apply_sort(qs, sort, ATTRIBUTE_SORT_FIELDS, []))
    return list(qs.order_by("position", "name", "id"))


def get_attribute(actor: Actor, attribute_id: int) -> ObjectAttribute:
    perms.require(actor, perms.ADMIN_OBJECT)
    return _get(attribute_id)


def active_attributes(object_type: str) -> list[ObjectAttribute]:
    """The custom attributes in force and active on ``object_type`` (what forms show).
    Unchecked: the definitions are not secret; their values are guarded by each object."""
    return list(
        ObjectAttribute.objects.filter(
            object=check_object(object_type), editable=True, to_create=False, active=True
        ).order_by("position", "name", "id")
    )


def _get(attribute_id: int, *, lock: bool = False) -> ObjectAttribute:
    qs = ObjectAttribute.objects.select_for_update() if lock else ObjectAttribute.objects
    attribute = qs.filter(pk=attribute_id).first()
    if attribute is None:
        raise NotFound(f"no attribute with id {attribute_id}", code="attribute.not_found")
    return attribute


def _model(object_type: str) -> type[models.Model]:
    return apps.get_model(*_MODELS[object_type])


def _taken_names(object_type: str) -> set[str]:
    """The object's own field names (and their ``_id`` column names and reverse accessors),
    which an attribute may not shadow."""
    names = set(_DOOR_NAMES[object_type])
    for f in _model(object_type)._meta.get_fields(include_hidden=False):
        names.add(f.name)
        if getattr(f, "attname", None):
            names.add(f.attname)  # type: ignore[union-attr]
        if isinstance(f, models.ForeignObjectRel):
            names.add(f.get_accessor_name() or f.name)
    return names


# ---------------------------------------------------------------------------------------------
# Definitions


def create_attribute(
    actor: Actor,
    *,
    object: str,  # Zammad's field name
    name: str,
    display: str | None = None,
    data_type: str,
    data_option: dict[str, Any] | None = None,
    active: bool = True,
    screens: dict[str, Any] | None = None,
    position: int | None = None,
) -> ObjectAttribute:
    """Add a custom attribute. It is pending (``to_create``/``to_migrate``) until the
    migrations are executed: its name is not accepted in values and ``null: false`` is not
    enforced before that. ``data_option`` is completed with Zammad's defaults."""
    perms.require(actor, perms.ADMIN_OBJECT)
    object_type = check_object(object)
    clean_name = check_name(name, taken=_taken_names(object_type))
    clean_display = check_display(clean_name if display is None else display)
    clean_type = check_data_type(data_type)
    options = normalise_data_option(clean_name, clean_type, data_option)
    _check_flag("active", active)
    clean_screens = _check_screens(screens)
    clean_position = _check_position(DEFAULT_POSITION if position is None else position)
    if ObjectAttribute.objects.filter(object=object_type, name=clean_name).exists():
        raise Conflict(
            f"{object_type} already has an attribute {clean_name}",
            code="attribute.name_taken",
            field="name",
        )
    try:
        with transaction.atomic():
            return ObjectAttribute.objects.create(
                object=object_type,
                name=clean_name,
                display=clean_display,
                data_type=clean_type,
                data_option=options,
                data_option_new={},
                editable=True,
                active=active,
                screens=clean_screens,
                position=clean_position,
                to_create=True,
                to_migrate=True,
                to_delete=False,
                to_config=False,
                created_by=actor.user,
                updated_by=actor.user,
            )
    except IntegrityError:
        raise Conflict(
            f"{object_type} already has an attribute {clean_name}",
            code="attribute.name_taken",
            field="name",
        ) from None


@transaction.atomic
def update_attribute(actor: Actor, attribute_id: int, **changes: Any) -> ObjectAttribute:
    """Change a custom attribute, as Zammad does:

    - while it is still to be created, every change applies at once (a rename too);
    - once in force, ``display``, ``active``, ``position`` and ``screens`` apply at once and
      flag ``to_config``; a new ``data_option`` (or a data type change between compatible
      types: input/select/tree_select, multiselect/multi_tree_select) waits in
      ``data_option_new`` until the migrations are executed; the name and object are fixed.

    Built-in attributes (``editable: false``) cannot be changed.
    """
    perms.require(actor, perms.ADMIN_OBJECT)
    attribute = _get(attribute_id, lock=True)
    unknown = sorted(set(changes) - set(_UPDATABLE))
    if unknown:
        raise Invalid(
            f"{unknown[0]} cannot be changed", code="attribute.field_unknown", field=unknown[0]
        )
    if not attribute.editable:
        raise Invalid(
            f"{attribute} is built in and cannot be changed",
            code="attribute.not_editable",
            field="name",
        )
    if attribute.to_delete:
        raise Conflict(
            f"{attribute} is to be deleted; discard the changes first",
            code="attribute.to_delete",
        )
    if "object" in changes and changes["object"] != attribute.object:
        raise Invalid(
            "an attribute cannot move to another object",
            code="attribute.object_immutable",
            field="object",
        )

    name = attribute.name
    if "name" in changes and str(changes["name"] or "").strip().lower() != attribute.name:
        if not attribute.to_create:
            raise Invalid(
                "the name of an attribute in force cannot change (create another one)",
                code="attribute.name_immutable",
                field="name",
            )
        name = check_name(changes["name"], taken=_taken_names(attribute.object))
        if ObjectAttribute.objects.filter(object=attribute.object, name=name).exists():
            raise Conflict(
                f"{attribute.object} already has an attribute {name}",
                code="attribute.name_taken",
                field="name",
            )
    current_type = attribute.data_type_new or attribute.data_type
    target_type = current_type
    if "data_type" in changes and changes["data_type"] != current_type:
        target_type = check_data_type(changes["data_type"])
        if not attribute.to_create:
            check_data_type_change(attribute.data_type, target_type)
    options: dict[str, Any] | None = None
    if "data_option" in changes or target_type != current_type:
        given = changes.get("data_option")
        if given is None:
            given = attribute.data_option_new or attribute.data_option
        options = normalise_data_option(name, target_type, given)

    display = attribute.display
    if "display" in changes:
        display = check_display(changes["display"])
    active = attribute.active
    if "active" in changes:
        active = _check_flag("active", changes["active"])
    position = attribute.position
    if "position" in changes:
        position = _check_position(changes["position"])
    if "screens" in changes:
        attribute.screens = _check_screens(changes["screens"])

    if attribute.to_create:
        attribute.data_type = target_type
        if options is not None:
            attribute.data_option = options
    else:
        meta_changed = (display, active, position) != (
            attribute.display,
            attribute.active,
            attribute.position,
        )
        if options is not None and (
            options != attribute.data_option or target_type != attribute.data_type
        ):
            attribute.data_option_new = options
            attribute.to_config = True
            if str(options.get("maxlength")) != str(attribute.data_option.get("maxlength")):
                attribute.to_migrate = True
        attribute.data_type_new = "" if target_type == attribute.data_type else target_type
        if meta_changed and not attribute.to_config:
            attribute.to_config = True
            attribute.data_option_new = copy.deepcopy(attribute.data_option)
    attribute.name = name
    attribute.display = display
    attribute.active = active
    attribute.position = position
    attribute.updated_by = actor.user
    attribute.save()
    return attribute


@transaction.atomic
def delete_attribute(actor: Actor, attribute_id: int) -> ObjectAttribute | None:
    """Delete a custom attribute: one not yet created goes at once (returns ``None``); one in
    force is marked ``to_delete`` and stays in force until the migrations are executed,
    which remove it and its values. Built-in attributes cannot be deleted."""
    perms.require(actor, perms.ADMIN_OBJECT)
    attribute = _get(attribute_id, lock=True)
    if not attribute.editable:
        raise Invalid(
            f"{attribute} is built in and cannot be removed",
            code="attribute.not_editable",
            field="name",
        )
    if attribute.to_create:
        attribute.delete()
        return None
    attribute.to_delete = True
    attribute.updated_by = actor.user
    attribute.save(update_fields=["to_delete", "updated_by", "updated_at"])
    return attribute


@transaction.atomic
def discard_attribute_changes(actor: Actor) -> int:
    """Forget every pending change (Zammad's discard_changes): attributes still to be created
    go, pending option changes and deletions are dropped. Returns how many rows changed."""
    perms.require(actor, perms.ADMIN_OBJECT)
    count, _ = ObjectAttribute.objects.filter(editable=True, to_create=True).delete()
    count += ObjectAttribute.objects.filter(
        Q(to_delete=True) | Q(to_config=True) | Q(to_migrate=True), editable=True
    ).update(to_migrate=False, to_delete=False, to_config=False, data_option_new={},
             data_type_new="")  # fmt: skip
    return count


def execute_attribute_migrations(actor: Actor, *, batch_size: int = 500) -> MigrationResult:
    """Apply every pending change (Zammad's execute migrations):

    1. values left behind under the name of an attribute about to be created (from an
       earlier attribute of that name) are removed, so a new attribute starts empty;
    2. in one transaction: attributes to delete go, pending ``data_option_new`` /
       ``data_type_new`` replace the current ones (select options are remembered in
       ``historical_options``), attributes to create come into force;
    3. the values of the deleted attributes are removed from every object, ``batch_size``
       rows per transaction, so a large table is never locked for long.
    """
    perms.require(actor, perms.ADMIN_OBJECT)
    to_create = list(
        ObjectAttribute.objects.filter(to_create=True, to_delete=False).values_list(
            "pk", "object", "name"
        )
    )
    removed = 0
    for _pk, object_type, name in to_create:
        removed += _purge_values(object_type, name, batch_size)
    purged_ids = {pk for pk, _o, _n in to_create}

    created: list[str] = []
    changed: list[str] = []
    deleted: list[str] = []
    gone: list[tuple[str, str]] = []
    with transaction.atomic():
        pending = ObjectAttribute.objects.select_for_update().filter(
            Q(to_create=True) | Q(to_migrate=True) | Q(to_delete=True) | Q(to_config=True)
        )
        for attribute in pending.order_by("id"):
            if attribute.to_delete:
                deleted.append(str(attribute))
                gone.append((attribute.object, attribute.name))
                attribute.delete()
                continue
            if attribute.to_create and attribute.pk not in purged_ids:
                continue  # created while this ran: left for the next execution
            if attribute.to_config:
                _apply_config(attribute)
                changed.append(str(attribute))
            if attribute.to_create:
                created.append(str(attribute))
                if attribute.data_type in OPTION_TYPES:
                    attribute.data_option["historical_options"] = dict(
                        attribute.data_option.get("options") or {}
                    )
            attribute.to_create = attribute.to_migrate = attribute.to_config = False
            attribute.updated_by = actor.user
            attribute.save()
    for object_type, name in gone:
        removed += _purge_values(object_type, name, batch_size)
    return MigrationResult(
        created=created, changed=changed, deleted=deleted, values_removed=removed
    )


def _apply_config(attribute: ObjectAttribute) -> None:
    new = attribute.data_option_new or attribute.data_option
    new_type = attribute.data_type_new or attribute.data_type
    if new_type in OPTION_TYPES and isinstance(new.get("options"), dict):
        historical = dict(attribute.data_option.get("historical_options") or {})
        if isinstance(attribute.data_option.get("options"), dict):
            historical.update(attribute.data_option["options"])
        historical.update(new["options"])
        new = {**new, "historical_options": historical}
    attribute.data_option = new
    attribute.data_type = new_type
    attribute.data_option_new = {}
    attribute.data_type_new = ""


def _purge_values(object_type: str, name: str, batch_size: int) -> int:
    """Remove ``name`` from the ``attributes`` of every ``object_type`` row, a batch of rows
    (locked) per transaction. Returns the number of rows changed."""
    model = _model(object_type)
    manager = model._default_manager
    last_pk = 0
    removed = 0
    while True:
        with transaction.atomic():
            rows = list(
                manager.select_for_update()
                .filter(pk__gt=last_pk, attributes__has_key=name)
                .only("pk", "attributes")
                .order_by("pk")[:batch_size]
            )
            if not rows:
                return removed
            for row in rows:
                row.attributes.pop(name, None)  # type: ignore[attr-defined]
            manager.bulk_update(rows, ["attributes"])
        removed += len(rows)
        last_pk = rows[-1].pk


def _check_flag(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{key} must be true or false", code=f"attribute.{key}_invalid", field=key)
    return value


def _check_position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(
            "position must be a whole number", code="attribute.position_invalid", field="position"
        )
    return value


def _check_screens(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise Invalid(
            "screens map a screen name to its settings per permission",
            code="attribute.screens_invalid",
            field="screens",
        )
    return value


# ---------------------------------------------------------------------------------------------
# Values


def clean_attribute_values(
    object_type: str, values: dict[str, Any] | None, *, for_create: bool = False
) -> dict[str, Any]:
    """Check ``values`` against the custom attributes in force on ``object_type`` and return
    them converted to their stored form (see ``attribute_rules.clean_value``).

    - a name that is not a custom attribute in force (unknown, built in, or still to be
      created) is refused: ``Invalid(code="attribute.unknown", field=name)``;
    - an empty value (null, "", []) is refused for an active attribute with ``null: false``
      (``attribute.required``), else stored as empty;
    - user and organization ids must exist (``attribute.user_unknown`` /
      ``attribute.organization_unknown``);
    - with ``for_create=True``, active attributes not given take their default, and one with
      ``null: false`` and no default is refused (``attribute.required``).

    Attributes marked ``to_delete`` stay in force until the migrations are executed.
    """
    if object_type not in OBJECT_TYPES:
        raise Invalid(f"unknown object {object_type!r}", code="attribute.object_unknown")
    values = values or {}
    if not isinstance(values, dict):
        raise Invalid(
            "attributes must be an object", code="attribute.values_invalid", field="attributes"
        )
    if not values and not for_create:
        return {}
    in_force = {
        a.name: a
        for a in ObjectAttribute.objects.filter(
            object=object_type, editable=True, to_create=False
        ).order_by("position", "name", "id")
    }
    for name in values:
        if name not in in_force:
            raise Invalid(
                f"{object_type} has no attribute {name!r}", code="attribute.unknown", field=name
            )
    result: dict[str, Any] = {}
    for name, value in values.items():
        attribute = in_force[name]
        spec = AttributeSpec(attribute.name, attribute.data_type, attribute.data_option)
        if is_empty(value):
            if attribute.active and not spec.nullable:
                raise Invalid(f"{name} is required", code="attribute.required", field=name)
            result[name] = empty_value(spec, value)
        else:
            result[name] = clean_value(spec, value)
    if for_create:
        for name, attribute in in_force.items():
            if name in values or not attribute.active:
                continue
            default = attribute.data_option.get("default")
            if not is_empty(default):
                result[name] = copy.deepcopy(default)
            elif attribute.data_option.get("null", True) is False:
                raise Invalid(f"{name} is required", code="attribute.required", field=name)
    _check_relations(in_force, result)
    return result


def _check_relations(in_force: dict[str, ObjectAttribute], result: dict[str, Any]) -> None:
    wanted: dict[str, dict[str, list[int]]] = {"User": {}, "Organization": {}}
    for name, value in result.items():
        attribute = in_force[name]
        if attribute.data_type not in RELATION_TYPES or is_empty(value):
            continue
        ids = value if isinstance(value, list) else [value]
        wanted[attribute.data_option.get("relation") or "User"][name] = ids
    for relation, by_name in wanted.items():
        if not by_name:
            continue
        model = apps.get_model("core", relation)
        every = {i for ids in by_name.values() for i in ids}
        found = set(model._default_manager.filter(pk__in=every).values_list("pk", flat=True))
        for name, ids in by_name.items():
            missing = [i for i in ids if i not in found]
            if missing:
                raise Invalid(
                    f"no {relation.lower()} with id {missing[0]}",
                    code=f"attribute.{relation.lower()}_unknown",
                    field=name,
                )
