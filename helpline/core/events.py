"""Domain events published by the core services (see ``helpline.lib.events``).

Subscribers in other apps react to them: the tickets app subscribes to ``GroupCreated`` in
the same transaction to give every new group its default category.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupCreated:
    group_id: int
    actor_id: int | None


@dataclass(frozen=True)
class GroupDeleted:
    group_id: int
    actor_id: int | None


@dataclass(frozen=True)
class UserCreated:
    user_id: int
    actor_id: int | None


@dataclass(frozen=True)
class UserUpdated:
    user_id: int
    actor_id: int | None
    fields: tuple[str, ...]


@dataclass(frozen=True)
class UserDeleted:
    user_id: int
    actor_id: int | None


@dataclass(frozen=True)
class OrganizationCreated:
    organization_id: int
    actor_id: int | None


@dataclass(frozen=True)
class OrganizationDeleted:
    organization_id: int
    actor_id: int | None


@dataclass(frozen=True)
class TagsChanged:
    """An object's tags changed (``object_type`` as in ``Tagging``: "Ticket", ...); the search
    index rewrites the object's entry in the same transaction."""

    object_type: str
    object_id: int
    actor_id: int | None
