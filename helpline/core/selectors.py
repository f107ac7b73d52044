"""Scoped reads of people (users, organizations, groups, roles, permissions, access tokens)
and of the actor's own notifications and attachment downloads.

Every function takes the actor and returns only what the actor may see (the rules live in
``core.permissions``); ``get_*`` raises ``NotFound`` for rows that do not exist *or* are not
visible, so existence never leaks. List functions return ordered querysets with the
relations the shapers need already fetched (no query per row).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from helpline.core import permissions as perms
from helpline.core import rules
from helpline.core.models import (
    AccessToken,
    Attachment,
    Group,
    GroupMembership,
    OnlineNotification,
    Organization,
    Permission,
    Role,
    User,
)
from helpline.core.object_access import require_object_access
from helpline.core.rules import valid_id
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, NotAuthenticated, NotFound, PermissionDenied

# (field, descending) pairs, e.g. [("lastname", False), ("id", True)]
Sort = Sequence[tuple[str, bool]]

USER_SORT_FIELDS = frozenset(
    {
        "id", "login", "firstname", "lastname", "email", "organization_id", "active", "vip",
        "verified", "created_at", "updated_at", "last_login", "city", "country", "department",
    }
)  # fmt: skip
ORGANIZATION_SORT_FIELDS = frozenset(
    {"id", "name", "shared", "active", "vip", "domain", "created_at", "updated_at"}
)
GROUP_SORT_FIELDS = frozenset({"id", "name", "active", "created_at", "updated_at"})
ROLE_SORT_FIELDS = frozenset({"id", "name", "active", "created_at", "updated_at"})


def apply_sort(
    qs: QuerySet[Any], sort: Sort | None, allowed: frozenset[str], default: Sort
) -> QuerySet[Any]:
    """Order by the requested fields (each checked against ``allowed``), then by id so that
    pages never overlap."""
    chosen = list(sort or default)
    order: list[str] = []
    for field, descending in chosen:
        if field not in allowed:
            raise Invalid(
                f"cannot sort by {field!r}; use one of {', '.join(sorted(allowed))}",
                code="sort.unknown_field",
                field="sort_by",
            )
        order.append(f"-{field}" if descending else field)
    if not any(f.lstrip("-") == "id" for f in order):
        order.append("-id" if chosen and chosen[-1][1] else "id")
    return qs.order_by(*order)


def _missing(kind: str, object_id: object) -> NotFound:
    return NotFound(f"no {kind} with id {object_id}", code=f"{kind}.not_found")


# --- users


def with_user_relations(qs: QuerySet[User]) -> QuerySet[User]:
    """Everything a user's API shape shows, fetched in a fixed number of queries."""
    return qs.select_related("organization", "created_by", "updated_by").prefetch_related(
        Prefetch("roles", queryset=Role.objects.only("id", "name").order_by("id")),
        Prefetch("organizations", queryset=Organization.objects.only("id", "name").order_by("id")),
        Prefetch(
            "groupmembership_set",
            queryset=GroupMembership.objects.select_related("group").order_by("group_id", "id"),
        ),
    )


def visible_users(actor: Actor) -> QuerySet[User]:
    return perms.scope_users(actor, User.objects.all())


def get_user(actor: Actor, user_id: int) -> User:
    if not valid_id(user_id):
        raise _missing("user", user_id)
    user = with_user_relations(visible_users(actor)).filter(pk=user_id).first()
    if user is None:
        raise _missing("user", user_id)
    return user


def list_users(actor: Actor, *, sort: Sort | None = None) -> QuerySet[User]:
    """The people the actor may see; the ``api`` account is no person and is left out of
    lists (``get_user`` still shows it to who may see it)."""
    return apply_sort(
        with_user_relations(people(visible_users(actor))), sort, USER_SORT_FIELDS, [("id", False)]
    )


def people(qs: QuerySet[User]) -> QuerySet[User]:
    """``qs`` without the ``api`` account (lists and searches of people)."""
    return qs.exclude(login=rules.API_LOGIN)


def find_user_by_reference(reference: str) -> User | None:
    """Unchecked lookup by id, login or email, in that order (Zammad's ``X-On-Behalf-Of``)."""
    reference = (reference or "").strip()
    if not reference or "\x00" in reference or len(reference) > 255:
        return None
    number = rules.id_from_text(reference)
    if isinstance(number, int) and valid_id(number):
        user = User.objects.filter(pk=number).first()
        if user is not None:
            return user
    return (
        User.objects.filter(login__iexact=reference).first()
        or User.objects.filter(email__iexact=reference).exclude(email="").first()
    )


# --- organizations


