"""Administration of the ticket vocabularies and service levels.

- Categories (per group), states and priorities: one page each, a row per entry with its
  own small form and a form for a new one (``tickets.services.categories`` and ``states``);
  states also have a delete button (the service refuses a state in use or needed).
- Business-hours calendars and SLAs: a list and a create/edit form each, plus delete
  (``tickets.services.sla``).

Every change goes through a service, which checks the permission; a refusal is the 403
page, bad input shows on the form's field and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from helpline.lib.actor import Actor
from helpline.lib.errors import DomainError, NotFound, PermissionDenied
from helpline.lib.pages import StyledForm, actor_for, service_page, show_error
from helpline.tickets import selectors
from helpline.tickets.pages import errors
from helpline.tickets.services import categories as category_services
from helpline.tickets.services import sla as sla_services
from helpline.tickets.services import states as state_services


def _text(error: DomainError) -> str:
    """The reader-facing sentence for a service's error on these pages."""
    wording = _TEXTS.get(error.code)
    return wording() if wording else errors.text(error)


_TEXTS: dict[str, Callable[[], str]] = {
    "name.taken": lambda: _("This name is already taken."),
    "name.required": lambda: _("A name is required."),
    "category.name_taken": lambda: _("This group already has a category of that name."),
    "category.name_invalid": lambda: _("A category name has 1 to 150 characters."),
    "ticket.group_unknown": lambda: _("Choose one of the groups offered."),
    "ticket_state.type_required": lambda: _("Choose the kind of state."),
    "ticket_state.type_unknown": lambda: _("Choose the kind of state."),
    "ticket_state.in_use": lambda: _(
        "Tickets are in this state, or another state moves on to it: deactivate it instead."
    ),
    "ticket_state.default": lambda: _(
        "New tickets or follow-ups start in this state: it cannot be deleted."
    ),
    "ticket_state.needed": lambda: _(
        "Helpline needs an active state of this kind to create, reopen, resolve, close or "
        "merge tickets: add another one before deleting, deactivating or changing this one."
    ),
}


def _checked(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name) == "on"


def _page(
    template: str,
    rows: Callable[[Actor], Any],
    save: Callable[[HttpRequest, Actor], Any],
    redirect_to: str,
    extra: Callable[[Actor], dict[str, Any]] | None = None,
) -> Callable[[HttpRequest], HttpResponse]:
    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        actor = actor_for(request)
        try:
            if request.method == "POST":
                try:
                    save(request, actor)
                except (PermissionDenied, NotFound):
                    raise
                except DomainError as error:
                    messages.error(request, _text(error))
                else:
                    messages.success(request, _("Saved."))
                return redirect(redirect_to)
            context = {"rows": rows(actor), **(extra(actor) if extra else {})}
            return render(request, template, context)
        except PermissionDenied as error:
            raise DjangoPermissionDenied(errors.text(error)) from None
        except NotFound:
            raise Http404 from None

    return view


def _save_category(request: HttpRequest, actor: Actor) -> None:
    if request.POST.get("id", "").isdigit():
        category_services.update_category(
            actor,
            int(request.POST["id"]),
            name=request.POST.get("name", ""),
            active=_checked(request, "active"),
        )
    else:
        group = request.POST.get("group", "")
        category_services.create_category(
            actor, group=int(group) if group.isdigit() else 0, name=request.POST.get("name")
        )


def _save_state(request: HttpRequest, actor: Actor) -> None:
    if request.POST.get("id", "").isdigit():
        state_services.update_state(
            actor,
            int(request.POST["id"]),
            name=request.POST.get("name", ""),
            needs_resolution=_checked(request, "needs_resolution"),
            active=_checked(request, "active"),
        )
        return
    fields: dict[str, Any] = {
        "name": request.POST.get("name", ""),
        "needs_resolution": _checked(request, "needs_resolution"),
        "ignore_escalation": _checked(request, "ignore_escalation"),
    }
    kind = request.POST.get("state_type", "")
    if kind.isdigit():
        fields["state_type_id"] = int(kind)
    state_services.create_state(actor, **fields)


def _save_priority(request: HttpRequest, actor: Actor) -> None:
    if request.POST.get("id", "").isdigit():
        state_services.update_priority(
            actor,
            int(request.POST["id"]),
            name=request.POST.get("name", ""),
            active=_checked(request, "active"),
        )
    else:
        state_services.create_priority(actor, name=request.POST.get("name"))


categories = _page(
    "tickets/admin/categories.html",
    selectors.admin_categories,
    _save_category,
    "tickets-admin:categories",
    lambda actor: {"groups": selectors.admin_group_choices(actor)},
)
states = _page(
    "tickets/admin/states.html",
    selectors.admin_states,
    _save_state,
    "tickets-admin:states",
    lambda actor: {"state_types": selectors.admin_state_types(actor)},
)
priorities = _page(
    "tickets/admin/priorities.html",
    selectors.admin_priorities,
    _save_priority,
    "tickets-admin:priorities",
)


