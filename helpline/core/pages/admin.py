"""Administration pages: users (NodePoint 3.1), groups, the site settings (NodePoint 2.2,
Flicket's config panel) and custom fields (Zammad's object manager). Each view calls one
core selector or service, which checks the permission (``admin.user``, ``admin.group``,
``admin.setting``, ``admin.object``); a refusal shows the 403 page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpline.core import selectors
from helpline.core.attribute_rules import MULTI_TYPES, OPTION_TYPES, RELATION_TYPES, TREE_TYPES
from helpline.core.pages import errors
from helpline.core.services import accounts, attributes, groups, users
from helpline.core.services import settings as runtime
from helpline.core.settings_registry import REGISTRY
from helpline.lib.errors import DomainError, NotFound, PermissionDenied
from helpline.lib.pages import StyledForm, actor_for, safe_next, service_page, show_error

PER_PAGE = 50


class UserFilterForm(StyledForm):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    role = forms.TypedChoiceField(
        label=gettext_lazy("Role or level"), required=False, coerce=int, empty_value=None
    )
    active = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", "—"), ("yes", gettext_lazy("Active")), ("no", gettext_lazy("Disabled"))],
    )


class UserForm(StyledForm):
    login = forms.CharField(label=gettext_lazy("Login"), max_length=255)
    email = forms.EmailField(label=gettext_lazy("Email address"), required=False)
    firstname = forms.CharField(label=gettext_lazy("First name"), required=False, max_length=150)
    lastname = forms.CharField(label=gettext_lazy("Last name"), required=False, max_length=150)
    password = forms.CharField(
        label=gettext_lazy("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    roles = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Roles and level"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(
        label=gettext_lazy("Active (may log in)"), required=False, initial=True
    )


_guard = service_page(errors.text)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Links to the administration pages the user's permissions open (``nav``)."""
    return render(request, "core/admin/index.html")


def _role_choices(request: HttpRequest) -> list[tuple[int, str]]:
    return [(r.pk, r.name) for r in selectors.admin_roles(actor_for(request))]


@_guard
def user_list(request: HttpRequest) -> HttpResponse:
    """Users filtered by role or level, search text and status; with their last login."""
    actor = actor_for(request)
    form = UserFilterForm(request.GET or None)
    form.fields["role"].choices = [("", "—"), *_role_choices(request)]  # type: ignore[attr-defined]
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    active = {"yes": True, "no": False}.get(data.get("active") or "")
    qs = selectors.admin_users(
        actor, query=data.get("q") or "", role_id=data.get("role"), active=active
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "core/admin/users.html", {"form": form, "page_obj": page})


@_guard
def user_new(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    form = UserForm(request.POST or None)
    form.fields["roles"].choices = _role_choices(request)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = users.create_user(
                actor,
                login=data["login"],
                email=data["email"],
                password=data["password"] or None,
                firstname=data["firstname"],
                lastname=data["lastname"],
                role_ids=data["roles"],
                active=data["active"],
            )
        except DomainError as error:
            errors.show(form, error)
        else:
            messages.success(request, _("The user %(login)s is created.") % {"login": user.login})
            return redirect("core:admin-user", user_id=user.pk)
    return render(request, "core/admin/user_form.html", {"form": form, "target": None})


@_guard
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    """Change a user's names, address, roles (a NodePoint level is a role) and status."""
    actor = actor_for(request)
    target = selectors.admin_users(actor).filter(pk=user_id).first()
    if target is None:
        raise Http404
    initial = {
        "login": target.login,
        "email": target.email,
        "firstname": target.firstname,
        "lastname": target.lastname,
        "roles": [r.pk for r in target.roles.all()],
        "active": target.active,
    }
    form = UserForm(request.POST or None, initial=initial)
    form.fields["roles"].choices = _role_choices(request)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes: dict[str, object] = {
            "login": data["login"],
            "email": data["email"],
            "firstname": data["firstname"],
            "lastname": data["lastname"],
            "role_ids": sorted(data["roles"]),
            "active": data["active"],
        }
        if data["password"]:
            changes["password"] = data["password"]
        try:
            users.update_user(actor, target.pk, **changes)
        except DomainError as error:
            errors.show(form, error)
        else:
            messages.success(request, _("The user %(login)s is saved.") % {"login": data["login"]})
            return redirect("core:admin-user", user_id=target.pk)
    return render(request, "core/admin/user_form.html", {"form": form, "target": target})


@_guard
def user_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """Mail the user a link to choose a new password."""
    actor = actor_for(request)
    target = selectors.admin_users(actor).filter(pk=user_id).first()
    if target is None or request.method != "POST":
        raise Http404
    try:
        accounts.create_password_reset(actor, login_or_email=target.login, locale=get_language())
    except DomainError as error:
        messages.error(request, errors.text(error))
    else:
        messages.success(
            request,
            _("A link to choose a new password is mailed to %(login)s.") % {"login": target.login},
        )
    return redirect("core:admin-user", user_id=target.pk)


def _setting_field(spec: Any) -> forms.Field:
    label = f"{spec.description} ({spec.key})"
    if spec.kind == "bool":
        return forms.BooleanField(label=label, required=False)
    if spec.kind == "int":
        return forms.IntegerField(label=label, min_value=0)
    if spec.kind == "choice":
        return forms.ChoiceField(label=label, choices=[(c, c) for c in spec.choices])
    if spec.kind == "list":
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=gettext_lazy("One per line."),
        )
    return forms.CharField(label=label, required=False, max_length=2000)


