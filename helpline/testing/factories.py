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


def _by_name(model: Any, value: Any) -> Any:
    """A seeded row from its name (any case) or id; rows pass through."""
    if value is None or isinstance(value, model):
        return value
    if isinstance(value, int):
        return model.objects.get(pk=value)
    return model.objects.get(name__iexact=value)


class TicketFactory(DjangoModelFactory):
    """``TicketFactory(state="open", priority="3 high", group=group)`` resolves the seeded
    states, priorities and article types by name. The category is the group's default one.
    Numbers are "F1", "F2", ... so they never collide with numbers the counter hands out.
    With ``description="..."`` the ticket gets its first article."""

    class Meta:
        model = "tickets.Ticket"
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"F{n + 1}")
    title = factory.Sequence(lambda n: f"Ticket {n}")
    group = factory.SubFactory(GroupFactory)
    state = "new"
    priority = "2 normal"
    category = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        from helpline.tickets.models import TicketPriority, TicketState
        from helpline.tickets.services.categories import ensure_default_category

        kwargs["state"] = _by_name(TicketState, kwargs.get("state"))
        kwargs["priority"] = _by_name(TicketPriority, kwargs.get("priority"))
        if kwargs.get("category") is None:
            kwargs["category"] = ensure_default_category(kwargs["group"])
        customer = kwargs.get("customer")
        if customer is not None and "organization" not in kwargs:
            kwargs["organization"] = customer.organization
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def assignees(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if extracted:
            self.assignees.set(extracted)

    @factory.post_generation
    def description(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if extracted:
            ArticleFactory(ticket=self, body=extracted, sender="Customer", type="web")
            self.article_count = 1
            self.save(update_fields=["article_count"])


class ArticleFactory(DjangoModelFactory):
    """``ArticleFactory(ticket=t, sender="Agent", type="note", internal=True)``."""

    class Meta:
        model = "tickets.Article"

    ticket = factory.SubFactory(TicketFactory)
    type = "note"
    sender = "Agent"
    body = factory.Sequence(lambda n: f"Message {n}")
    content_type = "text/plain"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        from helpline.tickets.models import ArticleSender, ArticleType

        kwargs["type"] = _by_name(ArticleType, kwargs.get("type"))
        kwargs["sender"] = _by_name(ArticleSender, kwargs.get("sender"))
        return super()._create(model_class, *args, **kwargs)
