"""Pure rules of NodePoint's custom ticket forms: what a form's fields may be and how a value
typed into each kind of field is checked and stored. No database access here: client
(organization) ids are checked by ``projects.services.forms``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from helpline.lib.errors import Invalid

MAX_FIELDS = 10
FIELD_TYPES = ("text", "textarea", "checkbox", "url", "select", "rating", "date", "client", "item")
FORM_NAME_MAX = 150
LABEL_MAX = 100
FIELD_NAME_MAX = 60
OPTION_MAX = 200
TEXT_MAX = 1000
TEXTAREA_MAX = 10000
URL_MAX = 2000
RATING_MIN, RATING_MAX = 1, 5
FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0", "")


def check_form_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise Invalid("a form needs a name", code="form.name_missing", field="name")
    if len(name.strip()) > FORM_NAME_MAX:
        raise Invalid(
            f"a form name has at most {FORM_NAME_MAX} characters",
            code="form.name_too_long",
            field="name",
        )
    return name.strip()


def _field_name_from(label: str, position: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:FIELD_NAME_MAX]
    if not slug:
        return f"field_{position + 1}"
    return slug if slug[0].isalpha() else f"f_{slug}"[:FIELD_NAME_MAX]


def check_form_fields(fields: Any, *, clients_enabled: bool) -> list[dict[str, Any]]:
    """Check a form's field list and return it normalised: each field is
    ``{"name", "label", "type", "required", "options"}``. A form has 1 to 10 fields; a
    field's name (derived from its label when not given) is unique in the form; only a
    ``select`` has options (a non-empty list of distinct texts); a ``client`` field needs the
    clients component."""
    if not isinstance(fields, list) or not fields:
        raise Invalid("a form needs at least one field", code="form.fields_missing", field="fields")
    if len(fields) > MAX_FIELDS:
        raise Invalid(
            f"a form has at most {MAX_FIELDS} fields", code="form.too_many_fields", field="fields"
        )
    result: list[dict[str, Any]] = []
    names: set[str] = set()
    for i, spec in enumerate(fields):
        where = f"fields[{i}]"
        if not isinstance(spec, dict):
            raise Invalid("a field is an object", code="form.field_invalid", field=where)
        unknown = sorted(set(spec) - {"name", "label", "type", "required", "options"})
        if unknown:
            raise Invalid(
                f"a field has no {unknown[0]!r}",
                code="form.field_invalid",
                field=f"{where}.{unknown[0]}",
            )
        label = spec.get("label")
        if not isinstance(label, str) or not label.strip():
            raise Invalid(
                "a field needs a label", code="form.label_missing", field=f"{where}.label"
            )
        label = label.strip()
        if len(label) > LABEL_MAX:
            raise Invalid(
                f"a label has at most {LABEL_MAX} characters",
                code="form.label_too_long",
                field=f"{where}.label",
            )
        kind = spec.get("type")
        if kind not in FIELD_TYPES:
            raise Invalid(
                f"a field type is one of {', '.join(FIELD_TYPES)}",
                code="form.field_type_unknown",
                field=f"{where}.type",
            )
        if kind == "client" and not clients_enabled:
            raise Invalid(
                "client fields need the clients component",
                code="form.clients_disabled",
                field=f"{where}.type",
            )
        required = spec.get("required", False)
        if not isinstance(required, bool):
            raise Invalid(
                "required is true or false", code="form.required_invalid", field=f"{where}.required"
            )
        name = spec.get("name")
        if name is None or name == "":
            name = base = _field_name_from(label, i)
            suffix = 2
            while name in names:
                name = f"{base[: FIELD_NAME_MAX - 4]}_{suffix}"
                suffix += 1
        elif (
            not isinstance(name, str) or len(name) > FIELD_NAME_MAX or not FIELD_NAME_RE.match(name)
        ):
            raise Invalid(
                f"a field name is at most {FIELD_NAME_MAX} lower-case letters, digits or "
                "underscores, starting with a letter",
                code="form.field_name_invalid",
                field=f"{where}.name",
            )
        elif name in names:
            raise Invalid(
                f"two fields are named {name}", code="form.field_name_taken", field=f"{where}.name"
            )
        names.add(name)
        options = spec.get("options") or []
        if kind == "select":
            if not isinstance(options, list) or not options:
                raise Invalid(
                    "a select field needs options",
                    code="form.options_missing",
                    field=f"{where}.options",
                )
            clean_options: list[str] = []
            for option in options:
                if not isinstance(option, str) or not option.strip():
                    raise Invalid(
                        "options are texts", code="form.options_invalid", field=f"{where}.options"
                    )
                option = option.strip()
                if len(option) > OPTION_MAX or option in clean_options:
                    raise Invalid(
                        f"the option {option[:40]!r} is repeated or longer than {OPTION_MAX}",
                        code="form.options_invalid",
                        field=f"{where}.options",
                    )
                clean_options.append(option)
            options = clean_options
        elif options:
            raise Invalid(
                f"a {kind} field has no options",
                code="form.options_invalid",
                field=f"{where}.options",
            )
        result.append(
            {"name": name, "label": label, "type": kind, "required": required, "options": options}
        )
    return result


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _bad(field: dict[str, Any], message: str, code: str) -> Invalid:
    return Invalid(f"{field['label']}: {message}", code=code, field=field["name"])


def _text(field: dict[str, Any], value: Any, limit: int) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _bad(field, "must be text", "form.not_text")
    text = str(value).strip()
    if len(text) > limit:
        raise _bad(field, f"has at most {limit} characters", "form.too_long")
    return text


def check_url(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return len(value) <= URL_MAX


def to_bool(value: Any) -> bool | None:
    """A checkbox value as sent by a page, an API or a script; ``None`` when it is none."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def positive_id(value: Any) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def clean_field_value(field: dict[str, Any], value: Any) -> Any:
    """Check one non-blank value for ``field`` and return its stored form: text, a URL,
    ``True``/``False``, the chosen option, a rating 1-5, "YYYY-MM-DD", or an id (client,
    item)."""
    kind = field["type"]
    if kind == "text":
        return _text(field, value, TEXT_MAX)
    if kind == "textarea":
        return _text(field, value, TEXTAREA_MAX)
    if kind == "url":
        url = _text(field, value, URL_MAX)
        if not check_url(url):
            raise _bad(field, "is not a web address (http:// or https://)", "form.url_invalid")
        return url
    if kind == "checkbox":
        checked = to_bool(value)
        if checked is None:
            raise _bad(field, "is yes or no", "form.checkbox_invalid")
        return checked
    if kind == "select":
        if not isinstance(value, str) or value.strip() not in field["options"]:
            raise _bad(field, f"has no option {value!r}", "form.option_invalid")
        return value.strip()
    if kind == "rating":
        rating = positive_id(value)
        if rating is None or not RATING_MIN <= rating <= RATING_MAX:
            raise _bad(
                field, f"is a rating from {RATING_MIN} to {RATING_MAX}", "form.rating_invalid"
            )
        return rating
    if kind == "date":
        text = value.strip() if isinstance(value, str) else ""
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise _bad(field, "is a date (YYYY-MM-DD)", "form.date_invalid") from None
    if kind in ("client", "item"):
        ident = positive_id(value)
        if ident is None:
            raise _bad(field, f"is the id of a{'n' if kind == 'item' else ''} {kind}",
                       f"form.{kind}_invalid")  # fmt: skip
        return ident
    raise _bad(field, f"has an unknown type {kind!r}", "form.field_type_unknown")
