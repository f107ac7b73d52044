from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from helpline.core.attribute_rules import normalise_data_option
from helpline.core.models import Group, GroupMembership, ObjectAttribute, Organization, Role, User

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


class ObjectAttributeFactory(DjangoModelFactory):
    """A custom attribute already in force (migrations executed):
    ``ObjectAttributeFactory(name="product", data_type="select", data_option={"options": {...}})``.
    ``data_option`` is completed with Zammad's defaults as ``create_attribute`` does."""

    class Meta:
        model = ObjectAttribute

    object = "Ticket"
    name = factory.Sequence(lambda n: f"field{n}")
    display = factory.LazyAttribute(lambda a: a.name.title())
    data_type = "input"
    data_option = factory.LazyFunction(dict)
    editable = True
    active = True

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        kwargs["data_option"] = normalise_data_option(
            kwargs["name"], kwargs["data_type"], kwargs["data_option"]
        )
        return kwargs
