"""Scoped reads of groups and users: who may know of what."""

from __future__ import annotations

import pytest

from helpline.core import selectors
from helpline.core.models import Group
from helpline.lib.actor import Actor
from helpline.lib.errors import NotFound
from helpline.testing.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups() -> list[Group]:
    made = [GroupFactory(name="Support"), GroupFactory(name="Archive"), GroupFactory(name="Sales")]
    Group.objects.filter(name="Archive").update(active=False)
    return made


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (["Agent"], ["Archive", "Sales", "Support"]),
        (["Level 1 - Authorized users"], ["Sales", "Support"]),
        (["Level 3 - Tickets management"], ["Archive", "Sales", "Support"]),
        (["Customer"], ["Sales", "Support"]),
        ([], []),
    ],
)
def test_group_directory(groups, roles, expected):
    actor = Actor.for_user(UserFactory(roles=roles))
    assert [g.name for g in selectors.group_directory(actor)] == expected


def test_group_admins_and_the_system_see_every_group_guests_none(groups):
    assert [g.name for g in selectors.group_directory(Actor.system())] == [
        "Archive",
        "Sales",
        "Support",
    ]
    assert list(selectors.group_directory(Actor.guest())) == []


def test_get_user_by_login_is_exact_and_case_sensitive():
    agent = Actor.for_user(UserFactory(login="susan", roles=["Agent"]))
    joe = UserFactory(login="jblogs")
    assert selectors.get_user_by_login(agent, "jblogs") == joe
    for other in ("JBlogs", "jblogs ", "jblog", "jblogs@example.com"):
        with pytest.raises(NotFound) as missing:
            selectors.get_user_by_login(agent, other)
        assert missing.value.code == "user.not_found"


def test_a_customer_finds_only_themselves_a_guest_nobody():
    customer_user = UserFactory(login="amy", roles=["Customer"])
    UserFactory(login="jblogs")
    customer = Actor.for_user(customer_user)
    assert selectors.get_user_by_login(customer, "amy") == customer_user
    with pytest.raises(NotFound):
        selectors.get_user_by_login(customer, "jblogs")
    with pytest.raises(NotFound):
        selectors.get_user_by_login(Actor.guest(), "amy")


def test_organizations_named_reads_the_name_index_for_a_prefix():
    """The prefix part walks the lower(name) index in order and stops after the page; the
    contains part runs only when the prefix part found too few."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from helpline.core.models import Organization

    Organization.objects.bulk_create(
        [Organization(name=f"{word} {i:05d}") for word in ("Acme", "Globex") for i in range(3000)]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        found, more = selectors.organizations_named("glob", limit=20)
    assert (len(found), more) == (20, True)
    assert found[0][1] == "Globex 00000"
    assert len(queries) == 1
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + queries[0]["sql"])
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "organization_name_ci_unique" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    with CaptureQueriesContext(connection) as queries:
        found, more = selectors.organizations_named("bex 0299", limit=20)
    assert ([name for _pk, name in found], more) == (
        [f"Globex {i:05d}" for i in range(2990, 3000)],
        False,
    )
    assert len(queries) == 2
