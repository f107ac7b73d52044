"""How Flicket's API answers errors: ``{"error": <HTTP reason>, "message": <text>}`` with
the status (Flicket's ``error_response``); a missing or bad token is a bare 401."""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpResponse

from helpline.dialects.common import ErrorTable
from helpline.lib.errors import (
    Conflict,
    DomainError,
    Invalid,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)

JSON = "application/json"


def error(status: int, message: str | None) -> HttpResponse:
    payload: dict[str, str] = {"error": HTTPStatus(status).phrase}
    if message:
        payload["message"] = message
    return HttpResponse(json.dumps(payload), status=status, content_type=JSON)


FLICKET_ERRORS = ErrorTable(
    render=error,
    codes={
        "auth.credentials_missing": (401, ""),
        "auth.credentials_invalid": (401, ""),
        "auth.token_missing": (401, ""),
        "token.invalid": (401, ""),
        "token.expired": (401, ""),
        "token.user_disabled": (401, ""),
        "ticket.category_unknown": (400, "not a valid category_id"),
        "ticket.priority_unknown": (400, "not a valid ticket_priority_id"),
        "ticket.group_unknown": (400, "not a valid department_id"),
        "category.name_taken": (400, "{message}"),
        "group.name_taken": (400, "Department already created."),
    },
    classes={
        NotFound: 404,
        PermissionDenied: 403,
        NotAuthenticated: 401,
        Invalid: 400,
        Conflict: 400,
        DomainError: 400,
    },
    own_prefix="flicket.",
    bad_method_text="The method {method} is not allowed here: use {allowed}",
)
