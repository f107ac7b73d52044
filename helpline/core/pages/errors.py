"""What the pages say about the core services' errors, in the reader's language.

Services raise English messages with stable codes (``user.login_taken``) and every door words
them its own way. The pages translate the codes they can meet; any other error shows the
service's own message.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from helpline.core import rules
from helpline.core.services.settings import get_setting
from helpline.lib.errors import DomainError
from helpline.lib.pages import show_error


def text(error: DomainError) -> str:
    """The reader-facing sentence for ``error``."""
    wording = _TEXTS.get(error.code)
    return wording() if wording else capfirst(error.message)


def show(form: forms.BaseForm, error: DomainError) -> None:
    """Put ``error`` on the form field it names (else on the whole form), worded for pages."""
    show_error(form, error, message=text(error))


def _password_too_short() -> str:
    count = get_setting("users.password_min_length")
    return _("A password has at least %(count)d characters.") % {"count": count}


_TEXTS: dict[str, Callable[[], str]] = {
    "user.login_invalid": lambda: _(
        "A login is 3 to 20 letters, digits, dots or dashes (or an email address)."
    ),
    "user.login_reserved": lambda: _("This login is reserved."),
    "user.login_taken": lambda: _("This login is already taken."),
    "user.login_missing": lambda: _("Enter your login or email address."),
    "user.email_missing": lambda: _("An email address is required."),
    "user.email_invalid": lambda: _("This is not an email address."),
    "user.email_too_long": lambda: (
        _("An email address has at most %(count)d characters.") % {"count": rules.EMAIL_MAX}
    ),
    "user.email_taken": lambda: _("This email address belongs to another account."),
    "user.email_unchanged": lambda: _("This is already your email address."),
    "user.email_verified": lambda: _("Your email address is already confirmed."),
    "user.password_too_short": _password_too_short,
    "user.password_wrong": lambda: _("The current password is wrong."),
    "user.demo_password": lambda: _("The demo account cannot change its password."),
    "user.registration_closed": lambda: _("Registration is closed."),
    "user.locale_unsupported": lambda: _("Choose one of the languages offered."),
    "user.not_signed_in": lambda: _("Please log in first."),
    "permission.missing": lambda: _("Your account may not do this."),
    "token.invalid": lambda: _("This link is not valid."),
    "token.expired": lambda: _("This link has expired; please ask for a new one."),
    "token.used": lambda: _("This link has already been used or no longer applies."),
}
