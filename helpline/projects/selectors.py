"""Reads of projects and their custom forms, for the people who manage them
(``project.manage``)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from helpline.core import permissions as perms
from helpline.lib.actor import Actor
from helpline.projects.models import CustomForm, Project


def admin_custom_forms(actor: Actor) -> QuerySet[CustomForm]:
    """Every custom form with the projects it is assigned to, by name."""
    perms.require(actor, perms.PROJECT_MANAGE, perms.ADMIN)
    projects = Prefetch(
        "projects", queryset=Project.objects.order_by("name").only("pk", "name", "custom_form_id")
    )
    return CustomForm.objects.prefetch_related(projects).order_by("name", "id")


def admin_projects(actor: Actor) -> QuerySet[Project]:
    """Every project with its custom form, by name."""
    perms.require(actor, perms.PROJECT_MANAGE, perms.ADMIN)
    return Project.objects.select_related("custom_form").order_by("name", "id")
