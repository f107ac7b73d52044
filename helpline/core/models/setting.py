from django.db import models

from helpline.core.models.base import Audited


class RuntimeSetting(Audited):
    """A policy value administrators change at run time (``tickets.allow_guest_tickets``).

    Keys and defaults are registered once in ``helpline.core.settings_registry``; a row
    exists only once a value differs from its default.
    """

    key = models.CharField(max_length=120, unique=True)
    value = models.JSONField(null=True)

    def __str__(self) -> str:
        return self.key


class MailServer(Audited):
    """The SMTP server outgoing mail goes through, set by administrators on the mail
    settings page (one row at most, id 1). ``HELPLINE_SMTP_URL`` in the environment wins
    over it; without either, mail is kept as files in the outbox folder.

    The password is stored as given (the server needs it, like a mail channel's) and is
    write-only: no service, page or API returns it.
    """

    class Security(models.TextChoices):
        NONE = "none"
        STARTTLS = "starttls"
        TLS = "tls"

    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=587)
    security = models.CharField(max_length=10, choices=Security.choices, default="starttls")
    username = models.CharField(max_length=254, blank=True, default="")
    password = models.CharField(max_length=1000, blank=True, default="")
    sender = models.CharField(max_length=254, blank=True, default="")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="mailserver_single")]

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"
