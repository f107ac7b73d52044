"""What every page door shares: the actor of a request, styled forms, domain errors shown on
forms, HTMX-aware rendering and safe redirects.

A page view parses a form, calls one service, and renders or redirects; these helpers keep
that to a few lines without putting rules in the door.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.choices import BaseChoiceIterator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe

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


class FastSelect(forms.Select):
    """A ``<select>`` written in Python. Django renders every option through a template
    include (about 50 µs each): the few hundred agents and categories of the ticket list's
    filters cost it tens of milliseconds. Same markup and selection as ``forms.Select``."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = set(self.format_value(value))
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        parts = [f'<select name="{escape_text(name)}"{attributes}>']

        def option(key: Any, label: Any) -> str:
            text = "" if key is None else str(key)
            selected = ""
            if text in chosen:
                selected = " selected"
                if not self.allow_multiple_selected:
                    chosen.clear()  # the first match only, as Django does
            return f'<option value="{escape_text(text)}"{selected}>{escape_text(label)}</option>'

        for key, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(f'<optgroup label="{escape_text(key)}">')
                parts.extend(option(k, v) for k, v in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(key, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped


def check_options(field: BoundField) -> SafeString:
    """The options of a checkbox list or radio buttons as Bootstrap form-checks (an input,
    then its own label), written in Python: Django renders each input through templates
    (about 150 µs an option; a group's 200 candidate members took 30 ms). The input is the
    markup of Django's ``input.html`` and ``attrs.html``, attribute for attribute."""
    parts = []
    for option in field.subwidgets:
        data = option.data
        attributes = "".join(
            f" {name}" if value is True else f' {name}="{escape_text(value)}"'
            for name, value in data["attrs"].items()
            if value is not False
        )
        value = "" if data["value"] is None else f' value="{escape_text(data["value"])}"'
        parts.append(
            f'<div class="form-check"><input type="{data["type"]}" '
            f'name="{escape_text(data["name"])}"{value}{attributes}>'
            f'<label class="form-check-label" for="{escape_text(option.id_for_label)}">'
            f"{escape_text(data['label'])}</label></div>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every name, value and label escaped


class Choices(BaseChoiceIterator):
    """Ready-made ``(value, label)`` pairs for a choice field. Django normalizes a plain list
    each time it is assigned, for the field and again for its widget (a few µs a pair, and
    the ticket list assigns about 900); a choice iterator is taken as it is."""

    def __init__(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        self.pairs = list(pairs)

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


def escape_text(value: Any) -> str:
    """``conditional_escape`` without its lazy-string wrapper (called per option)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value), quote=True)


class StyledForm(forms.Form):
    """Base of every page form: styled, accessible widgets; plain selects are
    ``FastSelect``."""

    bound_field_class = StyledBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            old = field.widget
            if type(old) is forms.Select:
                new = FastSelect(attrs=old.attrs, choices=old.choices)
                new.is_required, new.is_localized = old.is_required, old.is_localized
                field.widget = new


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
