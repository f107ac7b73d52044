"""Pure rules about people: what a login, an email, a password and a locale must look like."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from helpline.lib.errors import Invalid

LOGIN_RE = re.compile(r"^[A-Za-z0-9.\-]{3,20}$")
EMAIL_MAX = 99
PASSWORD_MIN = 6


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


def is_reserved_login(login: str) -> bool:
    return login.strip().lower() in RESERVED_LOGINS


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
