"""Who may see and do what with tickets: predicates and a queryset scope from one set of rules.

Access to a ticket comes from exactly these paths (``TicketAccess`` holds what an actor has):

- **everything**: the system actor and holders of ``admin`` have every access to every
  ticket. NodePoint's ticket visibility (``tickets.visibility``) adds *read* access to every
  ticket: ``public`` for everyone including guests, ``private`` for every signed-in user,
  ``restricted`` only for holders of ``ticket.restricted_view`` (NodePoint level 2 and up).
- **agent** (``ticket.agent``): the tickets of the groups they belong to, by Zammad's access
  kinds: *read* from a ``read``, ``change`` or ``full`` membership, *change* from ``change``
  or ``full``, *create* from ``create`` or ``full``, *full* from ``full``; plus read and
  change access to the tickets they own.
- **customer** (``ticket.customer``): read and change access to their own tickets (they are
  the ticket's customer) and to those of their organizations that are ``shared``.

Changing as a customer is narrower than changing as an agent: the services let customers
reply publicly, change a few fields and close or reopen (``CUSTOMER_FIELDS``); everything
else needs agent access (``can_manage_ticket``). Internal articles are shown to agents with
read access and admins only.

``scope_tickets`` turns the same paths into one ``WHERE`` clause (the sets of group and
organization ids are read first, so the ticket query stays on the ticket indexes), and the
``can_*`` predicates check a loaded ticket against the same sets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from helpline.core import permissions as perms
from helpline.core.models import GroupMembership
from helpline.core.services.settings import get_setting
from helpline.lib.actor import Actor
from helpline.lib.errors import NotFound, PermissionDenied
from helpline.tickets.models import Ticket

READ = "read"
CREATE = "create"
CHANGE = "change"
FULL = "full"
ACCESS_KINDS = (READ, CREATE, CHANGE, FULL)

# Which group membership kinds grant an access kind (Zammad's group access; "full" grants all).
MEMBERSHIP_GRANTS: dict[str, frozenset[str]] = {
    READ: frozenset({"read", "change", "full"}),
    CHANGE: frozenset({"change", "full"}),
    CREATE: frozenset({"create", "full"}),
    FULL: frozenset({"full"}),
}
# Access kinds the owner of a ticket and its customer path give.
OWNER_ACCESS = frozenset({READ, CHANGE})
CUSTOMER_ACCESS = frozenset({READ, CHANGE})

# Fields a customer may change on a ticket they may change (everything else needs an agent).
CUSTOMER_FIELDS = frozenset({"title", "state", "state_id", "custom_field", "attributes"})


@dataclass(frozen=True)
class TicketAccess:
    """What one actor may reach, read once per call: the sets the scope and predicates use."""

    user_id: int | None
    everything: frozenset[str] = frozenset()
    agent: bool = False
    customer: bool = False
    groups: dict[str, frozenset[int]] = field(default_factory=dict)
    organizations: frozenset[int] = frozenset()
    admin: bool = False
    # Whether the agent owns tickets outside their read groups: only then does the scope
    # need its owner branch (without it, a one-group agent's list reads straight off the
    # (group, id) index on SQLite too).
    owns_elsewhere: bool = True

    def group_ids(self, access: str) -> frozenset[int]:
        return self.groups.get(access, frozenset())


def visibility_reads_all(actor: Actor) -> bool:
    """NodePoint's ticket visibility: does it let this actor read every ticket?"""
    mode = get_setting("tickets.visibility")
    if mode == "public":
        return True
    if mode == "private":
        return actor.is_system or (actor.user is not None and bool(actor.user.active))
    return actor.has(perms.TICKET_RESTRICTED_VIEW)


def ticket_access(actor: Actor) -> TicketAccess:
    """Read the actor's memberships and organizations (two small queries at most)."""
    if actor.is_system or actor.has(perms.ADMIN):
        return TicketAccess(
            user_id=actor.user_id, everything=frozenset(ACCESS_KINDS), admin=True, agent=True
        )
    everything = frozenset({READ}) if visibility_reads_all(actor) else frozenset()
    user = actor.user
    if user is None or not user.active:
        return TicketAccess(user_id=None, everything=everything)
    agent = actor.has(perms.TICKET_AGENT)
    customer = actor.has(perms.TICKET_CUSTOMER)
    groups: dict[str, frozenset[int]] = {}
    if agent:
        kinds: dict[str, set[int]] = {}
        for group_id, kind in GroupMembership.objects.filter(user_id=user.pk).values_list(
            "group_id", "access"
        ):
            kinds.setdefault(kind, set()).add(group_id)
        for access, granting in MEMBERSHIP_GRANTS.items():
            groups[access] = frozenset(g for k in granting for g in kinds.get(k, ()))
    owns_elsewhere = False
    if agent:
        owns_elsewhere = (
            Ticket.objects.filter(owner_id=user.pk)
            .exclude(group_id__in=sorted(groups[READ]))
            .exists()
        )
    organizations: frozenset[int] = frozenset()
    if customer:
        # The same rule that lets customers see their colleagues (core.permissions).
        organizations = frozenset(perms.shared_organization_ids(user))
    return TicketAccess(
        user_id=user.pk,
        everything=everything,
        agent=agent,
        customer=customer,
        groups=groups,
        organizations=organizations,
        owns_elsewhere=owns_elsewhere,
    )


