"""``/mentions``: Zammad's mentions. Agents of a ticket mention other agents of it; the
mentioned agent follows the ticket and is notified (see ``tickets/services/mentions.py``)."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from helpline.api.auth import ApiRequest
from helpline.api.schemas.common import Empty
from helpline.api.schemas.mentions import MentionIn, MentionListOut, MentionListParams, MentionOut
from helpline.api.status import CREATED
from helpline.tickets import selectors
from helpline.tickets import services as ticket_services
from helpline.tickets.models import Mention

router = Router(tags=["mentions"])


def _shape(m: Mention) -> dict[str, Any]:
    return {
        "id": m.pk,
        "mentionable_type": "Ticket",
        "mentionable_id": m.ticket_id,
        "user_id": m.user_id,
        "updated_by_id": m.updated_by_id,
        "created_by_id": m.created_by_id,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    }


@router.get("/mentions", response=MentionListOut, url_name="mention-list")
def list_mentions(request: ApiRequest, params: Query[MentionListParams]) -> dict[str, Any]:
    """``?mentionable_type=Ticket&mentionable_id=…``: the ticket's mentions, oldest first
    (none for customers)."""
    rows = selectors.list_mentions(request.auth, params.mentionable_id)
    return {"mentions": [_shape(m) for m in rows]}


@router.post("/mentions", response={CREATED: MentionOut}, url_name="mention-create")
def create_mention(request: ApiRequest, payload: MentionIn) -> Status[dict[str, Any]]:
    """Mention ``user_id`` (or yourself) on the ticket: 403 for customers, 422 naming
    ``user_id`` for someone who may not see the ticket as an agent, 409 when already there."""
    mention = ticket_services.add_mention(
        request.auth, payload.mentionable_id, user=payload.user_id
    )
    return Status(CREATED, _shape(mention))


@router.delete("/mentions/{mention_id}", response=Empty, url_name="mention-delete")
def delete_mention(request: ApiRequest, mention_id: int) -> dict[str, Any]:
    """The mentioned agent, who mentioned them, or an agent who may change the ticket."""
    ticket_services.remove_mention(request.auth, mention_id)
    return {}
