from django.conf import settings
from django.db import models

from helpline.core.models.base import Audited


class OnlineNotification(Audited):
    """An in-app notification for one user about one object (Zammad's online_notifications).

    Made by the same rules as mail: never for the actor's own change. A user reads, marks
    seen and deletes only their own.
    """

    class Kind(models.TextChoices):
        CREATE = "create", "create"
        UPDATE = "update", "update"
        REMINDER = "reminder_reached", "reminder reached"
        ESCALATION = "escalation", "escalation"
        ESCALATION_WARNING = "escalation_warning", "escalation warning"
        MENTION = "mention", "mention"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="online_notifications"
    )
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    seen = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "seen", "id"], name="notification_user_seen"),
            models.Index(fields=["object_type", "object_id"], name="notification_object"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}:{self.object_type}#{self.object_id}"
