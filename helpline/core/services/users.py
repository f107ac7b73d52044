"""Use cases about users: credentials, administrators."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.hashers import check_password as check_hash
from django.db import transaction
from django.db.models import F, QuerySet

from helpline.core import permissions as perms
from helpline.core import rules, selectors
from helpline.core.events import UserCreated, UserDeleted, UserUpdated
from helpline.core.models import Group, GroupMembership, Organization, Role, User
from helpline.core.services.settings import get_setting
from helpline.lib import clock, events, refcache
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, PermissionDenied
from helpline.lib.references import find_references

# Profile fields anyone allowed to create or edit a user may set.
PROFILE_FIELDS = (
    "firstname", "lastname", "web", "phone", "fax", "mobile", "department", "street", "zip",
    "city", "country", "address", "job_title", "note", "image", "image_source", "vip",
    "out_of_office", "out_of_office_start_at", "out_of_office_end_at", "source",
)  # fmt: skip
# Profile fields only staff may set on someone else (how the desk treats the user).
STAFF_ONLY_FIELDS = frozenset({"vip", "note", "source"})


def check_credentials(login_or_email: str, password: str) -> User | None:
    """The active user with this login (any case) or email and password, else ``None``.

    A failed attempt counts in ``login_failed``; a success resets it and re-hashes the
    password when its hasher is outdated (imported bcrypt hashes become argon2).
    """
    try:
        user = User.objects.get_by_natural_key(login_or_email)
    except User.DoesNotExist:
        # Spend the same time as a real check so logins cannot be probed by timing.
        User().set_password(password)
        return None
    if not user.active or rules.is_api_login(user.login):
        return None  # the api account acts only through keys

    def upgrade(raw: str) -> None:
        user.set_password(raw)
        User.objects.filter(pk=user.pk).update(password=user.password)

    if not check_hash(password, user.password, setter=upgrade):
        User.objects.filter(pk=user.pk).update(login_failed=F("login_failed") + 1)
        return None
    User.objects.filter(pk=user.pk).update(login_failed=0, last_login=clock.now())
    return user


@dataclass(frozen=True)
class AdminResult:
    user: User
    created: bool
    password: str | None  # the generated password, shown once; None when given or unchanged


@transaction.atomic
def create_or_update_admin(
    actor: Actor, *, login: str, email: str, password: str | None = None
) -> AdminResult:
    """Make ``login`` an active administrator; a second call updates the same user.

    With no password a new one is generated for a new user and returned once; an existing
    user keeps theirs unless one is given.
    """
    perms.require(actor, perms.ADMIN_USER)
    login = rules.check_login(login)
    email = rules.check_email(email, required=True)
    if password is not None:
        rules.check_password(password)
    user = User.objects.select_for_update().filter(login__iexact=login).first()
    clash = User.objects.filter(email__iexact=email).exclude(login__iexact=login).first()
    if clash is not None:
        raise Conflict(
            f"the email {email} already belongs to user {clash.login}",
            code="user.email_taken",
            field="email",
        )
    generated = None
    created = user is None
    if user is None:
        user = User(login=login, email=email, verified=True, created_by=actor.user)
        if password is None:
            generated = password = secrets.token_urlsafe(12)
    user.email = email
    user.active = True
    user.updated_by = actor.user
    if password is not None:
        user.set_password(password)
    user.save()
    admin_role = Role.objects.get(name="Admin")
    user.roles.add(admin_role)
    user.forget_permissions()
    return AdminResult(user=user, created=created, password=generated)


def admin_exists() -> bool:
    return User.objects.filter(
        active=True, roles__active=True, roles__permissions__name=perms.ADMIN
    ).exists()


def default_signup_roles() -> list[Role]:
    """The roles a self-registered or agent-created user gets: the configured default role,
    else every role flagged ``default_at_signup``."""
    name = get_setting("users.default_role")
    roles = list(Role.objects.filter(name=name, active=True)) if name else []
    return roles or list(Role.objects.filter(default_at_signup=True, active=True))


@transaction.atomic
def create_user(
    actor: Actor,
    *,
    login: str | None = None,
    email: str = "",
    password: str | None = None,
    organization_id: int | None = None,
    organization_ids: list[int] | None = None,
    role_ids: list[int] | None = None,
    group_access: dict[int, list[str]] | None = None,
    verified: bool = False,
    active: bool = True,
    preferences: dict[str, object] | None = None,
    **profile: object,
) -> User:
    """Create a user, following Zammad's rules on who may set what:

    - ``admin.user`` may set roles and group access;
    - ``ticket.agent`` may create users but not set roles or groups: they get the default
      sign-up roles;
    - anyone else (a guest registering) only while ``users.allow_registrations`` is on, also
      with the default roles.

    Only staff (``admin.user``, ``ticket.agent``) may put the new user into organizations or
    set the fields that describe how the desk treats them (verified, VIP, note, source).

    ``login`` defaults to the email address. Passwords are optional (a customer created by an
    agent or by mail may never log in).
    """
    is_admin = actor.has(perms.ADMIN_USER)
    if (
        not is_admin
        and not actor.has(perms.TICKET_AGENT)
        and not get_setting("users.allow_registrations")
    ):
        raise PermissionDenied("registration is closed", code="user.registration_closed")
    if not is_admin and (role_ids or group_access):
        raise PermissionDenied(
            "only user administrators may set roles or groups", code="user.roles_forbidden"
        )
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(f"unknown user attribute {field!r}", code="user.unknown_field", field=field)
    if not is_admin and not actor.has(perms.TICKET_AGENT):
        asked = {k for k, v in profile.items() if k in STAFF_ONLY_FIELDS and v}
        if organization_id is not None or organization_ids:
            asked.add("organization_id")
        if verified:
            asked.add("verified")
        if asked:
            field = sorted(asked)[0]
            raise PermissionDenied(
                f"only agents and user administrators may set {field}",
                code="user.field_forbidden",
                field=field,
            )
    profile = _clean_profile(profile)
    if preferences is not None:
        rules.check_json_object(preferences, field="preferences", code="user")
    email = rules.check_email(email)
    login = rules.check_login(login or email)
    if password is not None:
        rules.check_password(password, minimum=get_setting("users.password_min_length"))
    if User.objects.filter(login__iexact=login).exists():
        raise Conflict(f"the login {login} is taken", code="user.login_taken", field="login")
    if email and User.objects.filter(email__iexact=email).exists():
        raise Conflict(f"the email {email} is taken", code="user.email_taken", field="email")
    verified = rules.check_bool(verified, field="verified", code="user")
    active = rules.check_bool(active, field="active", code="user")
    organization = None
    if organization_id is not None:
        organization = _existing_organizations([organization_id], "organization_id")[0]
    if role_ids:
        wanted = rules.check_ids(role_ids, field="role_ids", code="user")
        roles = list(Role.objects.filter(pk__in=wanted))
        if len(roles) != len(wanted):
            raise Invalid("unknown role id", code="user.role_unknown", field="role_ids")
    else:
        roles = default_signup_roles()
    access = _group_access(group_access) if group_access else None
    user = User(
        login=login,
        email=email,
        organization=organization,
        verified=verified,
        active=active,
        preferences=preferences or {},
        created_by=actor.user,
        updated_by=actor.user,
        **profile,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    user.roles.set(roles)
    if organization_ids:
        user.organizations.set(_existing_organizations(organization_ids))
    if access:
        _set_group_access(user, access)
    events.publish(UserCreated(user_id=user.pk, actor_id=actor.user_id))
    return user


def _set_group_access(user: User, group_access: dict[int, list[str]]) -> None:
    valid = set(GroupMembership.Access.values)
    groups = set(Group.objects.filter(pk__in=list(group_access)).values_list("pk", flat=True))
    rows = []
    for group_id, kinds in group_access.items():
        if int(group_id) not in groups:
            raise Invalid(
                f"no group with id {group_id}", code="user.group_unknown", field="group_ids"
            )
        for kind in kinds:
            if kind not in valid:
                raise Invalid(
                    f"unknown group access {kind!r}", code="user.group_access", field="group_ids"
                )
            rows.append(GroupMembership(user=user, group_id=int(group_id), access=kind))
    GroupMembership.objects.filter(user=user).delete()
    GroupMembership.objects.bulk_create(rows)
    refcache.changed()  # bulk_create sends no signal


# --- profile values

_BOOL_FIELDS = frozenset({"vip", "out_of_office", "verified", "active"})
_DATE_FIELDS = frozenset({"out_of_office_start_at", "out_of_office_end_at"})


def _clean_value(field: str, value: object) -> object:
    """Check one profile value against the column it lands in."""
    if field in _BOOL_FIELDS:
        return rules.check_bool(value, field=field, code="user")
    if field in _DATE_FIELDS:
        return _clean_date(field, value)
    column = User._meta.get_field(field)
    max_length = getattr(column, "max_length", None) or rules.NOTE_MAX
    return rules.check_text(value, field=field, max_length=max_length, code="user")


def _clean_date(field: str, value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise Invalid(f"{field} must be a date (YYYY-MM-DD)", code="user.not_date", field=field)


def _clean_profile(profile: dict[str, object]) -> dict[str, object]:
    return {field: _clean_value(field, value) for field, value in profile.items()}


def _existing_organizations(ids: object, field: str = "organization_ids") -> list[Organization]:
    wanted = rules.check_ids(ids, field=field, code="user")
    found = list(Organization.objects.filter(pk__in=wanted))
    if len(found) != len(wanted):
        missing = sorted(set(wanted) - {o.pk for o in found})
        raise Invalid(
            f"no organization with id {missing[0]}", code="user.organization_unknown", field=field
        )
    return found


def _ensure_an_admin_remains() -> None:
    if not admin_exists():
        raise Conflict(
            "this would leave Helpline without an active administrator",
            code="user.last_admin",
        )


# --- update


# What a user may change on their own account (their profile, not how the desk treats them).
SELF_FIELDS = frozenset(
    {
        "firstname", "lastname", "web", "phone", "fax", "mobile", "department", "street", "zip",
        "city", "country", "address", "job_title", "image", "image_source", "out_of_office",
        "out_of_office_start_at", "out_of_office_end_at", "out_of_office_replacement_id",
        "preferences",
    }
)  # fmt: skip
# What an agent may change on a customer account: everything but roles, groups and password.
AGENT_FIELDS = frozenset(
    {*PROFILE_FIELDS, *SELF_FIELDS, "login", "email", "organization_id", "organization_ids",
     "verified", "active"}
)  # fmt: skip
ALL_FIELDS = frozenset({*AGENT_FIELDS, "password", "role_ids", "group_access"})


def _current(user: User, field: str) -> object:
    if field == "role_ids":
        return sorted(r.pk for r in user.roles.all())
    if field == "organization_ids":
        return sorted(o.pk for o in user.organizations.all())
    if field == "group_access":
        access: dict[int, list[str]] = {}
        for m in GroupMembership.objects.filter(user=user):
            access.setdefault(m.group_id, []).append(m.access)
        return {gid: sorted(kinds) for gid, kinds in access.items()}
    if field == "password":
        return object()  # a password is never "unchanged"
    if field in ("organization_id", "out_of_office_replacement_id"):
        return getattr(user, field)
    return getattr(user, field)


def _normalized(field: str, value: object) -> object:
    """The value as ``_current`` would report it, to tell a real change from a resend."""
    if field in ("role_ids", "organization_ids") and isinstance(value, list | tuple | set):
        return sorted({v for v in value if isinstance(v, int)})
    if field == "group_access" and isinstance(value, dict):
        result: dict[object, object] = {}
        for gid, kinds in value.items():
            key = rules.id_from_text(gid)
            result[key] = sorted(kinds) if isinstance(kinds, list | tuple) else kinds
        return result
    if field in _DATE_FIELDS:
        try:
            return _clean_date(field, value)
        except Invalid:
            return value
    if field in ("email", "login") and isinstance(value, str):
        return value.strip()
    if value is None and field not in ("organization_id", "out_of_office_replacement_id"):
        return ""
    return value


def _allowed_fields(actor: Actor, user: User) -> frozenset[str]:
    if actor.has(perms.ADMIN_USER):
        return ALL_FIELDS
    if actor.has(perms.TICKET_AGENT) and not perms.is_staff_account(user):
        return AGENT_FIELDS
    if actor.user_id == user.pk and (
        actor.token_permissions is None or actor.has(perms.USER_PREFERENCES)
    ):
        return SELF_FIELDS
    raise PermissionDenied("you may not change this user", code="user.update_forbidden")


@transaction.atomic
def update_user(actor: Actor, user_id: int, **changes: object) -> User:
    """Change a user, following Zammad's rules on who may change what:

    - ``admin.user`` may change anything, roles and group access included;
    - ``ticket.agent`` may change customer accounts only, and not their roles, groups or
      password;
    - anyone may change their own profile (names, contact details, out of office,
      preferences) but not how the desk treats them.

    Sending a field back unchanged is never refused (clients PUT back what they read).
    The last active administrator cannot be disabled or lose the admin role.
    """
    user = selectors.get_user(actor, user_id)
    user = User.objects.select_for_update().get(pk=user.pk)
    unknown = set(changes) - ALL_FIELDS
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(f"unknown user attribute {field!r}", code="user.unknown_field", field=field)
    allowed = _allowed_fields(actor, user)
    changed = {k: v for k, v in changes.items() if _normalized(k, v) != _current(user, k)}
    if "preferences" in changed and changed["preferences"] == {}:
        changed.pop("preferences")
    if rules.is_api_login(user.login):
        for field in ("login", "password"):
            if field in changed:
                raise Conflict(
                    f"the api account's {field} cannot change",
                    code="user.special_account",
                    field=field,
                )
    for field in sorted(changed):
        if field not in allowed:
            raise PermissionDenied(
                f"you may not change {field} of this user",
                code="user.field_forbidden",
                field=field,
            )
    if not changed:
        return user  # nothing to write: a resend leaves updated_at/updated_by alone
    _apply_changes(user, changed)
    user.updated_by = actor.user
    user.save()
    if "role_ids" in changed or "active" in changed:
        user.forget_permissions()
        _ensure_an_admin_remains()
    events.publish(
        UserUpdated(user_id=user.pk, actor_id=actor.user_id, fields=tuple(sorted(changed)))
    )
    return user


def _apply_changes(user: User, changed: dict[str, object]) -> None:
    for field, value in changed.items():
        if field == "login":
            login = rules.check_login(str(value) if value is not None else "")
            if User.objects.filter(login__iexact=login).exclude(pk=user.pk).exists():
                raise Conflict(f"the login {login} is taken", code="user.login_taken", field=field)
            user.login = login
        elif field == "email":
            text = rules.check_text(value, field=field, max_length=None, code="user")
            email = rules.check_email(text)
            if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
                raise Conflict(f"the email {email} is taken", code="user.email_taken", field=field)
            user.email = email
        elif field == "password":
            if not isinstance(value, str):
                raise Invalid("password must be text", code="user.password_invalid", field=field)
            rules.check_password(value, minimum=get_setting("users.password_min_length"))
            user.set_password(value)
        elif field == "organization_id":
            user.organization = (
                None if value is None else _existing_organizations([value], field)[0]
            )
        elif field == "organization_ids":
            user.organizations.set(_existing_organizations(value))
        elif field == "role_ids":
            wanted = rules.check_ids(value, field=field, code="user")
            roles = list(Role.objects.filter(pk__in=wanted))
            if len(roles) != len(wanted):
                raise Invalid("unknown role id", code="user.role_unknown", field=field)
            user.roles.set(roles)
        elif field == "group_access":
            if not isinstance(value, dict):
                raise Invalid("group_ids must be an object", code="user.group_access", field=field)
            _set_group_access(user, _group_access(value))
        elif field == "preferences":
            merged = {
                **(user.preferences or {}),
                **rules.check_json_object(value, field=field, code="user"),
            }
            user.preferences = rules.check_json_object(merged, field=field, code="user")
        elif field == "out_of_office_replacement_id":
            if value is None:
                user.out_of_office_replacement = None
            else:
                replacement_id = rules.check_id(value, field=field, code="user")
                replacement = User.objects.filter(pk=replacement_id).first()
                if replacement is None:
                    raise Invalid(
                        f"no user with id {replacement_id}", code="user.unknown", field=field
                    )
                user.out_of_office_replacement = replacement
        else:
            setattr(user, field, _clean_value(field, value))


def _group_access(value: Mapping[Any, object]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    for key, kinds in value.items():
        group_id = rules.id_from_text(key)
        rules.check_id(group_id, field="group_ids", code="user")
        if isinstance(kinds, str):
            kinds = [kinds]
        if not isinstance(kinds, list | tuple) or not all(isinstance(k, str) for k in kinds):
            raise Invalid(
                'group access must be a list such as ["full"]',
                code="user.group_access",
                field="group_ids",
            )
        result[rules.check_id(group_id, field="group_ids", code="user")] = list(
            dict.fromkeys(kinds)
        )
    return result


# --- delete


@transaction.atomic
def delete_user(actor: Actor, user_id: int) -> None:
    """Delete a user (``admin.user``) who nothing refers to: no tickets, articles, history or
    rows they created. Their own memberships and access tokens go with them. Refused with
    ``Conflict`` otherwise (disable the user instead), for oneself, and for the last
    administrator."""
    perms.require(actor, perms.ADMIN_USER)
    user = selectors.get_user(actor, user_id)
    if user.pk == actor.user_id:
        raise Conflict("you cannot delete your own account", code="user.delete_self")
    if rules.is_api_login(user.login):
        raise Conflict("the api account cannot be deleted", code="user.special_account")
    references = find_references(user)
    if references:
        raise Conflict(
            f"user {user.login} is still referenced ({', '.join(references)}); "
            "disable the account instead",
            code="user.referenced",
        )
    user_pk = user.pk
    user.delete()
    _ensure_an_admin_remains()
    events.publish(UserDeleted(user_id=user_pk, actor_id=actor.user_id))


# --- search


def search_users(
    actor: Actor, query: str = "", *, sort: selectors.Sort | None = None
) -> QuerySet[User]:
    """Users matching ``query`` (agents and user administrators only, as in Zammad).

    Every word must match the login, first name, last name or email (any case, anywhere);
    ``field:value`` words match one field (``email:``, ``login:``, ``organization:``,
    ``id:``, ``organization_id:``, ``active:true``, ...); ``*`` is a wildcard and a query of
    only ``*`` or nothing matches everyone. Sorted by ``sort``, else most recently updated
    first.
    """
    if not perms.can_search_users(actor):
        raise PermissionDenied(
            "searching users needs ticket.agent or admin.user", code="user.search_forbidden"
        )
    qs = selectors.with_user_relations(selectors.people(selectors.visible_users(actor)))
    qs = qs.filter(selectors.search_condition(query, **selectors.USER_SEARCH))
    return selectors.apply_sort(
        qs, sort, selectors.USER_SORT_FIELDS, [("updated_at", True), ("id", True)]
    )
