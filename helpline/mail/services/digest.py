"""Flicket's ``email_outstanding_tickets``: each user is mailed the list of open tickets they
created, are the customer of, own or are assigned to."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from helpline.core import permissions as perms
from helpline.core import rules as core_rules
from helpline.core.models import User
from helpline.lib.actor import Actor
from helpline.mail import rules
from helpline.mail.models import Delivery
from helpline.mail.services.notify import default_domain
from helpline.queue import enqueue_on_commit
from helpline.tickets.models import Ticket, TicketStateType


def outstanding_tickets(user: User) -> list[Ticket]:
    """The user's open tickets (not closed, merged or removed), oldest first."""
    return list(
        Ticket.objects.filter(
            Q(created_by=user) | Q(customer=user) | Q(owner=user) | Q(assignees=user)
        )
        .exclude(state__state_type__name__in=TicketStateType.FINAL)
        .select_related("state")
        .distinct()
        .order_by("id")
    )


def queue_digests() -> list[int]:
    """Write one digest row per user with outstanding tickets (at most one per user and
    day, however often it runs) and enqueue their sending; returns how many were written."""
    today = timezone.localdate().isoformat()
    domain = default_domain()
    written: list[int] = []
    with transaction.atomic():
        for user in User.objects.filter(active=True).exclude(email="").order_by("id"):
            if not rules.wants(user.preferences, rules.DIGEST):
                continue
            tickets = outstanding_tickets(user)
            if not tickets:
                continue
            key = f"digest:{user.pk}:{today}"
            row, created = Delivery.objects.get_or_create(
                dedupe_key=key,
                defaults={
                    "kind": rules.DIGEST,
                    "user": user,
                    "recipient": user.email,
                    "language": core_rules.language_of(user.preferences.get("locale")) or "en",
                    "message_id": rules.make_message_id(key, domain),
                    "context": {
                        "tickets": [
                            {"number": t.number, "title": t.title, "state": t.state.name}
                            for t in tickets
                        ]
                    },
                    "next_attempt_at": timezone.now(),
                },
            )
            if created:
                written.append(row.pk)
                from helpline.mail.jobs import send_delivery

                enqueue_on_commit(send_delivery, row.pk)
    return written


def send_digests(actor: Actor) -> dict[str, int]:
    """``helpline mail digest``: write today's digests and send them now (``admin.channel``);
    a row a worker already took is not sent twice (the outbox claim)."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    from helpline.mail.services.outbox import send_delivery

    counts: dict[str, int] = {}
    for pk in queue_digests():
        status = send_delivery(pk)
        counts[status] = counts.get(status, 0) + 1
    return counts
