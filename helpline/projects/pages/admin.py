"""Administration of NodePoint's custom ticket forms: a list (with the projects each is
assigned to, and a way to assign one), and a form builder of up to ten fields. Every change
goes through ``projects.services.forms``, which checks ``project.manage``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from helpline.core.pages import errors
from helpline.lib.errors import DomainError, NotFound, PermissionDenied
from helpline.lib.pages import StyledForm, actor_for, service_page, show_error
from helpline.projects import rules, selectors
from helpline.projects.services import forms as form_services

FIELD_TYPES = (
    ("text", gettext_lazy("Text")),
    ("textarea", gettext_lazy("Text area")),
    ("checkbox", gettext_lazy("Checkbox")),
    ("url", gettext_lazy("Web address (URL)")),
    ("select", gettext_lazy("Selection")),
    ("rating", gettext_lazy("Satisfaction (1 to 5)")),
    ("date", gettext_lazy("Date")),
    ("client", gettext_lazy("Client")),
    ("item", gettext_lazy("Inventory item")),
)
_ROW_ERROR = re.compile(r"^fields\[(\d+)\](?:\.(\w+))?$")

_TEXTS: dict[str, Callable[[], str]] = {
    "form.name_taken": lambda: _("A form of that name exists."),
    "form.fields_missing": lambda: _("A form needs at least one field: give it a label."),
    "form.options_missing": lambda: _("A selection needs its options, one per line."),
    "form.options_invalid": lambda: _(
        "Only a selection has options; each option once, at most 200 characters."
    ),
    "form.clients_disabled": lambda: _("Client fields need the clients component."),
    "form.inactive": lambda: _("Only an active form can be assigned."),
}


def _text(error: DomainError) -> str:
    wording = _TEXTS.get(error.code)
    return wording() if wording else errors.text(error)


_guard = service_page(_text)


class CustomFormForm(StyledForm):
    """The form's name and status, then ten rows: label, type, required, options. A row
    without a label is left out; a field keeps its name (what stored values are keyed by)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=rules.FORM_NAME_MAX)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(rules.MAX_FIELDS):
            self.fields[f"field_{i}_name"] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )
            self.fields[f"field_{i}_label"] = forms.CharField(
                label=gettext_lazy("Label"), required=False, max_length=rules.LABEL_MAX
            )
            self.fields[f"field_{i}_type"] = forms.ChoiceField(
                label=gettext_lazy("Type"), choices=FIELD_TYPES, initial="text"
            )
            self.fields[f"field_{i}_required"] = forms.BooleanField(
                label=gettext_lazy("Required"), required=False
            )
            self.fields[f"field_{i}_options"] = forms.CharField(
                label=gettext_lazy("Options (selection: one per line)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "number": i + 1,
                "name": self[f"field_{i}_name"],
                "label": self[f"field_{i}_label"],
                "type": self[f"field_{i}_type"],
                "required": self[f"field_{i}_required"],
                "options": self[f"field_{i}_options"],
            }
            for i in range(rules.MAX_FIELDS)
        ]

    def field_specs(self) -> tuple[list[dict[str, Any]], list[int]]:
        """The fields to save and, for each, the row it came from."""
        data = self.cleaned_data
        specs: list[dict[str, Any]] = []
        used: list[int] = []
        for i in range(rules.MAX_FIELDS):
            label = (data.get(f"field_{i}_label") or "").strip()
            if not label:
                continue
            options = [
                line.strip()
                for line in (data.get(f"field_{i}_options") or "").splitlines()
                if line.strip()
            ]
            spec: dict[str, Any] = {
                "label": label,
                "type": data.get(f"field_{i}_type"),
                "required": bool(data.get(f"field_{i}_required")),
                "options": options,
            }
            if data.get(f"field_{i}_name"):
                spec["name"] = data[f"field_{i}_name"]
            specs.append(spec)
            used.append(i)
        return specs, used


def _show(form: CustomFormForm, error: DomainError, used: list[int]) -> None:
    """Put the error on the row (and column) it names; "fields" on the first label."""
    match = _ROW_ERROR.match(error.field or "")
    fields = {"fields": "field_0_label"}
    if match and int(match[1]) < len(used):
        column = match[2] if match[2] in ("label", "type", "required", "options") else "label"
        fields[error.field or ""] = f"field_{used[int(match[1])]}_{column}"
    show_error(form, error, message=_text(error), fields=fields)


@_guard
def form_list(request: HttpRequest) -> HttpResponse:
    """The custom forms with their fields and projects; each project's form can be
    changed here."""
    actor = actor_for(request)
    rows = list(selectors.admin_custom_forms(actor))
    projects = list(selectors.admin_projects(actor))
    labels = dict(FIELD_TYPES)
    for row in rows:
        row.field_labels = [  # type: ignore[attr-defined]
            f"{f['label']} ({labels.get(f['type'], f['type'])})" for f in row.fields
        ]
    context = {"rows": rows, "projects": projects, "active_forms": [r for r in rows if r.active]}
    return render(request, "projects/admin/forms.html", context)


@_guard
def form_edit(request: HttpRequest, form_id: int | None = None) -> HttpResponse:
    """Create a custom form, or change its name, status and fields."""
    actor = actor_for(request)
    existing = selectors.admin_custom_forms(actor)  # refuses without project.manage
    target = None
    initial: dict[str, Any] = {"active": True}
    if form_id is not None:
        target = existing.filter(pk=form_id).first()
        if target is None:
            raise Http404
        initial = {"name": target.name, "active": target.active}
        for i, field in enumerate(target.fields):
            initial |= {
                f"field_{i}_name": field["name"],
                f"field_{i}_label": field["label"],
                f"field_{i}_type": field["type"],
                f"field_{i}_required": field["required"],
                f"field_{i}_options": "\n".join(field.get("options") or []),
            }
    form = CustomFormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        specs, used = form.field_specs()
        data = form.cleaned_data
        try:
            if target is None:
                saved = form_services.create_custom_form(
                    actor, name=data["name"], fields=specs, active=data["active"]
                )
            else:
                saved = form_services.update_custom_form(
                    actor, target.pk, name=data["name"], fields=specs, active=data["active"]
                )
        except (PermissionDenied, NotFound):
            raise
        except DomainError as error:
            _show(form, error, used)
        else:
            messages.success(request, _("The form %(name)s is saved.") % {"name": saved.name})
            return redirect("projects-admin:forms")
    return render(request, "projects/admin/form_form.html", {"form": form, "target": target})


@_guard
@require_POST
def form_delete(request: HttpRequest, form_id: int) -> HttpResponse:
    form_services.delete_custom_form(actor_for(request), form_id)
    messages.success(request, _("The form is deleted; its projects use the default form."))
    return redirect("projects-admin:forms")


@_guard
@require_POST
def form_assign(request: HttpRequest) -> HttpResponse:
    """Give a project a custom form, or the default form (an empty choice)."""
    project = request.POST.get("project", "")
    chosen = request.POST.get("form", "")
    if not project.isdigit() or not (chosen == "" or chosen.isdigit()):
        raise Http404
    try:
        saved = form_services.assign_custom_form(
            actor_for(request), int(project), int(chosen) if chosen else None
        )
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        messages.error(request, _text(error))
    else:
        messages.success(request, _("The project %(name)s is saved.") % {"name": saved.name})
    return redirect("projects-admin:forms")
