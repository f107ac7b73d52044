from django.conf import settings
from django.db import models
from django.db.models import Q

from helpline.core.models import Audited


class TicketCounter(models.Model):
    """The next ticket number. The row is locked and bumped inside the transaction that
    creates the ticket, so numbers are unique and gap-free in commit order."""

    name = models.CharField(max_length=40, unique=True, default="ticket")
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Ticket(Audited):
    """A ticket: one row and one id through every door.

    It always has a group and a category of that group. ``number`` is the human-facing
    number (with the configured prefix). ``owner`` is Zammad's owner; ``assignees`` holds
    NodePoint's extra assigned users. A guest ticket has no customer but a
    ``submitter_email`` (django-helpdesk). The Zammad timestamps are kept up to date by the
    services (article added, state changed) and by the SLA calculation.
    """

    number = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=250)
    # Scope columns lead the composite indexes in Meta (each ending in id), which serve every
    # lookup a single-column index would: no separate foreign-key indexes for them.
    group = models.ForeignKey(
        "core.Group", on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    category = models.ForeignKey(
        "tickets.TicketCategory", on_delete=models.PROTECT, related_name="tickets"
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    release = models.ForeignKey(
        "projects.Release", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    state = models.ForeignKey(
        "tickets.TicketState", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    priority = models.ForeignKey(
        "tickets.TicketPriority", on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customer_tickets",
        db_index=False,
    )
    organization = models.ForeignKey(
        "core.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_tickets",
        db_index=False,
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_tickets"
    )
    submitter_email = models.CharField(max_length=255, blank=True, default="")
    on_hold = models.BooleanField(default=False)
    resolution = models.TextField(blank=True, default="")
    custom_field = models.CharField(max_length=1000, blank=True, default="")
    attributes = models.JSONField(default=dict, blank=True)
    # What was typed into the project's custom form (NodePoint), as filed: a list of
    # {"name", "label", "type", "value"} in the form's order (a client also has "text", its
    # name), so the ticket keeps its values and labels when the form changes later.
    form_values = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, default="")
    type = models.CharField(max_length=100, blank=True, default="")
    preferences = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tickets"
    )

    article_count = models.PositiveIntegerField(default=0)
    time_unit = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    create_article_type = models.ForeignKey(
        "tickets.ArticleType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    create_article_sender = models.ForeignKey(
        "tickets.ArticleSender", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_escalation_at = models.DateTimeField(null=True, blank=True)
    first_response_in_min = models.IntegerField(null=True, blank=True)
    first_response_diff_in_min = models.IntegerField(null=True, blank=True)
    close_at = models.DateTimeField(null=True, blank=True)
    close_escalation_at = models.DateTimeField(null=True, blank=True)
    close_in_min = models.IntegerField(null=True, blank=True)
    close_diff_in_min = models.IntegerField(null=True, blank=True)
    update_escalation_at = models.DateTimeField(null=True, blank=True)
    update_in_min = models.IntegerField(null=True, blank=True)
    update_diff_in_min = models.IntegerField(null=True, blank=True)
    escalation_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    last_contact_agent_at = models.DateTimeField(null=True, blank=True)
    last_contact_customer_at = models.DateTimeField(null=True, blank=True)
    last_owner_update_at = models.DateTimeField(null=True, blank=True)
    pending_time = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # "visible to U, filtered, newest first, page P": every scope column leads an
            # index ending in id, so the newest page is read off the index in order.
            models.Index(fields=["group", "-id"], name="ticket_group_id"),
            models.Index(fields=["group", "state", "-id"], name="ticket_group_state_id"),
            models.Index(fields=["customer", "-id"], name="ticket_customer_id"),
            models.Index(fields=["organization", "-id"], name="ticket_organization_id"),
            models.Index(fields=["owner", "-id"], name="ticket_owner_id"),
            models.Index(fields=["state", "-id"], name="ticket_state_id"),
            models.Index(fields=["project", "-id"], name="ticket_project_id"),
            models.Index(fields=["-updated_at"], name="ticket_updated_at"),
            # The API's ``sort_by=title`` / ``created_at`` (the other sort fields lead an
            # index above, the unique number or the priority foreign key).
            models.Index(fields=["title", "id"], name="ticket_title_id"),
            models.Index(fields=["created_at", "id"], name="ticket_created_at_id"),
            models.Index(fields=["submitter_email"], name="ticket_submitter_email"),
            models.Index(
                fields=["escalation_at"],
                name="ticket_escalation_at",
                condition=Q(escalation_at__isnull=False),
            ),
            models.Index(
                fields=["pending_time"],
                name="ticket_pending_time",
                condition=Q(pending_time__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"


class Subscription(models.Model):
    """A user follows a ticket (NodePoint follow, Flicket subscription)."""

    # Served by the unique (ticket, user) constraint and the (user, -id) index.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="subscriptions", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="subscription_unique")
        ]
        indexes = [models.Index(fields=["user", "-id"], name="subscription_user")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.ticket_id}"
