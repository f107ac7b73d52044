"""The home page's "needs my reply" list: read as two index walks (the agent's own tickets
and the unowned ones) and merged, it must hold exactly the newest of the one-query
definition."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from helpline.lib.actor import Actor
from helpline.testing.factories import TicketFactory
from helpline.tickets import selectors


def _ticket(world, title, *, owner=None, state="open", customer_last=True, group=None):
    now = timezone.now()
    return TicketFactory(
        title=title,
        group=group or world.group,
        owner=owner,
        state=state,
        last_contact_customer_at=now if customer_last is not None else None,
        last_contact_agent_at=(now - timedelta(hours=1)) if customer_last else now,
    )


def test_needs_reply_merges_own_and_unowned_tickets_newest_first(world):
    expected = []
    for n in range(4):
        expected.append(_ticket(world, f"mine {n}", owner=world.agent))
        expected.append(_ticket(world, f"nobody's {n}"))
    _ticket(world, "answered", owner=world.agent, customer_last=False)
    _ticket(world, "never contacted", customer_last=None)
    _ticket(world, "closed", state="closed")
    _ticket(world, "someone else's", owner=world.admin)
    _ticket(world, "other group", group=world.other_group)
    actor = Actor.for_user(world.agent)

    whole = list(selectors.needs_reply_tickets(actor).values_list("pk", flat=True))
    assert whole == [t.pk for t in reversed(expected)]
    for limit in (1, 3, 5, 8, 20):
        assert selectors.needs_reply_ids(actor, limit) == whole[:limit]


def test_needs_reply_is_empty_for_customers(world):
    _ticket(world, "mine", owner=world.agent)
    assert selectors.needs_reply_ids(Actor.for_user(world.customer), 10) == []


def test_the_home_page_lists_the_tickets_that_need_my_reply(client, world):
    mine = _ticket(world, "Waiting on me", owner=world.agent)
    _ticket(world, "Answered already", owner=world.agent, customer_last=False)
    client.force_login(world.agent)
    html = client.get("/").content.decode()
    section = html[html.index('id="home-needs_reply"') : html.index('id="home-escalated"')]
    assert f'<a href="/tickets/{mine.pk}/">{mine.number} · Waiting on me</a>' in section
    assert "Answered already" not in section
