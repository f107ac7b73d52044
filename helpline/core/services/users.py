"""Use cases about users: credentials, administrators."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password as check_hash
from django.db import transaction
from django.db.models import F

from helpline.core import permissions as perms
from helpline.core import rules
from helpline.core.models import Group, GroupMembership, Organization, Role, User
from helpline.core.services.settings import get_setting
from helpline.lib import clock
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, PermissionDenied

# Profile fields anyone allowed to create or edit a user may set.
PROFILE_FIELDS = (
    "firstname", "lastname", "web", "phone", "fax", "mobile", "department", "street", "zip",
    "city", "country", "address", "job_title", "note", "image", "image_source", "vip",
    "out_of_office", "out_of_office_start_at", "out_of_office_end_at", "source",
)  # fmt: skip


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
    if not user.active:
        return None

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
    email = rules.check_email(email)
    login = rules.check_login(login or email)
    if password is not None:
        rules.check_password(password, minimum=get_setting("users.password_min_length"))
    if User.objects.filter(login__iexact=login).exists():
        raise Conflict(f"the login {login} is taken", code="user.login_taken", field="login")
    if email and User.objects.filter(email__iexact=email).exists():
        raise Conflict(f"the email {email} is taken", code="user.email_taken", field="email")
    organization = None
    if organization_id is not None:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            raise Invalid(
                f"no organization with id {organization_id}",
                code="user.organization_unknown",
                field="organization_id",
            )
    if role_ids:
        roles = list(Role.objects.filter(pk__in=role_ids))
        if len(roles) != len(set(role_ids)):
            raise Invalid("unknown role id", code="user.role_unknown", field="role_ids")
    else:
        roles = default_signup_roles()
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
    if group_access:
        _set_group_access(user, group_access)
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
