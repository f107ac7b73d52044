"""Forms of the ticket pages. They only parse; the ticket services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpline.core.services.attachments import Upload
from helpline.lib.pages import StyledForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files from one ``<input type="file" multiple>``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def uploads_of(files: list[Any]) -> list[Upload]:
    """The service's view of uploaded files."""
    return [
        Upload(filename=f.name, data=f.read(), content_type=f.content_type or "") for f in files
    ]


SORTS = {
    "newest": "-id",
    "oldest": "id",
    "updated": "-updated_at",
    "priority": "-priority__rank",
}


class TicketFilterForm(StyledForm):
    """The filters of the ticket list (every field optional); choices are set by the view
    from what the reader may see."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    state = forms.TypedChoiceField(label=_("State"), required=False, coerce=int, empty_value=None)
    priority = forms.TypedChoiceField(
        label=_("Priority"), required=False, coerce=int, empty_value=None
    )
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )
    project = forms.TypedChoiceField(
        label=_("Project"), required=False, coerce=int, empty_value=None
    )
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    customer = forms.CharField(label=_("Customer (login or email)"), required=False)
    organization = forms.CharField(label=_("Organization (name)"), required=False, max_length=200)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    created_from = forms.DateField(
        label=_("Created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Created until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("updated", _("Recently updated")),
            ("priority", _("Highest priority")),
            ("relevance", _("Best match (when searching)")),
        ],
    )


class SaveViewForm(StyledForm):
    """Save the list's filters under a name; admins also choose whom to share it with."""

    name = forms.CharField(label=_("View name"), max_length=100)
    sharing = forms.ChoiceField(
        label=_("Shared with"),
        required=False,
        choices=[
            ("personal", _("Only me")),
            ("everyone", _("Everyone")),
            ("role", _("One role")),
        ],
    )
    role = forms.TypedChoiceField(label=_("Role"), required=False, coerce=int, empty_value=None)


class NewTicketForm(StyledForm):
    """The default form: group, title, description, the configured custom field and files.
    With a project chosen the group goes (the project files into its own) and the
    project's custom form, if it has one, replaces the custom field (``add_form_fields``)."""

    project = forms.IntegerField(required=False, widget=forms.HiddenInput)
    group = forms.TypedChoiceField(label=_("Group"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=250)
    body = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}))
    submitter_email = forms.EmailField(label=_("Your email address"), required=False)
    attachments = MultipleFileField(label=_("Attachments"))


class ReplyForm(StyledForm):
    """A public reply or an internal note, in markdown, with files and time spent."""

    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))
    internal = forms.BooleanField(label=_("Internal note (agents only)"), required=False)
    time_unit = forms.DecimalField(
        label=_("Time spent (minutes)"), required=False, max_digits=8, decimal_places=2
    )
    attachments = MultipleFileField(label=_("Attachments"))


class TicketUpdateForm(StyledForm):
    """State, priority, group, owner and the resolution a state may ask for."""

    state = forms.TypedChoiceField(label=_("State"), coerce=int, required=False, empty_value=None)
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, required=False, empty_value=None
    )
    group = forms.TypedChoiceField(label=_("Group"), coerce=int, required=False, empty_value=None)
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed by states such as “resolved”."),
    )


class TagForm(StyledForm):
    name = forms.CharField(label=_("Tag"), max_length=100)


class ChooseProjectForm(StyledForm):
    """The first step of the new-ticket page: a project (its form), or none (the default
    form)."""

    project = forms.TypedChoiceField(
        label=_("Project"), required=False, coerce=int, empty_value=None
    )


FORM_FIELD_PREFIX = "cf_"


def add_form_fields(
    form: forms.Form, fields: list[dict[str, Any]], clients: list[tuple[int, str]]
) -> None:
    """Add a NodePoint custom form's fields (``CustomForm.fields``) to ``form``, named
    ``cf_<name>``. Only the shape of each value is parsed here; the ticket service checks
    it (``clean_form_values``)."""
    for spec in fields:
        required = bool(spec["required"])
        kind = spec["type"]
        label = spec["label"]
        field: forms.Field
        if kind == "textarea":
            field = forms.CharField(
                label=label, required=required, widget=forms.Textarea(attrs={"rows": 4})
            )
        elif kind == "checkbox":
            field = forms.BooleanField(label=label, required=required)
        elif kind == "url":
            field = forms.CharField(
                label=label, required=required, widget=forms.URLInput(), max_length=2000
            )
        elif kind == "select":
            field = forms.ChoiceField(
                label=label,
                required=required,
                choices=[("", "—"), *((o, o) for o in spec["options"])],
            )
        elif kind == "rating":
            field = forms.ChoiceField(
                label=label,
                required=required,
                choices=[("", "—"), *((str(n), f"{n} / 5") for n in range(1, 6))],
            )
        elif kind == "date":
            field = forms.CharField(
                label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
            )
        elif kind == "client":
            field = forms.ChoiceField(label=label, required=required, choices=[("", "—"), *clients])
        elif kind == "item":
            field = forms.IntegerField(
                label=label, required=required, min_value=1, help_text=_("The item's number.")
            )
        else:
            field = forms.CharField(label=label, required=required, max_length=1000)
        form.fields[FORM_FIELD_PREFIX + spec["name"]] = field


def form_values(form: forms.Form, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """What was typed into the custom form's fields, by the form's own field names."""
    values: dict[str, Any] = {}
    for spec in fields:
        value = form.cleaned_data.get(FORM_FIELD_PREFIX + spec["name"])
        if value not in (None, ""):
            values[spec["name"]] = str(value) if spec["type"] == "client" else value
    return values
