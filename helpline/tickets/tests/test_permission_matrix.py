"""Every ticket service against every persona, from one table.

Personas: an admin, an agent of the ticket's group, an agent of another group, the ticket's
customer, a customer of the same shared organization, a customer of the same organization
when it is not shared, a customer of another organization, a guest, and an access token of
the group's agent with and without ``ticket.agent``. Settings are the defaults (visibility
"restricted", no guest tickets).

Allowed: the call returns and an event left (where the service publishes one). Denied: the
call raises ``PermissionDenied`` or ``NotFound``, no row changed and no event left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.forms.models import model_to_dict

from helpline.core.models import (
    Attachment,
    HistoryEntry,
    OnlineNotification,
    Tag,
    Tagging,
    User,
)
from helpline.core.services import tags
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import NotFound, PermissionDenied
from helpline.testing.factories import TicketFactory
from helpline.tickets import selectors
from helpline.tickets import services as svc
from helpline.tickets.events import (
    ArticleAdded,
    TicketCreated,
    TicketDeleted,
    TicketFollowed,
    TicketMerged,
    TicketUnfollowed,
    TicketUpdated,
)
from helpline.tickets.models import Article, Subscription, Ticket, TicketCategory, TicketCounter

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "agent_in_group",
    "agent_outside",
    "customer_owner",
    "customer_shared_org",
    "customer_nonshared_org",
    "other_customer",
    "guest",
    "token_agent",
    "token_without_permission",
]


def actor_for(world: Any, persona: str) -> Actor:
    if persona == "customer_nonshared_org":
        world.org.shared = False
        world.org.save()
    users = {
        "admin": world.admin,
        "agent_in_group": world.agent,
        "agent_outside": world.outsider,
        "customer_owner": world.customer,
        "customer_shared_org": world.colleague,
        "customer_nonshared_org": world.colleague,
        "other_customer": world.stranger,
    }
    if persona == "guest":
        return Actor.guest()
    if persona == "token_agent":
        return Actor.for_token(world.agent, frozenset({"ticket.agent"}))
    if persona == "token_without_permission":
        return Actor.for_token(world.agent, frozenset({"user_preferences"}))
    return world.actor(users[persona])


# Preconditions some services need before the persona acts (made by the system).
def _closed(world: Any) -> None:
    svc.close_ticket(Actor.system(), world.ticket.pk)


def _on_hold(world: Any) -> None:
    svc.hold_ticket(Actor.system(), world.ticket.pk)


def _followed_by_everyone(world: Any) -> None:
    for user in (world.admin, world.agent, world.outsider, world.customer, world.colleague):
        Subscription.objects.get_or_create(ticket=world.ticket, user=user)


def _tagged(world: Any) -> None:
    tags.add_tag(Actor.system(), "Ticket", world.ticket.pk, "printer")


def _second_ticket(world: Any) -> None:
    world.second = TicketFactory(
        title="Also on fire", group=world.group, customer=world.customer, description="Again."
    )


def _assigned_to_everyone(world: Any) -> None:
    world.ticket.assignees.add(world.admin, world.agent, world.outsider)


Call = Callable[[Actor, Any], Any]

# name -> (call, precondition, event types an allowed call publishes)
SERVICES: dict[str, tuple[Call, Callable[[Any], None] | None, tuple[type, ...]]] = {
    "read": (lambda a, w: selectors.get_ticket(a, w.ticket.pk), None, ()),
    "list_articles": (lambda a, w: list(selectors.list_articles(a, w.ticket.pk)), None, ()),
    "create": (
        lambda a, w: svc.create_ticket(a, title="New", body="Help", group=w.group.pk),
        None,
        (TicketCreated,),
    ),
    "update_title": (
        lambda a, w: svc.update_ticket(a, w.ticket.pk, {"title": "Renamed"}),
        None,
        (TicketUpdated,),
    ),
    "update_priority": (
        lambda a, w: svc.update_ticket(a, w.ticket.pk, {"priority": "3 high"}),
        None,
        (TicketUpdated,),
    ),
    "add_public_article": (
        lambda a, w: svc.add_article(a, w.ticket.pk, body="More info"),
        None,
        (ArticleAdded,),
    ),
    "add_internal_article": (
        lambda a, w: svc.add_article(a, w.ticket.pk, body="Note to self", internal=True),
        None,
        (ArticleAdded,),
    ),
    "assign": (lambda a, w: svc.assign_ticket(a, w.ticket.pk, w.agent.pk), None, (TicketUpdated,)),
    "claim": (lambda a, w: svc.claim_ticket(a, w.ticket.pk), None, (TicketUpdated,)),
    "release": (
        lambda a, w: svc.release_ticket(a, w.ticket.pk),
        _assigned_to_everyone,
        (TicketUpdated,),
    ),
    "add_self_as_assignee": (
        lambda a, w: svc.add_assignee(a, w.ticket.pk, a.user_id),
        None,
        (TicketUpdated,),
    ),
    "add_other_assignee": (
        lambda a, w: svc.add_assignee(a, w.ticket.pk, w.agent.pk),
        None,
        (TicketUpdated,),
    ),
    "follow": (lambda a, w: svc.follow_ticket(a, w.ticket.pk), None, (TicketFollowed,)),
    "unfollow": (
        lambda a, w: svc.unfollow_ticket(a, w.ticket.pk),
        _followed_by_everyone,
        (TicketUnfollowed,),
    ),
    "hold": (lambda a, w: svc.hold_ticket(a, w.ticket.pk), None, (TicketUpdated,)),
    "unhold": (lambda a, w: svc.unhold_ticket(a, w.ticket.pk), _on_hold, (TicketUpdated,)),
    "resolve": (
        lambda a, w: svc.resolve_ticket(a, w.ticket.pk, resolution="Replaced the toner"),
        None,
        (TicketUpdated,),
    ),
    "close": (lambda a, w: svc.close_ticket(a, w.ticket.pk), None, (TicketUpdated,)),
    "reopen": (lambda a, w: svc.reopen_ticket(a, w.ticket.pk), _closed, (TicketUpdated,)),
    "merge": (
        lambda a, w: svc.merge_ticket(a, w.second.pk, w.ticket.pk),
        _second_ticket,
        (TicketMerged,),
    ),
    "delete": (lambda a, w: svc.delete_ticket(a, w.ticket.pk), None, (TicketDeleted,)),
    "tag_add": (lambda a, w: tags.add_tag(a, "Ticket", w.ticket.pk, "urgent"), None, ()),
    "tag_remove": (lambda a, w: tags.remove_tag(a, "Ticket", w.ticket.pk, "printer"), _tagged, ()),
    "tag_list": (lambda a, w: tags.list_tags(a, "Ticket", w.ticket.pk), _tagged, ()),
}

Y, N = True, False
# fmt: off
#                         admin agent_in outside owner shared nonshared other guest tok_ag tok_none
MATRIX: dict[str, tuple[bool, ...]] = {
    "read":                 (Y,    Y,      N,      Y,    Y,     N,        N,    N,    Y,     N),
    "list_articles":        (Y,    Y,      N,      Y,    Y,     N,        N,    N,    Y,     N),
    "create":               (Y,    Y,      N,      Y,    Y,     Y,        Y,    N,    Y,     N),
    "update_title":         (Y,    Y,      N,      Y,    Y,     N,        N,    N,    Y,     N),
    "update_priority":      (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "add_public_article":   (Y,    Y,      N,      Y,    Y,     N,        N,    N,    Y,     N),
    "add_internal_article": (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "assign":               (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "claim":                (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "release":              (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "add_self_as_assignee": (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "add_other_assignee":   (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "follow":               (Y,    Y,      N,      Y,    Y,     N,        N,    N,    Y,     N),
    "unfollow":             (Y,    Y,      N,      Y,    Y,     N,        N,    N,    Y,     N),
    "hold":                 (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "unhold":               (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "resolve":              (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "close":                (Y,    N,      N,      Y,    N,     N,        N,    N,    N,     N),
    "reopen":               (Y,    Y,      N,      Y,    Y,     N,        N,    N,    Y,     N),
    "merge":                (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "delete":               (Y,    N,      N,      N,    N,     N,        N,    N,    N,     N),
    "tag_add":              (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "tag_remove":           (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
    "tag_list":             (Y,    Y,      N,      N,    N,     N,        N,    N,    Y,     N),
}
# fmt: on

CASES = [
    pytest.param(service, persona, MATRIX[service][i], id=f"{service}-{persona}")
    for service in MATRIX
    for i, persona in enumerate(PERSONAS)
]


def test_the_table_covers_every_service_and_persona():
    assert set(MATRIX) == set(SERVICES)
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())


def snapshot() -> dict[str, Any]:
    """Every row a ticket service may touch."""
    state: dict[str, Any] = {
        "tickets": [
            (model_to_dict(t, exclude=["assignees"]), t.updated_at)
            for t in Ticket.objects.order_by("pk")
        ],
        "assignees": sorted(Ticket.assignees.through.objects.values_list("ticket_id", "user_id")),
        "articles": list(Article.objects.order_by("pk").values()),
        "counter": list(TicketCounter.objects.values_list("name", "value")),
        "users": list(User.objects.order_by("pk").values_list("pk", "login", "updated_at")),
    }
    for model in (
        HistoryEntry,
        Subscription,
        Tag,
        Tagging,
        OnlineNotification,
        Attachment,
        TicketCategory,
    ):
        state[model.__name__] = list(model.objects.order_by("pk").values())
    return state


@pytest.mark.parametrize(("service", "persona", "allowed"), CASES)
def test_permission_matrix(world, commit, service, persona, allowed):
    call, precondition, published = SERVICES[service]
    if precondition is not None:
        precondition(world)
    actor = actor_for(world, persona)
    before = snapshot()
    with events.capture() as seen, commit():
        if allowed:
            call(actor, world)
        else:
            with pytest.raises((PermissionDenied, NotFound)):
                call(actor, world)
    if allowed:
        assert {type(e) for e in seen} >= set(published)
    else:
        assert seen == []
        assert snapshot() == before
