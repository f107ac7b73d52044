"""A word in more tickets than the rank window: the newest window ranked, the older ones
following newest first, every match on exactly one page, and a count that may stop early."""

from __future__ import annotations

import pytest
from django.db import connection

from helpline.search.selectors import search_tickets
from helpline.search.tests.conftest import make_ticket
from helpline.tickets.models import Ticket

WINDOW = 7


@pytest.fixture
def printers(group_a, group_b, settings):
    """Twenty tickets mentioning printers, oldest first, in two groups: those with the word
    in the title (``title``) rank above those with it in the body only; within each kind the
    texts are the same, so equal scores fall back to newest first. Two other tickets do not
    match at all."""
    settings.SEARCH_RANK_WINDOW = WINDOW
    made = []
    for n in range(20):
        group = group_a if n % 3 else group_b
        if n % 4 == 0:
            ticket = make_ticket("Printer jammed", body="Paper stuck", group=group)
            made.append(("title", ticket))
        else:
            ticket = make_ticket("Desk moved", body="The printer jammed", group=group)
            made.append(("body", ticket))
        if n in (5, 13):
            make_ticket("Monitor flickers", body="Screen dark", group=group)
    return made


def expected(printers, scoped):
    """The order the rules give: of the scoped matches, the newest ``WINDOW`` by rank
    (title before body, then newest), then the rest newest first."""
    visible = set(scoped.values_list("pk", flat=True))
    newest = sorted(((kind, t.pk) for kind, t in printers if t.pk in visible), key=lambda m: -m[1])
    ranked = sorted(newest[:WINDOW], key=lambda m: (m[0] != "title", -m[1]))
    return [pk for _, pk in ranked] + [pk for _, pk in newest[WINDOW:]]


def scopes(group_a):
    return {
        "all": Ticket.objects.all(),
        "one group": Ticket.objects.filter(group=group_a),
    }


@pytest.mark.parametrize("scope", ["all", "one group"])
@pytest.mark.parametrize("limit", [1, 3, 5, 25])
def test_every_match_is_on_exactly_one_page(printers, group_a, scope, limit):
    scoped = scopes(group_a)[scope]
    want = expected(printers, scoped)
    assert len(want) > WINDOW  # the window's edge is crossed
    seen: list[int] = []
    offset = 0
    while True:
        page, total = search_tickets(scoped, "printer", limit=limit, offset=offset)
        assert total == len(want)
        if not page:
            break
        seen += [t.pk for t in page]
        offset += limit
    assert seen == want
    assert offset == -(-len(want) // limit) * limit  # no page after the last was full


def test_first_page_is_ranked_and_the_rest_unscored(printers, group_a):
    scoped = scopes(group_a)["all"]
    page, total = search_tickets(scoped, "printer", limit=25)
    assert [t.pk for t in page] == expected(printers, scoped)
    assert total == 20
    assert all(isinstance(t.search_score, float) for t in page[:WINDOW])
    assert [t.search_score for t in page[WINDOW:]] == [None] * (20 - WINDOW)
    titles = [t.search_score for t in page[:WINDOW] if t.title == "Printer jammed"]
    bodies = [t.search_score for t in page[:WINDOW] if t.title == "Desk moved"]
    assert titles
    assert bodies
    assert min(titles) > max(bodies)


def test_fewer_matches_than_the_window_are_all_ranked(printers, group_a, settings):
    settings.SEARCH_RANK_WINDOW = 100
    page, total = search_tickets(Ticket.objects.all(), "printer", limit=50)
    assert total == 20
    assert [t.title for t in page] == ["Printer jammed"] * 5 + ["Desk moved"] * 15
    assert [t.pk for t in page[:5]] == sorted((t.pk for k, t in printers if k == "title"))[::-1]
    assert all(isinstance(t.search_score, float) for t in page)


@pytest.mark.parametrize(
    ("count_limit", "total"),
    [(1, 1), (5, 5), (WINDOW, WINDOW), (WINDOW + 1, WINDOW + 1), (19, 19), (20, 20), (21, 20),
     (1000, 20), (None, 20)],
)  # fmt: skip
def test_a_count_limit_stops_the_count_there(printers, group_a, count_limit, total):
    scoped = scopes(group_a)["all"]
    want = expected(printers, scoped)
    for offset in (0, 5, WINDOW, 15):
        page, counted = search_tickets(
            scoped, "printer", limit=5, offset=offset, count_limit=count_limit
        )
        assert counted == total
        if offset < total:
            assert [t.pk for t in page] == want[offset : offset + 5]
        else:
            assert page == []


def test_a_scope_with_as_many_matches_as_the_window(printers, group_b):
    scoped = Ticket.objects.filter(group=group_b)
    want = expected(printers, scoped)
    assert len(want) == 7
    assert search_tickets(scoped, "printer", limit=3, count_limit=5)[1] == 5
    assert search_tickets(scoped, "printer", limit=3, count_limit=8)[1] == 7
    page, total = search_tickets(scoped, "printer", limit=3, offset=6, count_limit=8)
    assert ([t.pk for t in page], total) == (want[6:], 7)


def test_nothing_visible_finds_nothing(printers):
    assert search_tickets(Ticket.objects.none(), "printer", limit=5) == ([], 0)
    assert search_tickets(Ticket.objects.filter(pk__in=[]), "printer", limit=5) == ([], 0)


def test_a_common_word_is_ranked_and_counted_in_one_statement(
    printers, group_a, settings, django_assert_num_queries
):
    # SQLite walks the index newest first: the window's scores, the page and how many the
    # window holds come from one statement, and a count that stops inside the window needs
    # no second pass (then the page's rows are read). PostgreSQL's GIN index has no order:
    # it counts the matches (in a savepoint, sequential scans priced out: five statements),
    # then ranks the window, then reads the page's rows.
    statements = 2 if connection.vendor == "sqlite" else 7
    scoped = scopes(group_a)["all"]
    with django_assert_num_queries(statements):
        page, total = search_tickets(scoped, "printer", limit=3, count_limit=4)
    assert (len(page), total) == (3, 4)
    settings.SEARCH_RANK_WINDOW = 100
    # fewer matches than the window: the count is exact
    with django_assert_num_queries(statements):
        page, total = search_tickets(scopes(group_a)["one group"], "printer", limit=3)
    assert (len(page), total) == (3, 13)
