from django.db import models

from helpline.core.models import Audited


class Channel(Audited):
    """A mailbox Helpline reads (Zammad's email channel): every new message becomes a ticket
    in ``group``, replies become articles. The password is stored as given (the server needs
    it) and never shown back by any door."""

    class Protocol(models.TextChoices):
        IMAP = "imap"
        POP3 = "pop3"

    class Security(models.TextChoices):
        TLS = "tls"  # implicit TLS (imaps, pop3s)
        STARTTLS = "starttls"
        PLAIN = "plain"

    name = models.CharField(max_length=250, unique=True)
    group = models.ForeignKey("core.Group", on_delete=models.PROTECT, related_name="+")
    protocol = models.CharField(max_length=10, choices=Protocol.choices, default=Protocol.IMAP)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.TLS)
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField()
    username = models.CharField(max_length=255)
    password = models.CharField(max_length=1000)
    folder = models.CharField(max_length=255, default="INBOX")
    address = models.CharField(max_length=255, blank=True, default="")
    poll_interval = models.PositiveIntegerField(default=60)
    active = models.BooleanField(default=True)
    last_fetch_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class InboundMessage(models.Model):
    """A message taken in, once per Message-ID: written in the transaction that creates its
    ticket or article, so a message fetched again (a worker died before the server copy was
    removed) is recognised and never doubled."""

    message_id = models.CharField(max_length=998)
    message_id_md5 = models.CharField(max_length=32, unique=True)
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    article = models.ForeignKey(
        "tickets.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20)  # ticket | article | bounce | ignored
    reason = models.CharField(max_length=250, blank=True, default="")
    sender = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sender", "created_at"], name="inbound_sender")]

    def __str__(self) -> str:
        return f"{self.message_id} -> {self.outcome}"


class FailedMail(models.Model):
    """A message that could not be taken in: its raw source is kept, an admin lists and
    re-processes it (``reprocess_failed_mail``); nothing fetched is ever dropped."""

    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raw = models.BinaryField()
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"failed mail {self.pk}"
