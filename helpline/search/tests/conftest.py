"""Tickets made with the ORM, with the events the ticket services publish."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F

from helpline.core.models import Group, Organization, Tag, Tagging, User
from helpline.lib import events
from helpline.testing.factories import GroupFactory, OrganizationFactory, UserFactory
from helpline.tickets.events import ArticleAdded, TicketCreated
from helpline.tickets.models import (
    Article,
    ArticleSender,
    ArticleType,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketPriority,
    TicketState,
)


def default_category(group: Group) -> TicketCategory:
    category, _ = TicketCategory.objects.get_or_create(
        group=group, is_default=True, defaults={"name": "General"}
    )
    return category


def next_number() -> str:
    TicketCounter.objects.filter(name="ticket").update(value=F("value") + 1)
    return str(TicketCounter.objects.get(name="ticket").value)


def add_article(
    ticket: Ticket, body: str, *, internal: bool = False, content_type: str = "text/plain"
) -> Article:
    """An article as the add-article service writes it, with its event."""
    with transaction.atomic():
        article = Article.objects.create(
            ticket=ticket,
            type=ArticleType.objects.get(name="note" if internal else "web"),
            sender=ArticleSender.objects.get(name="Agent"),
            internal=internal,
            body=body,
            content_type=content_type,
        )
        Ticket.objects.filter(pk=ticket.pk).update(article_count=F("article_count") + 1)
        events.publish(ArticleAdded(ticket.pk, article.pk, None, internal=internal))
    return article


def make_ticket(
    title: str,
    *,
    group: Group,
    body: str = "",
    customer: User | None = None,
    organization: Organization | None = None,
    owner: User | None = None,
    state: str = "open",
    priority: str = "2 normal",
    tags: tuple[str, ...] = (),
    created_at: datetime | None = None,
    content_type: str = "text/plain",
    **extra: Any,
) -> Ticket:
    """A ticket with its first article, written and announced as the create service does."""
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=next_number(),
            title=title,
            group=group,
            category=default_category(group),
            state=TicketState.objects.get(name=state),
            priority=TicketPriority.objects.get(name=priority),
            customer=customer,
            organization=organization or (customer.organization if customer else None),
            owner=owner,
            article_count=1 if body else 0,
            **extra,
        )
        if created_at is not None:
            Ticket.objects.filter(pk=ticket.pk).update(created_at=created_at)
            ticket.created_at = created_at
        article = None
        if body:
            article = Article.objects.create(
                ticket=ticket,
                type=ArticleType.objects.get(name="web"),
                sender=ArticleSender.objects.get(name="Customer"),
                body=body,
                content_type=content_type,
            )
        for name in tags:
            tag, _ = Tag.objects.get_or_create(name=name)
            Tagging.objects.create(tag=tag, object_type="Ticket", object_id=ticket.pk)
        events.publish(TicketCreated(ticket.pk, None, article.pk if article else None))
    return ticket


@pytest.fixture
def group_a(db) -> Group:
    return GroupFactory(name="Hardware")


@pytest.fixture
def group_b(db) -> Group:
    return GroupFactory(name="Network")


@pytest.fixture
def acme(db) -> Organization:
    return OrganizationFactory(name="Acme Corp", email="office@acme.test")


@pytest.fixture
def alice(acme) -> User:
    return UserFactory(
        login="alice", email="alice@acme.test", firstname="Alice", lastname="Smith",
        organization=acme,
    )  # fmt: skip


@pytest.fixture
def bob(db) -> User:
    return UserFactory(login="bob", email="bob@example.net", firstname="Bob", lastname="Jones")


@pytest.fixture
def agent(db) -> User:
    return UserFactory(
        login="agent.ann", email="ann@helpdesk.test", firstname="Ann", lastname="Agent",
        roles=["Agent"],
    )  # fmt: skip
