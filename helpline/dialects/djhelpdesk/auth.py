"""Who is calling: django-helpdesk sends a username and password with every POST."""

from __future__ import annotations

from django.http import HttpRequest

from helpline.dialects import common
from helpline.dialects.djhelpdesk import inputs, vocab
from helpline.lib.actor import Actor


def actor_from_post(request: HttpRequest) -> Actor:
    """The agent whose credentials came with the call. django-helpdesk's API does staff work,
    so it is for agents (``ticket.agent``); anyone else gets 403."""
    login, password = inputs.credentials(request.POST)
    return common.actor_from_credentials(
        login, password, via=vocab.DIALECT, permission=vocab.STAFF_PERMISSION
    )
