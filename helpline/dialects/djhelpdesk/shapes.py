"""django-helpdesk's answers: plain text for simple ones and errors, ``text/json`` for lists.

The JSON is written as the original wrote it (``simplejson.dumps``): ``", "`` and ``": "``
separators, non-ASCII escaped, ids as strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.http import HttpResponse

from helpline.core.models import Group, User
from helpline.tickets.models import Ticket

PLAIN = "text/plain; charset=utf-8"
JSON = "text/json; charset=utf-8"


def plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type=PLAIN)


def queues(groups: Iterable[Group]) -> HttpResponse:
    """``list_queues``: ``[{"id": "3", "title": "Sales"}, ...]``."""
    rows = [{"id": str(group.pk), "title": group.name} for group in groups]
    return HttpResponse(json.dumps(rows), content_type=JSON)


def user_id(user: User) -> HttpResponse:
    """``find_user``: the id alone, as text."""
    return plain(200, str(user.pk))


def ok() -> HttpResponse:
    """The plain 200 of a call that only changes something (django-helpdesk answered "OK")."""
    return plain(200, "OK")


def ticket_id(ticket: Ticket) -> HttpResponse:
    """``create_ticket``: the new ticket's id alone, as text."""
    return plain(200, str(ticket.pk))
