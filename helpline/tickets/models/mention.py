from django.conf import settings
from django.db import models

from helpline.core.models import Audited


class Mention(Audited):
    """An agent mentioned on a ticket (Zammad's mentions): they follow it from then on and
    are notified of the mention. One per (ticket, user)."""

    # Served by the unique (ticket, user) constraint.
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="mentions", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="mention_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} mentioned on {self.ticket_id}"
