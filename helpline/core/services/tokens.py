"""Access tokens: personal API tokens (Zammad's ``user_access_token``) and other doors'
tokens, each of its own ``kind``.

A token is a random secret shown once; only its SHA-256 hash is kept. It acts as its user
narrowed to the permissions written on it, which can never exceed what the maker held.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import QuerySet

from helpline.core import permissions as perms
from helpline.core import rules, selectors
from helpline.core.models import AccessToken, Permission, User
from helpline.lib import clock
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, NotAuthenticated, NotFound, PermissionDenied

TOKEN_BYTES = 48  # 64 URL-safe characters, as Zammad's tokens
PREFIX_LENGTH = 8
TOKEN_MAX = 200  # longer presented strings are not tokens; never hash megabytes
LAST_USED_RESOLUTION = timedelta(minutes=1)
PERMISSIONS_MAX = 100


@dataclass(frozen=True)
class IssuedToken:
    token: AccessToken
    plaintext: str  # shown once, never stored


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8", "surrogatepass")).hexdigest()


def _expiry(value: object) -> datetime | None:
    """``None``, a date (the token stops working when that day starts, UTC, as Zammad) or
    an aware/naive (UTC) datetime; it must lie in the future."""
    if value is None or value == "":
        return None
    when: datetime
    if isinstance(value, datetime):
        when = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        when = datetime.combine(value, time.min, tzinfo=UTC)
    elif isinstance(value, str) and len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(
                "expires_at must be a date or a date and time",
                code="token.expires_at",
                field="expires_at",
            ) from None
        when = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    else:
        raise Invalid(
            "expires_at must be a date or a date and time",
            code="token.expires_at",
            field="expires_at",
        )
    if when <= clock.now():
        raise Invalid("expires_at must lie in the future", code="token.expired", field="expires_at")
    return when


@transaction.atomic
def create_token(
    actor: Actor,
    *,
    label: str,
    permissions: list[str],
    expires_at: object = None,
    kind: str = AccessToken.Kind.API,
) -> IssuedToken:
    """Make a token for the actor's own user (``user_preferences.access_token``).

    Every permission on it must exist and be held by the actor (through a token, only what
    that token carries), so a token never grants more than its maker. The plaintext is in
    the result and nowhere else.
    """
    perms.require(actor, perms.USER_PREFERENCES_ACCESS_TOKEN)
    if actor.user is None:
        raise PermissionDenied("only a user may own a token", code="token.no_user")
    if kind not in AccessToken.Kind.values:
        raise Invalid(f"unknown token kind {kind!r}", code="token.kind", field="kind")
    label = rules.check_text(
        label, field="label", max_length=AccessToken._meta.get_field("label").max_length,
        code="token", required=True,
    ).strip()  # fmt: skip
    if not isinstance(permissions, list | tuple) or not all(
        isinstance(p, str) for p in permissions
    ):
        raise Invalid(
            "permission must be a list of permission names",
            code="token.permission",
            field="permission",
        )
    names = sorted(
        {rules.check_text(p, field="permission", max_length=100, code="token") for p in permissions}
    )
    if not names:
        raise Invalid(
            "a token needs at least one permission", code="token.permission", field="permission"
        )
    if len(names) > PERMISSIONS_MAX:
        raise Invalid("too many permissions", code="token.permission", field="permission")
    active = Permission.objects.filter(name__in=names, active=True)
    known = set(active.values_list("name", flat=True))
    for name in names:
        if name not in known:
            raise Invalid(
                f"no permission named {name[:100]!r}",
                code="token.permission_unknown",
                field="permission",
            )
        if not perms.token_may_carry(actor, name):
            raise PermissionDenied(
                f"you do not hold the permission {name}; a token cannot carry it",
                code="token.permission_not_held",
                field="permission",
            )
    plaintext = secrets.token_urlsafe(TOKEN_BYTES)
    token = AccessToken.objects.create(
        user=actor.user,
        label=label,
        kind=kind,
        token_hash=hash_token(plaintext),
        prefix=plaintext[:PREFIX_LENGTH],
        permissions=names,
        expires_at=_expiry(expires_at),
    )
    return IssuedToken(token=token, plaintext=plaintext)


def list_tokens(actor: Actor, *, kind: str = AccessToken.Kind.API) -> QuerySet[AccessToken]:
    """The actor's own tokens (``user_preferences.access_token``)."""
    perms.require(actor, perms.USER_PREFERENCES_ACCESS_TOKEN)
    return selectors.list_own_tokens(actor, kind=kind)