@service_page(_text)
@require_POST
def state_delete(request: HttpRequest, state_id: int) -> HttpResponse:
    """Delete a state; the service refuses one in use or needed, and nothing changes."""
    actor = actor_for(request)
    state = selectors.get_state(actor, state_id)
    try:
        state_services.delete_state(actor, state_id)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        messages.error(request, _text(error))
    else:
        messages.success(request, _("The state %(name)s is deleted.") % {"name": state.name})
    return redirect("tickets-admin:states")


# ---------------------------------------------------------------------------------------
# Business-hours calendars and SLAs (admin.sla)

WEEKDAY_LABELS = (
    ("mon", gettext_lazy("Monday")),
    ("tue", gettext_lazy("Tuesday")),
    ("wed", gettext_lazy("Wednesday")),
    ("thu", gettext_lazy("Thursday")),
    ("fri", gettext_lazy("Friday")),
    ("sat", gettext_lazy("Saturday")),
    ("sun", gettext_lazy("Sunday")),
)
_RANGE = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")
_HOLIDAY = re.compile(r"^(#)?\s*(\d{4}-\d{2}-\d{2})(\*)?\s*(.*)$")


_guard = service_page(_text)


def _show(form: forms.BaseForm, error: DomainError, fields: dict[str, str]) -> None:
    show_error(form, error, message=_text(error), fields=fields)


def _hours_text(spec: Any) -> str:
    if not isinstance(spec, dict) or not spec.get("active"):
        return ""
    return ", ".join(f"{a}-{b}" for a, b in spec.get("timeframes") or [])


def _holidays_text(holidays: dict[str, Any]) -> str:
    lines = []
    for day in sorted(holidays):
        spec = holidays[day] or {}
        mark = "*" if spec.get("recurring") else ""
        off = "" if spec.get("active", True) else "# "
        lines.append(f"{off}{day}{mark} {spec.get('summary') or ''}".rstrip())
    return "\n".join(lines)


class CalendarForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=250)
    timezone = forms.CharField(
        label=gettext_lazy("Time zone"),
        max_length=250,
        initial="UTC",
        help_text=gettext_lazy("An IANA name such as Europe/Paris or UTC."),
        widget=forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"}),
    )
    holidays = forms.CharField(
        label=gettext_lazy("Public holidays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One per line: the date (YYYY-MM-DD), then its name. A * right after the date "
            "repeats it every year; a line starting with # is kept but not observed."
        ),
    )
    default = forms.BooleanField(
        label=gettext_lazy("Default calendar (for SLAs that name none)"), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, label in WEEKDAY_LABELS:
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                help_text=gettext_lazy(
                    "Business hours as ranges such as 09:00-12:00, 13:00-17:00; empty when closed."
                )
                if day == "mon"
                else "",
            )
        self.order_fields(
            ["name", "timezone", *(f"hours_{d}" for d, _l in WEEKDAY_LABELS), "holidays"]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, Any] = {}
        for day, _label in WEEKDAY_LABELS:
            text = data.get(f"hours_{day}") or ""
            frames = []
            for part in (p for p in text.split(",") if p.strip()):
                match = _RANGE.match(part)
                if match is None:
                    self.add_error(
                        f"hours_{day}", _("Write each range as 09:00-17:00, separated by commas.")
                    )
                    break
                frames.append([match[1].zfill(5), match[2].zfill(5)])
            hours[day] = {
                "active": bool(frames),
                "timeframes": frames or [["09:00", "17:00"]],
            }
        data["business_hours"] = hours
        holidays: dict[str, Any] = {}
        for line in (data.get("holidays") or "").splitlines():
            if not line.strip():
                continue
            match = _HOLIDAY.match(line.strip())
            if match is None:
                self.add_error(
                    "holidays",
                    _("Start each line with a date written YYYY-MM-DD: %(line)s")
                    % {"line": line.strip()[:60]},
                )
                break
            holidays[match[2]] = {
                "active": not match[1],
                "recurring": bool(match[3]),
                "summary": match[4].strip(),
            }
        data["public_holidays"] = holidays
        return data


_CALENDAR_FIELDS = {"public_holidays": "holidays", "business_hours": "hours_mon"}


def _calendar_error_field(error: DomainError) -> dict[str, str]:
    """A business-hours error names its weekday first ("tue: ..."): show it there."""
    fields = dict(_CALENDAR_FIELDS)
    day = (error.message or "")[:3]
    if error.field == "business_hours" and day in dict(WEEKDAY_LABELS):
        fields["business_hours"] = f"hours_{day}"
    return fields


