from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from helpline.core.models import Audited


def default_business_hours() -> dict:
    frame = {"active": True, "timeframes": [["09:00", "17:00"]]}
    closed = {"active": False, "timeframes": [["09:00", "17:00"]]}
    return {
        "mon": dict(frame),
        "tue": dict(frame),
        "wed": dict(frame),
        "thu": dict(frame),
        "fri": dict(frame),
        "sat": dict(closed),
        "sun": dict(closed),
    }


class Calendar(Audited):
    """Business hours that SLA times are counted in (Zammad's calendar).

    ``business_hours`` is Zammad's shape, per weekday ``{"active": bool, "timeframes":
    [["09:00", "12:00"], ["13:00", "17:00"]]}`` in local time of ``timezone`` (an IANA
    name). ``public_holidays`` maps ``"YYYY-MM-DD"`` to ``{"active": bool, "summary": str,
    "recurring": bool}``; a recurring holiday falls on that day every year. Exactly one
    calendar is the default (the one a new SLA gets when none is named); it cannot be
    deleted, and a calendar an SLA uses cannot be deleted either.
    """

    name = models.CharField(max_length=250)
    timezone = models.CharField(max_length=250, default="UTC")
    business_hours = models.JSONField(default=default_business_hours)
    public_holidays = models.JSONField(default=dict, blank=True)
    default = models.BooleanField(default=False)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="calendar_name_ci_unique"),
            models.UniqueConstraint(
                fields=["default"], condition=Q(default=True), name="calendar_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Sla(Audited):
    """A service level agreement: targets in business minutes of its calendar for the
    tickets it applies to (Zammad's SLA).

    Conditions: the ticket's priority, group and organization must be among
    ``priority_ids``, ``group_ids`` and ``organization_ids``; an empty list means any.
    SLAs are tried by ``precedence`` (lowest first), then name; the first active SLA with
    conditions that match applies, and an SLA without conditions is the fallback.
    ``response_time`` (answer each customer message within) and ``update_time`` (agents
    write at least this often) are Zammad's two kinds of update SLA; one is set at most.
    """

    name = models.CharField(max_length=150)
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="slas")
    priority_ids = models.JSONField(default=list, blank=True)
    group_ids = models.JSONField(default=list, blank=True)
    organization_ids = models.JSONField(default=list, blank=True)
    precedence = models.PositiveIntegerField(default=0)
    first_response_time = models.PositiveIntegerField(null=True, blank=True)
    response_time = models.PositiveIntegerField(null=True, blank=True)
    update_time = models.PositiveIntegerField(null=True, blank=True)
    solution_time = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["precedence", "name", "id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="sla_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class EscalationPause(models.Model):
    """A stretch of time in which a ticket's SLA clock stood still: the ticket was on hold
    or in a state that ignores escalation (pending, closed, ...). ``ended_at`` is empty
    while the pause lasts. Pauses are cut out of business time when deadlines and the
    ``*_in_min`` figures are computed, so the clock resumes with the time that was left.
    Written only by the SLA service."""

    class Reason(models.TextChoices):
        HOLD = "hold", "hold"
        STATE = "state", "state"

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="escalation_pauses"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket_id", "started_at", "id"]
        indexes = [models.Index(fields=["ticket", "started_at"], name="escalationpause_ticket")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(ended_at__isnull=True),
                name="escalationpause_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"ticket {self.ticket_id} paused {self.started_at}-{self.ended_at or ''}"


class EscalationBreach(models.Model):
    """One missed deadline of one ticket, recorded when the escalation was raised.

    The row is the guard that makes raising idempotent: a deadline (ticket, kind, due_at)
    is raised once however often or on however many workers the job runs; a new deadline
    (the customer wrote again, the SLA changed) is a new breach."""

    class Kind(models.TextChoices):
        FIRST_RESPONSE = "first_response", "first response"
        UPDATE = "update", "update"
        CLOSE = "close", "close"

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="escalation_breaches"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField()
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind", "due_at"], name="escalationbreach_unique"
            )
        ]

    def __str__(self) -> str:
        return f"ticket {self.ticket_id} {self.kind} due {self.due_at}"
