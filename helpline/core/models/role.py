from django.db import models

from helpline.core.models.base import Audited


class Permission(models.Model):
    """A named right, Zammad-style (``ticket.agent``); holding a name grants its children."""

    name = models.CharField(max_length=100, unique=True)
    note = models.CharField(max_length=250, blank=True, default="")
    preferences = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(Audited):
    """A set of permissions given to users. ``level`` marks NodePoint's built-in level roles."""

    name = models.CharField(max_length=100, unique=True)
    note = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True)
    default_at_signup = models.BooleanField(default=False)
    level = models.PositiveSmallIntegerField(null=True, blank=True, unique=True)
    permissions = models.ManyToManyField(Permission, related_name="roles", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
