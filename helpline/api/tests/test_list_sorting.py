"""``sort_by`` / ``order_by`` on every list, as Zammad takes them: one field or a comma list,
a direction per field (a missing one repeats the last), ties broken by id; an unknown field
is a 422 naming ``sort_by``. Each test asserts the order of the returned ids."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from helpline.core.models import ObjectAttribute, OnlineNotification
from helpline.lib.actor import Actor
from helpline.testing.bulk import explain
from helpline.testing.factories import TicketFactory
from helpline.tickets import selectors
from helpline.tickets.models import Ticket, TicketPriority, TicketState


@pytest.fixture
def tickets(support):
    """Four tickets: b/low, a/high, c/low, a/low (created in that order)."""
    made = [
        TicketFactory(group=support, title="b", priority="1 low"),
        TicketFactory(group=support, title="a", priority="3 high"),
        TicketFactory(group=support, title="c", priority="1 low"),
        TicketFactory(group=support, title="a", priority="1 low"),
    ]
    return [t.pk for t in made]


def ids(api, path):
    status, body = api.get(path)
    assert status == 200, body
    return [row["id"] for row in body]


def test_tickets_default_to_newest_first(as_agent, tickets):
    b, a_high, c, a_low = tickets
    assert ids(as_agent, "/tickets") == [a_low, c, a_high, b]


def test_tickets_sort_by_one_field_both_ways(as_agent, tickets):
    b, a_high, c, a_low = tickets
    assert ids(as_agent, "/tickets?sort_by=title") == [a_high, a_low, b, c]
    assert ids(as_agent, "/tickets?sort_by=title&order_by=desc") == [c, b, a_low, a_high]
    assert ids(as_agent, "/tickets?sort_by=id&order_by=asc") == [b, a_high, c, a_low]
    assert ids(as_agent, "/tickets?sort_by=created_at&order_by=desc") == [a_low, c, a_high, b]
    numbers = dict(Ticket.objects.values_list("pk", "number"))
    assert ids(as_agent, "/tickets?sort_by=number") == sorted(tickets, key=numbers.get)


def test_tickets_sort_by_a_comma_list(as_agent, tickets):
    b, a_high, c, a_low = tickets
    # priority high first, then title ascending
    assert ids(as_agent, "/tickets?sort_by=priority_id,title&order_by=desc,asc") == [
        a_high,
        a_low,
        b,
        c,
    ]
    assert ids(as_agent, "/tickets?sort_by=title,priority_id&order_by=asc,desc") == [
        a_high,
        a_low,
        b,
        c,
    ]
    # one direction for two fields: both descending
    assert ids(as_agent, "/tickets?sort_by=title,id&order_by=desc") == [c, b, a_low, a_high]


def test_tickets_sort_pages_do_not_overlap(as_agent, tickets):
    b, a_high, c, a_low = tickets
    first = ids(as_agent, "/tickets?sort_by=title&per_page=2&page=1")
    second = ids(as_agent, "/tickets?sort_by=title&per_page=2&page=2")
    assert (first, second) == ([a_high, a_low], [b, c])


def test_tickets_refuse_an_unknown_sort_field(as_agent, tickets):
    status, body = as_agent.get("/tickets?sort_by=title,password_hash")
    assert (status, body["code"], body["field"]) == (422, "sort.unknown_field", "sort_by")
    assert "'password_hash'" in body["error"]
    status, body = as_agent.get("/tickets?sort_by=title&order_by=up")
    assert (status, body["code"], body["field"]) == (422, "sort.bad_order", "order_by")


def test_customers_sort_only_what_they_may_see(as_customer, customer, support, tickets):
    mine = [
        TicketFactory(group=support, title="z", customer=customer).pk,
        TicketFactory(group=support, title="y", customer=customer).pk,
    ]
    assert ids(as_customer, "/tickets?sort_by=title") == [mine[1], mine[0]]


def test_sorted_ticket_lists_read_an_index(admin, tickets):
    """Sorting the whole desk by title or by creation walks the new indexes in order, with
    no sort step (on PostgreSQL with sequential scans and sorts priced out, as a small test
    table would otherwise be read whole and sorted)."""
    actor = Actor.for_user(admin)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
    for field, index in (("title", "ticket_title_id"), ("created_at", "ticket_created_at_id")):
        for descending in (False, True):
            qs = selectors.list_tickets(actor, sort=[(field, descending)])
            plan = explain(qs.values_list("pk", flat=True)[:50])
            uses = rf"(INDEX|Index(?: Only)? Scan(?: Backward)? using) {index}\b"
            assert re.search(uses, plan), plan
            assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
            assert not re.search(r"^\s*(->\s*)?Sort\b", plan, re.M), plan


def test_notifications_sort(as_agent, agent):
    made = [
        OnlineNotification.objects.create(
            user=agent, object_type="Ticket", object_id=n, kind="update", seen=seen
        ).pk
        for n, seen in ((7, True), (5, False), (9, False))
    ]
    assert ids(as_agent, "/online_notifications") == made[::-1]
    assert ids(as_agent, "/online_notifications?sort_by=object_id") == [made[1], made[0], made[2]]
    assert ids(as_agent, "/online_notifications?sort_by=seen,object_id&order_by=asc,desc") == [
        made[2],
        made[1],
        made[0],
    ]
    status, body = as_agent.get("/online_notifications?sort_by=user_id")
    assert (status, body["field"]) == (422, "sort_by")


def test_states_and_priorities_sort(as_agent):
    by_id = list(TicketState.objects.order_by("id").values_list("pk", flat=True))
    assert ids(as_agent, "/ticket_states") == by_id
    by_name = list(TicketState.objects.order_by("name", "id").values_list("pk", flat=True))
    assert ids(as_agent, "/ticket_states?sort_by=name") == by_name
    assert ids(as_agent, "/ticket_states?sort_by=name&order_by=desc") == by_name[::-1]
    assert ids(as_agent, "/ticket_states?sort_by=name&per_page=2&page=2") == by_name[2:4]
    by_rank = list(TicketPriority.objects.order_by("rank").values_list("pk", flat=True))
    assert ids(as_agent, "/ticket_priorities") == by_rank
    by_name = list(TicketPriority.objects.order_by("-name").values_list("pk", flat=True))
    assert ids(as_agent, "/ticket_priorities?sort_by=name&order_by=desc") == by_name
    status, body = as_agent.get("/ticket_priorities?sort_by=rank")
    assert (status, body["code"]) == (422, "sort.unknown_field")


def test_object_attributes_sort(as_admin):
    default = list(
        ObjectAttribute.objects.order_by("position", "name", "id").values_list("pk", flat=True)
    )
    assert ids(as_admin, "/object_manager_attributes") == default
    by_name = list(ObjectAttribute.objects.order_by("-name", "-id").values_list("pk", flat=True))
    assert ids(as_admin, "/object_manager_attributes?sort_by=name&order_by=desc") == by_name


def test_ticket_search_sorts_when_asked(as_agent, tickets):
    from helpline.search.services.index import refresh_documents

    refresh_documents("ticket", tickets)
    b, a_high, c, a_low = tickets
    assert ids(as_agent, "/tickets/search?query=group:Support&sort_by=title") == [
        a_high, a_low, b, c,
    ]  # fmt: skip
    found = ids(as_agent, "/tickets/search?query=group:Support&sort_by=id&order_by=desc")
    assert found == [a_low, c, a_high, b]
    assert ids(as_agent, "/tickets/search?query=group:Support&sort_by=id&per_page=2&page=2") == [
        c, a_low,
    ]  # fmt: skip
    status, body = as_agent.get("/tickets/search?query=a&sort_by=colour")
    assert status == 422, body
    assert body["field"] == "sort_by"
