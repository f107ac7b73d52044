"""Tokens sent by mail (email confirmation, lost password, email change).

A token is signed with the secret key and carries the user's id, its purpose, an optional
value (the new address of an email change), its issue time and a fingerprint of the account
state it acts on. It is refused when the signature or purpose is wrong, when it is older than
its purpose allows, and once the state it was issued for has changed: following it changes
that state, so each link works once (the approach of Django's password reset tokens, which
need no table).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from helpline.core.models import User
from helpline.lib import clock
from helpline.lib.errors import Invalid

CONFIRM_EMAIL = "confirm"  # the address given at registration
RESET_PASSWORD = "reset"  # lost password  # noqa: S105
CHANGE_EMAIL = "email"  # a new address, applied when confirmed

MAX_AGE = {
    CONFIRM_EMAIL: timedelta(days=7),
    RESET_PASSWORD: timedelta(days=1),
    CHANGE_EMAIL: timedelta(days=1),
}
_SALT = "helpline.core.tokens"


@dataclass(frozen=True)
class TokenClaim:
    user: User
    purpose: str
    value: str


def make_token(user: User, purpose: str, value: str = "") -> str:
    payload = {
        "u": user.pk,
        "p": purpose,
        "v": value,
        "t": int(clock.now().timestamp()),
        "f": _fingerprint(user, purpose, value),
    }
    return signing.dumps(payload, salt=_SALT, compress=True)


def read_token(token: str, purposes: tuple[str, ...], *, lock: bool = False) -> TokenClaim:
    """The user and value of a valid token for one of ``purposes``; raises ``Invalid`` with
    code ``token.invalid``, ``token.expired`` or ``token.used``. With ``lock`` the user's row
    is locked so two requests cannot use one token twice."""
    try:
        payload: Any = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        payload = None
    if not isinstance(payload, dict) or payload.get("p") not in purposes:
        raise Invalid("this link is not valid", code="token.invalid", field="token")
    purpose = str(payload["p"])
    age = clock.now().timestamp() - float(payload.get("t", 0))
    if age > MAX_AGE[purpose].total_seconds():
        raise Invalid(
            "this link has expired",
            code="token.expired",
            field="token",
        )
    users = User.objects.select_for_update() if lock else User.objects
    user_id = payload.get("u")
    user = users.filter(pk=user_id, active=True).first() if isinstance(user_id, int) else None
    value = str(payload.get("v", ""))
    if user is None or not constant_time_compare(
        str(payload.get("f", "")), _fingerprint(user, purpose, value)
    ):
        raise Invalid(
            "this link was already used or no longer applies",
            code="token.used",
            field="token",
        )
    return TokenClaim(user=user, purpose=purpose, value=value)


def _fingerprint(user: User, purpose: str, value: str) -> str:
    """What following the link changes, so that it then stops working:

    - confirm: the address and whether it is confirmed;
    - email change: the current address (and the password: changing it cancels the change);
    - lost password: the password, the last login and the address.
    """
    if purpose == CONFIRM_EMAIL:
        state = [user.email.lower(), str(user.verified)]
    elif purpose == CHANGE_EMAIL:
        state = [user.email.lower(), user.password]
    else:
        last_login = user.last_login.replace(microsecond=0, tzinfo=None) if user.last_login else ""
        state = [user.password, str(last_login), user.email.lower()]
    text = "|".join([str(user.pk), purpose, value.lower(), *state])
    return salted_hmac(_SALT, text, algorithm="sha256").hexdigest()[:32]
