"""The ticket world every ticket test starts from: two groups, two organizations, one
persona of each kind, and one ticket filed by a customer of a shared organization."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from helpline.core.models import Group, Organization, User
from helpline.lib.actor import Actor
from helpline.testing.factories import (
    GroupFactory,
    OrganizationFactory,
    TicketFactory,
    UserFactory,
)
from helpline.tickets.models import Ticket


@dataclass
class World:
    group: Group
    other_group: Group
    org: Organization
    other_org: Organization
    admin: User
    agent: User
    outsider: User
    customer: User
    colleague: User
    stranger: User
    ticket: Ticket

    def actor(self, user: User) -> Actor:
        user.forget_permissions()
        return Actor.for_user(user)


@pytest.fixture
def world(db) -> World:
    group = GroupFactory(name="Service Desk")
    other_group = GroupFactory(name="Facilities")
    org = OrganizationFactory(name="Acme", shared=True)
    other_org = OrganizationFactory(name="Globex", shared=True)
    admin = UserFactory(login="boss", roles=["Admin"])
    agent = UserFactory(login="alice", roles=["Agent"], groups=[group])
    outsider = UserFactory(login="oscar", roles=["Agent"], groups=[other_group])
    customer = UserFactory(login="carol", roles=["Customer"], organization=org)
    colleague = UserFactory(login="colin", roles=["Customer"], organization=org)
    stranger = UserFactory(login="sam", roles=["Customer"], organization=other_org)
    ticket = TicketFactory(
        title="Printer on fire",
        group=group,
        customer=customer,
        created_by=customer,
        description="It is on fire.",
    )
    return World(
        group=group,
        other_group=other_group,
        org=org,
        other_org=other_org,
        admin=admin,
        agent=agent,
        outsider=outsider,
        customer=customer,
        colleague=colleague,
        stranger=stranger,
        ticket=ticket,
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (event delivery) of the wrapped block as if it committed."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    """Stored files of each test go to its own folder."""
    location = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location
