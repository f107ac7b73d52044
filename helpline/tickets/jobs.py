"""Background work of the tickets app (Huey). Jobs take ids or nothing, re-read state and
are idempotent; each calls one service."""

from __future__ import annotations

from huey import crontab

from helpline.queue import db_periodic_task, db_task
from helpline.tickets.services import sla


@db_periodic_task(crontab(minute="*"))
def raise_ticket_escalations() -> int:
    """Every minute: raise the escalations of tickets whose SLA deadline has passed (each
    breach once, however often this runs and on however many workers)."""
    return sla.raise_escalations()


@db_task()
def rebuild_ticket_escalations() -> int:
    """After an SLA or calendar changed: recompute the escalation of every open ticket."""
    return sla.rebuild_escalations()
