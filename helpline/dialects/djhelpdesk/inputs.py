"""Reading django-helpdesk's POST fields into Helpline's terms; malformed input is ``Invalid``."""

from __future__ import annotations

from django.http import QueryDict

from helpline.dialects.djhelpdesk import vocab
from helpline.lib.errors import Invalid


def credentials(data: QueryDict) -> tuple[str | None, str | None]:
    """The login and password sent with a call: ``user`` wins over ``username``."""
    login = next((data.get(name) for name in vocab.LOGIN_FIELDS if data.get(name)), None)
    return login, data.get(vocab.PASSWORD_FIELD)


def username(data: QueryDict) -> str:
    """``find_user``'s ``username``, the login to look up exactly as given."""
    value = data.get("username", "")
    if not value:
        raise Invalid(
            "a username to look up is required",
            code="djhelpdesk.username_missing",
            field="username",
        )
    return value
