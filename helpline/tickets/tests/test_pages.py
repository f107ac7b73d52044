"""The ticket pages through Django's test client: what each persona sees and may do, the
list's filters, bulk changes and CSV export, the reply and update forms, and query counts
that do not grow with the number of rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpline.core.models import Attachment, Tagging
from helpline.core.services import settings as runtime
from helpline.core.services import tags as tag_service
from helpline.lib.actor import Actor
from helpline.lib.errors import NotFound
from helpline.search.services.index import refresh_documents
from helpline.testing.factories import (
    ArticleFactory,
    OrganizationFactory,
    TicketFactory,
    UserFactory,
)
from helpline.tickets import selectors
from helpline.tickets.models import Article, Subscription, Ticket

XSS = "<script>window.__xss=1</script>"


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def html_of(response) -> str:
    return response.content.decode()


def test_guests_are_sent_to_log_in(client, world):
    response = client.get("/tickets/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/tickets/"
    assert client.get(f"/tickets/{world.ticket.pk}/").status_code == 302


def test_agent_lists_the_group_tickets_and_customers_only_theirs(client, world):
    other = TicketFactory(title="Lift stuck", group=world.other_group, customer=world.stranger)
    html = html_of(login(client, world.agent).get("/tickets/"))
    assert f'<a href="/tickets/{world.ticket.pk}/">Printer on fire</a>' in html
    assert "Lift stuck" not in html
    assert 'name="ticket"' in html  # bulk selection for agents
    client.logout()
    html = html_of(login(client, world.stranger).get("/tickets/"))
    assert f'<a href="/tickets/{other.pk}/">Lift stuck</a>' in html
    assert "Printer on fire" not in html
    assert 'name="ticket"' not in html
    assert 'name="group"' not in html


def test_list_filters_by_text_state_owner_tag_and_customer(client, world):
    second = TicketFactory(title="Paper jam in tray 2", group=world.group, state="open")
    second.owner = world.agent
    second.save()
    tag_service.add_tag(Actor.system(), "Ticket", world.ticket.pk, "hardware")
    refresh_documents("ticket", [world.ticket.pk, second.pk])  # factories publish no events
    login(client, world.agent)

    def titles(query: str) -> list[str]:
        response = client.get("/tickets/?" + query)
        return [t.title for t in response.context["tickets"]]

    assert titles("") == ["Paper jam in tray 2", "Printer on fire"]
    assert titles("q=jam+paper") == ["Paper jam in tray 2"]
    assert titles(f"q={world.ticket.number}") == ["Printer on fire"]
    assert titles(f"state={second.state_id}") == ["Paper jam in tray 2"]
    assert titles(f"owner={world.agent.pk}") == ["Paper jam in tray 2"]
    assert titles("tag=HARDWARE") == ["Printer on fire"]
    assert titles("customer=carol") == ["Printer on fire"]
    assert titles("customer=nobody-here") == []
    assert titles("sort=oldest") == ["Printer on fire", "Paper jam in tray 2"]


def test_list_filters_by_organization_name_without_listing_every_organization(client, world):
    acme = OrganizationFactory(name="Acme Dynamics")
    for n in range(300):
        OrganizationFactory(name=f"Filler {n:03}")
    TicketFactory(title="Acme printer", group=world.group, organization=acme)
    login(client, world.agent)

    def titles(query: str) -> list[str]:
        return [t.title for t in client.get("/tickets/?" + query).context["tickets"]]

    assert titles("organization=acme+dynamics") == ["Acme printer"]  # any case
    assert titles(f"organization={acme.pk}") == ["Acme printer"]  # links of older lists
    assert titles("organization=No+such+company") == []
    html = html_of(client.get("/tickets/"))
    assert "Filler 150" not in html  # a text field, not a select of every organization
    assert 'name="organization"' in html


def test_list_pages_by_the_configured_size(client, world):
    for n in range(4):
        TicketFactory(title=f"Extra {n}", group=world.group)
    runtime.update_setting(Actor.system(), "site.posts_per_page", 2)
    login(client, world.agent)
    first = client.get("/tickets/")
    assert [t.title for t in first.context["tickets"]] == ["Extra 3", "Extra 2"]
    assert "Page 1 of 3" in html_of(first)
    last = client.get("/tickets/?page=3")
    assert [t.title for t in last.context["tickets"]] == ["Printer on fire"]


def test_csv_export_keeps_the_filters_and_the_row_limit(client, world):
    made = [TicketFactory(title=f"=cmd {n}", group=world.group) for n in range(3)]
    refresh_documents("ticket", [t.pk for t in made])
    runtime.update_setting(Actor.system(), "site.csv_dump_limit", 2)
    response = login(client, world.agent).get("/tickets/?format=csv&q=cmd")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "number",
        "title",
        "state",
        "priority",
        "group",
        "category",
        "customer",
        "owner",
        "created_at",
        "updated_at",
    ]
    assert [r[1] for r in rows[1:]] == ["'=cmd 2", "'=cmd 1"]


def test_list_query_count_does_not_grow_with_rows(client, world):
    login(client, world.agent)
    client.get("/tickets/")  # warm caches (settings, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get("/tickets/")
    for n in range(12):
        TicketFactory(
            title=f"More {n}", group=world.group, customer=world.customer, owner=world.agent
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/tickets/")
    assert len(response.context["tickets"]) == 13
    assert len(many) == len(few)


def test_ticket_page_query_count_does_not_grow_with_articles(client, world):
    login(client, world.agent)
    url = f"/tickets/{world.ticket.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        ArticleFactory(
            ticket=world.ticket, body=f"Note {n}", internal=n % 2 == 0, created_by=world.agent
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["articles"]) == 9
    assert len(many) == len(few)


def test_customer_does_not_see_internal_notes_and_bodies_are_cleaned(client, world):
    ArticleFactory(ticket=world.ticket, body="Secret agent talk", internal=True)
    ArticleFactory(
        ticket=world.ticket, body=f"**Fixed** {XSS}", content_type="text/markdown", sender="Agent"
    )
    html = html_of(login(client, world.customer).get(f"/tickets/{world.ticket.pk}/"))
    assert "Secret agent talk" not in html
    assert "<strong>Fixed</strong>" in html
    assert XSS not in html
    assert "Internal note" not in html
    client.logout()
    html = html_of(login(client, world.agent).get(f"/tickets/{world.ticket.pk}/"))
    assert "Secret agent talk" in html
    assert html.count('<span class="badge text-bg-warning">Internal note</span>') == 1


def test_a_ticket_the_reader_may_not_see_is_not_found(client, world):
    assert login(client, world.stranger).get(f"/tickets/{world.ticket.pk}/").status_code == 404
    response = client.post(f"/tickets/{world.ticket.pk}/reply/", {"body": "hi"})
    assert response.status_code == 404
    assert Article.objects.filter(ticket=world.ticket).count() == 1


def test_customer_replies_with_attachments(client, world, uploads_dir):
    login(client, world.customer)
    files = [
        SimpleUploadedFile("a.txt", b"one", content_type="text/plain"),
        SimpleUploadedFile(f"{XSS}.txt", b"two", content_type="text/plain"),
    ]
    response = client.post(
        f"/tickets/{world.ticket.pk}/reply/", {"body": "More *smoke*", "attachments": files}
    )
    assert response.status_code == 302
    article = Article.objects.filter(ticket=world.ticket).latest("id")
    assert (article.body, article.internal, article.sender.name) == (
        "More *smoke*",
        False,
        "Customer",
    )
    names = sorted(
        Attachment.objects.filter(object_type="Article", object_id=article.pk).values_list(
            "filename", flat=True
        )
    )
    assert len(names) == 2
    html = html_of(client.get(f"/tickets/{world.ticket.pk}/"))
    assert "<em>smoke</em>" in html
    assert XSS not in html
    download = client.get(f"/tickets/attachments/{Attachment.objects.get(filename='a.txt').pk}/")
    assert b"".join(download.streaming_content) == b"one"
    assert download["Content-Disposition"].startswith('attachment; filename="a.txt"')


def test_customer_cannot_write_internal_notes(client, world):
    login(client, world.customer)
    response = client.post(f"/tickets/{world.ticket.pk}/reply/", {"body": "psst", "internal": "on"})
    assert response.status_code == 400
    assert Article.objects.filter(ticket=world.ticket).count() == 1


def test_agent_adds_an_internal_note_with_time(client, world):
    login(client, world.agent)
    response = client.post(
        f"/tickets/{world.ticket.pk}/reply/",
        {"body": "Checked", "internal": "on", "time_unit": "15"},
    )
    assert response.status_code == 302
    article = Article.objects.filter(ticket=world.ticket).latest("id")
    assert (article.internal, article.sender.name) == (True, "Agent")
    world.ticket.refresh_from_db()
    assert world.ticket.time_unit == 15


def test_a_state_that_needs_a_resolution_asks_for_one(client, world):
    login(client, world.agent)
    url = f"/tickets/{world.ticket.pk}/update/"
    response = client.post(url, {"state": "8"})
    assert response.status_code == 400
    assert response.context["update_form"].errors
    world.ticket.refresh_from_db()
    assert world.ticket.state.name == "new"
    response = client.post(url, {"state": "8", "resolution": "Replaced the fuser."})
    assert response.status_code == 302
    world.ticket.refresh_from_db()
    assert (world.ticket.state.name, world.ticket.resolution) == ("resolved", "Replaced the fuser.")
    client.logout()
    html = html_of(login(client, world.customer).get(f"/tickets/{world.ticket.pk}/"))
    assert '<p class="mb-0 hl-resolution">Replaced the fuser.</p>' in html
    history = client.get(f"/tickets/{world.ticket.pk}/").context["history"]
    assert [(h.attribute, h.value_from, h.value_to) for h in history if h.attribute == "state"] == [
        ("state", "new", "resolved")
    ]


def test_claim_release_follow_and_tags(client, world):
    login(client, world.agent)
    base = f"/tickets/{world.ticket.pk}"
    assert client.post(f"{base}/claim/").status_code == 302
    world.ticket.refresh_from_db()
    assert world.ticket.owner_id == world.agent.pk
    assert "Release" in html_of(client.get(f"{base}/"))
    client.post(f"{base}/release/")
    world.ticket.refresh_from_db()
    assert world.ticket.owner_id is None
    client.post(f"{base}/follow/")
    assert Subscription.objects.filter(ticket=world.ticket, user=world.agent).count() == 1
    client.post(f"{base}/unfollow/")
    assert Subscription.objects.filter(ticket=world.ticket, user=world.agent).count() == 0
    client.post(f"{base}/tags/", {"name": "printer"})
    assert list(
        Tagging.objects.filter(object_id=world.ticket.pk).values_list("tag__name", flat=True)
    ) == ["printer"]
    client.post(f"{base}/tags/remove/", {"name": "printer"})
    assert Tagging.objects.filter(object_id=world.ticket.pk).count() == 0


def test_assignees_are_named_escaped_and_may_release_and_close(client, world):
    helper = UserFactory(
        login="bert", firstname="Bert", lastname=XSS, roles=["Agent"], groups=[world.group]
    )
    world.ticket.assignees.add(world.agent, helper)
    other = UserFactory(login="olga", roles=["Agent"], groups=[world.group])
    html = html_of(login(client, world.agent).get(f"/tickets/{world.ticket.pk}/"))
    shown = re.search(r"Assignees</dt><dd class=\"col-7\">(.*?)</dd>", html)
    assert shown is not None
    # By name ("Bert …" before the agent's "First… Tester"), each escaped.
    assert shown.group(1) == (
        f"Bert &lt;script&gt;window.__xss=1&lt;/script&gt;, {world.agent.fullname}"
    )
    assert XSS not in html
    assert "Release" in html  # an assignee, not the owner
    assert f'action="/tickets/{world.ticket.pk}/close/"' in html  # Flicket: assignees close
    html = html_of(login(client, other).get(f"/tickets/{world.ticket.pk}/"))
    assert "Release" not in html
    assert f'action="/tickets/{world.ticket.pk}/close/"' not in html


def test_customer_sees_no_agent_tools(client, world):
    html = html_of(login(client, world.customer).get(f"/tickets/{world.ticket.pk}/"))
    assert "Assign to me" not in html
    assert 'id="update"' not in html
    assert 'name="internal"' not in html
    assert "Close" in html  # the customer may close their own ticket (Flicket)
    assert client.post(f"/tickets/{world.ticket.pk}/claim/").status_code == 302
    world.ticket.refresh_from_db()
    assert world.ticket.owner_id is None


def test_bulk_changes_go_through_the_services_one_ticket_at_a_time(client, world):
    hidden = TicketFactory(title="Elsewhere", group=world.other_group)
    second = TicketFactory(title="Second", group=world.group)
    login(client, world.agent)
    response = client.post(
        "/tickets/bulk/",
        {"ticket": [world.ticket.pk, second.pk, hidden.pk], "priority": "3", "tag": "batch"},
    )
    assert response.status_code == 302
    assert {t.title: t.priority.name for t in Ticket.objects.all()} == {
        "Printer on fire": "3 high",
        "Second": "3 high",
        "Elsewhere": "2 normal",
    }
    assert Tagging.objects.filter(tag__name="batch").count() == 2


def test_new_ticket_default_form_with_custom_field(client, world):
    runtime.update_setting(Actor.system(), "tickets.custom_field_name", "Serial number")
    login(client, world.customer)
    page = client.get("/tickets/new/")
    assert '<label class="form-label" for="id_custom_field">Serial number' in html_of(page)
    response = client.post(
        "/tickets/new/",
        {
            "group": world.group.pk,
            "title": "Screen flickers",
            "body": "Since *Monday*",
            "custom_field": "SN-42",
            "attachments": [SimpleUploadedFile("photo.png", b"\x89PNG", content_type="image/png")],
        },
    )
    ticket = Ticket.objects.get(title="Screen flickers")
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    assert (ticket.customer_id, ticket.custom_field, ticket.group_id) == (
        world.customer.pk,
        "SN-42",
        world.group.pk,
    )
    assert Attachment.objects.filter(filename="photo.png").count() == 1


def test_new_ticket_shows_a_service_error_at_its_field(client, world):
    login(client, world.customer)
    response = client.post("/tickets/new/", {"group": world.group.pk, "title": " ", "body": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["This field is required."]


def test_guests_file_tickets_only_when_allowed(client, world):
    response = client.get("/tickets/new/")
    assert response["Location"] == "/accounts/login/?next=/tickets/new/"
    runtime.update_setting(Actor.system(), "tickets.allow_guest_tickets", True)
    response = client.post(
        "/tickets/new/",
        {
            "group": world.group.pk,
            "title": "Guest question",
            "body": "Hello",
            "submitter_email": "visitor@example.com",
        },
    )
    assert response["Location"] == "/"
    ticket = Ticket.objects.get(title="Guest question")
    assert ticket.submitter_email == "visitor@example.com"


def test_markdown_preview_is_cleaned(client, world):
    login(client, world.agent)
    response = client.post(
        "/tickets/preview/", {"body": f"# Title\n\n{XSS}"}, headers={"HX-Request": "true"}
    )
    html = html_of(response)
    assert "<h1>Title</h1>" in html
    assert "<script" not in html


def test_forms_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent)
    assert client.post(f"/tickets/{world.ticket.pk}/claim/").status_code == 403
    assert client.post(f"/tickets/{world.ticket.pk}/reply/", {"body": "x"}).status_code == 403


def test_home_lists_my_tickets(client, world):
    world.ticket.owner = world.agent
    world.ticket.save()
    Subscription.objects.create(ticket=world.ticket, user=world.agent)
    html = html_of(login(client, world.agent).get("/"))
    for heading in (
        "Tickets I created",
        "Assigned to me",
        "Needs my reply",
        "Escalated tickets",
        "Tickets I follow",
    ):
        assert heading in html
    client.logout()
    html = html_of(login(client, world.customer).get("/"))
    assert "Tickets I created" in html
    assert "Needs my reply" not in html
    assert f'href="/tickets/{world.ticket.pk}/"' in html


def test_home_query_count_does_not_grow_with_tickets(client, world):
    def mine(n):
        ticket = TicketFactory(
            title=f"Mine {n}", group=world.group, customer=world.customer, owner=world.agent
        )
        Subscription.objects.create(ticket=ticket, user=world.agent)

    login(client, world.agent)
    mine(0)  # one row in each growing list: an empty list skips reading rows
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for n in range(1, 6):
        mine(n)
    with CaptureQueriesContext(connection) as many:
        html = html_of(client.get("/"))
    assert html.count("Mine 5") == 2  # assigned to me, and followed
    assert len(many) == len(few)


def test_moving_to_another_group_sends_only_what_changed(client, world):
    login(client, world.admin)
    ticket = world.ticket
    response = client.post(
        f"/tickets/{ticket.pk}/update/",
        {
            "state": ticket.state_id,
            "priority": ticket.priority_id,
            "group": world.other_group.pk,
            "category": ticket.category_id,  # the old group's category, as the form shows it
            "owner": "",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.group_id, ticket.category.group_id, ticket.category.is_default) == (
        world.other_group.pk,
        world.other_group.pk,
        True,
    )


def test_the_update_form_keeps_an_owner_outside_the_group(client, world):
    world.ticket.owner = world.admin  # an admin who is no member of the group
    world.ticket.save()
    form = login(client, world.agent).get(f"/tickets/{world.ticket.pk}/").context["update_form"]
    assert (world.admin.pk, f"{world.admin.fullname} (boss)") in form.fields["owner"].choices
    assert form.initial["owner"] == world.admin.pk


def test_list_page_with_50_tickets_stays_within_its_query_budget(client, world):
    """A page of 50 rows is read in a fixed number of queries (count, ids, rows with their
    relations), whatever the rows hold; the budget covers session, settings, filters'
    choices and saved views."""
    for n in range(50):
        TicketFactory(
            title=f"Row {n}", group=world.group, customer=world.customer, owner=world.agent
        )
    login(client, world.agent)
    client.get("/tickets/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/tickets/")
    assert len(response.context["tickets"]) == 50
    assert len(queries) <= 24, "\n".join(q["sql"][:120] for q in queries.captured_queries)


def test_ticket_page_with_30_articles_stays_within_its_query_budget(client, world):
    for n in range(30):
        ArticleFactory(
            ticket=world.ticket, body=f"Note {n}", internal=n % 3 == 0, created_by=world.agent
        )
    login(client, world.agent)
    url = f"/tickets/{world.ticket.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(response.context["articles"]) == 31
    assert len(queries) <= 34, "\n".join(q["sql"][:120] for q in queries.captured_queries)
    whole = 'SELECT "tickets_ticket"."id", "tickets_ticket"."created_at"'
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(whole)]
    # Once for the page, not again for its articles, history, tags and followers.
    assert len(reads) == 1, reads


def test_a_ticket_handed_to_a_selector_does_not_stand_in_for_another(world):
    """``list_articles(..., ticket=)`` skips the check only for that very ticket."""
    hidden = TicketFactory(title="Elsewhere", group=world.other_group)
    seen = selectors.get_ticket(Actor.for_user(world.agent), world.ticket.pk)
    with pytest.raises(NotFound):
        selectors.list_articles(Actor.for_user(world.agent), hidden.pk, ticket=seen)
    with pytest.raises(NotFound):
        selectors.ticket_history(Actor.for_user(world.agent), hidden.pk, ticket=seen)
    with pytest.raises(NotFound):
        selectors.ticket_tags(Actor.for_user(world.agent), hidden.pk, ticket=seen)
    with pytest.raises(NotFound):
        selectors.ticket_assignees(Actor.for_user(world.agent), hidden.pk, ticket=seen)


def test_a_long_thread_opens_with_its_description_and_latest_messages(client, world):
    from helpline.tickets.pages.views import THREAD_WINDOW

    description = Article.objects.filter(ticket=world.ticket).order_by("id").first()
    notes = [
        ArticleFactory(ticket=world.ticket, body=f"Step {n}", created_by=world.agent)
        for n in range(THREAD_WINDOW + 5)
    ]
    login(client, world.agent)
    url = f"/tickets/{world.ticket.pk}/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    shown = [a.pk for a in response.context["articles"]]
    assert shown == [description.pk] + [a.pk for a in notes[-THREAD_WINDOW:]]
    assert response.context["hidden_articles"] == 5
    html = html_of(response)
    assert "Show 5 earlier messages" in html
    assert "Step 4<" not in html
    assert f"Step {THREAD_WINDOW + 4}" in html
    assert len(queries) <= 37
    everything = client.get(url + "?articles=all")
    assert len(everything.context["articles"]) == THREAD_WINDOW + 6
    assert everything.context["hidden_articles"] == 0
    assert "Step 4<" in html_of(everything)


def _row_of(html: str, ticket_id: int) -> str:
    """The list's ``<tr>`` holding the ticket's link."""
    link = html.index(f'<a href="/tickets/{ticket_id}/">')
    return html[html.rindex("<tr>", 0, link) : html.index("</tr>", link) + len("</tr>")]


def test_list_rows_show_each_column_escaped(client, world):
    """The rows are written in Python (``ticket_rows``): every value is escaped, and each
    column shows what the template used to."""
    world.customer.firstname, world.customer.lastname = "Carol", "<b>Bold</b>"
    world.customer.save()
    world.ticket.owner = world.agent
    world.ticket.escalation_at = timezone.now() - timedelta(minutes=5)
    world.ticket.title = XSS
    world.ticket.save()
    guest = TicketFactory(title="From a guest", group=world.group, customer=None)
    Ticket.objects.filter(pk=guest.pk).update(submitter_email="x<y>@example.com")
    html = html_of(login(client, world.agent).get("/tickets/"))
    row = _row_of(html, world.ticket.pk)
    assert XSS not in html
    assert (
        f'<a href="/tickets/{world.ticket.pk}/">&lt;script&gt;window.__xss=1&lt;/script&gt;</a>'
        in row
    )
    assert f'aria-label="Select ticket {world.ticket.number}"' in row
    assert f'value="{world.ticket.pk}"' in row
    assert f'<td class="text-nowrap">{world.ticket.number}</td>' in row
    assert f'<span class="badge text-bg-info">{world.ticket.state.name}</span>' in row
    assert f'<span class="badge text-bg-light">{world.ticket.priority.name}</span>' in row
    assert '<span class="badge text-bg-danger">Escalated</span>' in row
    assert '<td class="d-none d-md-table-cell">Service Desk</td>' in row
    assert '<td class="d-none d-md-table-cell">Carol &lt;b&gt;Bold&lt;/b&gt;</td>' in row
    assert f'<td class="d-none d-md-table-cell">{world.agent.fullname}</td>' in row
    updated = world.ticket.updated_at.astimezone(timezone.get_current_timezone())
    assert f'<time datetime="{updated.isoformat()}">' in row
    other = _row_of(html, guest.pk)
    assert "Escalated" not in other
    assert '<td class="d-none d-md-table-cell">x&lt;y&gt;@example.com</td>' in other
    assert '<td class="d-none d-md-table-cell">—</td>' in other  # no owner


def test_list_rows_have_no_checkbox_for_customers_and_speak_french(client, world):
    world.customer.preferences = {"locale": "fr"}
    world.customer.save()
    world.ticket.escalation_at = timezone.now() - timedelta(minutes=5)
    world.ticket.save()
    html = html_of(login(client, world.customer).get("/tickets/"))
    row = _row_of(html, world.ticket.pk)
    assert 'type="checkbox"' not in row
    assert '<span class="badge text-bg-danger">En dépassement</span>' in row


def test_list_page_ids_are_unique_and_the_bulk_owner_defaults_to_unchanged(client, world):
    html = html_of(login(client, world.agent).get("/tickets/"))
    ids = re.findall(r' id="([^"]+)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    bulk = html[html.index('id="bulk"') :]
    assert '<label class="form-label" for="bulk_owner">Owner' in bulk
    owner = bulk[bulk.index('<select name="owner"') :]
    assert owner.split("</option>")[0].endswith('<option value="" selected>Unchanged')
    assert f'<option value="{world.agent.pk}">{world.agent.fullname} (alice)</option>' in owner
    assert '<label class="form-label" for="bulk_state">State' in bulk


def test_home_items_link_each_ticket_with_its_badges(client, world):
    world.ticket.title = XSS
    world.ticket.save()
    html = html_of(login(client, world.customer).get("/"))
    assert XSS not in html
    item = (
        f'<li class="py-1 border-bottom"><a href="/tickets/{world.ticket.pk}/">'
        f"{world.ticket.number} · &lt;script&gt;window.__xss=1&lt;/script&gt;</a> "
        f'<span class="badge text-bg-info">{world.ticket.state.name}</span>'
    )
    assert item in html


def _many(world, count: int, title: str) -> list[Ticket]:
    made = [TicketFactory(title=f"{title} {n}", group=world.group) for n in range(count)]
    refresh_documents("ticket", [t.pk for t in made])
    return made


def _get_counting_up_to(client: Client, url: str, limit: int, *, window: int = 0):
    """GET ``url``, checking that the page counted once, up to ``limit`` rows. A word search
    on SQLite (``window``: the rank window) counts the window in the statement that ranks
    it and goes on past it only as far as ``limit``."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    statements = [q["sql"] for q in queries.captured_queries]
    if window and connection.vendor == "sqlite":
        windows = [sql for sql in statements if sql.startswith("WITH w AS (")]
        counts = [sql for sql in statements if sql.startswith("SELECT count(*) FROM (")]
        assert len(windows) == 1
        assert f"LIMIT {window}), n AS" in windows[0]
        assert len(counts) == 1
        assert counts[0].endswith(f"LIMIT {limit - window})")
        return response
    counts = [sql for sql in statements if "COUNT(" in sql]
    assert len(counts) == 1
    assert f"LIMIT {limit}" in counts[0]
    return response


