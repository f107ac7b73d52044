"""The ticket use cases: one function per use case, each the checked entry point every door
calls (see docs/ARCHITECTURE.md, "Tickets")."""

from helpline.tickets.services.articles import add_article
from helpline.tickets.services.assignment import (
    add_assignee,
    assign_ticket,
    claim_ticket,
    release_ticket,
    remove_assignee,
)
from helpline.tickets.services.categories import create_category, ensure_default_category
from helpline.tickets.services.create import create_ticket
from helpline.tickets.services.delete import delete_ticket
from helpline.tickets.services.lifecycle import (
    close_ticket,
    hold_ticket,
    reopen_ticket,
    resolve_ticket,
    unhold_ticket,
)
from helpline.tickets.services.mentions import add_mention, remove_mention
from helpline.tickets.services.merge import merge_ticket
from helpline.tickets.services.saved_views import delete_view, save_view, update_view
from helpline.tickets.services.states import (
    create_priority,
    create_state,
    delete_priority,
    delete_state,
    update_priority,
    update_state,
)
from helpline.tickets.services.subscriptions import follow_ticket, unfollow_ticket
from helpline.tickets.services.update import update_ticket, update_ticket_with_article

__all__ = [
    "add_article",
    "add_assignee",
    "add_mention",
    "assign_ticket",
    "claim_ticket",
    "close_ticket",
    "create_category",
    "create_priority",
    "create_state",
    "create_ticket",
    "delete_priority",
    "delete_state",
    "delete_ticket",
    "delete_view",
    "ensure_default_category",
    "follow_ticket",
    "hold_ticket",
    "merge_ticket",
    "release_ticket",
    "remove_assignee",
    "remove_mention",
    "reopen_ticket",
    "resolve_ticket",
    "save_view",
    "unfollow_ticket",
    "unhold_ticket",
    "update_priority",
    "update_state",
    "update_ticket",
    "update_ticket_with_article",
    "update_view",
]
