"""Fixtures for the SLA tests: a frozen clock, a desk (group, agents, customer, a Berlin
calendar), and helpers that write tickets and articles with the ORM and publish the events
exactly as the ticket services do."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from helpline.lib import events
from helpline.testing.factories import GroupFactory, OrganizationFactory, UserFactory
from helpline.tickets.events import ArticleAdded, TicketCreated, TicketUpdated
from helpline.tickets.models import (
    Article,
    ArticleSender,
    ArticleType,
    Calendar,
    Sla,
    Ticket,
    TicketCategory,
    TicketState,
)

BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = {
    day: {"active": day not in ("sat", "sun"), "timeframes": [["09:00", "17:00"]]}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
_numbers = itertools.count(50001)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


class FrozenClock:
    """Stands in for ``helpline.lib.clock.now`` and Django's ``timezone.now`` (so rows'
    ``created_at`` agree with the clock the SLA code reads)."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, **delta: float) -> None:
        self.at = self.at + timedelta(**delta)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    clock = FrozenClock(berlin(2025, 6, 2, 9, 0))  # a Monday, 09:00 in Berlin
    monkeypatch.setattr("helpline.lib.clock.now", clock)
    monkeypatch.setattr("django.utils.timezone.now", clock)
    return clock


@pytest.fixture
def calendar(db) -> Calendar:
    return Calendar.objects.create(
        name="Berlin office",
        timezone="Europe/Berlin",
        business_hours=NINE_TO_FIVE,
        public_holidays={"2025-06-09": {"active": True, "summary": "Whit Monday"}},
    )


@pytest.fixture
def support(db):
    return GroupFactory(name="Support")


@pytest.fixture
def agent(support):
    return UserFactory(login="agent.anna", roles=["Agent"], groups=[support])


@pytest.fixture
def customer(db):
    return UserFactory(login="cust.carl", roles=["Customer"])


def make_sla(calendar: Calendar, name: str = "Standard", **fields: Any) -> Sla:
    return Sla.objects.create(name=name, calendar=calendar, **fields)


def open_ticket(
    group,
    *,
    customer=None,
    owner=None,
    organization=None,
    state: str = "new",
    priority_id: int = 2,
    on_hold: bool = False,
    first_sender: str | None = "Customer",
) -> Ticket:
    """A ticket with its first article, as the create service writes it."""
    with transaction.atomic():
        category, _ = TicketCategory.objects.get_or_create(
            group=group, is_default=True, defaults={"name": "General"}
        )
        ticket = Ticket.objects.create(
            number=str(next(_numbers)),
            title="The printer is on fire",
            group=group,
            category=category,
            state=TicketState.objects.get(name=state),
            priority_id=priority_id,
            customer=customer,
            owner=owner,
            organization=organization,
            on_hold=on_hold,
        )
        article = None
        if first_sender:
            article = Article.objects.create(
                ticket=ticket,
                type=ArticleType.objects.get(name="web"),
                sender=ArticleSender.objects.get(name=first_sender),
                body="Help",
            )
        events.publish(
            TicketCreated(ticket_id=ticket.pk, actor_id=None, article_id=article and article.pk)
        )
    ticket.refresh_from_db()
    return ticket


def add_article(
    ticket: Ticket, *, sender: str = "Agent", internal: bool = False, type: str = "email"
) -> Article:
    """An article as the article service writes it: row, then ``ArticleAdded``."""
    with transaction.atomic():
        article = Article.objects.create(
            ticket=ticket,
            type=ArticleType.objects.get(name=type),
            sender=ArticleSender.objects.get(name=sender),
            internal=internal,
            body="Reply",
        )
        events.publish(
            ArticleAdded(
                ticket_id=ticket.pk,
                article_id=article.pk,
                actor_id=None,
                internal=internal,
                sender=sender,
            )
        )
    ticket.refresh_from_db()
    return article


def change_ticket(ticket: Ticket, **fields: Any) -> Ticket:
    """A ticket update as the update service writes it: save, then ``TicketUpdated``
    with ``changes`` {field: (old, new)} (ids for relations)."""
    if "state" in fields:
        fields["state_id"] = TicketState.objects.get(name=fields.pop("state")).pk
    with transaction.atomic():
        ticket.refresh_from_db()
        changes = {}
        for name, value in fields.items():
            old = getattr(ticket, name)
            if old != value:
                changes[name] = (old, value)
                setattr(ticket, name, value)
        ticket.save(update_fields=[*fields, "updated_at"])
        events.publish(TicketUpdated(ticket_id=ticket.pk, actor_id=None, changes=changes))
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme")