def test_a_long_list_counts_only_so_far_and_says_more_than(client, world, settings):
    """The pager's count stops at LIST_COUNT_LIMIT (and ten pages past the page shown):
    past it the list says "more than" and offers no last page."""
    settings.LIST_COUNT_LIMIT = 100
    made = _many(world, 119, "Bulk")  # 120 with the world's ticket
    runtime.update_setting(Actor.system(), "site.posts_per_page", 5)
    login(client, world.agent)
    first = _get_counting_up_to(client, "/tickets/", 101)
    html = html_of(first)
    assert "Page 1 of more than 20" in html
    assert ">Last<" not in html
    assert 'href="?page=2" rel="next"' in html
    assert [t.title for t in first.context["tickets"]] == [t.title for t in made[::-1][:5]]
    deep = client.get("/tickets/?page=15")  # counts up to 10 pages further: all 120
    assert "Page 15 of 24" in html_of(deep)
    assert ">Last<" in html_of(deep)
    assert [t.title for t in deep.context["tickets"]] == [t.title for t in made[::-1][70:75]]
    past = client.get("/tickets/?page=99")  # past the end: the last page
    expected = [*(f"Bulk {n}" for n in (3, 2, 1, 0)), "Printer on fire"]
    assert [t.title for t in past.context["tickets"]] == expected
    assert "Page 24 of 24" in html_of(past)


def test_a_search_with_many_matches_counts_only_so_far(client, world, settings):
    settings.LIST_COUNT_LIMIT = 100
    settings.SEARCH_RANK_WINDOW = 60
    made = _many(world, 110, "Toner")
    runtime.update_setting(Actor.system(), "site.posts_per_page", 5)
    login(client, world.agent)
    first = _get_counting_up_to(client, "/tickets/?q=toner", 101, window=60)
    assert "Page 1 of more than 20" in html_of(first)
    assert len(first.context["tickets"]) == 5
    last = client.get("/tickets/?q=toner&page=22")
    assert "Page 22 of 22" in html_of(last)
    assert {t.title for t in last.context["tickets"]} <= {t.title for t in made}
    assert len(last.context["tickets"]) == 5
    seen = set()
    for page in range(1, 23):
        seen |= {t.pk for t in client.get(f"/tickets/?q=toner&page={page}").context["tickets"]}
    assert seen == {t.pk for t in made}  # every match on a page, capped count or not
