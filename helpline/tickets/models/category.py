from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from helpline.core.models import Audited


class TicketCategory(Audited):
    """A category within one group (Flicket category, ITFlow ticket category).

    Every group has exactly one default category ("General"), made with the group; a ticket
    given only a group gets it, a ticket given only a category gets the category's group.
    """

    group = models.ForeignKey("core.Group", on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=150)
    is_default = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["group_id", "name"]
        constraints = [
            models.UniqueConstraint(
                "group", Lower("name"), name="ticketcategory_group_name_unique"
            ),
            models.UniqueConstraint(
                fields=["group"], condition=Q(is_default=True), name="ticketcategory_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name
