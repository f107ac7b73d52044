"""Every failure of the native API as Zammad answers it: ``{"error", "error_human"}``.

Helpline adds a stable ``code`` (``user.email_taken``) and, for bad input, the ``field``.
Domain errors keep their status (401/403/404/409/422/429); Ninja's own validation errors
become 422, a body that is not JSON 400, an unknown path 404, a method the path does not
take 405 (with ``Allow``). Nothing a client sends can
produce a 500: an unexpected error is logged and answered as 500 without details.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from helpline.lib.errors import DomainError

log = logging.getLogger(__name__)

AUTHENTICATE = 'Token realm="Helpline"'


def body(message: str, code: str, field: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"error": message, "error_human": message, "code": code}
    if field:
        data["field"] = field
    return data


def respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    message: str,
    code: str,
    field: str | None = None,
    retry_after: int | None = None,
) -> HttpResponse:
    response = api.create_response(request, body(message, code, field), status=status)
    if status == 401:
        response["WWW-Authenticate"] = AUTHENTICATE
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _validation_message(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    parts: list[str] = []
    first_field: str | None = None
    for error in errors[:5]:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        if loc and loc[0] in ("payload", "params"):
            loc = loc[1:]
        field = ".".join(loc) or None
        first_field = first_field or field
        parts.append(f"{field}: {error.get('msg', 'invalid')}" if field else error.get("msg", ""))
    return "; ".join(parts) or "invalid request", first_field


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    """405 in the API's error shape, with the ``Allow`` header Ninja's plain answer had."""
    message = f"{request.method} is not allowed on {request.path}; use {allowed}"
    response = JsonResponse(body(message, "api.method_not_allowed"), status=405)
    response["Allow"] = allowed
    return response


def json_not_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap one of Ninja's path views: its plain-text 405 (a method the path does not take)
    becomes ``method_not_allowed``; every other answer passes through."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            methods = sorted(m.strip() for m in response["Allow"].split(",") if m.strip())
            return method_not_allowed(request, ", ".join(methods))
        return response

    return wrapped


def install(api: NinjaAPI) -> None:
    def domain_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(
            api,
            request,
            exc.status,
            str(exc),
            exc.code,
            exc.field,
            getattr(exc, "retry_after", None),
        )

    def validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        message, field = _validation_message(list(exc.errors))
        return respond(api, request, 422, message, "request.invalid", field)

    def authentication_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(api, request, 401, "authentication required", "auth.required")

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 400:
            return respond(api, request, 400, str(exc), "request.malformed")
        return respond(api, request, exc.status_code, str(exc), f"http.{exc.status_code}")

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(api, request, 404, "not found", "not_found")

    def server_error(request: HttpRequest, exc: Any) -> HttpResponse:
        log.error(
            "native API: unexpected error on %s %s", request.method, request.path, exc_info=exc
        )
        return respond(api, request, 500, "internal error; see the server log", "server.error")

    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(AuthenticationError, authentication_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Exception, server_error)
