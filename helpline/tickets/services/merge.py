"""Merging a ticket into another (Zammad's merge)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from helpline.core.models import HistoryEntry
from helpline.core.services import history
from helpline.core.services import tags as tag_service
from helpline.lib import clock, events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid
from helpline.tickets import permissions, selectors
from helpline.tickets.events import TicketMerged
from helpline.tickets.models import Article, Subscription, Ticket, TicketStateType
from helpline.tickets.services import _common as common


@transaction.atomic
def merge_ticket(actor: Actor, source_id: int, target_id: int) -> Ticket:
    """Merge ``source`` into ``target``, as Zammad does: the source's articles (with their
    attachments, which hang on the articles) move to the target, keeping their ids; the
    source's followers and tags are added to the target's; the source keeps its row and
    number, gets the state "merged", ``merged_into`` = target and no owner, and has no
    articles left. Both tickets get a history line. Needs agent change access to both;
    refused for a ticket into itself and into or from a merged ticket. Returns the target.
    """
    if int(source_id) == int(target_id):
        raise Invalid(
            "a ticket cannot be merged into itself", code="ticket.merge_self", field="target_id"
        )
    profile = permissions.ticket_access(actor)
    # Lock both rows in id order so two opposite merges cannot deadlock.
    first, second = sorted((int(source_id), int(target_id)))
    locked = {
        pk: selectors.get_ticket(actor, pk, lock=True, profile=profile) for pk in (first, second)
    }
    source, target = locked[int(source_id)], locked[int(target_id)]
    permissions.require_manage_ticket(actor, source, profile=profile)
    permissions.require_manage_ticket(actor, target, profile=profile)
    merged_state = common.state_of_type(TicketStateType.MERGED)
    if source.state.state_type.name == TicketStateType.MERGED:
        raise Conflict(f"ticket {source.number} was already merged", code="ticket.merged")
    if target.state.state_type.name == TicketStateType.MERGED:
        raise Conflict(
            f"ticket {target.number} was merged; merge into the ticket it was merged into",
            code="ticket.merge_target_merged",
            field="target_id",
        )

    moved = Article.objects.filter(ticket=source)
    count = moved.count()
    minutes = moved.aggregate(total=Sum("time_unit"))["total"] or Decimal(0)
    moved.update(ticket=target, updated_at=clock.now())

    have = set(Subscription.objects.filter(ticket=target).values_list("user_id", flat=True))
    Subscription.objects.bulk_create(
        [
            Subscription(ticket=target, user_id=user_id)
            for user_id in Subscription.objects.filter(ticket=source)
            .exclude(user_id__in=have)
            .values_list("user_id", flat=True)
        ]
    )
    tag_service.copy_taggings(actor, "Ticket", source.pk, target.pk)

    now = clock.now()
    target.article_count += count
    target.time_unit += minutes
    target.updated_by = actor.user
    target.save()

    old_state, old_owner = source.state, source.owner
    source.state = merged_state
    source.merged_into = target
    source.owner = None
    source.article_count = 0
    source.time_unit = source.time_unit - minutes
    source.pending_time = None
    if source.close_at is None:
        source.close_at = now
    source.updated_by = actor.user
    source.save()

    history.record_changes(
        actor,
        "Ticket",
        source.pk,
        [history.Change("state", old_state, merged_state)]
        + ([history.Change("owner", old_owner, None)] if old_owner is not None else []),
    )
    history.record(
        actor, "Ticket", source.pk, HistoryEntry.Kind.MERGED, "merged_into", source, target
    )
    history.record(
        actor,
        "Ticket",
        target.pk,
        HistoryEntry.Kind.MERGED,
        "merged_from",
        source,
        target,
        related_object_type="Ticket",
        related_object_id=source.pk,
    )
    common.notify(actor, target)
    events.publish(TicketMerged(source_id=source.pk, target_id=target.pk, actor_id=actor.user_id))
    return target
