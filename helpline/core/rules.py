"""Pure rules about people: what a login, an email, a password and a locale must look like."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from helpline.lib.errors import Invalid

LOGIN_RE = re.compile(r"^[A-Za-z0-9.\-]{3,20}$")
EMAIL_MAX = 99
PASSWORD_MIN = 6


def person_name(login: str | None, firstname: str | None, lastname: str | None) -> str:
    """How a person is named: "First Last", else the login (``User.fullname``; selectors
    that read the three columns as values use it too)."""
    return f"{firstname or ''} {lastname or ''}".strip() or login or ""


def check_login(login: str) -> str:
    """NodePoint's user names: 3-20 letters, digits, dots and dashes. An email also serves
    as a login, as Zammad's API creates users whose login is their address."""
    login = (login or "").strip()
    if LOGIN_RE.match(login):
        return login
    if "@" in login:
        return check_email(login, field="login")
    raise Invalid(
        "a login is 3 to 20 letters, digits, dots or dashes (or an email address)",
        code="user.login_invalid",
        field="login",
    )


def check_email(email: str, *, field: str = "email", required: bool = False) -> str:
    email = (email or "").strip()
    if not email:
        if required:
            raise Invalid("an email address is required", code="user.email_missing", field=field)
        return ""
    if len(email) > EMAIL_MAX:
        raise Invalid(
            f"an email address has at most {EMAIL_MAX} characters",
            code="user.email_too_long",
            field=field,
        )
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(
            f"{email!r} is not an email address", code="user.email_invalid", field=field
        ) from None
    return email


# NodePoint's special accounts: "guest" means people who are not signed in and "api" the
# JSON API's user; neither can be registered. ("demo" can, but cannot change its password.)
RESERVED_LOGINS = frozenset({"guest", "api", "system"})
DEMO_LOGIN = "demo"
# The account key-based calls act as (``accounts.ensure_api_user``): no password, no deletion.
API_LOGIN = "api"


def is_reserved_login(login: str) -> bool:
    return login.strip().lower() in RESERVED_LOGINS


def is_api_login(login: str) -> bool:
    return login.strip().lower() == API_LOGIN


def is_demo_login(login: str) -> bool:
    return login.strip().lower() == DEMO_LOGIN


# A user's language is kept Zammad's way, as ``preferences["locale"]`` ("fr-fr"); pages use
# Django's language codes ("fr").
LOCALES = {"en": "en-us", "fr": "fr-fr"}


def check_locale(value: str) -> str:
    """The stored locale for ``value`` ("fr", "fr-fr", "fr_FR" all give "fr-fr")."""
    language = language_of(value)
    if language is None:
        raise Invalid(
            f"{value!r} is not a supported language",
            code="user.locale_unsupported",
            field="locale",
        )
    return LOCALES[language]


def language_of(locale: object) -> str | None:
    """The page language ("fr") of a stored or requested locale, ``None`` when unsupported."""
    if not isinstance(locale, str) or not locale:
        return None
    code = locale.strip().lower().replace("_", "-")
    for language in (code, code.split("-")[0]):
        if language in LOCALES:
            return language
    return None


def check_password(password: str, *, minimum: int = PASSWORD_MIN) -> str:
    if password is None or len(password) < minimum:
        raise Invalid(
            f"a password has at least {minimum} characters",
            code="user.password_too_short",
            field="password",
        )
    return password


NOTE_MAX = 5000
# Ids beyond a signed 64-bit integer cannot exist; refusing them early keeps the databases
# from raising overflow errors on lookups.
ID_MAX = 2**63 - 1


def check_text(
    value: object, *, field: str, max_length: int | None, code: str, required: bool = False
) -> str:
    """A text value: ``None`` becomes "", NUL characters (which PostgreSQL cannot store) and
    values longer than ``max_length`` are refused."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(f"{field} must be text", code=f"{code}.not_text", field=field)
    if "\x00" in value:
        raise Invalid(f"{field} contains a NUL character", code=f"{code}.nul", field=field)
    if max_length is not None and len(value) > max_length:
        raise Invalid(
            f"{field} has at most {max_length} characters", code=f"{code}.too_long", field=field
        )
    if required and not value.strip():
        raise Invalid(f"{field} is required", code=f"{code}.missing", field=field)
    return value


def check_bool(value: object, *, field: str, code: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{field} must be true or false", code=f"{code}.not_bool", field=field)
    return value


def check_id(value: object, *, field: str, code: str) -> int:
    """A positive integer id (a bool is not an id)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_MAX:
        raise Invalid(f"{field} must be a positive integer id", code=f"{code}.bad_id", field=field)
    return value


def check_ids(value: object, *, field: str, code: str) -> list[int]:
    if not isinstance(value, list | tuple | set):
        raise Invalid(f"{field} must be a list of ids", code=f"{code}.bad_id", field=field)
    return sorted({check_id(v, field=field, code=code) for v in value})


def valid_id(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and 1 <= value <= ID_MAX


def id_from_text(value: object) -> object:
    """``"12"`` becomes 12 (JSON object keys are text); anything else is returned as is."""
    if isinstance(value, str) and 0 < len(value) <= 19 and value.isascii() and value.isdigit():
        return int(value)
    return value


JSON_MAX = 64 * 1024


def check_json_object(value: object, *, field: str, code: str) -> dict[str, object]:
    """A JSON object to store (preferences): at most ``JSON_MAX`` bytes once encoded and no
    NUL character anywhere (PostgreSQL's jsonb cannot hold one)."""
    import json

    if not isinstance(value, dict):
        raise Invalid(f"{field} must be an object", code=f"{code}.not_object", field=field)
    try:
        encoded = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        raise Invalid(f"{field} is not valid JSON", code=f"{code}.not_json", field=field) from None
    if len(encoded.encode("utf-8", "surrogatepass")) > JSON_MAX:
        raise Invalid(f"{field} is too large", code=f"{code}.too_large", field=field)
    if "\x00" in encoded or "\\u0000" in encoded:
        raise Invalid(f"{field} contains a NUL character", code=f"{code}.nul", field=field)
    return value
