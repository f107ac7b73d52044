from django.conf import settings
from django.db import models


class Delivery(models.Model):
    """One outgoing mail to one recipient: the outbox row.

    Rows are written in the same transaction as the ticket change that causes them, so a
    committed change always has its mails queued and a rolled-back one has none. A sender
    claims a row with a compare-and-set (``pending`` -> ``sending``, or a ``sending`` row whose
    lease ran out) before talking to SMTP and marks it ``sent`` afterwards; a failed attempt
    puts it back to ``pending`` with ``next_attempt_at`` pushed out (backoff) until
    ``mail.max_attempts`` makes it ``failed``. ``dedupe_key`` makes the same notification for
    the same recipient a single row however often an event is handled. ``message_id`` is the
    Message-ID header the mail goes out with, so a reply's In-Reply-To finds the ticket.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        SKIPPED = "skipped"

    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        "tickets.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.CharField(max_length=255)
    language = models.CharField(max_length=10, default="en")
    dedupe_key = models.CharField(max_length=200, unique=True)
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True, default="")
    references = models.TextField(blank=True, default="")
    subject = models.CharField(max_length=998, blank=True, default="")
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["ticket", "id"], name="delivery_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.status})"
