from django.db import models
from django.db.models.functions import Lower

from helpline.core.models import Audited


class TicketStateType(models.Model):
    """The fixed kinds of state (Zammad's state types); behaviour hangs on these, not names."""

    NEW = "new"
    OPEN = "open"
    PENDING_REMINDER = "pending reminder"
    PENDING_ACTION = "pending action"
    CLOSED = "closed"
    MERGED = "merged"
    REMOVED = "removed"
    PENDING = (PENDING_REMINDER, PENDING_ACTION)
    FINAL = (CLOSED, MERGED, REMOVED)

    name = models.CharField(max_length=40, unique=True)
    note = models.CharField(max_length=250, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class TicketState(Audited):
    """A ticket state (Zammad ticket_state, NodePoint/django-helpdesk/Flicket status).

    ``needs_resolution``: moving a ticket into this state needs a resolution text (NodePoint:
    every status but open needs one; django-helpdesk's resolve). ``next_state``: where a
    pending state goes when its time comes. ``ignore_escalation``: the SLA clock stops here.
    """

    name = models.CharField(max_length=100)
    state_type = models.ForeignKey(TicketStateType, on_delete=models.PROTECT, related_name="+")
    next_state = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ignore_escalation = models.BooleanField(default=False)
    default_create = models.BooleanField(default=False)
    default_follow_up = models.BooleanField(default=False)
    needs_resolution = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="ticketstate_name_ci_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state_type.name in TicketStateType.FINAL

    @property
    def is_pending(self) -> bool:
        return self.state_type.name in TicketStateType.PENDING
