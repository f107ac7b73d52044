from django.db import models
from django.db.models.functions import Lower

from helpline.core.models.base import Audited


class Organization(Audited):
    """A customer company: Zammad organization = ITFlow client = NodePoint client (same id).

    ``shared`` lets its members see each other's tickets. NodePoint's client ``status``
    decides whether tickets may be filed against it (not when closed).
    """

    class Status(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        CONTACT = "contact", "Contact"
        PAID = "paid", "Paid"
        UNPAID = "unpaid", "Unpaid"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=150)
    shared = models.BooleanField(default=True)
    domain = models.CharField(max_length=250, blank=True, default="")
    domain_assignment = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    vip = models.BooleanField(default=False)
    note = models.TextField(blank=True, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONTACT)
    email = models.CharField(max_length=250, blank=True, default="")
    phone = models.CharField(max_length=100, blank=True, default="")
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="organization_name_ci_unique")]

    def __str__(self) -> str:
        return self.name
