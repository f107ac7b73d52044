from django.db import models

from helpline.core.models.base import Audited


class ObjectAttribute(Audited):
    """An attribute of a Ticket, User, Organization or Group (Zammad's object manager).

    Built-in attributes describe real columns and are listed read-only (``editable=False``).
    Custom attributes (``editable=True``) keep their values in the object's ``attributes``
    JSON field. A new or changed custom attribute is *pending* until the administrator
    executes the migrations: ``to_create`` (not yet accepted or enforced), ``to_config``
    (a new ``data_option_new`` / ``data_type_new`` waits to replace the current one; the
    current one still rules), ``to_delete`` (still in force; on execution the row goes and
    its values are removed from every object), ``to_migrate`` (Zammad's "needs a schema
    change" flag: set on create and when ``maxlength`` changes).
    """

    class Object(models.TextChoices):
        TICKET = "Ticket", "Ticket"
        USER = "User", "User"
        ORGANIZATION = "Organization", "Organization"
        GROUP = "Group", "Group"

    object = models.CharField(max_length=20, choices=Object.choices)
    name = models.CharField(max_length=60)
    display = models.CharField(max_length=200)
    data_type = models.CharField(max_length=60)
    data_option = models.JSONField(default=dict, blank=True)
    data_option_new = models.JSONField(default=dict, blank=True)
    # A pending change of data type (only between compatible types), applied with the
    # migrations like ``data_option_new``; empty when none is pending.
    data_type_new = models.CharField(max_length=60, blank=True, default="")
    editable = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    screens = models.JSONField(default=dict, blank=True)
    position = models.IntegerField(default=1550)
    to_create = models.BooleanField(default=False)
    to_migrate = models.BooleanField(default=False)
    to_delete = models.BooleanField(default=False)
    to_config = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["object", "name"], name="objectattribute_object_name")
        ]

    def __str__(self) -> str:
        return f"{self.object}.{self.name}"

    @property
    def pending(self) -> bool:
        return self.to_create or self.to_migrate or self.to_delete or self.to_config
