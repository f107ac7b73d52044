"""Scoped reads of core things (groups, users); every door reads through these."""

from __future__ import annotations

from django.db.models import QuerySet

from helpline.core import permissions as perms
from helpline.core.models import Group, User
from helpline.lib.actor import Actor
from helpline.lib.errors import NotFound


def visible_groups(actor: Actor) -> QuerySet[Group]:
    """The groups the actor may know of, by name (``permissions.scope_groups``)."""
    return perms.scope_groups(actor, Group.objects.order_by("name", "id"))


def get_user_by_login(actor: Actor, login: str) -> User:
    """The user whose login is exactly ``login``, case included (django-helpdesk's
    ``find_user``); ``NotFound`` when there is none or the actor may not look them up."""
    user = perms.scope_users(actor, User.objects.filter(login=login)).first()
    if user is None:
        raise NotFound(f"no user with the login {login!r}", code="user.not_found")
    return user
