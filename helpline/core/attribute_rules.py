"""Pure rules of custom object attributes (Zammad's object manager): what a name, a data type
and a ``data_option`` must look like, and how a value of each data type is checked and
converted to the form stored in an object's ``attributes`` JSON field.

Nothing here reads the database: relation ids (users, organizations) are converted here and
their existence is checked by ``core.services.attributes``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from helpline.lib import clock
from helpline.lib.errors import Invalid

OBJECT_TYPES = ("Ticket", "User", "Organization", "Group")

# Every data type Zammad knows (ObjectManager::Attribute::DATA_TYPES); built-in rows use them all.
DATA_TYPES = (
    "input", "user_autocompletion", "checkbox", "select", "multiselect", "tree_select",
    "multi_tree_select", "datetime", "date", "tag", "richtext", "textarea", "integer",
    "autocompletion_ajax", "autocompletion_ajax_customer_organization",
    "autocompletion_ajax_external_data_source", "boolean", "user_permission", "active",
)  # fmt: skip
# The ones an administrator may give a custom attribute. The rest describe built-in columns
# (tags, role lists, active flags) or need an outside service (external data source).
CUSTOM_DATA_TYPES = (
    "input", "textarea", "select", "multiselect", "tree_select", "multi_tree_select",
    "boolean", "integer", "date", "datetime", "user_autocompletion", "autocompletion_ajax",
    "autocompletion_ajax_customer_organization",
)  # fmt: skip
# Zammad allows a data type to change only where stored values stay meaningful.
COMPATIBLE_DATA_TYPES = (
    frozenset({"input", "select", "tree_select"}),
    frozenset({"multiselect", "multi_tree_select"}),
)
INPUT_TYPES = ("text", "password", "tel", "fax", "email", "url")
RELATION_TYPES = ("user_autocompletion", "autocompletion_ajax",
                  "autocompletion_ajax_customer_organization")  # fmt: skip
OPTION_TYPES = ("select", "multiselect")
TREE_TYPES = ("tree_select", "multi_tree_select")
MULTI_TYPES = ("multiselect", "multi_tree_select")
TEXT_TYPES = ("input", "textarea")

INT_MIN = -2_147_483_647
INT_MAX = 2_147_483_647
NAME_MAX = 60
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Zammad's reserved words (model method names and SQL words) plus ours.
RESERVED_NAMES = frozenset(
    (
        "destroy", "true", "false", "integer", "select", "drop", "create", "alter", "index",
        "table", "varchar", "blob", "date", "datetime", "timestamp", "url", "icon", "initials",
        "avatar", "permission", "validate", "subscribe", "unsubscribe", "translate", "search",
        "_type", "_doc", "_id", "id", "attributes", "pk", "object", "objects",
    )
)  # fmt: skip


@dataclass(frozen=True)
class AttributeSpec:
    """What the value checks need of an attribute: its name, data type and options."""

    name: str
    data_type: str
    data_option: dict[str, Any]

    @property
    def nullable(self) -> bool:
        return self.data_option.get("null", True) is not False


# ---------------------------------------------------------------------------------------------
# Definitions


def check_object(object_type: Any) -> str:
    if object_type not in OBJECT_TYPES:
        raise Invalid(
            f"object must be one of {', '.join(OBJECT_TYPES)}",
            code="attribute.object_unknown",
            field="object",
        )
    return str(object_type)


def check_name(name: Any, *, taken: Collection[str] = ()) -> str:
    """Zammad's naming rule, stricter: lower-case letters, digits and underscores, starting
    with a letter; not ending in ``_id``/``_ids``; not a reserved word; not one of ``taken``
    (the object's own fields). Names are lower-cased as Zammad does."""
    if not isinstance(name, str) or not name.strip():
        raise Invalid("a name is required", code="attribute.name_missing", field="name")
    name = name.strip().lower()
    if len(name) > NAME_MAX or not NAME_RE.match(name):
        raise Invalid(
            f"a name is at most {NAME_MAX} lower-case letters, digits or underscores, "
            "starting with a letter",
            code="attribute.name_invalid",
            field="name",
        )
    if re.search(r"_(id|ids)$", name):
        raise Invalid(
            "names ending in _id or _ids are reserved for relations",
            code="attribute.name_reserved",
            field="name",
        )
    if name in RESERVED_NAMES:
        raise Invalid(f"{name} is a reserved word", code="attribute.name_reserved", field="name")
    if name in taken:
        raise Invalid(
            f"{name} is already a field of this object",
            code="attribute.name_reserved",
            field="name",
        )
    return name


def check_display(display: Any) -> str:
    if not isinstance(display, str) or not display.strip():
        raise Invalid(
            "a display name is required", code="attribute.display_missing", field="display"
        )
    if len(display.strip()) > 200:
        raise Invalid(
            "a display name has at most 200 characters",
            code="attribute.display_too_long",
            field="display",
        )
    return display.strip()


def check_data_type(data_type: Any) -> str:
    if data_type not in DATA_TYPES:
        raise Invalid(
            f"{data_type!r} is not a valid data type",
            code="attribute.data_type_unknown",
            field="data_type",
        )
    if data_type not in CUSTOM_DATA_TYPES:
        raise Invalid(
            f"{data_type} is reserved for built-in attributes; use one of "
            f"{', '.join(CUSTOM_DATA_TYPES)}",
            code="attribute.data_type_unsupported",
            field="data_type",
        )
    return str(data_type)


def check_data_type_change(old: str, new: str) -> None:
    if old == new:
        return
    if not any(old in group and new in group for group in COMPATIBLE_DATA_TYPES):
        raise Invalid(
            f"the data type {old} cannot become {new} (delete the attribute and create "
            "another one)",
            code="attribute.data_type_immutable",
            field="data_type",
        )


def _bad_option(key: str, message: str, code: str) -> Invalid:
    return Invalid(message, code=code, field=f"data_option.{key}")


def _int_option(
    options: dict[str, Any], key: str, default: int | None, *, minimum: int | None = None
) -> int | None:
    value = options.get(key, default)
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad_option(key, f"{key} must be a whole number", f"attribute.{key}_invalid")
    if minimum is not None and value < minimum:
        raise _bad_option(key, f"{key} must be at least {minimum}", f"attribute.{key}_invalid")
    return value


def _bool_option(options: dict[str, Any], key: str, default: bool) -> bool:
    value = options.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _bad_option(key, f"{key} must be true or false", f"attribute.{key}_invalid")
    return value


def _check_options(data_type: str, options: Any) -> dict[str, str]:
    if not isinstance(options, dict) or not options:
        raise _bad_option(
            "options", f"a {data_type} attribute needs its options", "attribute.options_missing"
        )
    clean: dict[str, str] = {}
    for key, label in options.items():
        if not isinstance(key, str) or not key.strip():
            raise _bad_option("options", "option keys must be text", "attribute.options_invalid")
        if isinstance(label, bool) or not isinstance(label, str | int | float):
            raise _bad_option(
                "options", f"the option {key!r} needs a text label", "attribute.options_invalid"
            )
        clean[key] = str(label)
    return clean


def _check_tree(options: Any) -> list[dict[str, Any]]:
    if not isinstance(options, list) or not options:
        raise _bad_option(
            "options", "a tree attribute needs its options", "attribute.options_missing"
        )
    seen: set[str] = set()

    def walk(nodes: Any, parent: str) -> list[dict[str, Any]]:
        if not isinstance(nodes, list):
            raise _bad_option(
                "options", "children must be a list of options", "attribute.options_invalid"
            )
        result = []
        for node in nodes:
            if not isinstance(node, dict) or not isinstance(node.get("name"), str):
                raise _bad_option(
                    "options", "every tree option needs a name", "attribute.options_invalid"
                )
            name = node["name"].strip()
            if not name or "::" in name:
                raise _bad_option(
                    "options",
                    "tree option names are not empty and hold no '::'",
                    "attribute.options_invalid",
                )
            path = f"{parent}::{name}" if parent else name
            value = node.get("value") or path
            if not isinstance(value, str) or value in seen:
                raise _bad_option(
                    "options", f"the tree option {path!r} is repeated", "attribute.options_invalid"
                )
            seen.add(value)
            clean: dict[str, Any] = {"name": name, "value": value}
            if node.get("children"):
                clean["children"] = walk(node["children"], path)
            result.append(clean)
        return result

    return walk(options, "")


def tree_values(options: list[dict[str, Any]]) -> Iterator[str]:
    """Every selectable value of a tree (each node, not only the leaves, as in Zammad)."""
    for node in options:
        yield node["value"]
        yield from tree_values(node.get("children") or [])


def normalise_data_option(name: str, data_type: str, data_option: Any) -> dict[str, Any]:
    """Check ``data_option`` for ``data_type`` and fill Zammad's defaults, so that a
    definition given with only its options comes back as Zammad shows it (``default``,
    ``null``, ``relation``, ``nulloption``, ``maxlength``…). Keys Helpline does not use (notes,
    placeholders, link templates) are kept. The default value must itself be a valid value."""
    if data_option is None:
        data_option = {}
    if not isinstance(data_option, dict):
        raise Invalid(
            "data_option must be an object",
            code="attribute.data_option_invalid",
            field="data_option",
        )
    opts: dict[str, Any] = dict(data_option)
    opts["null"] = _bool_option(opts, "null", True)

    if data_type == "input":
        opts["type"] = opts.get("type") or "text"
        if opts["type"] not in INPUT_TYPES:
            raise _bad_option(
                "type",
                f"an input is one of {', '.join(INPUT_TYPES)}",
                "attribute.input_type_invalid",
            )
        opts["maxlength"] = _int_option(opts, "maxlength", 120, minimum=1)
        opts.setdefault("default", "")
    elif data_type == "textarea":
        opts["maxlength"] = _int_option(opts, "maxlength", 500, minimum=1)
        opts["rows"] = _int_option(opts, "rows", 4, minimum=1)
        opts.setdefault("default", "")
    elif data_type in OPTION_TYPES or data_type in TREE_TYPES:
        if opts.get("relation"):
            raise _bad_option(
                "relation",
                "custom selections take options, not a relation",
                "attribute.relation_invalid",
            )
        opts["relation"] = ""
        if data_type in OPTION_TYPES:
            opts["options"] = _check_options(data_type, opts.get("options"))
        else:
            opts["options"] = _check_tree(opts.get("options"))
        opts["nulloption"] = _bool_option(opts, "nulloption", True)
        opts["maxlength"] = _int_option(opts, "maxlength", 255, minimum=1)
        if data_type in MULTI_TYPES or "multiple" in opts:
            opts["multiple"] = data_type in MULTI_TYPES
        opts.setdefault("default", [] if data_type in MULTI_TYPES else "")
    elif data_type == "boolean":
        options = opts.get("options") or {"true": "yes", "false": "no"}
        if not isinstance(options, dict) or not set(options) <= {"true", "false"}:
            raise _bad_option(
                "options",
                "a boolean's options are labels for true and false",
                "attribute.options_invalid",
            )
        opts["options"] = {str(k): str(v) for k, v in options.items()}
        default = opts.get("default")
        if isinstance(default, str) and default in ("true", "false"):
            default = default == "true"
        opts["default"] = default
    elif data_type == "integer":
        lo = _int_option(opts, "min", INT_MIN, minimum=INT_MIN)
        hi = _int_option(opts, "max", INT_MAX, minimum=INT_MIN)
        if lo is None or lo > INT_MAX:
            raise _bad_option("min", f"min must be at most {INT_MAX}", "attribute.min_invalid")
        if hi is None or hi > INT_MAX:
            raise _bad_option("max", f"max must be at most {INT_MAX}", "attribute.max_invalid")
        if lo > hi:
            raise _bad_option("max", "max must not be below min", "attribute.max_invalid")
        opts["min"], opts["max"] = lo, hi
        opts.setdefault("default", None)
    elif data_type in ("date", "datetime"):
        opts["future"] = _bool_option(opts, "future", True)
        opts["past"] = _bool_option(opts, "past", True)
        opts["diff"] = _int_option(opts, "diff", None)
        opts.setdefault("default", None)
    elif data_type in RELATION_TYPES:
        relation = opts.get("relation") or ""
        if data_type == "user_autocompletion":
            relation = relation or "User"
            allowed: tuple[str, ...] = ("User",)
        elif data_type == "autocompletion_ajax":
            allowed = ("User", "Organization")
        else:
            relation = relation or "Organization"
            allowed = ("Organization",)
        if relation not in allowed:
            raise _bad_option(
                "relation",
                f"the relation of a {data_type} is one of {', '.join(allowed)}",
                "attribute.relation_invalid",
            )
        opts["relation"] = relation
        opts["multiple"] = _bool_option(opts, "multiple", False)
        opts["default"] = opts.get("default")
        if opts["default"] not in (None, "", []):
            raise _bad_option(
                "default", "a relation has no default value", "attribute.default_invalid"
            )
        opts["default"] = None

    default = opts.get("default")
    if default not in (None, "", []) and data_type not in RELATION_TYPES:
        try:
            opts["default"] = clean_value(AttributeSpec(name, data_type, opts), default)
        except Invalid as exc:
            raise _bad_option(
                "default",
                f"the default is not a valid value: {exc.message}",
                "attribute.default_invalid",
            ) from None
    return opts


# ---------------------------------------------------------------------------------------------
# Values


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def empty_value(spec: AttributeSpec, value: Any) -> Any:
    """The stored form of "no value": text keeps "", a multiple choice keeps [], else None."""
    if spec.data_type in TEXT_TYPES and value == "":
        return ""
    if spec.data_type in MULTI_TYPES and value == []:
        return []
    return None


def _bad(spec: AttributeSpec, message: str, code: str) -> Invalid:
    return Invalid(f"{spec.name} {message}", code=code, field=spec.name)


def _text(spec: AttributeSpec, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _bad(spec, "must be text", "attribute.not_text")
    text = str(value)
    maxlength = spec.data_option.get("maxlength")
    if isinstance(maxlength, int) and len(text) > maxlength:
        raise _bad(spec, f"is longer than the allowed length {maxlength}", "attribute.too_long")
    if spec.data_type == "input":
        kind = spec.data_option.get("type")
        try:
            if kind == "email":
                validate_email(text)
            elif kind == "url":
                URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise _bad(spec, f"is not a valid {kind}", f"attribute.{kind}_invalid") from None
    return text


def _integer(spec: AttributeSpec, value: Any) -> int:
    if (isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value)) or (
        isinstance(value, float) and value.is_integer()
    ):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(spec, "must be a whole number", "attribute.not_integer")
    lo = spec.data_option.get("min", INT_MIN)
    hi = spec.data_option.get("max", INT_MAX)
    if lo is not None and value < lo:
        raise _bad(
            spec, f"is smaller than the allowed minimum value of {lo}", "attribute.too_small"
        )
    if hi is not None and value > hi:
        raise _bad(spec, f"is larger than the allowed maximum value of {hi}", "attribute.too_large")
    return value


def _boolean(spec: AttributeSpec, value: Any) -> bool:
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if not isinstance(value, bool):
        raise _bad(spec, "must be true or false", "attribute.not_boolean")
    return value


def _check_when(spec: AttributeSpec, moment: date, now: date) -> None:
    if spec.data_option.get("past") is False and moment < now:
        raise _bad(spec, "does not allow past dates", "attribute.past_not_allowed")
    if spec.data_option.get("future") is False and moment > now:
        raise _bad(spec, "does not allow future dates", "attribute.future_not_allowed")


def _date(spec: AttributeSpec, value: Any) -> str:
    if isinstance(value, datetime) or not isinstance(value, str | date):
        raise _bad(spec, "must be a date (YYYY-MM-DD)", "attribute.date_invalid")
    if isinstance(value, str):
        text = value.strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            value = date.fromisoformat(text)
        except ValueError:
            raise _bad(spec, "must be a date (YYYY-MM-DD)", "attribute.date_invalid") from None
    _check_when(spec, value, clock.now().date())
    return value.isoformat()


def _datetime(spec: AttributeSpec, value: Any) -> str:
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", text):
            raise _bad(spec, "must be an ISO 8601 date and time", "attribute.datetime_invalid")
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise _bad(
                spec, "must be an ISO 8601 date and time", "attribute.datetime_invalid"
            ) from None
    if not isinstance(value, datetime):
        raise _bad(spec, "must be an ISO 8601 date and time", "attribute.datetime_invalid")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # a time without zone is UTC, the server's zone
    value = value.astimezone(UTC)
    now = clock.now()
    if spec.data_option.get("past") is False and value < now:
        raise _bad(spec, "does not allow past dates", "attribute.past_not_allowed")
    if spec.data_option.get("future") is False and value > now:
        raise _bad(spec, "does not allow future dates", "attribute.future_not_allowed")
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _choice(spec: AttributeSpec, value: Any, allowed: Collection[str]) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or value not in allowed:
        raise _bad(spec, f"has no option {value!r}", "attribute.option_invalid")
    return value


def _choices(spec: AttributeSpec, value: Any, allowed: Collection[str]) -> list[str]:
    if not isinstance(value, list):
        raise _bad(spec, "must be a list of options", "attribute.not_list")
    result: list[str] = []
    for item in value:
        choice = _choice(spec, item, allowed)
        if choice not in result:
            result.append(choice)
    return result


def _relation_id(spec: AttributeSpec, value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _bad(spec, "must be the id of a record", "attribute.id_invalid")
    return value


def clean_value(spec: AttributeSpec, value: Any) -> Any:
    """Check one non-empty value against ``spec`` and return its stored form: text, an int,
    a bool, "YYYY-MM-DD", an ISO UTC time with milliseconds ("…T12:38:35.444Z"), an option
    key, a list of keys, a tree path ("a::b"), or a record id (a list of ids when
    ``multiple``). Raises ``Invalid`` naming the attribute."""
    kind = spec.data_type
    opts = spec.data_option
    if kind in TEXT_TYPES or kind == "richtext":
        return _text(spec, value)
    if kind == "integer":
        return _integer(spec, value)
    if kind in ("boolean", "active"):
        return _boolean(spec, value)
    if kind == "date":
        return _date(spec, value)
    if kind == "datetime":
        return _datetime(spec, value)
    if kind == "select":
        return _choice(spec, value, opts.get("options") or {})
    if kind == "multiselect":
        return _choices(spec, value, opts.get("options") or {})
    if kind == "tree_select":
        return _choice(spec, value, set(tree_values(opts.get("options") or [])))
    if kind == "multi_tree_select":
        return _choices(spec, value, set(tree_values(opts.get("options") or [])))
    if kind in RELATION_TYPES:
        if opts.get("multiple"):
            if not isinstance(value, list):
                raise _bad(spec, "must be a list of ids", "attribute.not_list")
            return list(dict.fromkeys(_relation_id(spec, v) for v in value))
        return _relation_id(spec, value)
    raise _bad(spec, f"has a data type ({kind}) that takes no values here", "attribute.read_only")
