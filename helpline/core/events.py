"""Domain events of core (people, groups). Published by core services inside their
transaction; other apps subscribe (the tickets app gives every new group its default
category, in the same transaction)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupCreated:
    group_id: int
    actor_id: int | None