def with_organization_relations(qs: QuerySet[Organization]) -> QuerySet[Organization]:
    return qs.select_related("created_by", "updated_by").prefetch_related(
        Prefetch("members", queryset=User.objects.only("id", "login", "organization_id"))
    )


def visible_organizations(actor: Actor) -> QuerySet[Organization]:
    return perms.scope_organizations(actor, Organization.objects.all())


def get_organization(actor: Actor, organization_id: int) -> Organization:
    if not valid_id(organization_id):
        raise _missing("organization", organization_id)
    org = (
        with_organization_relations(visible_organizations(actor)).filter(pk=organization_id).first()
    )
    if org is None:
        raise _missing("organization", organization_id)
    return org


def list_organizations(actor: Actor, *, sort: Sort | None = None) -> QuerySet[Organization]:
    return apply_sort(
        with_organization_relations(visible_organizations(actor)),
        sort,
        ORGANIZATION_SORT_FIELDS,
        [("id", False)],
    )


def organizations_named(
    text: str, *, exclude: Iterable[int] = (), limit: int = 20
) -> tuple[list[tuple[int, str]], bool]:
    """``([(id, name), ...], more)``: at most ``limit`` organizations whose name starts with
    ``text`` (ignoring case), then those whose name contains it, each part by name; ``more``
    is true when others match too. Unchecked: the caller checks who may see the names.

    The prefix part is a range on ``lower(name)``, read from the organization_name_ci_unique
    index in name order (no table scan, stops after ``limit``); only when it finds fewer
    than ``limit`` does the contains part look further. Empty ``text`` matches nothing."""
    needle = text.strip().lower()
    if not needle:
        return [], False
    rows = Organization.objects.exclude(pk__in=list(exclude)).alias(lname=Lower("name"))
    by_name = ("lname", "id")
    prefix = rows.filter(lname__gte=needle, lname__startswith=needle)
    if ord(needle[-1]) < 0x10FFFF:
        prefix = prefix.filter(lname__lt=needle[:-1] + chr(ord(needle[-1]) + 1))
    found = list(prefix.order_by(*by_name).values_list("pk", "name")[: limit + 1])
    if len(found) <= limit:
        contains = (
            rows.filter(lname__contains=needle)
            .exclude(lname__startswith=needle)
            .order_by(*by_name)
            .values_list("pk", "name")
        )
        found += list(contains[: limit + 1 - len(found)])
    return found[:limit], len(found) > limit


# --- groups


def with_group_relations(qs: QuerySet[Group]) -> QuerySet[Group]:
    return qs.select_related("created_by", "updated_by").prefetch_related(
        Prefetch(
            "groupmembership_set",
            queryset=GroupMembership.objects.select_related("user").order_by("user_id", "id"),
        )
    )


def visible_groups(actor: Actor) -> QuerySet[Group]:
    return perms.scope_groups(actor, Group.objects.all())


def get_group(actor: Actor, group_id: int) -> Group:
    if not perms.can_list_groups(actor):
        raise PermissionDenied(
            "reading groups needs admin.group or ticket.agent", code="group.read_forbidden"
        )
    if not valid_id(group_id):
        raise _missing("group", group_id)
    group = with_group_relations(visible_groups(actor)).filter(pk=group_id).first()
    if group is None:
        raise _missing("group", group_id)
    return group


def list_groups(actor: Actor, *, sort: Sort | None = None) -> QuerySet[Group]:
    if not perms.can_list_groups(actor):
        raise PermissionDenied(
            "reading groups needs admin.group or ticket.agent", code="group.read_forbidden"
        )
    return apply_sort(
        with_group_relations(visible_groups(actor)), sort, GROUP_SORT_FIELDS, [("id", False)]
    )


# --- roles and permissions


def _require_roles(actor: Actor) -> None:
    if not perms.can_read_roles(actor):
        raise PermissionDenied(
            "reading roles needs admin.user or ticket.agent", code="role.read_forbidden"
        )


def with_role_relations(qs: QuerySet[Role]) -> QuerySet[Role]:
    return qs.select_related("created_by", "updated_by").prefetch_related(
        Prefetch("permissions", queryset=Permission.objects.only("id", "name").order_by("id"))
    )


def get_role(actor: Actor, role_id: int) -> Role:
    _require_roles(actor)
    if not valid_id(role_id):
        raise _missing("role", role_id)
    role = with_role_relations(perms.scope_roles(actor, Role.objects.all()))
    found = role.filter(pk=role_id).first()
    if found is None:
        raise _missing("role", role_id)
    return found


def list_roles(actor: Actor, *, sort: Sort | None = None) -> QuerySet[Role]:
    _require_roles(actor)
    return apply_sort(
        with_role_relations(perms.scope_roles(actor, Role.objects.all())),
        sort,
        ROLE_SORT_FIELDS,
        [("id", False)],
    )