@_guard
def calendar_list(request: HttpRequest) -> HttpResponse:
    """The calendars with their time zone, open days and how many SLAs use them."""
    rows = list(selectors.admin_calendars(actor_for(request)))
    for row in rows:
        row.open_days = [  # type: ignore[attr-defined]
            str(label)
            for day, label in WEEKDAY_LABELS
            if (row.business_hours.get(day) or {}).get("active")
        ]
    return render(request, "tickets/admin/calendars.html", {"rows": rows})


@_guard
def calendar_edit(request: HttpRequest, calendar_id: int | None = None) -> HttpResponse:
    """Create a calendar, or change its name, time zone, weekly hours and holidays."""
    actor = actor_for(request)
    calendars = selectors.admin_calendars(actor)  # refuses without admin.sla
    target = None
    initial: dict[str, Any] = {"timezone": "UTC"}
    for day, _label in WEEKDAY_LABELS:
        initial[f"hours_{day}"] = "09:00-17:00" if day not in ("sat", "sun") else ""
    if calendar_id is not None:
        target = calendars.filter(pk=calendar_id).first()
        if target is None:
            raise Http404
        initial = {
            "name": target.name,
            "timezone": target.timezone,
            "holidays": _holidays_text(target.public_holidays or {}),
            "default": target.default,
            "note": target.note,
        }
        for day, _label in WEEKDAY_LABELS:
            initial[f"hours_{day}"] = _hours_text(target.business_hours.get(day))
    form = CalendarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "name": data["name"],
            "timezone": data["timezone"].strip(),
            "business_hours": data["business_hours"],
            "public_holidays": data["public_holidays"],
            "default": data["default"],
            "note": data["note"],
        }
        try:
            if target is None:
                saved = sla_services.create_calendar(actor, **values)
            else:
                saved = sla_services.update_calendar(actor, target.pk, **values)
        except (PermissionDenied, NotFound):
            raise
        except DomainError as error:
            _show(form, error, _calendar_error_field(error))
        else:
            messages.success(request, _("The calendar %(name)s is saved.") % {"name": saved.name})
            return redirect("tickets-admin:calendars")
    context = {"form": form, "target": target, "timezones": sla_services.timezone_names()}
    return render(request, "tickets/admin/calendar_form.html", context)


@_guard
@require_POST
def calendar_delete(request: HttpRequest, calendar_id: int) -> HttpResponse:
    try:
        sla_services.delete_calendar(actor_for(request), calendar_id)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        messages.error(request, _text(error))
        return redirect("tickets-admin:calendar", calendar_id=calendar_id)
    messages.success(request, _("The calendar is deleted."))
    return redirect("tickets-admin:calendars")


