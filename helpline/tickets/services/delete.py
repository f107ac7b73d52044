"""Deleting a ticket for good (Zammad DELETE /tickets/{id}, django-helpdesk delete_ticket)."""

from __future__ import annotations

from django.db import transaction

from helpline.core.services import attachments as attachment_service
from helpline.core.services import history, notifications
from helpline.core.services import tags as tag_service
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.tickets import permissions, selectors
from helpline.tickets.events import TicketDeleted
from helpline.tickets.models import Article, Subscription


@transaction.atomic
def delete_ticket(actor: Actor, ticket_id: int) -> None:
    """Remove a ticket and everything that hangs on it: its articles, their attachments (the
    stored files too, once committed, when no other attachment shares them), its history,
    tags, followers, assignees and online notifications. Administrators only. Tickets that
    were merged into it keep their rows and lose the link."""
    permissions.require_delete_ticket(actor)
    ticket = selectors.get_ticket(actor, ticket_id, lock=True)
    article_ids = list(Article.objects.filter(ticket=ticket).values_list("pk", flat=True))
    attachment_service.delete_attachments("Article", article_ids)
    history.delete_history("Ticket", ticket.pk)
    tag_service.delete_taggings("Ticket", ticket.pk)
    notifications.delete_object_notifications("Ticket", ticket.pk)
    Subscription.objects.filter(ticket=ticket).delete()
    ticket.assignees.clear()
    Article.objects.filter(ticket=ticket).delete()
    number, pk = ticket.number, ticket.pk
    ticket.delete()
    events.publish(TicketDeleted(ticket_id=pk, number=number, actor_id=actor.user_id))
