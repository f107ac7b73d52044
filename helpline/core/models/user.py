from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from helpline.core import rules
from helpline.core.models.base import Audited
from helpline.lib.actor import permission_matches


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        """Logins are case-insensitive (NodePoint); an email address works as well."""
        value = (username or "").strip()
        try:
            return self.get(login__iexact=value)
        except self.model.DoesNotExist:
            return self.get(email__iexact=value) if "@" in value else self.get(login__iexact=value)

    def create_user(
        self, login: str, email: str = "", password: str | None = None, **extra: Any
    ) -> User:
        user = self.model(login=login, email=email, **extra)
        user.set_password(password)
        user.save()
        return user


class User(AbstractBaseUser, Audited):
    """A person: agent, customer or administrator, one id through every door.

    Users are disabled (``active=False``), never deleted while anything refers to them.
    Permissions come from roles; ``has_permission`` applies Zammad's parent rule.
    """

    login = models.CharField(max_length=100)
    email = models.CharField(max_length=255, blank=True, default="")
    firstname = models.CharField(max_length=150, blank=True, default="")
    lastname = models.CharField(max_length=150, blank=True, default="")
    organization = models.ForeignKey(
        "core.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    organizations = models.ManyToManyField(
        "core.Organization", blank=True, related_name="secondary_members"
    )
    roles = models.ManyToManyField("core.Role", blank=True, related_name="users")
    preferences = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    verified = models.BooleanField(default=False)
    vip = models.BooleanField(default=False)
    login_failed = models.PositiveIntegerField(default=0)
    out_of_office = models.BooleanField(default=False)
    out_of_office_start_at = models.DateField(null=True, blank=True)
    out_of_office_end_at = models.DateField(null=True, blank=True)
    out_of_office_replacement = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image = models.CharField(max_length=250, blank=True, default="")
    image_source = models.CharField(max_length=250, blank=True, default="")
    web = models.CharField(max_length=250, blank=True, default="")
    phone = models.CharField(max_length=100, blank=True, default="")
    fax = models.CharField(max_length=100, blank=True, default="")
    mobile = models.CharField(max_length=100, blank=True, default="")
    department = models.CharField(max_length=200, blank=True, default="")
    street = models.CharField(max_length=120, blank=True, default="")
    zip = models.CharField(max_length=100, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    country = models.CharField(max_length=100, blank=True, default="")
    address = models.CharField(max_length=500, blank=True, default="")
    job_title = models.CharField(max_length=150, blank=True, default="")
    note = models.TextField(blank=True, default="")
    source = models.CharField(max_length=200, blank=True, default="")
    attributes = models.JSONField(default=dict, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "login"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("login"), name="user_login_ci_unique"),
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_ci_unique"
            ),
        ]
        indexes = [models.Index(fields=["organization"], name="user_organization")]

    def __str__(self) -> str:
        return self.login

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def fullname(self) -> str:
        return rules.person_name(self.login, self.firstname, self.lastname)

    def permission_names(self) -> frozenset[str]:
        """The names granted by the user's active roles (cached on the instance)."""
        cached = getattr(self, "_permission_names", None)
        if cached is None:
            from helpline.core.models.role import Permission

            cached = frozenset(
                Permission.objects.filter(
                    roles__users=self, roles__active=True, active=True
                ).values_list("name", flat=True)
            )
            self._permission_names = cached
        return cached

    def has_permission(self, name: str) -> bool:
        if not self.active:
            return False
        return any(permission_matches(granted, name) for granted in self.permission_names())

    def forget_permissions(self) -> None:
        self.__dict__.pop("_permission_names", None)
