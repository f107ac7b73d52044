"""How core's generic services (tags, attachments) check access to tickets and articles."""

from __future__ import annotations

from helpline.core import object_access
from helpline.lib.actor import Actor
from helpline.lib.errors import NotFound, PermissionDenied
from helpline.tickets import permissions, selectors


def check_ticket(actor: Actor, ticket_id: int, access: str) -> None:
    """read: may read it; change: may change it; tag: ``admin.tag`` or an agent who may
    change it; tags (list): ``admin.tag`` or an agent who may read it."""
    profile = permissions.ticket_access(actor)
    ticket = selectors.get_ticket(actor, ticket_id, profile=profile)
    if access == "change":
        permissions.require_change_ticket(actor, ticket, profile=profile)
    elif access == "tag" and not permissions.can_tag_ticket(actor, ticket, profile=profile):
        raise PermissionDenied(
            "tagging tickets needs admin.tag or agent change access", code="tag.forbidden"
        )
    elif access == "tags":
        permissions.require_list_ticket_tags(actor, ticket, profile=profile)


def check_article(actor: Actor, article_id: int, access: str) -> None:
    """read: the article is visible (its ticket readable; internal ones to agents only);
    anything else: agent change access to its ticket (articles are not edited by others)."""
    article = selectors.get_article(actor, article_id)
    if access != "read":
        ticket = selectors.get_ticket(actor, article.ticket_id)
        permissions.require_manage_ticket(actor, ticket)


def register() -> None:
    object_access.register_object_type("Ticket", check_ticket)
    object_access.register_object_type("Article", check_article)


__all__ = ["NotFound", "check_article", "check_ticket", "register"]
