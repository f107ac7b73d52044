"""Who is calling the native API, as Zammad accepts it.

- HTTP Basic: login (any case) or email, and password;
- ``Authorization: Token token=<token>`` (Zammad) or ``Authorization: Bearer <token>``: a
  personal access token, acting with only the permissions written on it;
- the web session cookie, with Django's CSRF check on unsafe methods (a page's script);
- ``X-On-Behalf-Of: <id|login|email>`` (or Zammad's newer ``From``) on top of any of these:
  the rest of the request is done as that user (see ``core.services.actors``).

Every call is counted against the rate limit first (per token, else per address), so
guessing passwords or tokens is throttled as well.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from django.http import HttpRequest
from ninja.security.base import SecuritySchema
from ninja.utils import check_csrf

from helpline.api import ratelimit
from helpline.core.services import tokens
from helpline.core.services.actors import act_on_behalf_of
from helpline.core.services.users import check_credentials
from helpline.lib.actor import Actor
from helpline.lib.errors import NotAuthenticated, PermissionDenied


class ApiRequest(HttpRequest):
    """What API handlers receive: the request with the authenticated ``Actor``."""

    auth: Actor


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CREDENTIAL_MAX = 1000
VIA = "api"


def _bad(message: str, code: str = "auth.invalid") -> NotAuthenticated:
    return NotAuthenticated(message, code=code)


def parse_token(scheme: str, credentials: str) -> str:
    """The token from ``Token token="abc"``, ``Token abc`` or ``Bearer abc``."""
    value = credentials.strip()
    if scheme == "token":
        first = value.split(",")[0].strip()
        if first.lower().startswith("token="):
            first = first[len("token=") :]
        value = first.strip().strip('"')
    if not value:
        raise _bad("the Authorization header holds no token")
    return value


def _basic(credentials: str) -> Actor:
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _bad("malformed Basic credentials") from None
    login, sep, password = decoded.partition(":")
    if not sep or not login or "\x00" in decoded:
        raise _bad("malformed Basic credentials")
    user = check_credentials(login, password)
    if user is None:
        raise _bad("Invalid BasicAuth credentials", code="auth.bad_credentials")
    return Actor.for_user(user, via=VIA)


def _token(value: str) -> Actor:
    user, permissions = tokens.authenticate(value)
    return Actor.for_token(user, permissions, via=VIA)


def _session(request: HttpRequest) -> Actor | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if request.method not in SAFE_METHODS and check_csrf(request) is not None:
        raise PermissionDenied(
            "CSRF verification failed: send the X-CSRFToken header with the session cookie",
            code="auth.csrf_failed",
        )
    return Actor.for_user(user, via=VIA)


class ApiAuth:
    """Ninja authentication callable: returns the ``Actor``, ``None`` when anonymous (401),
    or raises a ``DomainError`` (bad credentials 401, CSRF 403, rate limit 429)."""

    # Shown in the OpenAPI document (and Swagger's "Authorize" dialog) as HTTP Basic.
    openapi_security_schema = SecuritySchema(type="http", scheme="basic")

    def __init__(self, *, allow_guest: bool = False):
        self.allow_guest = allow_guest

    def __call__(self, request: HttpRequest) -> Actor | None:
        header = request.headers.get("Authorization", "").strip()
        scheme, _, credentials = header.partition(" ")
        scheme = scheme.lower()
        try:
            if len(header) > CREDENTIAL_MAX:
                raise _bad("the Authorization header is too long")
            token = parse_token(scheme, credentials) if scheme in ("token", "bearer") else None
        except NotAuthenticated:
            ratelimit.hit(ratelimit.bucket_for(request, None))
            raise
        ratelimit.hit(ratelimit.bucket_for(request, token))
        actor: Actor | None
        if not header:
            actor = _session(request)
        elif scheme == "basic":
            actor = _basic(credentials)
        elif token is not None:
            actor = _token(token)
        else:
            raise _bad(f"unsupported authorization scheme {scheme[:20]!r}")
        if actor is None:
            return Actor.guest(via=VIA) if self.allow_guest else None
        on_behalf = request.headers.get("X-On-Behalf-Of") or request.headers.get("From")
        if on_behalf:
            actor = act_on_behalf_of(actor, on_behalf)
        return actor


class AccessTokenAuth:
    """Documents access tokens in the OpenAPI document (``Authorization: Bearer ...``).

    ``ApiAuth`` already accepts tokens; this one is listed after it and never lets anyone
    in, so a request is authenticated (and counted by the rate limit) once."""

    openapi_security_schema = SecuritySchema(
        type="http", scheme="bearer", description="an access token (or `Token token=...`)"
    )

    def __call__(self, request: HttpRequest) -> None:
        return None


api_auth = ApiAuth()
api_auth_or_guest = ApiAuth(allow_guest=True)
token_scheme = AccessTokenAuth()
AUTH: list[Callable[[HttpRequest], Actor | None]] = [api_auth, token_scheme]
