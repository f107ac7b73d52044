"""Who is calling: HTTP Basic for ``POST /tokens``, ``Authorization: Bearer <token>`` for
everything else."""

from __future__ import annotations

import base64
import binascii

from django.http import HttpRequest

from helpline.core.services import tokens
from helpline.dialects import common
from helpline.dialects.flicket import vocab
from helpline.lib.actor import Actor
from helpline.lib.errors import NotAuthenticated


def _authorization(request: HttpRequest, scheme: str) -> str:
    value = request.headers.get("Authorization", "")
    given, _, credentials = value.partition(" ")
    if given.lower() != scheme.lower() or not credentials.strip():
        raise NotAuthenticated(f"{scheme} credentials are required", code="auth.token_missing")
    return credentials.strip()


def actor_from_basic(request: HttpRequest) -> Actor:
    """The user whose login (or email) and password came as HTTP Basic credentials."""
    try:
        decoded = base64.b64decode(_authorization(request, "Basic"), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise NotAuthenticated(
            "malformed Basic credentials", code="auth.credentials_invalid"
        ) from None
    login, _, password = decoded.partition(":")
    return common.actor_from_credentials(login, password, via=vocab.DIALECT)


def bearer(request: HttpRequest) -> str:
    return _authorization(request, "Bearer")


def actor_from_bearer(request: HttpRequest) -> Actor:
    """The user behind the session token of ``POST /tokens``."""
    return tokens.authenticate_session(bearer(request), via=vocab.DIALECT)
