"""Large ticket tables made fast (one INSERT ... SELECT over a generated series), for the
query-plan test and the benchmark command. Tests and benchmarks only.

Shape: ``groups`` groups (each with its "General" category), ``organizations`` shared
organizations, ``customers`` customers spread over them, and ``tickets`` tickets spread over
groups, customers, states and priorities; every 97th ticket is owned by the first agent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from helpline.core.models import Group, GroupMembership, Organization, Role, User
from helpline.tickets.models import Ticket, TicketCategory


@dataclass(frozen=True)
class BulkWorld:
    groups: list[int]
    organizations: list[int]
    customers: list[int]
    agent: User
    sparse_agent: User
    customer: User
    org_member: User
    tickets: int


def _contiguous(ids: list[int]) -> int:
    ids = sorted(ids)
    if ids != list(range(ids[0], ids[0] + len(ids))):
        raise RuntimeError("bulk rows need contiguous ids (start from an empty database)")
    return ids[0]


def make_tickets(
    *, tickets: int, groups: int = 100, organizations: int = 1000, customers: int = 20000
) -> BulkWorld:
    now = timezone.now()
    group_rows = Group.objects.bulk_create(
        [Group(name=f"Bulk group {i}", created_at=now, updated_at=now) for i in range(groups)]
    )
    group_ids = [g.pk for g in group_rows]
    TicketCategory.objects.bulk_create(
        [TicketCategory(group_id=g, name="General", is_default=True) for g in group_ids]
    )
    org_rows = Organization.objects.bulk_create(
        [Organization(name=f"Bulk org {i}", shared=True) for i in range(organizations)]
    )
    org_ids = [o.pk for o in org_rows]
    customer_rows = User.objects.bulk_create(
        [
            User(
                login=f"bulk-customer-{i}",
                email=f"bulk-customer-{i}@example.com",
                organization_id=org_ids[i % organizations],
                password="!",
            )
            for i in range(customers)
        ]
    )
    customer_ids = [u.pk for u in customer_rows]
    customer_role = Role.objects.get(name="Customer")
    User.roles.through.objects.bulk_create(
        [User.roles.through(user_id=pk, role_id=customer_role.pk) for pk in customer_ids]
    )
    agent = User.objects.create(login="bulk-agent", email="bulk-agent@example.com", password="!")
    agent.roles.set([Role.objects.get(name="Agent")])
    # The agent works in three groups out of the hundred.
    GroupMembership.objects.bulk_create(
        [GroupMembership(user=agent, group_id=g, access="full") for g in group_ids[:3]]
    )

    first_group = _contiguous(group_ids)
    first_category = _contiguous(
        list(TicketCategory.objects.filter(group_id__in=group_ids).values_list("pk", flat=True))
    )
    first_org = _contiguous(org_ids)
    first_customer = _contiguous(customer_ids)

    columns: dict[str, str] = {}
    for field in Ticket._meta.concrete_fields:
        if field.primary_key:
            continue
        columns[field.column] = _expression(
            field.column,
            groups=groups,
            organizations=organizations,
            customers=customers,
            first_group=first_group,
            first_category=first_category,
            first_org=first_org,
            first_customer=first_customer,
            agent_id=agent.pk,
        )
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    values = ", ".join(columns.values())
    table = connection.ops.quote_name(Ticket._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {values} "  # noqa: S608 - no user input
                f"FROM generate_series(1, %s) AS s(n)",
                [tickets],
            )
            cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute(
                f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "  # noqa: S608
                f"INSERT INTO {table} ({names}) SELECT {values} FROM s",
                [tickets],
            )
            cursor.execute("ANALYZE")
    # A small group (one ticket in a thousand) and an agent who works only there: the
    # sparse scope, where the group index beats walking the newest tickets.
    small = Group.objects.create(name="Bulk small group")
    small_category = TicketCategory.objects.create(group=small, name="General", is_default=True)
    Ticket.objects.filter(number__endswith="000").update(group=small, category=small_category)
    sparse_agent = User.objects.create(
        login="bulk-sparse-agent",
        email="bulk-sparse-agent@example.com",
        password="!",
    )
    sparse_agent.roles.set([Role.objects.get(name="Agent")])
    GroupMembership.objects.create(user=sparse_agent, group=small, access="full")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}" if connection.vendor == "postgresql" else "ANALYZE")
    member = User.objects.get(pk=first_customer + 1)
    return BulkWorld(
        groups=group_ids,
        organizations=org_ids,
        customers=customer_ids,
        agent=agent,
        sparse_agent=sparse_agent,
        customer=User.objects.get(pk=first_customer),
        org_member=member,
        tickets=tickets,
    )


def _expression(column: str, **k: int) -> str:
    """The SQL for one ticket column as a function of the series value ``n``."""
    postgres = connection.vendor == "postgresql"
    text = {"number": "'B' || n", "title": "'Bulk ticket ' || n"}
    if column in text:
        return text[column]
    numeric = {
        "group_id": f"{k['first_group']} + (n %% {k['groups']})",
        "category_id": f"{k['first_category']} + (n %% {k['groups']})",
        "customer_id": f"{k['first_customer']} + (n %% {k['customers']})",
        "organization_id": (
            f"{k['first_org']} + ((n %% {k['customers']}) %% {k['organizations']})"
        ),
        "state_id": "1 + (n %% 4)",
        "priority_id": "1 + (n %% 3)",
        "owner_id": f"CASE WHEN n %% 97 = 0 THEN {k['agent_id']} ELSE NULL END",
        "article_count": "1",
        "time_unit": "0",
        "on_hold": "false" if postgres else "0",
        "created_at": "CURRENT_TIMESTAMP",
        "updated_at": "CURRENT_TIMESTAMP",
    }
    if column in numeric:
        return numeric[column]
    if column in {"attributes", "preferences"}:
        return "'{}'::jsonb" if postgres else "'{}'"
    if column == "form_values":
        return "'[]'::jsonb" if postgres else "'[]'"
    if column.endswith(("_id", "_at", "_min")):
        return "NULL"
    if column == "pending_time":
        return "NULL"
    return "''"


def scope_queries(world: BulkWorld) -> dict[str, QuerySet[Ticket]]:
    """The ids of the first page (50, newest first) of "tickets visible to U, filtered" for
    each scope: the query that finds a page (``selectors.page_of`` then loads its rows by
    primary key)."""
    from helpline.lib.actor import Actor
    from helpline.tickets.models import TicketState
    from helpline.tickets.selectors import TicketFilters, list_tickets

    open_states = list(
        TicketState.objects.filter(state_type__name__in=["new", "open"]).values_list(
            "pk", flat=True
        )
    )
    unshared = User.objects.get(pk=world.customers[2])
    Organization.objects.filter(pk=unshared.organization_id).update(shared=False)
    admin = User.objects.create(login="bulk-admin", email="bulk-admin@example.com", password="!")
    admin.roles.set([Role.objects.get(name="Admin")])

    def page(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
        return qs.values_list("pk", flat=True)[:50]  # type: ignore[return-value]

    return {
        "agent, 3 of 100 groups": page(list_tickets(Actor.for_user(world.agent))),
        "agent, one small group": page(list_tickets(Actor.for_user(world.sparse_agent))),
        "agent, open tickets of one group": page(
            list_tickets(
                Actor.for_user(world.agent),
                TicketFilters(group_ids=[world.groups[0]], state_ids=open_states),
            )
        ),
        "customer, organization not shared": page(list_tickets(Actor.for_user(unshared))),
        "customer, shared organization": page(list_tickets(Actor.for_user(world.customer))),
        "organization's tickets (admin filter)": page(
            list_tickets(
                Actor.for_user(admin), TicketFilters(organization_id=world.organizations[0])
            )
        ),
    }


def explain(qs: QuerySet[Ticket]) -> str:
    """The plan of a query as the database prints it (EXPLAIN / EXPLAIN QUERY PLAN)."""
    return qs.explain()
