from django.db import models
from django.db.models.functions import Lower

from helpline.core.models import Audited


class TicketPriority(Audited):
    """A ticket priority. ``rank`` orders them (1 = least urgent); dialects map their own
    scales onto ranks (django-helpdesk 1 high ... 5 low = rank 5 ... 1; ITFlow Low, Medium,
    High, Critical = ranks 2, 3, 4, 5), so renaming a priority never breaks a mapping."""

    name = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(unique=True)
    default_create = models.BooleanField(default=False)
    ui_color = models.CharField(max_length=20, blank=True, default="")
    active = models.BooleanField(default=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="ticketpriority_name_ci_unique")]

    def __str__(self) -> str:
        return self.name
