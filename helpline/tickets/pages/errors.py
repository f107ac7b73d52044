"""What the ticket pages say about the ticket services' errors, in the reader's language
(codes the pages can meet; any other error falls back to core's wording)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from helpline.core.pages import errors as core_errors
from helpline.lib.errors import DomainError

_TEXTS: dict[str, Callable[[], str]] = {
    "ticket.state_needs_resolution": lambda: _(
        "This state needs a resolution: say how the request was resolved."
    ),
    "ticket.pending_time_missing": lambda: _("This state needs a pending time."),
    "ticket.state_forbidden": lambda: _("You may not set this state."),
    "ticket.agent_required": lambda: _("Only agents take tickets."),
    "ticket.title_missing": lambda: _("A ticket needs a title."),
    "category.default_active": lambda: _("A group's default category stays active."),
    "state.default_active": lambda: _("The state of new tickets stays active."),
    "priority.default_active": lambda: _("The default priority stays active."),
    "form.field_required": lambda: _("This field is required."),
    "form.url_invalid": lambda: _("Enter a web address (http:// or https://)."),
    "form.rating_invalid": lambda: _("Choose a rating from 1 to 5."),
    "form.date_invalid": lambda: _("Enter a date (YYYY-MM-DD)."),
    "form.option_invalid": lambda: _("Choose one of the options."),
    "form.too_long": lambda: _("This text is too long."),
    "form.client_unknown": lambda: _("Choose a client from the list."),
    "form.client_closed": lambda: _("No ticket can be filed against a closed client."),
    "view.name_missing": lambda: _("Give the view a name."),
    "view.name_taken": lambda: _("You already have a view with this name."),
    "view.share_forbidden": lambda: _("Only administrators share views."),
    "view.change_forbidden": lambda: _("You may not change this view."),
    "view.role_unknown": lambda: _("Choose the role to share the view with."),
}


def text(error: DomainError) -> str:
    if error.code == "search.syntax":
        return _("The search could not be read: %(detail)s") % {"detail": error.message}
    wording = _TEXTS.get(error.code)
    return wording() if wording else core_errors.text(error)
