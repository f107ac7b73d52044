from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from helpline.core.models.base import Audited


class Group(Audited):
    """Where tickets are filed: Zammad group = django-helpdesk queue = Flicket department.

    Every group has a default category ("General") made with it (tickets app).
    """

    class FollowUp(models.TextChoices):
        YES = "yes", "yes"
        NEW_TICKET = "new_ticket", "new ticket"
        REOPEN = "yes_with_reopen", "yes, and reopen"

    name = models.CharField(max_length=160)
    note = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True)
    signature_id = models.BigIntegerField(null=True, blank=True)
    email_address_id = models.BigIntegerField(null=True, blank=True)
    assignment_timeout = models.PositiveIntegerField(null=True, blank=True)
    follow_up_possible = models.CharField(
        max_length=20, choices=FollowUp.choices, default=FollowUp.YES
    )
    follow_up_assignment = models.BooleanField(default=True)
    members = models.ManyToManyField(  # type: ignore[var-annotated]
        settings.AUTH_USER_MODEL, through="GroupMembership", related_name="agent_groups"
    )
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="group_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A user's access to a group's tickets. One row per access kind, as Zammad's ``group_ids``."""

    class Access(models.TextChoices):
        FULL = "full", "full"
        READ = "read", "read"
        CREATE = "create", "create"
        CHANGE = "change", "change"
        OVERVIEW = "overview", "overview"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    group = models.ForeignKey(Group, on_delete=models.CASCADE)
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.FULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group", "access"], name="group_membership_unique"
            )
        ]
        indexes = [models.Index(fields=["group", "user"], name="group_membership_group_user")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.group_id}:{self.access}"