def _check_access(access: str) -> None:
    if access not in ACCESS_KINDS:
        raise ValueError(f"unknown ticket access {access!r}")


def scope_tickets(
    actor: Actor,
    qs: QuerySet[Ticket],
    access: str = READ,
    *,
    profile: TicketAccess | None = None,
) -> QuerySet[Ticket]:
    """``qs`` narrowed to the tickets ``actor`` has ``access`` to, inside the query."""
    _check_access(access)
    p = profile or ticket_access(actor)
    if access in p.everything:
        return qs
    clauses: list[Q] = []
    if p.agent and p.user_id is not None:
        group_ids = p.group_ids(access)
        if group_ids:
            clauses.append(Q(group_id__in=sorted(group_ids)))
        if access in OWNER_ACCESS and (p.owns_elsewhere or not group_ids >= p.group_ids(READ)):
            clauses.append(Q(owner_id=p.user_id))
    if p.customer and p.user_id is not None and access in CUSTOMER_ACCESS:
        clauses.append(Q(customer_id=p.user_id))
        if p.organizations:
            clauses.append(Q(organization_id__in=sorted(p.organizations)))
    if not clauses:
        return qs.none()
    return qs.filter(reduce(or_, clauses))


def _agent_path(p: TicketAccess, ticket: Ticket, access: str) -> bool:
    if p.admin:
        return True
    if not p.agent or p.user_id is None:
        return False
    if ticket.group_id in p.group_ids(access):
        return True
    return access in OWNER_ACCESS and ticket.owner_id == p.user_id


def _customer_path(p: TicketAccess, ticket: Ticket, access: str) -> bool:
    if not p.customer or p.user_id is None or access not in CUSTOMER_ACCESS:
        return False
    return ticket.customer_id == p.user_id or (
        ticket.organization_id is not None and ticket.organization_id in p.organizations
    )


def has_ticket_access(
    actor: Actor, ticket: Ticket, access: str = READ, *, profile: TicketAccess | None = None
) -> bool:
    """The predicate twin of ``scope_tickets``: same paths, checked on a loaded ticket."""
    _check_access(access)
    if profile is None and _own_ticket(actor, ticket, access):
        return True  # what the customer path would say, without reading the whole profile
    p = profile or ticket_access(actor)
    if access in p.everything:
        return True
    return _agent_path(p, ticket, access) or _customer_path(p, ticket, access)


def _own_ticket(actor: Actor, ticket: Ticket, access: str) -> bool:
    """The customer path's first case: an active customer's own ticket."""
    return (
        access in CUSTOMER_ACCESS
        and actor.user is not None
        and ticket.customer_id == actor.user_id
        and actor.has(perms.TICKET_CUSTOMER)
    )


def can_read_ticket(actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None) -> bool:
    return has_ticket_access(actor, ticket, READ, profile=profile)


def can_change_ticket(actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None) -> bool:
    """Agent or customer change access (customers within ``CUSTOMER_FIELDS``)."""
    return has_ticket_access(actor, ticket, CHANGE, profile=profile)


def can_manage_ticket(actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None) -> bool:
    """Change access as an agent: every field, internal articles, hold, resolve, assign,
    merge."""
    p = profile or ticket_access(actor)
    return CHANGE in p.everything or _agent_path(p, ticket, CHANGE)


def can_see_internal(actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None) -> bool:
    """Internal articles: admins, and agents who may read the ticket."""
    p = profile or ticket_access(actor)
    if p.admin:
        return True
    return p.agent and has_ticket_access(actor, ticket, READ, profile=p)


