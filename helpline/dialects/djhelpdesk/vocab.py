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
