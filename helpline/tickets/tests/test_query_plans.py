"""Ticket lists stay on the ticket indexes: the plan that finds each scope's first page names
one of the indexes in ``Ticket.Meta`` (or, for a scope covering many tickets, walks the
primary key newest-first and stops after the page) and never reads the table in full.

The same queries at 1,000,000 tickets: ``benchmarks/ticket_scope_plans.py``, output in
docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection

from helpline.testing.bulk import explain, make_tickets, scope_queries

pytestmark = pytest.mark.django_db

TICKETS = 50_000

# scope -> indexes one of which the plan must use
EXPECTED = {
    "agent, 3 of 100 groups": {"tickets_ticket_pkey", "ticket_group_id", "ROWID_WALK"},
    # PostgreSQL's planner sometimes takes (group, state, id) here: still the group's rows
    # only, and a small group's sort is cheap.
    "agent, one small group": {"ticket_group_id", "ticket_group_state_id"},
    "agent, open tickets of one group": {"ticket_group_id", "ticket_group_state_id"},
    "customer, organization not shared": {"ticket_customer_id"},
    "customer, shared organization": {"ticket_customer_id", "tickets_ticket_pkey"},
    "organization's tickets (admin filter)": {"ticket_organization_id"},
}


INDEX_RE = re.compile(r"(?:INDEX|Index(?: Only)? Scan(?: Backward)? using|Index Scan on) (\w+)")


def used_indexes(plan: str) -> set[str]:
    found = set(INDEX_RE.findall(plan))
    if connection.vendor == "sqlite" and re.search(r"SCAN tickets_ticket\b", plan):
        # A walk of the table in rowid (= id) order: newest first, stopping after the page,
        # which needs no sort step.
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
        found.add("ROWID_WALK")
    return found


def test_every_scope_reads_the_ticket_indexes():
    world = make_tickets(tickets=TICKETS)
    queries = scope_queries(world)
    assert set(queries) == set(EXPECTED)
    for name, qs in queries.items():
        plan = explain(qs)
        assert not re.search(r"Seq Scan on tickets_ticket\b", plan), (name, plan)
        assert used_indexes(plan) & EXPECTED[name], (name, plan)
        assert len(list(qs)) == (3 if name == "customer, organization not shared" else 50)
