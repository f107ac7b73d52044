"""The permission vocabulary (Zammad's names) and the built-in roles that grant it.

A permission granted to a role also grants its children: ``admin`` covers ``admin.user``.
NodePoint's access levels 0-6 are built-in roles whose permission sets nest; a user's level
is the highest level whose permissions they all hold.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from helpline.lib.actor import Actor
from helpline.lib.errors import PermissionDenied

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


def scope_groups(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Groups the actor may know of: agents and group administrators see every group,
    customers the active ones (to file tickets into), anyone else none."""
    if actor.has_any(TICKET_AGENT, ADMIN_GROUP):
        return qs
    if actor.has(TICKET_CUSTOMER):
        return qs.filter(active=True)
    return qs.none()


def scope_users(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Users the actor may look up: agents and user administrators see everyone (to assign
    and to file for), any other user only themselves, guests nobody."""
    if actor.has_any(TICKET_AGENT, ADMIN_USER):
        return qs
    if actor.user_id is not None:
        return qs.filter(pk=actor.user_id)
    return qs.none()
