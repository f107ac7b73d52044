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
