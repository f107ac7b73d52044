"""django-helpdesk's API calls. Each one: credentials, one service or selector, one shape."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from helpline.core import selectors
from helpline.dialects.common import dialect_call
from helpline.dialects.djhelpdesk import auth, inputs, shapes
from helpline.dialects.djhelpdesk.errors import DJHELPDESK_ERRORS
from helpline.lib.errors import NotFound


@dialect_call(errors=DJHELPDESK_ERRORS)
def list_queues(request: HttpRequest) -> HttpResponse:
    actor = auth.actor_from_post(request)
    return shapes.queues(selectors.group_directory(actor))


@dialect_call(errors=DJHELPDESK_ERRORS)
def find_user(request: HttpRequest) -> HttpResponse:
    actor = auth.actor_from_post(request)
    return shapes.user_id(selectors.get_user_by_login(actor, inputs.username(request.POST)))


# The calls this door answers, by django-helpdesk's method name (also the URL names).
CALLS = {
    "list_queues": list_queues,
    "find_user": find_user,
}


@dialect_call(errors=DJHELPDESK_ERRORS)
def other_method(request: HttpRequest, method: str) -> HttpResponse:
    """A known call without its trailing slash, or a method django-helpdesk never had."""
    if method in CALLS:
        return CALLS[method](request)
    auth.actor_from_post(request)  # as the original: credentials first, then the method
    raise NotFound(
        f"Unknown method {method!r}; this API has: {', '.join(sorted(CALLS))}",
        code="djhelpdesk.unknown_method",
    )
