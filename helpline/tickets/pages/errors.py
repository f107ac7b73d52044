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
}


def text(error: DomainError) -> str:
    wording = _TEXTS.get(error.code)
    return wording() if wording else core_errors.text(error)
