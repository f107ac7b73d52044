"""The native REST API, version 1, mounted at ``/api/v1/`` (Zammad-compatible).

OpenAPI at ``/api/v1/openapi.json``, interactive docs at ``/api/v1/docs``. Every endpoint
needs authentication (see ``auth.py``) unless it says otherwise; every failure answers
Zammad's ``{"error", "error_human"}`` (see ``errors.py``). Each domain adds its router in
``routers/`` and one line below.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern
from ninja import NinjaAPI

from helpline import __version__
from helpline.api import errors
from helpline.api.auth import AUTH
from helpline.api.rendering import Renderer
from helpline.api.routers import (
    channels,
    groups,
    mail_server,
    mentions,
    object_attributes,
    online_notifications,
    organizations,
    roles,
    tags,
    ticket_meta,
    tickets,
    tokens,
    users,
)


class HelplineAPI(NinjaAPI):
    """Ninja answers a method a path does not take with a plain-text 405; ours answers it
    in the API's JSON error shape (``errors.json_not_allowed``)."""

    def _get_urls(self) -> list[Any]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = errors.json_not_allowed(pattern.callback)
        return urls


api = HelplineAPI(
    title="Helpline API",
    version="1",
    description=(
        "Helpline's native REST API, compatible with Zammad's REST API v1 (sold as Aritic "
        "Desk). Authenticate with HTTP Basic, `Authorization: Token token=...` or "
        "`Authorization: Bearer ...`. See docs/API.md."
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    renderer=Renderer(),
    openapi_extra={"info": {"x-helpline-version": __version__}},
)
errors.install(api)

api.add_router("", users.router)
api.add_router("", organizations.router)
api.add_router("", groups.router)
api.add_router("", roles.router)
api.add_router("", tokens.router)
api.add_router("", tickets.router)
api.add_router("", ticket_meta.router)
api.add_router("", online_notifications.router)
api.add_router("", object_attributes.router)
api.add_router("", tags.router)
api.add_router("", channels.router)
api.add_router("", mail_server.router)
api.add_router("", mentions.router)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under ``/api/v1/`` (except the ITFlow dialect's ``.php`` calls):
    a JSON 404 in the API's error shape rather than an HTML page."""
    return JsonResponse(errors.body(f"no endpoint {request.path}", "api.no_endpoint"), status=404)
