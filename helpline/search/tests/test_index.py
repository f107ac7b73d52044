"""The index follows every ticket change in the same transaction; a rebuild gives the same."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpline.cli import main
from helpline.core.models import Tag, Tagging
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, PermissionDenied
from helpline.search.backends import backend
from helpline.search.models import SearchDocument
from helpline.search.registry import Document
from helpline.search.selectors import search_tickets
from helpline.search.services.index import rebuild_index, write_documents
from helpline.search.tests.conftest import add_article, make_ticket
from helpline.search.text import body_text, html_to_text
from helpline.tickets.events import TicketDeleted, TicketMerged, TicketUpdated
from helpline.tickets.models import Article, Ticket, TicketState


def hits(query: str, *, internal: bool = False) -> list[int]:
    page, _ = search_tickets(Ticket.objects.all(), query, limit=100, include_internal=internal)
    return [t.pk for t in page]


def test_a_new_ticket_is_searchable_inside_its_own_transaction(group_a):
    with transaction.atomic():
        ticket = make_ticket("Scanner makes noise", body="grinding sound", group=group_a)
        assert hits("grinding") == [ticket.pk]
    assert hits("scanner grinding") == [ticket.pk]
    assert SearchDocument.objects.filter(kind="ticket", object_id=ticket.pk).count() == 1


def test_a_rolled_back_change_leaves_the_index_as_it_was(group_a):
    kept = make_ticket("Scanner makes noise", group=group_a)

    def create_then_fail() -> None:
        with transaction.atomic():
            make_ticket("Scanner on fire", group=group_a)
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert hits("scanner") == [kept.pk]
    assert SearchDocument.objects.count() == 1


def test_an_update_replaces_the_old_words(group_a):
    ticket = make_ticket("Scanner makes noise", group=group_a)
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(title="Plotter jams")
        Tagging.objects.create(
            tag=Tag.objects.create(name="wideformat"), object_type="Ticket", object_id=ticket.pk
        )
        events.publish(
            TicketUpdated(ticket.pk, None, {"title": ("Scanner makes noise", "Plotter jams")})
        )
    assert hits("scanner") == []
    assert hits("plotter") == [ticket.pk]
    assert hits("wideformat") == [ticket.pk]


def test_an_added_article_is_searchable_at_once(group_a):
    ticket = make_ticket("Scanner makes noise", group=group_a)
    add_article(ticket, "<p>Replaced the <em>roller</em></p>", content_type="text/html")
    add_article(ticket, "warranty expired", internal=True)
    assert hits("roller") == [ticket.pk]
    assert hits("em") == []
    assert hits("warranty") == []
    assert hits("warranty", internal=True) == [ticket.pk]


def test_a_merge_moves_the_words_to_the_target(group_a):
    source = make_ticket("Printer duplicate", body="cyan cartridge empty", group=group_a)
    target = make_ticket("Printer problems", body="magenta streaks", group=group_a)
    with transaction.atomic():
        Article.objects.filter(ticket=source).update(ticket=target)
        Ticket.objects.filter(pk=source.pk).update(
            state=TicketState.objects.get(name="merged"), merged_into=target
        )
        events.publish(TicketMerged(source.pk, target.pk, None))
    assert hits("cyan") == [target.pk]
    assert hits("magenta") == [target.pk]
    assert hits("duplicate") == [source.pk]


def test_a_deleted_ticket_is_gone_at_once(group_a):
    ticket = make_ticket("Scanner makes noise", body="grinding", group=group_a)
    other = make_ticket("Scanner fixed", group=group_a)
    with transaction.atomic():
        ticket_id, number = ticket.pk, ticket.number
        ticket.delete()
        events.publish(TicketDeleted(ticket_id, number, None))
    assert hits("scanner") == [other.pk]
    assert list(SearchDocument.objects.values_list("object_id", flat=True)) == [other.pk]


def test_deleting_by_id_after_the_row_is_gone(group_a):
    ticket = make_ticket("Scanner makes noise", group=group_a)
    ticket_id = ticket.pk
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket_id).delete()
        events.publish(TicketDeleted(ticket_id, ticket.number, None))
    assert SearchDocument.objects.count() == 0
    assert backend().dump("ticket") == {}


@pytest.fixture
def history(group_a, group_b, alice, bob):
    """A few tickets built and changed through events only."""
    t1 = make_ticket("Printer jammed", body="<b>paper</b> stuck", content_type="text/html",
                     group=group_a, customer=alice, tags=("hardware",))  # fmt: skip
    t2 = make_ticket("VPN drops", body="every hour", group=group_b, customer=bob)
    add_article(t2, "router firmware", internal=True)
    t3 = make_ticket("Old request", body="nothing", group=group_b)
    with transaction.atomic():
        Ticket.objects.filter(pk=t1.pk).update(title="Printer jammed again")
        events.publish(TicketUpdated(t1.pk, None, {"title": ("Printer jammed", "again")}))
    with transaction.atomic():
        number = t3.number
        t3_id = t3.pk
        t3.delete()
        events.publish(TicketDeleted(t3_id, number, None))
    return [t1, t2]


def test_a_rebuild_from_scratch_equals_the_incremental_index(history):
    incremental = backend().dump("ticket")
    assert sorted(incremental) == sorted(t.pk for t in history)
    queries = ["printer", "paper", "vpn OR router", "state:open", "alice"]
    before = {q: hits(q, internal=True) for q in queries}
    SearchDocument.objects.all().delete()
    assert backend().dump("ticket") == {}
    results = rebuild_index(Actor.system(), batch_size=1)
    assert [(r.kind, r.documents, r.removed) for r in results] == [("ticket", 2, 0)]
    assert backend().dump("ticket") == incremental
    assert {q: hits(q, internal=True) for q in queries} == before


def test_a_rebuild_rewrites_in_place_and_drops_stale_entries(history):
    incremental = backend().dump("ticket")
    write_documents("ticket", [Document(object_id=999_999, title="ghost")])
    assert hits("ghost") == []  # the ticket does not exist, so it is never a result
    progress: list[tuple[str, int, int]] = []
    results = rebuild_index(
        Actor.system(), kinds=["ticket"], batch_size=1, progress=lambda *a: progress.append(a)
    )
    assert [(r.kind, r.documents, r.removed) for r in results] == [("ticket", 2, 1)]
    assert progress == [("ticket", 1, 2), ("ticket", 2, 2)]
    assert backend().dump("ticket") == incremental


def test_only_administrators_rebuild(history, alice, admin_user):
    with pytest.raises(PermissionDenied):
        rebuild_index(Actor.for_user(alice))
    assert rebuild_index(Actor.for_user(admin_user))[0].documents == 2


def test_a_language_change_remakes_the_sqlite_table(history):
    engine = backend()
    with override_settings(SEARCH_LANGUAGE="german"):
        remade = engine.prepare_rebuild()
        if connection.vendor == "sqlite":
            assert remade is True
            assert SearchDocument.objects.count() == 0
            with connection.cursor() as cursor:
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
                assert "tokenize = 'unicode61 remove_diacritics 2'" in cursor.fetchone()[0]
            rebuild_index(Actor.system())
        else:
            assert remade is False  # PostgreSQL's language is chosen per query and row
            rebuild_index(Actor.system())
        assert hits("printer") == [history[0].pk]
    assert engine.prepare_rebuild() is (connection.vendor == "sqlite")


def test_reindex_command(history, capsys):
    SearchDocument.objects.all().delete()
    assert main(["search", "reindex", "--batch-size", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Indexed 2 ticket documents in ")
    assert out.rstrip().endswith("removed 0 stale entries.")
    assert hits("printer") == [history[0].pk]


def test_reindex_command_refuses_unknown_kinds(db, capsys):
    assert main(["search", "reindex", "--kind", "spaceship"]) == 2
    assert capsys.readouterr().err == (
        "helpline: error: unknown document kind 'spaceship'; known kinds: ticket\n"
    )


def test_html_becomes_its_visible_text():
    html = (
        "<html><head><title>t</title><style>p{}</style></head><body><p>One</p><p>two&amp;"
        "three</p><script>var x</script><!-- hidden --></body></html>"
    )
    assert html_to_text(html).split() == ["One", "two&three"]
    assert body_text("<b>kept</b>", "text/plain") == "<b>kept</b>"


FUZZ = [
    "printer", "paper", " ", "(", ")", '"', "*", ":", "-", "!", "<", ">", "[", "]", "{", "}",
    "\\", "AND", "OR", "NOT", " TO ", "state:", "created_at:", "title:", "tag:", "number:",
    "customer:", "article_count:", "2024-01-01", "now-1h", "5", "é", "\x00", "'", "%s", "%",
    "NEAR", "^", "{title}", "--", ";", "''",
]  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.one_of(st.lists(st.sampled_from(FUZZ), max_size=15).map("".join), st.text(max_size=40))
)
def test_any_query_runs_or_is_invalid(history, query):
    outcome = None
    try:
        with transaction.atomic():
            search_tickets(Ticket.objects.all(), query, limit=5, include_internal=True)
    except Invalid as exc:
        outcome = (exc.code, exc.field)
    assert outcome in (None, ("search.syntax", "query"))


def test_changes_to_unindexed_fields_leave_the_entry_alone(group_a):
    ticket = make_ticket("Scanner makes noise", group=group_a)
    stamp = SearchDocument.objects.get(object_id=ticket.pk).indexed_at
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(
            state=TicketState.objects.get(name="closed"), title="Changed behind its back"
        )
        events.publish(TicketUpdated(ticket.pk, None, {"state_id": (2, 4)}))
    assert SearchDocument.objects.get(object_id=ticket.pk).indexed_at == stamp
    assert hits("scanner") == [ticket.pk]
    assert hits("state:closed") == [ticket.pk]
    with transaction.atomic():
        events.publish(TicketUpdated(ticket.pk, None, {}))  # unknown changes: rewrite
    assert hits("scanner") == []
    assert hits("behind") == [ticket.pk]
