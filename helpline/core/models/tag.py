from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Tag(models.Model):
    """A tag name, shared by every kind of object (Zammad's tag list)."""

    name = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Tagging(models.Model):
    """A tag on one object (``object_type`` "Ticket", ``object_id`` its id)."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="taggings")
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "object_type", "object_id"], name="tagging_unique"
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="tagging_object")]

    def __str__(self) -> str:
        return f"{self.tag_id}@{self.object_type}#{self.object_id}"