def grantable_permissions(actor: Actor) -> list[tuple[Permission, bool]]:
    """The permissions the actor may put on an access token (``False``) and their parents,
    shown but not grantable (``True``), ordered by name."""
    rows = list(Permission.objects.filter(active=True).order_by("name"))
    return perms.grantable_permission_rows(actor, rows)


# --- access tokens


def list_own_tokens(actor: Actor, *, kind: str = AccessToken.Kind.API) -> QuerySet[AccessToken]:
    """The actor's own tokens of ``kind``, most recently changed first (as Zammad)."""
    if actor.user is None:
        return AccessToken.objects.none()
    return AccessToken.objects.filter(user=actor.user, kind=kind).order_by(
        "-updated_at", "label", "-id"
    )


# --- search

QUERY_MAX = 1000
USER_SEARCH: dict[str, Any] = {
    "text_fields": ("login", "firstname", "lastname", "email"),
    "field_filters": {
        "login": "login__icontains",
        "firstname": "firstname__icontains",
        "lastname": "lastname__icontains",
        "email": "email__icontains",
        "phone": "phone__icontains",
        "mobile": "mobile__icontains",
        "city": "city__icontains",
        "department": "department__icontains",
        "organization": "organization__name__icontains",
    },
    "exact_filters": {"id": "pk", "organization_id": "organization_id"},
    "bool_filters": {"active": "active", "vip": "vip", "verified": "verified"},
}
ORGANIZATION_SEARCH: dict[str, Any] = {
    "text_fields": ("name", "domain", "note"),
    "field_filters": {"name": "name__icontains", "domain": "domain__icontains"},
    "exact_filters": {"id": "pk"},
    "bool_filters": {"active": "active", "shared": "shared", "vip": "vip"},
}


def search_condition(
    query: str,
    *,
    text_fields: tuple[str, ...],
    field_filters: dict[str, str] | None = None,
    exact_filters: dict[str, str] | None = None,
    bool_filters: dict[str, str] | None = None,
) -> Q:
    """The filter for a Zammad-style search: every word must match one of ``text_fields``
    (any case, anywhere); ``field:value`` words match one field; ``*`` is a wildcard."""
    field_filters = field_filters or {}
    exact_filters = exact_filters or {}
    bool_filters = bool_filters or {}
    query = rules.check_text(query, field="query", max_length=QUERY_MAX, code="search")
    condition = Q()
    for raw in query.split():
        word = raw.replace("*", "").strip("\"'")
        name, sep, value = word.partition(":")
        name = name.lower()
        if sep and name in field_filters:
            if value:
                condition &= Q(**{field_filters[name]: value})
            continue
        if sep and name in exact_filters:
            number = rules.id_from_text(value)
            if not rules.valid_id(number):
                return Q(pk__in=[])
            condition &= Q(**{exact_filters[name]: number})
            continue
        if sep and name in bool_filters:
            condition &= Q(**{bool_filters[name]: value.lower() in ("true", "1", "yes")})
            continue
        if not word:
            continue
        any_field = Q()
        for field in text_fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def group_directory(actor: Actor) -> QuerySet[Group]:
    """The groups the actor may file tickets into, by name (``scope_group_directory``)."""
    return perms.scope_group_directory(actor, Group.objects.order_by("name", "id"))


def get_user_by_login(actor: Actor, login: str) -> User:
    """The user whose login is exactly ``login``, case included (django-helpdesk's
    ``find_user``); ``NotFound`` when there is none or the actor may not look them up."""
    user = perms.scope_users(actor, User.objects.filter(login=login)).first()
    if user is None:
        raise NotFound(f"no user with the login {login!r}", code="user.not_found")
    return user


# Types a browser may be handed as they are; anything else (HTML, SVG, scripts, unknown)
# goes out as application/octet-stream. Every download is an attachment either way.
SAFE_DOWNLOAD_TYPES = frozenset(
    {
        "application/pdf",
        "image/gif",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/csv",
        "text/plain",
        "application/zip",
    }
)


NOTIFICATION_SORT_FIELDS = frozenset(
    {"id", "seen", "object_type", "object_id", "created_at", "updated_at"}
)


def list_notifications(
    actor: Actor, *, seen: bool | None = None, sort: Sort | None = None
) -> QuerySet[OnlineNotification]:
    """The actor's own notifications, newest first or by ``sort`` (fields of
    ``NOTIFICATION_SORT_FIELDS``); a guest has none to list."""
    if actor.user_id is None:
        raise NotAuthenticated(
            "notifications belong to a signed-in user", code="notification.login_required"
        )
    qs = OnlineNotification.objects.filter(user_id=actor.user_id)
    if seen is not None:
        qs = qs.filter(seen=seen)
    return apply_sort(qs, sort, NOTIFICATION_SORT_FIELDS, [("id", True)])


