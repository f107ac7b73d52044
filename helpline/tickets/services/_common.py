"""Helpers shared by the ticket services: looking rows up by id or name with errors that
name the field, placing a ticket (group, category, project, release), recording changes and
notifying. Unchecked: only the services in this package call them, after their checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from helpline.core import permissions as perms
from helpline.core.models import Group, GroupMembership, HistoryEntry, Organization, User
from helpline.core.services import history, notifications
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid
from helpline.projects.models import Project, Release
from helpline.tickets import permissions
from helpline.tickets.models import (
    ArticleSender,
    ArticleType,
    Subscription,
    Ticket,
    TicketCategory,
    TicketPriority,
    TicketState,
    TicketStateType,
)
from helpline.tickets.services.categories import ensure_default_category

M = TypeVar("M", bound=Model)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _lookup(
    qs: QuerySet[M], value: Any, *, field: str, code: str, what: str, by_name: str | None = "name"
) -> M:
    model = qs.model
    if isinstance(value, model):
        return value
    pk = _as_int(value)
    found: M | None = None
    if pk is not None:
        found = qs.filter(pk=pk).first()
    elif by_name and isinstance(value, str) and value.strip():
        found = qs.filter(**{f"{by_name}__iexact": value.strip()}).first()
    if found is None:
        raise Invalid(f"no {what} {value!r}", code=code, field=field)
    return found


def lookup_state(value: Any, *, field: str = "state_id") -> TicketState:
    return _lookup(
        TicketState.objects.select_related("state_type"),
        value,
        field=field,
        code="ticket.state_unknown",
        what="state",
    )


def lookup_priority(value: Any, *, field: str = "priority_id") -> TicketPriority:
    priority = _lookup(
        TicketPriority.objects.all(),
        value,
        field=field,
        code="ticket.priority_unknown",
        what="priority",
    )
    if not priority.active:
        raise Invalid(
            f"the priority {priority.name} is not active",
            code="ticket.priority_inactive",
            field=field,
        )
    return priority


def lookup_group(value: Any, *, field: str = "group_id") -> Group:
    return _lookup(
        Group.objects.all(), value, field=field, code="ticket.group_unknown", what="group"
    )


def lookup_category(value: Any, *, field: str = "category_id") -> TicketCategory:
    return _lookup(
        TicketCategory.objects.select_related("group"),
        value,
        field=field,
        code="ticket.category_unknown",
        what="category",
        by_name=None,
    )


def lookup_project(value: Any, *, field: str = "project_id") -> Project:
    return _lookup(
        Project.objects.select_related("group"),
        value,
        field=field,
        code="ticket.project_unknown",
        what="project",
    )


def lookup_release(project: Project | None, value: Any, *, field: str = "release_id") -> Release:
    if project is None:
        raise Invalid(
            "a release needs a project", code="ticket.release_without_project", field=field
        )
    return _lookup(
        Release.objects.filter(project=project),
        value,
        field=field,
        code="ticket.release_unknown",
        what=f"release of project {project.name}",
    )


def lookup_organization(value: Any, *, field: str = "organization_id") -> Organization:
    return _lookup(
        Organization.objects.all(),
        value,
        field=field,
        code="ticket.organization_unknown",
        what="organization",
    )


def find_user(value: Any) -> User | None:
    """A user by id, login (any case) or email (any case)."""
    if isinstance(value, User):
        return value
    pk = _as_int(value)
    if pk is not None:
        return User.objects.filter(pk=pk).first()
    if isinstance(value, str) and value.strip():
        text = value.strip()
        found = User.objects.filter(login__iexact=text).first()
        if found is None and "@" in text:
            found = User.objects.filter(email__iexact=text).first()
        return found
    return None


def lookup_user(value: Any, *, field: str, code: str) -> User:
    user = find_user(value)
    if user is None:
        raise Invalid(f"no user {value!r}", code=code, field=field)
    return user


def lookup_article_type(value: Any, *, field: str = "type") -> ArticleType:
    return _lookup(
        ArticleType.objects.all(),
        value,
        field=field,
        code="article.type_unknown",
        what="article type",
    )


def lookup_sender(value: Any, *, field: str = "sender") -> ArticleSender:
    return _lookup(
        ArticleSender.objects.all(),
        value,
        field=field,
        code="article.sender_unknown",
        what="sender",
    )


def state_of_type(type_name: str, *, needs_resolution: bool | None = None) -> TicketState:
    """The first active state of a state type (ids are stable, names may be renamed)."""
    qs = TicketState.objects.select_related("state_type").filter(
        state_type__name=type_name, active=True
    )
    if needs_resolution is not None:
        qs = qs.filter(needs_resolution=needs_resolution)
    state = qs.order_by("id").first()
    if state is None:
        raise Invalid(
            f"no active state of type {type_name}", code="ticket.state_missing", field="state_id"
        )
    return state


def default_create_state() -> TicketState:
    state = (
        TicketState.objects.select_related("state_type")
        .filter(default_create=True, active=True)
        .order_by("id")
        .first()
    )
    return state or state_of_type(TicketStateType.NEW)


def default_follow_up_state() -> TicketState:
    state = (
        TicketState.objects.select_related("state_type")
        .filter(default_follow_up=True, active=True)
        .order_by("id")
        .first()
    )
    return state or state_of_type(TicketStateType.OPEN)


def default_priority() -> TicketPriority:
    priority = (
        TicketPriority.objects.filter(default_create=True, active=True).order_by("id").first()
    )
    if priority is None:
        priority = TicketPriority.objects.filter(active=True).order_by("rank").first()
    if priority is None:
        raise Invalid("no active priority", code="ticket.priority_missing", field="priority_id")
    return priority


def check_state_allowed(state: TicketState, *, field: str) -> None:
    """States a service may move a ticket into directly (merged only through a merge)."""
    if not state.active:
        raise Invalid(
            f"the state {state.name} is not active", code="ticket.state_inactive", field=field
        )
    if state.state_type.name in (TicketStateType.MERGED, TicketStateType.REMOVED):
        raise Invalid(
            f"a ticket becomes {state.name} only by merging or deleting it",
            code="ticket.state_not_settable",
            field=field,
        )


@dataclass
class Placement:
    """Where a ticket is filed: always a group and a category of that group."""

    group: Group
    category: TicketCategory
    project: Project | None = None
    release: Release | None = None


def place(
    *,
    group: Group | None,
    category: TicketCategory | None,
    project: Project | None,
    release: Release | None,
    fields: dict[str, str],
) -> Placement:
    """DESIGN.md "Same thing, same id": a group alone takes its default category, a category
    alone takes its group, a project files into its own group. ``fields`` maps "group",
    "category", "project", "release" to the names the caller used (for errors)."""
    if project is not None:
        if not project.active:
            raise Invalid(
                f"the project {project.name} is retired",
                code="ticket.project_retired",
                field=fields["project"],
            )
        if project.group is not None:
            if group is not None and group.pk != project.group_id:
                raise Invalid(
                    f"the project {project.name} files its tickets in group {project.group.name}",
                    code="ticket.group_project_mismatch",
                    field=fields["group"],
                )
            group = project.group
    if category is not None:
        if group is not None and category.group_id != group.pk:
            raise Invalid(
                f"the category {category.name} belongs to another group",
                code="ticket.category_group_mismatch",
                field=fields["category"],
            )
        group = category.group
    if group is None:
        raise Invalid("a ticket needs a group", code="ticket.group_missing", field=fields["group"])
    if not group.active:
        raise Invalid(
            f"the group {group.name} is not active",
            code="ticket.group_inactive",
            field=fields["group"],
        )
    if category is None:
        category = ensure_default_category(group)
    elif not category.active:
        raise Invalid(
            f"the category {category.name} is not active",
            code="ticket.category_inactive",
            field=fields["category"],
        )
    if release is not None and (project is None or release.project_id != project.pk):
        raise Invalid(
            "the release belongs to another project",
            code="ticket.release_project_mismatch",
            field=fields["release"],
        )
    return Placement(group=group, category=category, project=project, release=release)


def check_organization_open(organization: Organization | None, *, field: str) -> None:
    """NodePoint: no ticket can be filed against a closed client."""
    if organization is not None and organization.status == Organization.Status.CLOSED:
        raise Invalid(
            f"the organization {organization.name} is closed",
            code="ticket.organization_closed",
            field=field,
        )


def check_owner(user: User, ticket: Ticket, *, field: str) -> None:
    if not permissions.can_own_ticket(user, ticket):
        raise Invalid(
            f"{user.login} cannot work on this ticket (an active agent who may read it)",
            code="ticket.owner_invalid",
            field=field,
        )


def granting_names(permission: str) -> set[str]:
    """Every permission name that grants ``permission`` (itself and its parents, also as
    ``parent.*``)."""
    parts = permission.split(".")
    names: set[str] = set()
    for i in range(1, len(parts) + 1):
        prefix = ".".join(parts[:i])
        names.update({prefix, f"{prefix}.*"})
    return names


def agents_of_group(group_id: int) -> list[int]:
    """Active agents who may read the group's tickets (one query)."""
    readers = GroupMembership.objects.filter(
        group_id=group_id, access__in=sorted(permissions.MEMBERSHIP_GRANTS[permissions.READ])
    ).values("user_id")
    return list(
        User.objects.filter(
            pk__in=readers,
            active=True,
            roles__active=True,
            roles__permissions__active=True,
            roles__permissions__name__in=sorted(granting_names(perms.TICKET_AGENT)),
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def assignee_ids(ticket: Ticket) -> list[int]:
    return sorted(ticket.assignees.values_list("pk", flat=True))


def follower_ids(ticket: Ticket) -> list[int]:
    return sorted(Subscription.objects.filter(ticket=ticket).values_list("user_id", flat=True))


def notify(
    actor: Actor,
    ticket: Ticket,
    *,
    created: bool = False,
    internal: bool = False,
    extra: Iterable[int | None] = (),
) -> None:
    """Online notifications by the same rules as mail: a new ticket notifies its owner, or
    the agents of its group while it has none (and its assignees); a change or an article
    notifies the owner, assignees and followers. Never the actor; only people who may read
    the ticket; internal articles only people who may see them."""
    candidates: set[int] = {u for u in extra if u is not None}
    candidates.update(assignee_ids(ticket))
    # The group's agents read the ticket (and its internal articles) by their membership;
    # everyone else is checked one by one.
    group_agents: set[int] = set()
    if ticket.owner_id is not None:
        candidates.add(ticket.owner_id)
    elif created:
        group_agents = set(agents_of_group(ticket.group_id))
    if not created:
        candidates.update(follower_ids(ticket))
    if actor.user_id is not None:
        candidates.discard(actor.user_id)  # never notified of one's own change
        group_agents.discard(actor.user_id)
    candidates -= group_agents
    recipients = set(group_agents)
    for user in User.objects.filter(pk__in=candidates, active=True).order_by("pk"):
        reader = Actor.for_user(user)
        profile = permissions.ticket_access(reader)
        if not permissions.can_read_ticket(reader, ticket, profile=profile):
            continue
        if internal and not permissions.can_see_internal(reader, ticket, profile=profile):
            continue
        recipients.add(user.pk)
    notifications.record_notifications(
        actor,
        sorted(recipients),
        object_type="Ticket",
        object_id=ticket.pk,
        kind="create" if created else "update",
    )


def record_created(actor: Actor, ticket: Ticket) -> None:
    history.record(actor, "Ticket", ticket.pk, HistoryEntry.Kind.CREATED, "", None, ticket.number)
