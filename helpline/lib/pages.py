"""What every page door shares: the actor of a request, styled forms, domain errors shown on
forms, HTMX-aware rendering and safe redirects.

A page view parses a form, calls one service, and renders or redirects; these helpers keep
that to a few lines without putting rules in the door.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms.boundfield import BoundField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from helpline.lib.actor import Actor
from helpline.lib.errors import DomainError, NotFound, PermissionDenied

View = Callable[..., HttpResponse]


def actor_for(request: HttpRequest) -> Actor:
    """The signed-in user of the request, else a guest."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Actor.for_user(user, via="web")
    return Actor.guest(via="web")


def is_partial(request: HttpRequest) -> bool:
    """True for an HTMX request that swaps part of a page (not a boosted full navigation)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def render_page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the full page, or only ``partial`` (the same fragment the page includes) when
    HTMX asks for a part of it."""
    name = partial if partial and is_partial(request) else template
    return render(request, name, dict(context or {}), status=status)


def safe_next(request: HttpRequest, candidate: str | None, default: str = "/") -> str:
    """``candidate`` when it points into this site, else ``default`` (no open redirects)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def show_error(
    form: forms.BaseForm,
    error: DomainError,
    *,
    message: str | None = None,
    fields: Mapping[str, str] | None = None,
) -> None:
    """Attach a service's error (or ``message``, its wording for this page) to the form field
    it names (``fields`` maps the service's field names onto the form's), or to the whole
    form when the form has no such field."""
    name = (fields or {}).get(error.field or "", error.field)
    form.add_error(name if name in form.fields else None, message or error.message)


def _base_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class StyledBoundField(BoundField):
    """Bootstrap's classes on every widget, ``is-invalid`` once the field has errors.

    Django adds ``aria-invalid`` and ``aria-describedby`` (``<id>_helptext``, ``<id>_error``),
    which ``components/form_field.html`` matches.
    """

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = [str(attrs.get("class") or widget.attrs.get("class") or _base_class(widget))]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(classes)
        return attrs


class StyledForm(forms.Form):
    """Base of every page form: styled, accessible widgets."""

    bound_field_class = StyledBoundField


def service_page(describe: Callable[[DomainError], str]) -> Callable[[View], View]:
    """A decorator for pages over services: they need a login, a service's refusal is the 403
    page (worded by ``describe``), and an unknown row is the 404 page."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as error:
                raise DjangoPermissionDenied(describe(error)) from None
            except NotFound:
                raise Http404 from None

        return login_required(wrapped)

    return decorate
