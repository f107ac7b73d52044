"""Pure rules about people: what a login, an email and a password must look like."""

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


def check_password(password: str, *, minimum: int = PASSWORD_MIN) -> str:
    if password is None or len(password) < minimum:
        raise Invalid(
            f"a password has at least {minimum} characters",
            code="user.password_too_short",
            field="password",
        )
    return password
