"""What every legacy dialect shares: credentials to an ``Actor``, typed errors to the
dialect's own answers, and the ``dialect_call`` decorator that wraps each call.

A dialect view parses, translates, calls one service and shapes the answer; this module
keeps the parts every dialect would otherwise write again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from helpline.core import permissions
from helpline.core.services.users import check_credentials
from helpline.lib.actor import Actor
from helpline.lib.errors import (
    Conflict,
    DomainError,
    Invalid,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)

View = Callable[..., HttpResponse]
Render = Callable[[int, str], HttpResponse]

# Status by error class when a dialect's table names no code (the nearest class wins).
DEFAULT_STATUS: Mapping[type[DomainError], int] = {
    NotFound: 404,
    PermissionDenied: 403,
    NotAuthenticated: 401,
    Invalid: 400,
    Conflict: 409,
    DomainError: 400,
}


@dataclass(frozen=True)
class ErrorTable:
    """How one dialect answers an error: a status and text per error code, else a status per
    error class with the error's own message; ``render`` makes the response.

    A text may hold ``{message}``, replaced by the error's message. ``None`` as the text
    means the error's message as it is. Errors whose code starts with ``own_prefix`` were
    raised by the dialect's own input parsing in the dialect's words: their bare message is
    the text (no ``field:`` before it).
    """

    render: Render
    codes: Mapping[str, tuple[int, str | None]] = field(default_factory=dict)
    classes: Mapping[type[DomainError], int] = field(default_factory=lambda: DEFAULT_STATUS)
    bad_method_text: str = "Invalid request method {method}: use {allowed}"
    own_prefix: str | None = None

    def response_for(self, exc: DomainError) -> HttpResponse:
        own = self.own_prefix is not None and exc.code.startswith(self.own_prefix)
        message = exc.message if own else str(exc)
        if exc.code in self.codes:
            status, text = self.codes[exc.code]
            return self.render(
                status, message if text is None else text.format(message=exc.message)
            )
        for cls in type(exc).__mro__:
            if cls in self.classes:
                return self.render(self.classes[cls], message)
        return self.render(exc.status, message)

    def bad_method(self, method: str, allowed: tuple[str, ...]) -> HttpResponse:
        text = self.bad_method_text.format(method=method, allowed=" or ".join(allowed))
        response = self.render(405, text)
        response["Allow"] = ", ".join(allowed)
        return response


def dialect_call(
    *, errors: ErrorTable, methods: tuple[str, ...] = ("POST",)
) -> Callable[[View], View]:
    """Wrap a dialect view: other HTTP methods get 405 with an ``Allow`` header, a
    ``DomainError`` becomes the dialect's answer from ``errors``, and CSRF does not apply
    (these APIs carry their credentials in every request, never a session cookie)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def call(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return errors.bad_method(request.method or "", methods)
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                return errors.response_for(exc)

        return csrf_exempt(call)

    return decorate


def actor_from_credentials(
    login: str | None, password: str | None, *, via: str, permission: str | None = None
) -> Actor:
    """The actor behind a login (or email) and password sent with a call.

    ``NotAuthenticated`` when either is missing or they do not match an active user (a wrong
    password counts in the user's ``login_failed``, as at every login). ``permission`` names
    who the whole door is for (django-helpdesk's API: agents); ``PermissionDenied`` for
    anyone else, from ``core.permissions``.
    """
    if not login or not password:
        raise NotAuthenticated(
            "a login and a password are required", code="auth.credentials_missing"
        )
    user = check_credentials(login, password)
    if user is None:
        raise NotAuthenticated("invalid login or password", code="auth.credentials_invalid")
    actor = Actor.for_user(user, via=via)
    if permission is not None:
        permissions.require(actor, permission)
    return actor
