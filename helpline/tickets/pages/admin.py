"""Administration of the ticket vocabularies: categories (per group), states and
priorities. One page each: a row per entry with its own small form, and a form for a new
one; every change goes through ``tickets.services.catalog``, which checks the permission."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helpline.lib.actor import Actor
from helpline.lib.errors import DomainError, NotFound, PermissionDenied
from helpline.lib.pages import actor_for
from helpline.tickets import selectors
from helpline.tickets.pages import errors
from helpline.tickets.services import catalog


def _checked(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name) == "on"


def _page(
    template: str,
    rows: Callable[[Actor], Any],
    save: Callable[[HttpRequest, Actor], Any],
    redirect_to: str,
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
                    messages.error(request, errors.text(error))
                else:
                    messages.success(request, _("Saved."))
                return redirect(redirect_to)
            context = {"rows": rows(actor)}
            if template.endswith("categories.html"):
                context["groups"] = selectors.admin_group_choices(actor)
            return render(request, template, context)
        except PermissionDenied as error:
            raise DjangoPermissionDenied(errors.text(error)) from None
        except NotFound:
            raise Http404 from None

    return view


def _save_category(request: HttpRequest, actor: Actor) -> None:
    if request.POST.get("id", "").isdigit():
        catalog.update_category(
            actor,
            int(request.POST["id"]),
            name=request.POST.get("name", ""),
            active=_checked(request, "active"),
        )
    else:
        group = request.POST.get("group", "")
        catalog.create_category(
            actor, group_id=int(group) if group.isdigit() else 0, name=request.POST.get("name")
        )


def _save_state(request: HttpRequest, actor: Actor) -> None:
    state_id = request.POST.get("id", "")
    catalog.update_state(
        actor,
        int(state_id) if state_id.isdigit() else 0,
        name=request.POST.get("name", ""),
        needs_resolution=_checked(request, "needs_resolution"),
        active=_checked(request, "active"),
    )


def _save_priority(request: HttpRequest, actor: Actor) -> None:
    if request.POST.get("id", "").isdigit():
        catalog.update_priority(
            actor,
            int(request.POST["id"]),
            name=request.POST.get("name", ""),
            active=_checked(request, "active"),
        )
    else:
        catalog.create_priority(actor, name=request.POST.get("name"))


categories = _page(
    "tickets/admin/categories.html",
    selectors.admin_categories,
    _save_category,
    "tickets-admin:categories",
)
states = _page(
    "tickets/admin/states.html", selectors.admin_states, _save_state, "tickets-admin:states"
)
priorities = _page(
    "tickets/admin/priorities.html",
    selectors.admin_priorities,
    _save_priority,
    "tickets-admin:priorities",
)
