"""Use cases about users: credentials, administrators."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password as check_hash
from django.db import transaction
from django.db.models import F

from helpline.core import permissions as perms
from helpline.core import rules
from helpline.core.models import Role, User
from helpline.lib import clock
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict


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