def can_close_ticket(
    actor: Actor,
    ticket: Ticket,
    *,
    assignee_ids: frozenset[int] | None = None,
    profile: TicketAccess | None = None,
) -> bool:
    """Flicket's rule: administrators, the owner or an assignee, the creator or the
    customer — and only when they may read the ticket."""
    p = profile or ticket_access(actor)
    if p.admin:
        return True
    uid = p.user_id
    if uid is None or not has_ticket_access(actor, ticket, READ, profile=p):
        return False
    if uid in (ticket.owner_id, ticket.created_by_id, ticket.customer_id):
        return True
    if assignee_ids is None:
        assignee_ids = frozenset(ticket.assignees.values_list("pk", flat=True))
    return uid in assignee_ids


def can_delete_ticket(actor: Actor) -> bool:
    return actor.has(perms.ADMIN)


def can_tag_ticket(actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None) -> bool:
    """Zammad: ``admin.tag``, or an agent who may change the ticket."""
    if actor.has(perms.ADMIN_TAG):
        return True
    return actor.has(perms.TICKET_AGENT) and can_manage_ticket(actor, ticket, profile=profile)


def can_list_ticket_tags(
    actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None
) -> bool:
    if actor.has(perms.ADMIN_TAG):
        return True
    return actor.has(perms.TICKET_AGENT) and can_read_ticket(actor, ticket, profile=profile)


def can_own_ticket(user: Any, ticket: Ticket) -> bool:
    """May ``user`` be the owner or an assignee of ``ticket``? An active agent (or admin)
    who may read it."""
    if user is None or not user.active:
        return False
    candidate = Actor.for_user(user)
    if not candidate.has_any(perms.TICKET_AGENT, perms.ADMIN):
        return False
    return can_read_ticket(candidate, ticket)


def create_mode(actor: Actor, group_id: int, *, profile: TicketAccess | None = None) -> str | None:
    """How ``actor`` may file a ticket in the group: ``"agent"`` (every field), ``"customer"``
    (for themselves), ``"guest"`` (when guest tickets are allowed), else ``None``."""
    p = profile or ticket_access(actor)
    if CREATE in p.everything or (p.agent and group_id in p.group_ids(CREATE)):
        return "agent"
    if p.customer and p.user_id is not None:
        return "customer"
    if actor.is_guest and get_setting("tickets.allow_guest_tickets"):
        return "guest"
    return None


def can_move_to_group(actor: Actor, group_id: int, *, profile: TicketAccess | None = None) -> bool:
    """May an agent move a ticket into this group? Admins anywhere, agents into groups they
    have create or change access to."""
    p = profile or ticket_access(actor)
    if CHANGE in p.everything:
        return True
    return p.agent and (group_id in p.group_ids(CREATE) or group_id in p.group_ids(CHANGE))


def require_read_ticket(
    actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None
) -> None:
    if not can_read_ticket(actor, ticket, profile=profile):
        raise NotFound(f"no ticket {ticket.pk}", code="ticket.not_found")


def require_change_ticket(
    actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None
) -> None:
    if not can_change_ticket(actor, ticket, profile=profile):
        raise PermissionDenied("you may not change this ticket", code="ticket.change_forbidden")


def require_manage_ticket(
    actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None
) -> None:
    if not can_manage_ticket(actor, ticket, profile=profile):
        raise PermissionDenied(
            "this needs an agent who may change the ticket", code="ticket.agent_required"
        )


def require_list_ticket_tags(
    actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None
) -> None:
    if not can_list_ticket_tags(actor, ticket, profile=profile):
        raise PermissionDenied("listing tags needs admin.tag or ticket.agent", code="tag.forbidden")


def require_close_ticket(
    actor: Actor, ticket: Ticket, *, profile: TicketAccess | None = None
) -> None:
    if not can_close_ticket(actor, ticket, profile=profile):
        raise PermissionDenied(
            "only administrators, the ticket's assignees and its creator or customer may close it",
            code="ticket.close_forbidden",
        )


def require_delete_ticket(actor: Actor) -> None:
    if not can_delete_ticket(actor):
        raise PermissionDenied("only administrators delete tickets", code="ticket.delete_forbidden")


def scope_groups_for_create(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The groups ``actor`` may file tickets in (agents: create access; customers: every
    active group)."""
    p = ticket_access(actor)
    qs = qs.filter(active=True)
    if CREATE in p.everything or p.customer:
        return qs
    if actor.is_guest and get_setting("tickets.allow_guest_tickets"):
        return qs
    if p.agent:
        return qs.filter(pk__in=sorted(p.group_ids(CREATE)))
    return qs.none()
