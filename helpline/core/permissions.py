"""The permission vocabulary (Zammad's names) and the built-in roles that grant it.

A permission granted to a role also grants its children: ``admin`` covers ``admin.user``.
NodePoint's access levels 0-6 are built-in roles whose permission sets nest; a user's level
is the highest level whose permissions they all hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from helpline.lib.actor import Actor, permission_matches
from helpline.lib.errors import PermissionDenied

if TYPE_CHECKING:
    from helpline.core.models import Group, Organization, Role, User

ADMIN = "admin"
ADMIN_USER = "admin.user"
ADMIN_GROUP = "admin.group"
ADMIN_ORGANIZATION = "admin.organization"
ADMIN_OBJECT = "admin.object"
ADMIN_TAG = "admin.tag"
ADMIN_API = "admin.api"
ADMIN_SETTING = "admin.setting"
ADMIN_BRANDING = "admin.branding"
ADMIN_SLA = "admin.sla"
ADMIN_CHANNEL = "admin.channel"
TICKET_AGENT = "ticket.agent"
TICKET_CUSTOMER = "ticket.customer"
TICKET_RESTRICTED_VIEW = "ticket.restricted_view"
KB_READER = "knowledge_base.reader"
KB_EDITOR = "knowledge_base.editor"
REPORT = "report"
PROJECT_MANAGE = "project.manage"
INVENTORY_MANAGE = "inventory.manage"
TASK_MANAGE = "task.manage"
TIME_TRACK = "time.track"
SHOUTBOX_MODERATE = "shoutbox.moderate"
USER_PREFERENCES = "user_preferences"
USER_PREFERENCES_ACCESS_TOKEN = "user_preferences.access_token"  # noqa: S105
USER_PREFERENCES_PASSWORD = "user_preferences.password"  # noqa: S105
USER_PREFERENCES_LANGUAGE = "user_preferences.language"
USER_PREFERENCES_NOTIFICATIONS = "user_preferences.notifications"

# name -> note, in the order they are created (ids are stable across installs).
PERMISSIONS: dict[str, str] = {
    ADMIN: "Admin Interface",
    ADMIN_USER: "Manage %s",
    ADMIN_GROUP: "Manage %s",
    ADMIN_ORGANIZATION: "Manage %s",
    ADMIN_OBJECT: "Manage %s",
    ADMIN_TAG: "Manage %s",
    ADMIN_API: "Manage %s",
    ADMIN_SETTING: "Manage %s",
    ADMIN_BRANDING: "Manage %s",
    ADMIN_SLA: "Manage %s",
    ADMIN_CHANNEL: "Manage %s",
    TICKET_AGENT: "Access to Ticket as Agent",
    TICKET_CUSTOMER: "Access to Ticket as Customer",
    TICKET_RESTRICTED_VIEW: "View restricted tickets and statistics",
    KB_READER: "Knowledge Base Reader",
    KB_EDITOR: "Knowledge Base Editor",
    REPORT: "Report Interface",
    PROJECT_MANAGE: "Manage projects, releases and custom forms",
    INVENTORY_MANAGE: "Manage inventory items and approve checkouts",
    TASK_MANAGE: "Create and assign tasks",
    TIME_TRACK: "Track time on tickets",
    SHOUTBOX_MODERATE: "Delete shoutbox entries",
    USER_PREFERENCES: "User Preferences",
    USER_PREFERENCES_ACCESS_TOKEN: "Manage %s",
    USER_PREFERENCES_PASSWORD: "Change %s",
    USER_PREFERENCES_LANGUAGE: "Change %s",
    USER_PREFERENCES_NOTIFICATIONS: "Manage %s",
}

# NodePoint's access levels as nested roles: each level holds its own list plus every lower one.
LEVEL_NAMES = {
    0: "Unauthorized users",
    1: "Authorized users",
    2: "Restricted view",
    3: "Tickets management",
    4: "Projects management",
    5: "Users management",
    6: "NodePoint Admin",
}
_LEVEL_OWN: dict[int, list[str]] = {
    0: [USER_PREFERENCES_PASSWORD, USER_PREFERENCES_LANGUAGE, USER_PREFERENCES_NOTIFICATIONS],
    1: [TICKET_CUSTOMER, KB_READER, USER_PREFERENCES_ACCESS_TOKEN],
    2: [TICKET_RESTRICTED_VIEW, REPORT],
    3: [TICKET_AGENT, TIME_TRACK],
    4: [PROJECT_MANAGE, KB_EDITOR, INVENTORY_MANAGE, TASK_MANAGE],
    5: [ADMIN_USER, ADMIN_ORGANIZATION, SHOUTBOX_MODERATE],
    6: [ADMIN],
}


def level_permissions(level: int) -> list[str]:
    """Every permission NodePoint level ``level`` grants (its own plus all lower levels')."""
    granted: list[str] = []
    for lvl in range(level + 1):
        granted.extend(_LEVEL_OWN[lvl])
    return granted


# Built-in roles (name -> permissions, default at signup).
BUILTIN_ROLES: dict[str, tuple[list[str], bool]] = {
    "Admin": ([ADMIN, USER_PREFERENCES, REPORT, KB_EDITOR], False),
    "Agent": ([TICKET_AGENT, USER_PREFERENCES, KB_READER, REPORT, TIME_TRACK], False),
    "Customer": ([TICKET_CUSTOMER, USER_PREFERENCES, KB_READER], True),
}


def level_role_name(level: int) -> str:
    return f"Level {level} - {LEVEL_NAMES[level]}"


def require(actor: Actor, *permissions: str) -> None:
    """Raise ``PermissionDenied`` unless the actor holds one of ``permissions``."""
    if not actor.has_any(*permissions):
        raise PermissionDenied(
            f"this needs one of the permissions: {', '.join(permissions)}",
            code="permission.missing",
        )


def user_level(user: Any) -> int:
    """NodePoint's level of ``user``: the highest level whose permissions they all hold."""
    level = 0
    for lvl in range(7):
        if all(user.has_permission(p) for p in level_permissions(lvl)):
            level = lvl
        else:
            break
    return level


# --- people: who may read and change users, organizations, groups and roles (Zammad's rules)


def is_staff_account(user: Any) -> bool:
    """Agents and administrators: anyone holding ``ticket.agent`` or an ``admin`` permission.

    Everyone else is a customer account, the only kind an agent may edit."""
    names = user.permission_names()  # regardless of ``active``: a disabled agent stays staff
    return any(
        permission_matches(name, TICKET_AGENT) or name == ADMIN or name.startswith(ADMIN + ".")
        for name in names
    )


def can_read_all_users(actor: Actor) -> bool:
    return actor.has_any(ADMIN_USER, TICKET_AGENT)


def can_search_users(actor: Actor) -> bool:
    return actor.has_any(ADMIN_USER, TICKET_AGENT)


def shared_organization_ids(user: Any) -> list[int]:
    """The ids of the shared organizations ``user`` belongs to (primary or secondary)."""
    from helpline.core.models import Organization, User

    # Two indexed lookups (the user's own column, the membership table by user) instead of
    # an OR across two outer joins, which scans every organization: 8 ms at 5,000.
    member_of = Q(
        pk__in=User.organizations.through.objects.filter(user_id=user.pk).values("organization_id")
    )
    if user.organization_id is not None:
        member_of |= Q(pk=user.organization_id)
    return list(
        Organization.objects.filter(member_of, shared=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def scope_users(actor: Actor, qs: QuerySet[User]) -> QuerySet[User]:
    """Agents and user administrators read everyone; a customer reads themselves and the
    members of their shared organizations; anyone else only themselves."""
    if can_read_all_users(actor):
        return qs
    if actor.user is None:
        return qs.none()
    visible = Q(pk=actor.user.pk)
    if actor.has(TICKET_CUSTOMER):
        org_ids = shared_organization_ids(actor.user)
        if org_ids:
            from helpline.core.models import User

            visible |= Q(organization_id__in=org_ids) | Q(
                pk__in=User.objects.filter(organizations__in=org_ids).values("pk")
            )
    return qs.filter(visible)


def can_read_all_organizations(actor: Actor) -> bool:
    return actor.has_any(ADMIN_ORGANIZATION, TICKET_AGENT)


def scope_organizations(actor: Actor, qs: QuerySet[Organization]) -> QuerySet[Organization]:
    """Agents and organization administrators read all; anyone else their own ones."""
    if can_read_all_organizations(actor):
        return qs
    if actor.user is None:
        return qs.none()
    from helpline.core.models import Organization

    own = Organization.objects.filter(
        Q(members=actor.user) | Q(secondary_members=actor.user)
    ).values("pk")
    return qs.filter(pk__in=own)


def can_list_groups(actor: Actor) -> bool:
    return actor.has_any(ADMIN_GROUP, TICKET_AGENT)


def scope_groups(actor: Actor, qs: QuerySet[Group]) -> QuerySet[Group]:
    """Group administrators read all groups; agents the groups they belong to."""
    if actor.has(ADMIN_GROUP):
        return qs
    if actor.user is None or not actor.has(TICKET_AGENT):
        return qs.none()
    from helpline.core.models import GroupMembership

    return qs.filter(pk__in=GroupMembership.objects.filter(user=actor.user).values("group_id"))


def scope_group_directory(actor: Actor, qs: QuerySet[Group]) -> QuerySet[Group]:
    """Groups the actor may know of to file tickets into (django-helpdesk's queue list,
    Flicket's departments): agents and group administrators see every group, customers the
    active ones, anyone else none. Reading a group's members and settings is
    ``scope_groups``."""
    if actor.has_any(TICKET_AGENT, ADMIN_GROUP):
        return qs
    if actor.has(TICKET_CUSTOMER):
        return qs.filter(active=True)
    return qs.none()


def can_read_roles(actor: Actor) -> bool:
    return actor.has_any(ADMIN_USER, TICKET_AGENT)


def scope_roles(actor: Actor, qs: QuerySet[Role]) -> QuerySet[Role]:
    return qs if can_read_roles(actor) else qs.none()


def token_may_carry(actor: Actor, permission: str) -> bool:
    """A new access token may carry ``permission`` only when the actor holds it (a token
    never grants more than the user, nor more than the token it was made with)."""
    return actor.has(permission)


def grantable_permission_rows(actor: Actor, rows: list[Any]) -> list[tuple[Any, bool]]:
    """Zammad's token dialog list: every permission the actor holds, plus the parents of
    those (shown disabled, as holding a child does not grant the parent)."""
    held = [row for row in rows if actor.has(row.name)]
    held_names = {row.name for row in held}
    result: list[tuple[Any, bool]] = []
    for row in rows:
        if row.name in held_names:
            result.append((row, False))
        elif any(permission_matches(row.name, name) for name in held_names):
            result.append((row, True))
    return result
