from __future__ import annotations

from django.conf import settings
from django.db import models


class AccessToken(models.Model):
    """A secret that lets a program act as its user, narrowed to ``permissions``.

    Only the SHA-256 hash of the secret is stored (the plaintext is shown once, when it is
    made) plus a short prefix so people can tell their tokens apart. ``kind`` says which door
    issued it: ``api`` for Zammad's personal access tokens; other doors (Flicket's expiring
    session tokens) use their own kind so one kind never authenticates at another's door.
    A token past ``expires_at`` no longer authenticates.
    """

    class Kind(models.TextChoices):
        API = "api", "API access token"
        SESSION = "session", "Session token"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.API)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    permissions = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "label"]
        indexes = [models.Index(fields=["user", "kind"], name="access_token_user_kind")]

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"
