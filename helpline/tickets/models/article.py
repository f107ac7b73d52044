from django.conf import settings
from django.db import models

from helpline.core.models import Audited


class ArticleType(models.Model):
    """How an article came or went (Zammad's type ids: email 1 ... note 10, web 11)."""

    name = models.CharField(max_length=40, unique=True)
    communication = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ArticleSender(models.Model):
    """Who wrote an article: Agent (1), Customer (2) or System (3), as Zammad numbers them."""

    AGENT = "Agent"
    CUSTOMER = "Customer"
    SYSTEM = "System"

    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Article(Audited):
    """One message in a ticket's thread; the first one is the ticket's description
    (Flicket content, NodePoint description, django-helpdesk body). Later ones are Flicket
    posts, django-helpdesk follow-ups and NodePoint comments, with this same id.

    ``body`` is stored as received; HTML is sanitized on output and markdown rendered.
    ``internal`` articles are never shown or mailed to customers.
    """

    class ContentType(models.TextChoices):
        PLAIN = "text/plain", "text/plain"
        HTML = "text/html", "text/html"
        MARKDOWN = "text/markdown", "text/markdown"

    # Served by the (ticket, id) index.
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="articles", db_index=False
    )
    type = models.ForeignKey(ArticleType, on_delete=models.PROTECT, related_name="+")
    sender = models.ForeignKey(ArticleSender, on_delete=models.PROTECT, related_name="+")
    internal = models.BooleanField(default=False)
    from_address = models.CharField(max_length=3000, blank=True, default="")
    to = models.CharField(max_length=3000, blank=True, default="")
    cc = models.CharField(max_length=3000, blank=True, default="")
    subject = models.CharField(max_length=3000, blank=True, default="")
    reply_to = models.CharField(max_length=300, blank=True, default="")
    message_id = models.CharField(max_length=3000, blank=True, default="")
    message_id_md5 = models.CharField(max_length=32, blank=True, default="")
    in_reply_to = models.CharField(max_length=3000, blank=True, default="")
    references = models.TextField(blank=True, default="")
    content_type = models.CharField(
        max_length=20, choices=ContentType.choices, default=ContentType.PLAIN
    )
    body = models.TextField()
    time_unit = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    preferences = models.JSONField(default=dict, blank=True)
    origin_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["ticket", "id"], name="article_ticket"),
            models.Index(fields=["message_id_md5"], name="article_message_id"),
        ]

    def __str__(self) -> str:
        return f"article {self.pk} of ticket {self.ticket_id}"
