"""The ticket list's search box is the full-text search (the query language of
/api/v1/tickets/search): ranked, combined with the list's other filters, paged, inside the
reader's scope, internal notes searched for agents only."""

from __future__ import annotations

from django.test import Client

from helpline.core.services import settings as runtime
from helpline.lib.actor import Actor
from helpline.search.services.index import refresh_documents
from helpline.testing.factories import ArticleFactory, TicketFactory
from helpline.tickets.models import TicketPriority


def index(*tickets) -> None:
    """Factories write rows without the services' events: index them as the services do."""
    refresh_documents("ticket", [t.pk for t in tickets])


def titles(client: Client, query: str) -> list[str]:
    response = client.get("/tickets/?" + query)
    assert response.status_code == 200
    return [t.title for t in response.context["tickets"]]


def test_words_in_the_title_rank_before_words_in_a_message(client, world):
    body_only = TicketFactory(title="Cannot log in", group=world.group)
    ArticleFactory(ticket=body_only, body="The scanner next to the printer beeps.")
    title_hit = TicketFactory(title="Scanner jammed", group=world.group)
    TicketFactory(title="Unrelated", group=world.group)
    index(world.ticket, body_only, title_hit)
    client.force_login(world.agent)
    # the newer ticket without the word in its title comes second, although it is newest
    assert titles(client, "q=scanner") == ["Scanner jammed", "Cannot log in"]
    assert titles(client, "q=scan") == ["Scanner jammed", "Cannot log in"]  # prefix
    assert titles(client, "q=%22next+to+the+printer%22") == ["Cannot log in"]  # phrase
    assert titles(client, "q=scanner+NOT+beeps") == ["Scanner jammed"]
    # an explicit sort keeps the matches and sorts them
    assert titles(client, "q=scanner&sort=oldest") == ["Cannot log in", "Scanner jammed"]


def test_field_terms_and_the_other_filters_narrow_together(client, world):
    high = TicketPriority.objects.get(name="3 high")
    urgent = TicketFactory(title="Printer smoking", group=world.group, priority="3 high")
    closed = TicketFactory(title="Printer fixed", group=world.group, state="closed")
    elsewhere = TicketFactory(title="Printer in the lobby", group=world.other_group)
    index(world.ticket, urgent, closed, elsewhere)
    client.force_login(world.admin)
    assert titles(client, "q=printer+state:closed") == ["Printer fixed"]
    assert titles(client, "q=priority:%223+high%22") == ["Printer smoking"]
    assert titles(client, f"q=printer&priority={high.pk}") == ["Printer smoking"]
    assert titles(client, f"q=printer&group={world.other_group.pk}") == ["Printer in the lobby"]
    assert titles(client, f"q=number:{closed.number}") == ["Printer fixed"]
    assert titles(client, "q=title:lobby") == ["Printer in the lobby"]


def test_search_stays_inside_the_readers_scope(client, world):
    elsewhere = TicketFactory(title="Printer in the lobby", group=world.other_group)
    index(world.ticket, elsewhere)
    client.force_login(world.agent)
    assert titles(client, "q=printer") == ["Printer on fire"]
    client.force_login(world.stranger)
    assert titles(client, "q=printer") == []


def test_internal_notes_are_searched_for_agents_only(client, world):
    ArticleFactory(ticket=world.ticket, body="toner supplier is Zorbex", internal=True)
    index(world.ticket)
    client.force_login(world.agent)
    assert titles(client, "q=zorbex") == ["Printer on fire"]
    client.force_login(world.customer)
    assert titles(client, "q=zorbex") == []
    assert titles(client, "q=fire") == ["Printer on fire"]


def test_search_results_are_paged_with_the_total_count(client, world):
    made = [TicketFactory(title=f"Monitor {n}", group=world.group) for n in range(5)]
    index(*made)
    runtime.update_setting(Actor.system(), "site.posts_per_page", 2)
    client.force_login(world.agent)
    first = client.get("/tickets/?q=monitor")
    assert first.context["page_obj"].paginator.count == 5
    assert first.context["page_obj"].paginator.num_pages == 3
    pages = [titles(client, f"q=monitor&page={n}") for n in (1, 2, 3)]
    assert pages == [["Monitor 4", "Monitor 3"], ["Monitor 2", "Monitor 1"], ["Monitor 0"]]
    assert 'href="?q=monitor&amp;page=2"' in first.content.decode()
    assert titles(client, "q=monitor&page=99") == ["Monitor 0"]  # past the end: the last page
    assert titles(client, "q=keyboard&page=3") == []  # nothing found: an empty first page


def test_a_query_the_language_refuses_is_shown_at_the_search_box(client, world):
    client.force_login(world.agent)
    response = client.get("/tickets/?q=state:(open")
    assert response.status_code == 200
    assert response.context["tickets"] == []
    [message] = response.context["form"].errors["q"]
    assert message.startswith("The search could not be read:")
