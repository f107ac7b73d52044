"""How django-helpdesk's API answers Helpline's errors: its documented status codes
(400 generic, 403 credentials or permissions, 404 not found, 405 not POST) with a text."""

from __future__ import annotations

from helpline.dialects.common import ErrorTable
from helpline.dialects.djhelpdesk import shapes
from helpline.lib.errors import (
    Conflict,
    DomainError,
    Invalid,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)

DJHELPDESK_ERRORS = ErrorTable(
    render=shapes.plain,
    codes={
        "auth.credentials_missing": (403, "Invalid username or password"),
        "auth.credentials_invalid": (403, "Invalid username or password"),
        "permission.missing": (403, "Permission denied: {message}"),
        "user.not_found": (404, "Invalid username provided"),
        "ticket.not_found": (404, "Invalid ticket ID"),
        "ticket.create_forbidden": (403, "Permission denied: {message}"),
        "ticket.delete_forbidden": (403, "Permission denied: {message}"),
        "ticket.change_forbidden": (403, "Permission denied: {message}"),
        "ticket.group_unknown": (404, "Invalid queue ID"),
        "ticket.owner_unknown": (404, "Invalid user ID for assigned_to"),
    },
    classes={
        NotFound: 404,
        PermissionDenied: 403,
        NotAuthenticated: 403,
        Invalid: 400,
        Conflict: 400,
        DomainError: 400,
    },
    own_prefix="djhelpdesk.",
    bad_method_text=(
        "Invalid request method {method}: the django-helpdesk API accepts {allowed} only"
    ),
)
