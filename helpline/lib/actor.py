"""Who is acting: a user, a user through an access token, the system, or a guest.

Services take an ``Actor`` as their first argument and ask it for permissions; doors build
one from whatever credentials they understand. An access token narrows the user's
permissions to the token's list; the system actor may do anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class PermissionHolder(Protocol):
    pk: Any

    def has_permission(self, name: str) -> bool: ...


def permission_matches(granted: str, wanted: str) -> bool:
    """Zammad's rule: ``admin`` grants ``admin.user``; ``ticket.*`` grants ``ticket.agent``."""
    granted = granted.removesuffix(".*")
    return wanted == granted or wanted.startswith(granted + ".")


@dataclass(frozen=True)
class Actor:
    user: Any = None
    kind: str = "user"  # user | token | system | guest
    token_permissions: frozenset[str] | None = None
    via: str = ""  # the door, for logs and history ("api", "djhelpdesk", "mail", ...)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def system(cls, via: str = "system") -> Actor:
        return cls(user=None, kind="system", via=via)

    @classmethod
    def guest(cls, via: str = "web") -> Actor:
        return cls(user=None, kind="guest", via=via)

    @classmethod
    def for_user(cls, user: Any, via: str = "web") -> Actor:
        return cls(user=user, kind="user", via=via)

    @classmethod
    def for_token(cls, user: Any, permissions: frozenset[str], via: str = "api") -> Actor:
        return cls(user=user, kind="token", token_permissions=permissions, via=via)

    @property
    def is_system(self) -> bool:
        return self.kind == "system"

    @property
    def is_guest(self) -> bool:
        return self.kind == "guest" or (self.user is None and not self.is_system)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    def has(self, permission: str) -> bool:
        """True when the actor holds ``permission`` (or a parent of it)."""
        if self.is_system:
            return True
        if self.user is None or not getattr(self.user, "active", False):
            return False
        if self.token_permissions is not None and not any(
            permission_matches(p, permission) for p in self.token_permissions
        ):
            return False
        return bool(self.user.has_permission(permission))

    def has_any(self, *permissions: str) -> bool:
        return any(self.has(p) for p in permissions)

    def __str__(self) -> str:
        if self.is_system:
            return "system"
        if self.user is None:
            return "guest"
        return str(getattr(self.user, "login", self.user.pk))
