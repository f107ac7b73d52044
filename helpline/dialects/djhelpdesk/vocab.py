"""django-helpdesk's words for Helpline's things. Only this dialect says "queue".

- a queue is a Helpline group, with the same id; its ``title`` is the group's name;
- its API acts as staff (it files, holds and resolves tickets in any queue and looks users
  up), so here it is for agents: users with ``ticket.agent``;
- a user is found by ``username``, Helpline's login, with case (as Django's ``username``).
"""

from __future__ import annotations

from helpline.core import permissions

DIALECT = "djhelpdesk"
STAFF_PERMISSION = permissions.TICKET_AGENT

# The POST fields that carry credentials: ``user`` (documented), else ``username`` (used in
# the documentation's own sample request).
LOGIN_FIELDS = ("user", "username")
PASSWORD_FIELD = "password"  # noqa: S105 (a field name)

# django-helpdesk's priorities run 1 (high) to 5 (low), 3 when none is given; Helpline's
# ranks run the other way (1 = least urgent), so priority p is rank 6 - p.
PRIORITIES = range(1, 6)
DEFAULT_PRIORITY = 3


def rank_of_priority(priority: int) -> int:
    return 6 - priority


TITLE_MAX = 100  # django-helpdesk's Ticket.title is a CharField(max_length=100)
PUBLIC_FLAGS = {"y": True, "n": False}  # add_followup's ``public``; "n" when absent
