"""django-helpdesk's API calls. Each one: credentials, one service or selector, one shape."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from helpline.core import selectors
from helpline.dialects.common import dialect_call
from helpline.dialects.djhelpdesk import auth, inputs, shapes
from helpline.dialects.djhelpdesk.errors import DJHELPDESK_ERRORS
from helpline.lib.errors import NotFound
from helpline.tickets import selectors as ticket_selectors
from helpline.tickets import services as tickets


@dialect_call(errors=DJHELPDESK_ERRORS)
def list_queues(request: HttpRequest) -> HttpResponse:
    actor = auth.actor_from_post(request)
    return shapes.queues(selectors.group_directory(actor))


@dialect_call(errors=DJHELPDESK_ERRORS)
def find_user(request: HttpRequest) -> HttpResponse:
    actor = auth.actor_from_post(request)
    return shapes.user_id(selectors.get_user_by_login(actor, inputs.username(request.POST)))


@dialect_call(errors=DJHELPDESK_ERRORS)
def create_ticket(request: HttpRequest) -> HttpResponse:
    actor = auth.actor_from_post(request)
    new = inputs.new_ticket(request.POST)
    ticket = tickets.create_ticket(
        actor,
        title=new.title,
        body=new.body,
        group=new.queue,
        priority=ticket_selectors.priority_by_rank(new.rank).pk,
        owner=new.assigned_to,
        submitter_email=new.submitter_email,
    )
    return shapes.ticket_id(ticket)


@dialect_call(errors=DJHELPDESK_ERRORS)
def delete_ticket(request: HttpRequest) -> HttpResponse:
    actor = auth.actor_from_post(request)
    inputs.confirmed(request.POST)
    tickets.delete_ticket(actor, inputs.ticket_id(request.POST))
    return shapes.ok()


@dialect_call(errors=DJHELPDESK_ERRORS)
def hold_ticket(request: HttpRequest) -> HttpResponse:
    actor = auth.actor_from_post(request)
    tickets.hold_ticket(actor, inputs.ticket_id(request.POST))
    return shapes.ok()


@dialect_call(errors=DJHELPDESK_ERRORS)
def unhold_ticket(request: HttpRequest) -> HttpResponse:
    actor = auth.actor_from_post(request)
    tickets.unhold_ticket(actor, inputs.ticket_id(request.POST))
    return shapes.ok()


@dialect_call(errors=DJHELPDESK_ERRORS)
def add_followup(request: HttpRequest) -> HttpResponse:
    """A public followup reaches the submitter through the article notifications; a private
    one is an internal article."""
    actor = auth.actor_from_post(request)
    ticket = inputs.ticket_id(request.POST)
    followup = inputs.followup(request.POST)
    tickets.add_article(actor, ticket, body=followup.message, internal=not followup.public)
    return shapes.ok()


@dialect_call(errors=DJHELPDESK_ERRORS)
def resolve(request: HttpRequest) -> HttpResponse:
    actor = auth.actor_from_post(request)
    ticket = inputs.ticket_id(request.POST)
    tickets.resolve_ticket(actor, ticket, resolution=inputs.resolution(request.POST))
    return shapes.ok()


# The calls this door answers, by django-helpdesk's method name (also the URL names).
CALLS = {
    "create_ticket": create_ticket,
    "delete_ticket": delete_ticket,
    "hold_ticket": hold_ticket,
    "unhold_ticket": unhold_ticket,
    "add_followup": add_followup,
    "resolve": resolve,
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