@_guard
def site_settings(request: HttpRequest) -> HttpResponse:
    """Every runtime setting in one form; only the changed ones are saved, each through the
    settings service (which checks its type)."""
    actor = actor_for(request)
    values = runtime.read_all_settings(actor)
    form = StyledForm(request.POST or None)
    for key in sorted(REGISTRY):
        spec = REGISTRY[key]
        form.fields[key] = _setting_field(spec)
        value = values[key]
        form.initial[key] = "\n".join(value) if spec.kind == "list" else value
    if request.method == "POST" and form.is_valid():
        changed = 0
        for key, value in form.cleaned_data.items():
            spec = REGISTRY[key]
            if spec.kind == "list":
                value = [line for line in str(value).splitlines() if line.strip()]
            if value == values[key]:
                continue
            try:
                runtime.update_setting(actor, key, value)
            except DomainError as error:
                errors.show(form, error)
            else:
                changed += 1
        if not form.errors:
            messages.success(request, _("%(count)d settings saved.") % {"count": changed})
            return redirect("core:admin-settings")
    return render(request, "core/admin/settings.html", {"form": form})


class GroupForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=160)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    members = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Members (agents)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@_guard
def group_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.admin_group_rows(actor_for(request))
    return render(request, "core/admin/groups.html", {"rows": rows})


@_guard
def group_edit(request: HttpRequest, group_id: int | None = None) -> HttpResponse:
    """Create a group, or change its name, note, status and members (through the group
    services; newcomers get full access)."""
    actor = actor_for(request)
    target = None
    initial: dict[str, Any] = {"active": True}
    if group_id is not None:
        target = selectors.admin_groups(actor).filter(pk=group_id).first()
        if target is None:
            raise Http404
        initial = {
            "name": target.name,
            "note": target.note,
            "active": target.active,
            "members": sorted({m.user_id for m in target.groupmembership_set.all()}),
        }
    form = GroupForm(request.POST or None, initial=initial)
    form.fields["members"].choices = [  # type: ignore[attr-defined]
        (u.pk, f"{u.fullname} ({u.login})") for u in selectors.group_member_candidates(actor)
    ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "name": data["name"],
            "note": data["note"],
            "active": data["active"],
            "user_ids": sorted(data["members"]),
        }
        try:
            if target is None:
                group = groups.create_group(actor, **values)
            else:
                group = groups.update_group(actor, target.pk, **values)
        except DomainError as error:
            errors.show(form, error)
        else:
            messages.success(request, _("The group %(name)s is saved.") % {"name": group.name})
            return redirect("core:admin-groups")
    return render(request, "core/admin/group_form.html", {"form": form, "target": target})


# --- custom fields: object attributes (Zammad's object manager, ``admin.object``)

