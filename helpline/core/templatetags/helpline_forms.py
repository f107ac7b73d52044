"""Form helpers for the shared form components (``components/form_field.html``)."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from helpline.lib.pages import check_options as _check_options

register = template.Library()


@register.filter
def check_options(field: BoundField) -> SafeString:
    """A checkbox list's or radio buttons' options (``lib.pages.check_options``)."""
    return _check_options(field)
