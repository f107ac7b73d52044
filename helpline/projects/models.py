"""NodePoint's products/projects, their releases (milestones) and custom ticket forms."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from helpline.core.models import Audited


class CustomForm(Audited):
    """A NodePoint custom ticket form: up to 10 fields, shown instead of the default form for
    tickets filed against a project it is assigned to. ``fields`` is a list of
    ``{"name", "label", "type", "required", "options"}``; types: text, textarea, checkbox,
    url, select, rating (1-5), date, client, item."""

    name = models.CharField(max_length=150)
    fields = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="customform_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Project(Audited):
    """A NodePoint product/project. It files its tickets into its own group (and that group's
    default category); users on ``auto_assign`` are assigned to every new ticket of it."""

    name = models.CharField(max_length=150)
    description = models.TextField(blank=True, default="")
    group = models.OneToOneField(
        "core.Group", on_delete=models.PROTECT, related_name="project", null=True, blank=True
    )
    custom_form = models.ForeignKey(
        CustomForm, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    organization = models.ForeignKey(
        "core.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    auto_assign = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="auto_assign_projects"
    )
    image = models.CharField(max_length=250, blank=True, default="")
    active = models.BooleanField(default=True)  # False: retired

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="project_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Release(Audited):
    """A release (milestone) of a project; NodePoint's ``release_id`` is its ``name``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="releases")
    name = models.CharField(max_length=100)
    notes = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="release_project_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.name}"