ATTRIBUTE_TYPES = (
    ("input", gettext_lazy("Text")),
    ("textarea", gettext_lazy("Text area")),
    ("select", gettext_lazy("Selection")),
    ("multiselect", gettext_lazy("Multiple selection")),
    ("tree_select", gettext_lazy("Tree selection")),
    ("multi_tree_select", gettext_lazy("Multiple tree selection")),
    ("boolean", gettext_lazy("Yes or no")),
    ("integer", gettext_lazy("Whole number")),
    ("date", gettext_lazy("Date")),
    ("datetime", gettext_lazy("Date and time")),
    ("user_autocompletion", gettext_lazy("User")),
    ("autocompletion_ajax_customer_organization", gettext_lazy("Organization")),
)
# What each relation type points at; ``autocompletion_ajax`` (API only) keeps its own.
_RELATIONS = {
    "user_autocompletion": "User",
    "autocompletion_ajax_customer_organization": "Organization",
}
OBJECT_LABELS = (
    ("Ticket", gettext_lazy("Ticket")),
    ("User", gettext_lazy("User")),
    ("Organization", gettext_lazy("Organization")),
    ("Group", gettext_lazy("Group")),
)
# The parts of ``data_option`` the form edits; every other key is kept as it is.
_FORM_OPTIONS = ("type", "options", "default", "maxlength", "min", "max", "null")
_ATTRIBUTE_FIELDS = {
    "data_option.options": "options",
    "data_option.default": "default",
    "data_option.maxlength": "maxlength",
    "data_option.min": "min",
    "data_option.max": "max",
    "data_option.type": "input_type",
    "data_option.null": "required",
    "data_option.multiple": "multiple",
    "data_option.relation": "data_type",
}
_INDENT = "  "


class AttributeForm(StyledForm):
    object = forms.ChoiceField(label=gettext_lazy("Object"), choices=OBJECT_LABELS)
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=60,
        help_text=gettext_lazy(
            "Lower-case letters, digits and underscores, starting with a letter; fixed once "
            "the migrations have run."
        ),
    )
    display = forms.CharField(label=gettext_lazy("Display name"), max_length=200)
    data_type = forms.ChoiceField(label=gettext_lazy("Data type"), choices=ATTRIBUTE_TYPES)
    input_type = forms.ChoiceField(
        label=gettext_lazy("Kind of text"),
        required=False,
        choices=[
            ("text", gettext_lazy("Text")),
            ("email", gettext_lazy("Email address")),
            ("url", gettext_lazy("Web address")),
            ("tel", gettext_lazy("Phone number")),
        ],
        help_text=gettext_lazy("For text only."),
    )
    options = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "For selections: one option per line, written key: label (or only the key). "
            "For tree selections: one option per line, its children on the lines below it "
            "indented by two spaces, or written Parent::Child."
        ),
    )
    default = forms.CharField(
        label=gettext_lazy("Default value"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "For a multiple selection, keys separated by commas; for a tree, the path "
            "(Parent::Child); for yes or no, true or false."
        ),
    )
    maxlength = forms.IntegerField(
        label=gettext_lazy("Maximum length"), required=False, min_value=1
    )
    min = forms.IntegerField(label=gettext_lazy("Smallest number"), required=False)
    max = forms.IntegerField(label=gettext_lazy("Largest number"), required=False)
    multiple = forms.BooleanField(
        label=gettext_lazy("Several may be chosen (users and organizations)"), required=False
    )
    required = forms.BooleanField(label=gettext_lazy("A value is required"), required=False)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    position = forms.IntegerField(label=gettext_lazy("Position"), initial=1550)

    def clean(self) -> dict[str, Any]:
        """Selection options become ``{key: label}`` here (a repeated key cannot be
        represented); tree text is read by ``_attribute_options``, which knows the values
        of the options already there."""
        data = super().clean() or {}
        text = data.get("options") or ""
        if data.get("data_type") not in OPTION_TYPES:
            return data
        options: dict[str, str] = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            key, _sep, label = line.partition(":")
            key = key.strip()
            if not key or key in options:
                self.add_error(
                    "options",
                    _("Each option has its own key: %(line)s") % {"line": line.strip()[:60]},
                )
                break
            options[key] = label.strip() or key
        data["options"] = options
        return data


def _tree_values(nodes: Any, parent: str = "") -> dict[str, str]:
    """``{path of names: value}`` of the options whose value is not their path (options
    made through the API may have their own values), so an edit keeps them."""
    found: dict[str, str] = {}
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict) or not isinstance(node.get("name"), str):
            continue
        path = f"{parent}::{node['name']}" if parent else node["name"]
        if isinstance(node.get("value"), str) and node["value"] != path:
            found[path] = node["value"]
        found.update(_tree_values(node.get("children"), path))
    return found


