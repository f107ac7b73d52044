"""Administration pages: users (NodePoint 3.1) and the site settings (NodePoint 2.2,
Flicket's config panel). Each view calls one core selector or service, which checks the
permission (``admin.user``, ``admin.setting``); a refusal shows the 403 page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from helpline.core import selectors
from helpline.core.pages import errors
from helpline.core.services import accounts, groups, users
from helpline.core.services import settings as runtime
from helpline.core.settings_registry import REGISTRY
from helpline.lib.errors import DomainError, NotFound, PermissionDenied
from helpline.lib.pages import StyledForm, actor_for

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


def _guard(view: Any) -> Any:
    """A service's refusal is the 403 page; an unknown user the 404 page."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except PermissionDenied as error:
            raise DjangoPermissionDenied(errors.text(error)) from None
        except NotFound:
            raise Http404 from None
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


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
    groups = selectors.admin_groups(actor_for(request))
    return render(request, "core/admin/groups.html", {"groups": groups})


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
