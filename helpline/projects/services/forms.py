"""NodePoint's ticket forms: custom forms (up to 10 fields) assigned to projects, and the
default form's configurable third field.

Managing forms needs ``project.manage`` (NodePoint level 4 and up) or ``admin``. Checking
what a person typed into a form (``clean_form_values``, ``clean_custom_field``) is
unchecked: the ticket services call it while filing a ticket.

Item fields take a positive id; whether that inventory item exists (and is checked out to
the person filing) is checked once the inventory component exists.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from helpline.core import permissions as perms
from helpline.core.models import Organization
from helpline.core.services.settings import get_setting
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound
from helpline.projects import rules
from helpline.projects.models import CustomForm, Project


def clients_enabled() -> bool:
    """The clients component is on (runtime setting ``site.components``)."""
    return "clients" in (get_setting("site.components") or [])


def _get_form(form_id: int, *, lock: bool = False) -> CustomForm:
    qs = CustomForm.objects.select_for_update() if lock else CustomForm.objects
    form = qs.filter(pk=form_id).first()
    if form is None:
        raise NotFound(f"no custom form with id {form_id}", code="form.not_found")
    return form


def _name_taken(name: str, exclude: int | None = None) -> None:
    qs = CustomForm.objects.filter(name__iexact=name)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise Conflict(f"a form named {name} exists", code="form.name_taken", field="name")


def create_custom_form(
    actor: Actor, *, name: str, fields: list[dict[str, Any]], active: bool = True
) -> CustomForm:
    """Create a custom form of 1 to 10 fields (see ``rules.check_form_fields``); names are
    unique without regard to case."""
    perms.require(actor, perms.PROJECT_MANAGE, perms.ADMIN)
    clean_name = rules.check_form_name(name)
    clean_fields = rules.check_form_fields(fields, clients_enabled=clients_enabled())
    if not isinstance(active, bool):
        raise Invalid("active is true or false", code="form.active_invalid", field="active")
    _name_taken(clean_name)
    try:
        with transaction.atomic():
            return CustomForm.objects.create(
                name=clean_name,
                fields=clean_fields,
                active=active,
                created_by=actor.user,
                updated_by=actor.user,
            )
    except IntegrityError:
        raise Conflict(
            f"a form named {clean_name} exists", code="form.name_taken", field="name"
        ) from None


@transaction.atomic
def update_custom_form(
    actor: Actor,
    form_id: int,
    *,
    name: str | None = None,
    fields: list[dict[str, Any]] | None = None,
    active: bool | None = None,
) -> CustomForm:
    """Rename a form, replace its fields or (de)activate it. Tickets filed earlier keep the
    values they were filed with."""
    perms.require(actor, perms.PROJECT_MANAGE, perms.ADMIN)
    form = _get_form(form_id, lock=True)
    if name is not None:
        form.name = rules.check_form_name(name)
        _name_taken(form.name, exclude=form.pk)
    if fields is not None:
        form.fields = rules.check_form_fields(fields, clients_enabled=clients_enabled())
    if active is not None:
        if not isinstance(active, bool):
            raise Invalid("active is true or false", code="form.active_invalid", field="active")
        form.active = active
    form.updated_by = actor.user
    form.save()
    return form


@transaction.atomic
def delete_custom_form(actor: Actor, form_id: int) -> None:
    """Delete a form; the projects it was assigned to go back to the default form."""
    perms.require(actor, perms.PROJECT_MANAGE, perms.ADMIN)
    _get_form(form_id, lock=True).delete()


@transaction.atomic
def assign_custom_form(actor: Actor, project_id: int, form_id: int | None) -> Project:
    """Show ``form_id`` instead of the default form for tickets of the project (``None``
    goes back to the default form). Only an active form can be assigned."""
    perms.require(actor, perms.PROJECT_MANAGE, perms.ADMIN)
    project = Project.objects.select_for_update().filter(pk=project_id).first()
    if project is None:
        raise NotFound(f"no project with id {project_id}", code="project.not_found")
    form = None
    if form_id is not None:
        form = _get_form(form_id)
        if not form.active:
            raise Invalid(
                f"the form {form.name} is inactive", code="form.inactive", field="custom_form_id"
            )
    project.custom_form = form
    project.updated_by = actor.user
    project.save(update_fields=["custom_form", "updated_by", "updated_at"])
    return project


def form_for_project(project: Project) -> CustomForm | None:
    """The custom form tickets of ``project`` are filed with, or ``None`` for the default
    form (no form assigned, or the assigned form is inactive)."""
    form = project.custom_form
    return form if form is not None and form.active else None


def clean_form_values(form: CustomForm, values: dict[str, Any] | None) -> dict[str, Any]:
    """Check what was typed into ``form`` when filing a ticket and return the stored form,
    field name -> value (blank optional fields left out, a checkbox always ``True`` or
    ``False``). Refused with ``Invalid(field=<field name>)``: unknown fields
    (``form.field_unknown``), a blank required field or an unticked required checkbox
    (``form.field_required``), and a bad value of any type (``form.url_invalid``,
    ``form.rating_invalid``…). A client must exist and not be closed; client fields are
    ignored (and refuse values) while the clients component is off."""
    values = values or {}
    if not isinstance(values, dict):
        raise Invalid("form values are an object", code="form.values_invalid", field="form")
    fields = {f["name"]: f for f in form.fields}
    for name in values:
        if name not in fields:
            raise Invalid(
                f"the form {form.name} has no field {name!r}", code="form.field_unknown", field=name
            )
    with_clients = clients_enabled()
    result: dict[str, Any] = {}
    for name, field in fields.items():
        value = values.get(name)
        if field["type"] == "client" and not with_clients:
            if not rules.is_blank(value):
                raise Invalid(
                    "the clients component is off",
                    code="form.clients_disabled",
                    field=name,
                )
            continue
        if field["type"] == "checkbox":
            checked = False if rules.is_blank(value) else rules.clean_field_value(field, value)
            if field["required"] and not checked:
                raise Invalid(
                    f"{field['label']} must be ticked", code="form.field_required", field=name
                )
            result[name] = checked
            continue
        if rules.is_blank(value):
            if field["required"]:
                raise Invalid(
                    f"{field['label']} is required", code="form.field_required", field=name
                )
            continue
        result[name] = rules.clean_field_value(field, value)
        if field["type"] == "client":
            _check_client(field, result[name])
    return result


def _check_client(field: dict[str, Any], client_id: int) -> None:
    status = Organization.objects.filter(pk=client_id).values_list("status", flat=True).first()
    if status is None:
        raise Invalid(
            f"no client with id {client_id}", code="form.client_unknown", field=field["name"]
        )
    if status == Organization.Status.CLOSED:
        raise Invalid(
            "no ticket can be filed against a closed client",
            code="form.client_closed",
            field=field["name"],
        )


def clean_custom_field(value: Any) -> str:
    """The default form's third field, as configured by ``tickets.custom_field_name`` and
    ``tickets.custom_field_type``: text (at most 1000 characters), a web address, or a
    checkbox stored as "yes"/"no". With no field configured the value is dropped (NodePoint
    scripts send ``custom=`` regardless) and "" is returned."""
    if not get_setting("tickets.custom_field_name"):
        return ""
    kind = get_setting("tickets.custom_field_type")
    if kind == "checkbox":
        checked = False if rules.is_blank(value) else rules.to_bool(value)
        if checked is None:
            raise Invalid(
                "the custom field is yes or no",
                code="ticket.custom_field_invalid",
                field="custom_field",
            )
        return "yes" if checked else "no"
    if rules.is_blank(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(
            "the custom field is text", code="ticket.custom_field_invalid", field="custom_field"
        )
    text = str(value).strip()
    if len(text) > rules.TEXT_MAX:
        raise Invalid(
            f"the custom field has at most {rules.TEXT_MAX} characters",
            code="ticket.custom_field_too_long",
            field="custom_field",
        )
    if kind == "url" and not rules.check_url(text):
        raise Invalid(
            "the custom field is a web address (http:// or https://)",
            code="ticket.custom_field_invalid",
            field="custom_field",
        )
    return text