@transaction.atomic
def delete_token(actor: Actor, token_id: int, *, kind: str = AccessToken.Kind.API) -> None:
    """Delete one of the actor's own tokens; someone else's is ``NotFound``."""
    perms.require(actor, perms.USER_PREFERENCES_ACCESS_TOKEN)
    if not rules.valid_id(token_id) or actor.user is None:
        raise NotFound(f"no token with id {token_id}", code="token.not_found")
    deleted, _ = AccessToken.objects.filter(pk=token_id, user=actor.user, kind=kind).delete()
    if not deleted:
        raise NotFound(f"no token with id {token_id}", code="token.not_found")


def authenticate(
    plaintext: str, *, kind: str = AccessToken.Kind.API
) -> tuple[User, frozenset[str]]:
    """The user and permissions behind a presented token, or ``NotAuthenticated``.

    Expired tokens and tokens of disabled users are refused. ``last_used_at`` is written at
    most once a minute per token, so busy integrations do not write on every call.
    """
    if not isinstance(plaintext, str) or not 0 < len(plaintext) <= TOKEN_MAX:
        raise NotAuthenticated("invalid token", code="token.invalid")
    token = (
        AccessToken.objects.select_related("user")
        .filter(token_hash=hash_token(plaintext), kind=kind)
        .first()
    )
    if token is None:
        raise NotAuthenticated("invalid token", code="token.invalid")
    now = clock.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise NotAuthenticated("Not authorized (token expired)!", code="token.expired")
    if not token.user.active:
        raise NotAuthenticated("the token's user is disabled", code="token.user_disabled")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, frozenset(token.permissions or [])


SESSION_LIFETIME = timedelta(hours=1)  # Flicket's tokens expire after an hour


@transaction.atomic
def create_session_token(
    actor: Actor, *, label: str, lifetime: timedelta = SESSION_LIFETIME
) -> IssuedToken:
    """An expiring session token (kind ``session``) for the actor's own user, as Flicket's
    ``POST /tokens`` hands out after checking the password: it acts as its user in full
    (no permission list narrows it) until it expires or is revoked. Only a user who signed
    in with a password (not a token) gets one."""
    if actor.user is None or actor.kind != "user":
        raise PermissionDenied(
            "a session token is issued to a user who signed in", code="token.no_user"
        )
    plaintext = secrets.token_urlsafe(TOKEN_BYTES)
    token = AccessToken.objects.create(
        user=actor.user,
        label=label[: AccessToken._meta.get_field("label").max_length],
        kind=AccessToken.Kind.SESSION,
        token_hash=hash_token(plaintext),
        prefix=plaintext[:PREFIX_LENGTH],
        permissions=[],
        expires_at=clock.now() + lifetime,
    )
    return IssuedToken(token=token, plaintext=plaintext)


def authenticate_session(plaintext: str, *, via: str) -> Actor:
    """The user behind a session token, as a full user actor; ``NotAuthenticated`` for an
    unknown, expired or revoked token or a disabled user (``authenticate``)."""
    user, _ = authenticate(plaintext, kind=AccessToken.Kind.SESSION)
    return Actor.for_user(user, via=via)


@transaction.atomic
def revoke_session_token(actor: Actor, plaintext: str) -> None:
    """End the actor's session token (Flicket's ``DELETE /tokens``); it no longer
    authenticates. Someone else's token, or no token, is ``NotFound``."""
    if actor.user is None:
        raise NotFound("no such token", code="token.not_found")
    deleted, _ = AccessToken.objects.filter(
        token_hash=hash_token(plaintext), kind=AccessToken.Kind.SESSION, user=actor.user
    ).delete()
    if not deleted:
        raise NotFound("no such token", code="token.not_found")