class IdsField(forms.Field):
    """Ids posted as repeated values (``organizations=3&organizations=8``), too many to
    offer as choices; the service checks that they exist."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> list[int]:
        ids: list[int] = []
        for item in value if isinstance(value, list | tuple) else [value] if value else []:
            text = str(item).strip()
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(_("Choose organizations from the list."))
            ids.append(int(text))
        return ids


class SlaForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    calendar = forms.TypedChoiceField(label=gettext_lazy("Calendar"), coerce=int)
    priorities = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Priorities (none ticked: any)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Groups (none ticked: any)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organizations = IdsField(label=gettext_lazy("Organizations (none chosen: any)"))
    first_response_time = forms.IntegerField(
        label=gettext_lazy("First response within (minutes)"), required=False, min_value=1
    )
    response_time = forms.IntegerField(
        label=gettext_lazy("Answer each customer message within (minutes)"),
        required=False,
        min_value=1,
    )
    update_time = forms.IntegerField(
        label=gettext_lazy("Or: agents write at least every (minutes)"),
        required=False,
        min_value=1,
    )
    solution_time = forms.IntegerField(
        label=gettext_lazy("Solution within (minutes)"), required=False, min_value=1
    )
    precedence = forms.IntegerField(
        label=gettext_lazy("Precedence (lowest is tried first)"), min_value=0, initial=0
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


_SLA_FIELDS = {
    "calendar_id": "calendar",
    "priority_ids": "priorities",
    "group_ids": "groups",
    "organization_ids": "organizations",
}


@_guard
def sla_list(request: HttpRequest) -> HttpResponse:
    """The SLAs in the order they are tried, with their conditions and target times."""
    actor = actor_for(request)
    rows = list(selectors.admin_slas(actor))
    choices = selectors.admin_sla_choices(actor)
    names = {
        "priority_ids": dict(choices.priorities),
        "group_ids": dict(choices.groups),
        "organization_ids": selectors.admin_sla_organization_names(
            actor, {i for row in rows for i in row.organization_ids or []}
        ),
    }
    for row in rows:
        row.conditions = [  # type: ignore[attr-defined]
            (label, [names[key].get(i, f"#{i}") for i in getattr(row, key) or []])
            for key, label in (
                ("priority_ids", _("Priorities")),
                ("group_ids", _("Groups")),
                ("organization_ids", _("Organizations")),
            )
        ]
    return render(request, "tickets/admin/slas.html", {"rows": rows})


@_guard
def sla_edit(request: HttpRequest, sla_id: int | None = None) -> HttpResponse:
    """Create an SLA, or change its calendar, conditions and target times."""
    actor = actor_for(request)
    choices = selectors.admin_sla_choices(actor)
    calendars = list(selectors.admin_calendars(actor).values_list("pk", "name", "default"))
    target = None
    initial: dict[str, Any] = {
        "active": True,
        "precedence": 0,
        "calendar": next((pk for pk, _n, default in calendars if default), None),
    }
    if sla_id is not None:
        target = selectors.admin_slas(actor).filter(pk=sla_id).first()
        if target is None:
            raise Http404
        initial = {
            "name": target.name,
            "calendar": target.calendar_id,
            "priorities": target.priority_ids,
            "groups": target.group_ids,
            "organizations": target.organization_ids,
            "first_response_time": target.first_response_time,
            "response_time": target.response_time,
            "update_time": target.update_time,
            "solution_time": target.solution_time,
            "precedence": target.precedence,
            "active": target.active,
            "note": target.note,
        }
    form = SlaForm(request.POST or None, initial=initial)
    form.fields["calendar"].choices = [(pk, name) for pk, name, _d in calendars]  # type: ignore[attr-defined]
    form.fields["priorities"].choices = choices.priorities  # type: ignore[attr-defined]
    form.fields["groups"].choices = choices.groups  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "name": data["name"],
            "calendar_id": data["calendar"],
            "priority_ids": data["priorities"],
            "group_ids": data["groups"],
            "organization_ids": data["organizations"],
            "first_response_time": data["first_response_time"],
            "response_time": data["response_time"],
            "update_time": data["update_time"],
            "solution_time": data["solution_time"],
            "precedence": data["precedence"],
            "active": data["active"],
            "note": data["note"],
        }
        try:
            if target is None:
                saved = sla_services.create_sla(actor, **values)
            else:
                saved = sla_services.update_sla(actor, target.pk, **values)
        except (PermissionDenied, NotFound):
            raise
        except DomainError as error:
            _show(form, error, _SLA_FIELDS)
        else:
            messages.success(request, _("The SLA %(name)s is saved.") % {"name": saved.name})
            return redirect("tickets-admin:slas")
    if form.is_bound:
        chosen_ids = _posted_ids(request.POST.getlist("organizations"))
    else:
        chosen_ids = list(initial.get("organizations") or [])
    context = {
        "form": form,
        "target": target,
        "no_calendar": not calendars,
        **_organization_picker(actor, request.GET.get("org_q", ""), chosen_ids),
    }
    return render(request, "tickets/admin/sla_form.html", context)


def _posted_ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit() and len(v.strip()) <= 18]


def _organization_picker(actor: Actor, query: str, chosen_ids: list[int]) -> dict[str, Any]:
    """What ``partials/_sla_organizations.html`` shows: the chosen organizations (ticked)
    and up to ``SLA_ORGANIZATION_MATCHES`` others matching ``query`` (not ticked)."""
    query = query.strip()[:150]
    names = selectors.admin_sla_organization_names(actor, chosen_ids)
    chosen_ids = list(dict.fromkeys(chosen_ids))
    matches, more = selectors.admin_sla_organizations(actor, query, exclude=chosen_ids)
    return {
        "org_query": query,
        "org_chosen": [(pk, names.get(pk, f"#{pk}")) for pk in chosen_ids],
        "org_matches": matches,
        "org_more": more,
        "org_limit": selectors.SLA_ORGANIZATION_MATCHES,
    }


@_guard
def sla_organizations(request: HttpRequest) -> HttpResponse:
    """The SLA form's organization picker (an HTMX fragment): organizations matching
    ``org_q`` by name, with the ones ticked so far (``organizations``) kept ticked."""
    context = _organization_picker(
        actor_for(request),
        request.GET.get("org_q", ""),
        _posted_ids(request.GET.getlist("organizations")),
    )
    return render(request, "tickets/admin/partials/_sla_organizations.html", context)


@_guard
@require_POST
def sla_delete(request: HttpRequest, sla_id: int) -> HttpResponse:
    sla_services.delete_sla(actor_for(request), sla_id)
    messages.success(request, _("The SLA is deleted."))
    return redirect("tickets-admin:slas")
