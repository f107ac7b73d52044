from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from helpline.core.models import Group, GroupMembership, Organization, Role, User

PASSWORD = "correct horse"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Org {n}")
    shared = True


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Group {n}")


class UserFactory(DjangoModelFactory):
    """``UserFactory(roles=["Agent"], groups=[group])`` resolves the seeded roles by name."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    login = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.login}@example.com")
    firstname = factory.Sequence(lambda n: f"First{n}")
    lastname = "Tester"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        names = extracted if extracted is not None else ["Customer"]
        self.roles.set(Role.objects.filter(name__in=names))
        self.save()

    @factory.post_generation
    def groups(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for group in extracted or []:
            GroupMembership.objects.get_or_create(user=self, group=group, access="full")
