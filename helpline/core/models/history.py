from django.conf import settings
from django.db import models


class HistoryEntry(models.Model):
    """One "who changed what" line: an attribute of an object went from old to new.

    ``object_type`` is a short name such as "Ticket"; ``related_*`` points at a child that
    caused it (the article added to a ticket). Written by services in the same transaction as
    the change; never edited.
    """

    class Kind(models.TextChoices):
        CREATED = "created", "created"
        UPDATED = "updated", "updated"
        REMOVED = "removed", "removed"
        ADDED = "added", "added"
        NOTIFICATION = "notification", "notification"
        ESCALATION = "escalation", "escalation"
        MERGED = "merged", "merged"

    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    attribute = models.CharField(max_length=80, blank=True, default="")
    value_from = models.TextField(blank=True, default="")
    value_to = models.TextField(blank=True, default="")
    id_from = models.BigIntegerField(null=True, blank=True)
    id_to = models.BigIntegerField(null=True, blank=True)
    related_object_type = models.CharField(max_length=40, blank=True, default="")
    related_object_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"], name="history_object")]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.attribute}"