def get_notification(actor: Actor, notification_id: int) -> OnlineNotification:
    found = list_notifications(actor).filter(pk=notification_id).first()
    if found is None:
        raise NotFound(f"no notification {notification_id}", code="notification.not_found")
    return found


def safe_download_type(content_type: str) -> str:
    value = (content_type or "").split(";", 1)[0].strip().lower()
    if value not in SAFE_DOWNLOAD_TYPES:
        return "application/octet-stream"
    if value.startswith("text/"):
        return f"{value}; charset=utf-8"
    return value


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in RFC 5987 form."""
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@dataclass(frozen=True)
class AttachmentDownload:
    """Everything a door needs to hand out a stored file without making it live content."""

    attachment: Attachment
    filename: str
    content_type: str
    size: int
    headers: dict[str, str] = dataclasses.field(default_factory=dict)

    def open(self) -> IO[bytes]:
        return default_storage.open(self.attachment.store.name, "rb")


def get_attachment_download(actor: Actor, attachment_id: int) -> AttachmentDownload:
    """The file of an attachment the actor may see (``NotFound`` otherwise), with the
    headers that keep it inert: attachment disposition, a safe type, nosniff, a sandbox."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(f"no attachment {attachment_id}", code="attachment.not_found")
    try:
        require_object_access(actor, attachment.object_type, attachment.object_id, "read")
    except NotFound:
        raise NotFound(f"no attachment {attachment_id}", code="attachment.not_found") from None
    content_type = safe_download_type(attachment.content_type)
    return AttachmentDownload(
        attachment=attachment,
        filename=attachment.filename,
        content_type=content_type,
        size=attachment.size,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": content_disposition(attachment.filename),
            "Content-Length": str(attachment.size),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


def admin_users(
    actor: Actor, *, query: str = "", role_id: int | None = None, active: bool | None = None
) -> QuerySet[User]:
    """The user administration list (``admin.user``): matching ``query`` like the user
    search, with a role (a NodePoint level is a role), active or not; by login (any case),
    with their roles (what the list and the user form show: the API shape's joins made
    SQLite sort all 50,000 users for a page of 50)."""
    perms.require(actor, perms.ADMIN_USER)
    roles = Prefetch("roles", queryset=Role.objects.only("id", "name").order_by("id"))
    qs = User.objects.prefetch_related(roles)
    if query.strip():
        qs = qs.filter(search_condition(query, **USER_SEARCH))
    if role_id is not None:
        qs = qs.filter(roles__id=role_id)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by(Lower("login"))  # off the case-blind unique index


def admin_roles(actor: Actor) -> QuerySet[Role]:
    """Every role, for the user administration forms (``admin.user``)."""
    perms.require(actor, perms.ADMIN_USER)
    return Role.objects.filter(active=True).order_by("name")


def admin_groups(actor: Actor) -> QuerySet[Group]:
    """The group administration list (``admin.group``), by name, with members."""
    perms.require(actor, perms.ADMIN_GROUP)
    return with_group_relations(Group.objects.all()).order_by("name")


def admin_group_rows(actor: Actor) -> list[tuple[Group, list[str]]]:
    """The group administration list (``admin.group``): each group by name, with its
    members' logins (read as pairs: whole users and memberships, then regrouped in the
    template, took the page 60 ms for 50 groups)."""
    perms.require(actor, perms.ADMIN_GROUP)
    members: dict[int, list[str]] = {}
    pairs = (
        GroupMembership.objects.order_by("user__login", "group_id")
        .values_list("group_id", "user__login")
        .distinct()
    )
    for group_id, login in pairs:
        members.setdefault(group_id, []).append(login)
    groups = Group.objects.order_by("name").only("id", "name", "active")
    return [(group, members.get(group.pk, [])) for group in groups]


def group_member_candidates(actor: Actor) -> QuerySet[User]:
    """Active users who may work tickets (agents and admins), for a group's member list
    (``admin.group``)."""
    perms.require(actor, perms.ADMIN_GROUP)
    return (
        User.objects.filter(
            active=True,
            roles__active=True,
            roles__permissions__name__in=[perms.TICKET_AGENT, perms.ADMIN],
        )
        .distinct()
        .order_by("login")
    )


def get_directory_group(actor: Actor, group_id: int) -> Group:
    """One group of the actor's ``group_directory``, else ``NotFound``."""
    if not valid_id(group_id):
        raise _missing("group", group_id)
    group = group_directory(actor).filter(pk=group_id).first()
    if group is None:
        raise _missing("group", group_id)
    return group