def tree_from_text(text: str, values: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Tree options (``[{"name", "value"?, "children"?}]``) from one option per line.

    A line indented deeper than the line above is its child; ``Parent::Child`` names a
    path, whose leading parts are the options of those names at that place (made when
    missing). Nothing is checked here: the service refuses empty or repeated options."""
    values = values or {}
    root: list[dict[str, Any]] = []
    stack: list[tuple[int, dict[str, Any], str]] = []  # (indent, node, path of names)
    for line in text.splitlines():
        if not line.strip():
            continue
        expanded = line.expandtabs(len(_INDENT))
        indent = len(expanded) - len(expanded.lstrip())
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent: dict[str, Any] | None = stack[-1][1] if stack else None
        path = stack[-1][2] if stack else ""
        parts = [part.strip() for part in line.strip().split("::")]
        for number, part in enumerate(parts):
            siblings = parent.setdefault("children", []) if parent is not None else root
            path = f"{path}::{part}" if path else part
            last = number == len(parts) - 1
            node = None if last else next((n for n in siblings if n["name"] == part), None)
            if node is None:
                node = {"name": part}
                if path in values:
                    node["value"] = values[path]
                siblings.append(node)
            parent = node
        if parent is not None:
            stack.append((indent, parent, path))
    return root


def tree_text(nodes: Any, depth: int = 0) -> str:
    """Tree options as the form shows them: one per line, children indented."""
    lines: list[str] = []
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict) and isinstance(node.get("name"), str):
            lines.append(_INDENT * depth + node["name"])
            child = tree_text(node.get("children"), depth + 1)
            if child:
                lines.append(child)
    return "\n".join(lines)


def _attribute_options(
    data: dict[str, Any], current: dict[str, Any], current_type: str = ""
) -> dict[str, Any]:
    """``data_option`` from the form: the current one with the parts the form edits
    replaced, and only those that apply to the data type."""
    kind = data["data_type"]
    options = {k: v for k, v in current.items() if k not in _FORM_OPTIONS}
    options["null"] = not data["required"]
    default: Any = data["default"].strip()
    if kind == "input":
        options["type"] = data["input_type"] or "text"
    if kind in ("input", "textarea") and data["maxlength"] is not None:
        options["maxlength"] = data["maxlength"]
    if kind in OPTION_TYPES:
        options["options"] = data["options"]
    if kind in TREE_TYPES:
        known = _tree_values(current.get("options")) if current_type in TREE_TYPES else {}
        options["options"] = tree_from_text(data["options"] or "", known)
    if kind in MULTI_TYPES:
        default = [part.strip() for part in default.split(",") if part.strip()]
    if kind == "integer":
        if data["min"] is not None:
            options["min"] = data["min"]
        if data["max"] is not None:
            options["max"] = data["max"]
        if default.lstrip("-").isdigit():
            default = int(default)
    if kind in RELATION_TYPES:
        options["relation"] = _RELATIONS.get(kind) or current.get("relation") or "User"
        options["multiple"] = data["multiple"]
    else:
        options["default"] = default if default not in ("", []) else None
        if kind in ("input", "textarea", "select", "tree_select") and options["default"] is None:
            options["default"] = ""
        if kind in MULTI_TYPES and options["default"] is None:
            options["default"] = []
    return options


def _attribute_initial(attribute: Any) -> dict[str, Any]:
    options = attribute.data_option_new or attribute.data_option or {}
    kind = attribute.data_type_new or attribute.data_type
    default = options.get("default")
    if isinstance(default, list):
        default = ", ".join(str(v) for v in default)
    elif isinstance(default, bool):
        default = "true" if default else "false"
    given = options.get("options")
    if kind in TREE_TYPES:
        text = tree_text(given)
    else:
        choices: dict[str, Any] = given if isinstance(given, dict) else {}
        text = "\n".join(f"{key}: {label}" for key, label in choices.items())
    return {
        "object": attribute.object,
        "name": attribute.name,
        "display": attribute.display,
        "data_type": kind,
        "input_type": options.get("type") or "text",
        "options": text,
        "default": "" if default is None else default,
        "maxlength": options.get("maxlength") if kind in ("input", "textarea") else None,
        "min": options.get("min") if kind == "integer" else None,
        "max": options.get("max") if kind == "integer" else None,
        "multiple": kind in RELATION_TYPES and options.get("multiple") is True,
        "required": options.get("null") is False,
        "active": attribute.active,
        "position": attribute.position,
    }


def _object_choice(request: HttpRequest) -> str:
    wanted = request.GET.get("object") or "Ticket"
    return wanted if wanted in dict(OBJECT_LABELS) else "Ticket"


@_guard
def attribute_list(request: HttpRequest) -> HttpResponse:
    """The attributes of one object (tabs for the four), built in and custom, with what is
    pending until the migrations are executed."""
    current = _object_choice(request)
    every = attributes.list_attributes(actor_for(request))
    tabs = [
        (key, label, sum(1 for a in every if a.object == key and a.editable))
        for key, label in OBJECT_LABELS
    ]
    rows = [a for a in every if a.object == current]
    labels = dict(ATTRIBUTE_TYPES)
    for row in rows:
        row.type_label = labels.get(row.data_type, row.data_type)  # type: ignore[attr-defined]
    context = {
        "rows": rows,
        "tabs": tabs,
        "current": current,
        "pending": sum(1 for a in every if a.editable and a.pending),
    }
    return render(request, "core/admin/attributes.html", context)


@_guard
def attribute_edit(request: HttpRequest, attribute_id: int | None = None) -> HttpResponse:
    """Create a custom attribute, or change one (pending until the migrations run)."""
    actor = actor_for(request)
    target = None
    initial: dict[str, Any] = {"object": _object_choice(request), "active": True}
    if attribute_id is not None:
        target = attributes.get_attribute(actor, attribute_id)
        initial = _attribute_initial(target)
    else:
        attributes.list_attributes(actor, object_type=initial["object"])  # admin.object
    form = AttributeForm(request.POST or None, initial=initial)
    if target is not None:
        kind = target.data_type_new or target.data_type
        if kind not in dict(ATTRIBUTE_TYPES):  # a type only the API offers stays editable
            form.fields["data_type"].choices = [*ATTRIBUTE_TYPES, (kind, kind)]  # type: ignore[attr-defined]
        form.fields["object"].disabled = True
        if not target.to_create:
            form.fields["name"].disabled = True
    if request.method == "POST" and target is not None and not target.editable:
        raise Http404
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        current = (target.data_option_new or target.data_option) if target else {}
        current_type = (target.data_type_new or target.data_type) if target else ""
        options = _attribute_options(data, current or {}, current_type)
        try:
            if target is None:
                saved = attributes.create_attribute(
                    actor,
                    object=data["object"],
                    name=data["name"],
                    display=data["display"],
                    data_type=data["data_type"],
                    data_option=options,
                    active=data["active"],
                    position=data["position"],
                )
            else:
                changes: dict[str, Any] = {
                    "display": data["display"],
                    "active": data["active"],
                    "position": data["position"],
                    "data_option": options,
                }
                if target.to_create:
                    changes["name"] = data["name"]
                if data["data_type"] != (target.data_type_new or target.data_type):
                    changes["data_type"] = data["data_type"]
                saved = attributes.update_attribute(actor, target.pk, **changes)
        except (PermissionDenied, NotFound):
            raise
        except DomainError as error:
            show_error(form, error, message=errors.text(error), fields=_ATTRIBUTE_FIELDS)
        else:
            messages.success(
                request,
                _("%(name)s is saved; it takes effect when the migrations are executed.")
                % {"name": saved.display},
            )
            return redirect(reverse("core:admin-attributes") + f"?object={saved.object}")
    context = {"form": form, "target": target}
    return render(request, "core/admin/attribute_form.html", context)


@_guard
@require_POST
def attribute_delete(request: HttpRequest, attribute_id: int) -> HttpResponse:
    actor = actor_for(request)
    target = attributes.get_attribute(actor, attribute_id)
    try:
        attributes.delete_attribute(actor, attribute_id)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        messages.error(request, errors.text(error))
    else:
        messages.success(
            request,
            _("%(name)s is deleted when the migrations are executed.") % {"name": target.display}
            if not target.to_create
            else _("%(name)s is deleted.") % {"name": target.display},
        )
    return redirect(reverse("core:admin-attributes") + f"?object={target.object}")


@_guard
@require_POST
def attribute_migrate(request: HttpRequest) -> HttpResponse:
    """Execute the pending migrations: new attributes take effect, changes apply, deleted
    attributes go with their values."""
    result = attributes.execute_attribute_migrations(actor_for(request))
    messages.success(
        request,
        _("Migrations executed: %(created)d created, %(changed)d changed, %(deleted)d deleted.")
        % {
            "created": len(result.created),
            "changed": len(result.changed),
            "deleted": len(result.deleted),
        },
    )
    return redirect(safe_next(request, request.POST.get("next"), reverse("core:admin-attributes")))


@_guard
@require_POST
def attribute_discard(request: HttpRequest) -> HttpResponse:
    count = attributes.discard_attribute_changes(actor_for(request))
    messages.success(request, _("%(count)d pending changes are discarded.") % {"count": count})
    return redirect(safe_next(request, request.POST.get("next"), reverse("core:admin-attributes")))
