"""Searching tickets on a small fixed corpus: every query form, ranking, scope, paging."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpline.lib.errors import Invalid
from helpline.search.selectors import search_tickets
from helpline.search.tests.conftest import add_article, make_ticket
from helpline.tickets.models import Ticket, TicketCounter


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


@pytest.fixture
def corpus(group_a, group_b, alice, bob, agent):
    TicketCounter.objects.filter(name="ticket").update(value=45000)  # numbers like Zammad's
    t1 = make_ticket(
        "Printer on floor 3 is jammed",
        body="<p>Paper is stuck in tray 2.</p><p><b>Urgent</b></p>",
        content_type="text/html",
        group=group_a,
        customer=alice,
        owner=agent,
        state="open",
        priority="3 high",
        tags=("hardware",),
        created_at=at("2024-01-10"),
    )
    t2 = make_ticket(
        "Email does not sync",
        body="Outlook shows a printer icon with an error",
        group=group_b,
        customer=bob,
        state="new",
        created_at=at("2024-01-20"),
    )
    t3 = make_ticket(
        "VPN connection drops",
        body="Cannot connect from home",
        group=group_b,
        customer=alice,
        state="closed",
        priority="1 low",
        tags=("network", "vpn"),
        created_at=at("2024-02-05"),
    )
    add_article(t3, "printer firmware suspected; possible fraud", internal=True)
    t4 = make_ticket(
        "Printer toner low",
        body="The printer needs toner. Printer model LX-200.",
        group=group_a,
        customer=bob,
        state="pending reminder",
        tags=("supplies",),
        created_at=at("2024-02-10"),
    )
    t5 = make_ticket(
        "Monitor flickers",
        body="Screen flickering after the update",
        group=group_a,
        submitter_email="guest@outside.test",
        state="new",
        created_at=at("2024-03-01"),
    )
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5}


def names(corpus, query, *, scoped=None, internal=False, limit=50, offset=0):
    """The corpus names of the results, in order, and the total."""
    by_id = {t.pk: name for name, t in corpus.items()}
    page, total = search_tickets(
        scoped if scoped is not None else Ticket.objects.all(),
        query,
        limit=limit,
        offset=offset,
        include_internal=internal,
    )
    return [by_id[t.pk] for t in page], total


def found(corpus, query, **kwargs):
    return names(corpus, query, **kwargs)[0]


def test_words_rank_title_matches_first(corpus):
    assert names(corpus, "printer") == (["t4", "t1", "t2"], 3)


def test_results_carry_their_score(corpus):
    page, _ = search_tickets(Ticket.objects.all(), "printer", limit=10)
    scores = [t.search_score for t in page]
    assert all(isinstance(s, float) for s in scores)
    assert scores == sorted(scores, reverse=True)
    page, _ = search_tickets(Ticket.objects.all(), "state:new", limit=10)
    assert [t.search_score for t in page] == [None, None]


def test_internal_notes_match_only_when_included(corpus):
    assert found(corpus, "fraud") == []
    assert found(corpus, "fraud", internal=True) == ["t3"]
    assert found(corpus, "printer", internal=True) == ["t4", "t1", "t2", "t3"]


def test_last_word_matches_as_prefix(corpus):
    assert found(corpus, "prin") == ["t4", "t1", "t2"]
    assert found(corpus, "toner lo") == ["t4"]
    assert found(corpus, "flick") == ["t5"]


def test_explicit_prefix_anywhere(corpus):
    assert found(corpus, "flick* monitor") == ["t5"]
    assert found(corpus, "flick monitor") == []


def test_words_are_stemmed_and_case_blind(corpus):
    assert found(corpus, "PRINTERS") == ["t4", "t1", "t2"]
    assert found(corpus, "connecting") == ["t3"]


def test_short_common_words_still_match(corpus):
    assert found(corpus, "is jammed") == ["t1"]
    assert found(corpus, '"does not sync"') == ["t2"]


def test_phrases_keep_word_order(corpus):
    assert found(corpus, '"paper is stuck"') == ["t1"]
    assert found(corpus, '"stuck paper"') == []


def test_html_is_indexed_as_its_text(corpus):
    assert found(corpus, "urgent") == ["t1"]
    assert found(corpus, "urgent tray") == ["t1"]


def test_numbers_codes_names_and_emails(corpus):
    assert found(corpus, "LX-200") == ["t4"]
    assert found(corpus, "smith") == ["t3", "t1"]
    assert found(corpus, "alice@acme.test") == ["t3", "t1"]
    assert found(corpus, "acme") == ["t3", "t1"]
    assert found(corpus, "guest@outside.test") == ["t5"]
    assert corpus["t2"].number == "45002"
    assert found(corpus, "45002") == ["t2"]


def test_tags_are_words_too(corpus):
    assert found(corpus, "supplies") == ["t4"]


def test_and_or_not_and_parentheses(corpus):
    assert found(corpus, "printer AND toner") == ["t4"]
    assert found(corpus, "printer toner") == ["t4"]
    # (how two different words rank against each other is the engine's call)
    assert sorted(found(corpus, "vpn OR monitor")) == ["t3", "t5"]
    assert found(corpus, "printer NOT toner") == ["t1", "t2"]
    assert found(corpus, "printer -toner") == ["t1", "t2"]
    assert found(corpus, "printer !toner") == ["t1", "t2"]
    assert found(corpus, "(vpn OR email) AND alice") == ["t3"]
    assert found(corpus, "NOT printer") == ["t5", "t3"]
    assert found(corpus, "NOT printer", internal=True) == ["t5"]
    assert found(corpus, "NOT (printer OR vpn)") == ["t5"]


def test_keyword_fields(corpus):
    assert found(corpus, "state:open") == ["t1"]
    assert found(corpus, "state:new") == ["t5", "t2"]
    assert found(corpus, "state.name:(closed OR new)") == ["t5", "t3", "t2"]
    assert found(corpus, "state:pending*") == ["t4"]
    assert found(corpus, 'state:"pending reminder"') == ["t4"]
    assert found(corpus, "priority:high") == ["t1"]
    assert found(corpus, 'priority:"1 low"') == ["t3"]
    assert found(corpus, "group:network") == ["t3", "t2"]
    assert found(corpus, f"group:{corpus['t1'].group_id}") == ["t5", "t4", "t1"]
    assert found(corpus, "owner:agent.ann") == ["t1"]
    assert found(corpus, "owner.email:ann@helpdesk.test") == ["t1"]
    assert found(corpus, "customer:alice@acme.test") == ["t3", "t1"]
    assert found(corpus, 'customer:"Alice Smith"') == ["t3", "t1"]
    assert found(corpus, "customer:jones") == ["t4", "t2"]
    assert found(corpus, "customer:guest@outside.test") == ["t5"]
    assert found(corpus, 'organization:"Acme Corp"') == ["t3", "t1"]
    assert found(corpus, "organization:acme*") == ["t3", "t1"]
    assert found(corpus, "tag:supplies") == ["t4"]
    assert found(corpus, "tags:(network OR hardware)") == ["t3", "t1"]
    assert found(corpus, "tag:(network AND vpn)") == ["t3"]
    assert found(corpus, f"number:{corpus['t2'].number}") == ["t2"]
    assert found(corpus, "state:nosuchstate") == []


def test_number_prefix(corpus):
    t1 = corpus["t1"]
    expected = sorted(
        (n for n, t in corpus.items() if t.number.startswith(t1.number[:-1])),
        key=lambda n: -corpus[n].created_at.timestamp(),
    )
    assert found(corpus, f"number:{t1.number[:-1]}*") == expected


def test_title_field_searches_the_title_only(corpus):
    assert found(corpus, "title:printer") == ["t4", "t1"]
    assert found(corpus, 'title:"toner low"') == ["t4"]


def test_number_fields(corpus):
    assert found(corpus, "article_count:2") == ["t3"]
    assert found(corpus, "article_count:[2 TO *]") == ["t3"]
    assert found(corpus, "article_count:<2") == ["t5", "t4", "t2", "t1"]
    assert found(corpus, f"id:{corpus['t4'].pk}") == ["t4"]


def test_dates(corpus):
    assert found(corpus, "created_at:2024-01-10") == ["t1"]
    assert found(corpus, "created_at:[2024-01-15 TO 2024-02-05]") == ["t3", "t2"]
    assert found(corpus, "created_at:{2024-01-10 TO 2024-02-10}") == ["t3", "t2"]
    assert found(corpus, "created_at:[* TO 2024-01-20]") == ["t2", "t1"]
    assert found(corpus, "created_at:>2024-02-05") == ["t5", "t4"]
    assert found(corpus, "created_at:>=2024-02-05") == ["t5", "t4", "t3"]
    assert found(corpus, "created_at:<2024-01-20") == ["t1"]
    assert found(corpus, "created_at:<=2024-01-20") == ["t2", "t1"]
    assert found(corpus, "created_at:[2024-01-20T09:00 TO 2024-02-05T08:59]") == ["t2"]
    assert found(corpus, "created_at:>now-1h") == []
    assert found(corpus, "updated_at:>now-1h") == ["t5", "t4", "t3", "t2", "t1"]
    assert found(corpus, "created_at:[9999-12-31 TO *]") == []


def test_words_and_fields_together(corpus):
    assert found(corpus, "printer state:open") == ["t1"]
    assert found(corpus, "printer AND group:hardware") == ["t4", "t1"]
    # Tickets matching only through the field come after every ranked match.
    assert found(corpus, "printer OR state:closed") == ["t4", "t1", "t2", "t3"]
    assert found(corpus, "(printer OR vpn) AND NOT state:closed") == ["t4", "t1", "t2"]
    assert found(corpus, "toner OR (state:new AND email)") == ["t4", "t2"]
    assert found(corpus, "printer AND (toner OR state:new)") == ["t4", "t2"]
    assert found(corpus, "NOT toner state:pending*") == []
    assert found(corpus, "-vpn tag:network") == []


def test_empty_and_star_list_everything_newest_first(corpus):
    assert names(corpus, "") == (["t5", "t4", "t3", "t2", "t1"], 5)
    assert names(corpus, "  * ") == (["t5", "t4", "t3", "t2", "t1"], 5)
    assert names(corpus, "---") == (["t5", "t4", "t3", "t2", "t1"], 5)
    assert found(corpus, 'title:"--"') == []


def test_search_stays_inside_the_scoped_queryset(corpus, group_a):
    scoped = Ticket.objects.filter(group__in=[group_a.pk])
    assert names(corpus, "printer", scoped=scoped) == (["t4", "t1"], 2)
    assert names(corpus, "printer OR vpn", scoped=scoped) == (["t4", "t1"], 2)
    assert names(corpus, "state:new", scoped=scoped) == (["t5"], 1)
    assert names(corpus, "email", scoped=scoped) == ([], 0)
    assert names(corpus, "", scoped=scoped) == (["t5", "t4", "t1"], 3)


def test_paging_counts_all_matches(corpus):
    assert names(corpus, "printer", limit=1) == (["t4"], 3)
    assert names(corpus, "printer", limit=1, offset=1) == (["t1"], 3)
    assert names(corpus, "printer", limit=2, offset=2) == (["t2"], 3)
    assert names(corpus, "printer", limit=2, offset=3) == ([], 3)
    assert names(corpus, "state:new", limit=1, offset=1) == (["t2"], 2)


def test_equal_scores_show_the_newest_first(group_a):
    old = make_ticket("Keyboard broken", body="keys", group=group_a, created_at=at("2024-01-01"))
    new = make_ticket("Keyboard broken", body="keys", group=group_a, created_at=at("2024-05-01"))
    page, total = search_tickets(Ticket.objects.all(), "keyboard", limit=10)
    assert [t.pk for t in page] == [new.pk, old.pk]
    assert total == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("printer AND", '"AND" at position 9 needs a term after it.'),
        ("(printer", 'The "(" at position 1 is never closed.'),
        ("printer)", 'The ")" at position 8 has no matching "(".'),
        ('"printer', "The quote at position 1 is never closed."),
        ("colour:red", 'Unknown field "colour" at position 1.'),
        ("state:[a TO b]", '"state" at position 7 cannot be compared or take a range'),
        ("created_at:2024-02-30", 'created_at: "2024-02-30" at position 12 is not a date'),
        ("article_count:many", 'article_count: "many" at position 15 is not a whole number.'),
    ],
)
def test_bad_queries_are_invalid(corpus, query, message):
    with pytest.raises(Invalid) as err:
        search_tickets(Ticket.objects.all(), query, limit=10)
    assert (err.value.code, err.value.field) == ("search.syntax", "query")
    assert err.value.message.startswith(message)


def test_limit_and_offset_are_checked(corpus):
    with pytest.raises(Invalid) as err:
        search_tickets(Ticket.objects.all(), "printer", limit=0)
    assert (err.value.code, err.value.field) == ("search.limit", "limit")
    with pytest.raises(Invalid) as err:
        search_tickets(Ticket.objects.all(), "printer", limit=10, offset=-1)
    assert (err.value.code, err.value.field) == ("search.offset", "offset")


def test_many_matches_rank_the_newest_window_then_follow_newest_first(corpus, settings):
    # With more matches than the window, only the newest window of them is ranked (a common
    # word ranked 380,000 documents); the older ones follow, newest first, unscored.
    settings.SEARCH_RANK_WINDOW = 2
    assert names(corpus, "printer") == (["t4", "t2", "t1"], 3)  # t1 would rank second
    page, _ = search_tickets(Ticket.objects.all(), "printer", limit=10)
    assert [type(t.search_score) for t in page] == [float, float, type(None)]
    # Every match on exactly one page, whatever the page size, also across the window's edge
    pages = [found(corpus, "printer", limit=1, offset=n) for n in range(4)]
    assert pages == [["t4"], ["t2"], ["t1"], []]
    assert found(corpus, "printer", limit=2, offset=1) == ["t2", "t1"]
    # Agents also match internal notes: t3 is among the newest two
    assert names(corpus, "printer", internal=True) == (["t4", "t3", "t2", "t1"], 4)
    # The window is taken inside the reader's scope, not over every ticket (where t4 is
    # the newest match): Alice's newest match t3 is ranked, her t1 follows
    alices = Ticket.objects.filter(customer__login="alice")
    assert names(corpus, "printer", scoped=alices, internal=True) == (["t1", "t3"], 2)
    settings.SEARCH_RANK_WINDOW = 1
    assert names(corpus, "printer", scoped=alices, internal=True) == (["t3", "t1"], 2)


def test_counting_prices_out_sequential_scans_for_its_statements_only(corpus):
    # PostgreSQL priced `@@` as cheap and counted a common word by reading every document
    # (13 s at a million tickets, 0.3 s through the GIN index): counting turns sequential
    # scans off for its own statements and puts the setting back.
    from django.db import connection, transaction

    from helpline.search.backends import backend

    def seqscan() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            return cursor.fetchone()[0]

    with transaction.atomic():
        if connection.vendor == "postgresql":
            assert seqscan() == "on"
            with backend().counting("default"):
                assert seqscan() == "off"
            assert seqscan() == "on"
        else:
            with backend().counting("default"):  # SQLite plans these well: nothing to change
                pass
        assert names(corpus, "printer") == (["t4", "t1", "t2"], 3)
