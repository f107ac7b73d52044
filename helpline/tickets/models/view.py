from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from helpline.core.models import Audited


class SavedView(Audited):
    """A saved ticket list (Zammad's "overview"): the list's filters and sort under a name.

    A personal view is seen, opened, renamed and deleted by its owner alone. An admin may
    share a view with everyone or with the holders of one role; opening it applies its
    filters inside the reader's own ticket scope, so a shared view never shows more than
    the reader may see. ``filters`` holds the list's query parameters (name -> text).
    """

    class Sharing(models.TextChoices):
        PERSONAL = "personal"
        EVERYONE = "everyone"
        ROLE = "role"

    name = models.CharField(max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    sharing = models.CharField(max_length=20, choices=Sharing.choices, default=Sharing.PERSONAL)
    role = models.ForeignKey(
        "core.Role", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    filters = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="savedview_owner_name_unique"),
            models.CheckConstraint(
                condition=(Q(sharing="role") & Q(role__isnull=False))
                | (~Q(sharing="role") & Q(role__isnull=True)),
                name="savedview_role_iff_shared_with_role",
            ),
        ]
        indexes = [models.Index(fields=["sharing"], name="savedview_sharing")]

    def __str__(self) -> str:
        return self.name
