"""NodePoint's custom forms when filing a ticket: ``create_ticket(form_values=...)`` checks
the values through the project's form and stores them with their labels; the new-ticket
page offers the project's form instead of the default one, with or without JavaScript."""

from __future__ import annotations

import pytest
from django.test import Client

from helpline.core.models import HistoryEntry, Organization
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid
from helpline.projects.models import Project
from helpline.projects.services import forms as project_forms
from helpline.testing.factories import OrganizationFactory, UserFactory
from helpline.tickets import services
from helpline.tickets.models import Article, Ticket

FIELDS = [
    {"name": "summary", "label": "Summary line", "type": "text", "required": True},
    {"name": "steps", "label": "Steps", "type": "textarea"},
    {"name": "agree", "label": "I agree", "type": "checkbox"},
    {"name": "link", "label": "Link", "type": "url"},
    {"name": "browser", "label": "Browser", "type": "select", "options": ["Firefox", "Chrome"]},
    {"name": "rating", "label": "Satisfaction", "type": "rating"},
    {"name": "seen_on", "label": "Seen on", "type": "date"},
    {"name": "client", "label": "Client", "type": "client"},
    {"name": "item", "label": "Item", "type": "item"},
]


@pytest.fixture
def project(world):
    manager = Actor.for_user(UserFactory(login="pm", roles=["Level 4 - Projects management"]))
    form = project_forms.create_custom_form(manager, name="Bug report", fields=FIELDS)
    project = Project.objects.create(name="Web shop", group=world.group)
    project_forms.assign_custom_form(manager, project.pk, form.pk)
    project.refresh_from_db()
    return project


def rows() -> tuple[int, int, int]:
    return (Ticket.objects.count(), Article.objects.count(), HistoryEntry.objects.count())


def file(world, project, values, **kwargs):
    return services.create_ticket(
        world.actor(world.customer),
        title="Checkout broken",
        body="It fails.",
        project=project.pk,
        form_values=values,
        **kwargs,
    )


# --- the service -----------------------------------------------------------------------------


def test_valid_values_are_stored_with_their_labels_in_form_order(world, project):
    client = OrganizationFactory(name="Initech")
    ticket = file(
        world,
        project,
        {
            "rating": "4",
            "summary": " Pay button dead ",
            "agree": "yes",
            "link": "https://shop.example.com/cart",
            "browser": "Chrome",
            "seen_on": "2026-11-20",
            "client": str(client.pk),
            "item": 7,
        },
    )
    ticket.refresh_from_db()
    assert ticket.project_id == project.pk
    assert ticket.group_id == world.group.pk
    assert ticket.form_values == [
        {"name": "summary", "label": "Summary line", "type": "text", "value": "Pay button dead"},
        {"name": "agree", "label": "I agree", "type": "checkbox", "value": True},
        {"name": "link", "label": "Link", "type": "url", "value": "https://shop.example.com/cart"},
        {"name": "browser", "label": "Browser", "type": "select", "value": "Chrome"},
        {"name": "rating", "label": "Satisfaction", "type": "rating", "value": 4},
        {"name": "seen_on", "label": "Seen on", "type": "date", "value": "2026-11-20"},
        {"name": "client", "label": "Client", "type": "client", "value": client.pk,
         "text": "Initech"},
        {"name": "item", "label": "Item", "type": "item", "value": 7},
    ]  # fmt: skip


def test_an_unticked_checkbox_is_stored_as_false_and_blank_optional_fields_are_left_out(
    world, project
):
    ticket = file(world, project, {"summary": "x", "steps": "  "})
    assert [(e["name"], e["value"]) for e in ticket.form_values] == [
        ("summary", "x"),
        ("agree", False),
    ]


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({}, "summary", "form.field_required"),
        ({"summary": "x" * 1001}, "summary", "form.too_long"),
        ({"summary": "x", "steps": ["a", "list"]}, "steps", "form.not_text"),
        ({"summary": "x", "agree": "maybe"}, "agree", "form.checkbox_invalid"),
        ({"summary": "x", "link": "javascript:alert(1)"}, "link", "form.url_invalid"),
        ({"summary": "x", "link": "ftp://files.example.com"}, "link", "form.url_invalid"),
        ({"summary": "x", "browser": "Opera"}, "browser", "form.option_invalid"),
        ({"summary": "x", "rating": 6}, "rating", "form.rating_invalid"),
        ({"summary": "x", "rating": "0"}, "rating", "form.rating_invalid"),
        ({"summary": "x", "seen_on": "2026-13-01"}, "seen_on", "form.date_invalid"),
        ({"summary": "x", "seen_on": "20/11/2026"}, "seen_on", "form.date_invalid"),
        ({"summary": "x", "client": "999999"}, "client", "form.client_unknown"),
        ({"summary": "x", "client": "acme"}, "client", "form.client_invalid"),
        ({"summary": "x", "item": "-3"}, "item", "form.item_invalid"),
        ({"summary": "x", "colour": "red"}, "colour", "form.field_unknown"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_written(
    world, project, values, field, code
):
    before = rows()
    with pytest.raises(Invalid) as caught:
        file(world, project, values)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert rows() == before


def test_a_closed_client_takes_no_ticket(world, project):
    closed = OrganizationFactory(name="Gone Ltd", status=Organization.Status.CLOSED)
    before = rows()
    with pytest.raises(Invalid) as caught:
        file(world, project, {"summary": "x", "client": closed.pk})
    assert (caught.value.field, caught.value.code) == ("client", "form.client_closed")
    assert rows() == before


def test_values_for_a_project_without_a_form_are_refused(world, project):
    project.custom_form = None
    project.save()
    before = rows()
    with pytest.raises(Invalid) as caught:
        file(world, project, {"summary": "x"})
    assert (caught.value.field, caught.value.code) == ("form_values", "ticket.form_unexpected")
    assert rows() == before
    assert file(world, project, {}).form_values == []


def test_an_inactive_form_is_the_default_form(world, project):
    project.custom_form.active = False
    project.custom_form.save()
    with pytest.raises(Invalid):
        file(world, project, {"summary": "x"})
    assert file(world, project, None).form_values == []


def test_doors_that_know_no_forms_pass_none_and_nothing_is_checked(world, project):
    """NodePoint's add_ticket call has only ``custom=``: the required summary is not asked."""
    ticket = file(world, project, None)
    assert ticket.form_values == []
    assert ticket.project_id == project.pk


# --- the new-ticket page ----------------------------------------------------------------------


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def test_the_page_offers_projects_and_shows_the_chosen_projects_form(client, world, project):
    login(client, world.customer)
    html = client.get("/tickets/new/").content.decode()
    assert f'<option value="{project.pk}">Web shop</option>' in html
    assert 'name="group"' in html  # the default form
    assert 'name="cf_summary"' not in html

    html = client.get(f"/tickets/new/?project={project.pk}").content.decode()
    assert 'name="group"' not in html  # the project files into its own group
    assert f'<input type="hidden" name="project" value="{project.pk}"' in html
    assert 'name="cf_summary"' in html
    assert "Summary line" in html
    assert '<option value="Firefox">Firefox</option>' in html
    assert '<option value="5">5 / 5</option>' in html
    assert 'type="date" name="cf_seen_on"' in html
    assert "Filed against the project <strong>Web shop</strong>." in html


def test_htmx_swaps_only_the_form(client, world, project):
    login(client, world.customer)
    response = client.get(f"/tickets/new/?project={project.pk}", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.startswith('<div id="new-ticket">')
    assert "<html" not in html
    assert 'name="cf_browser"' in html


def test_filing_with_the_custom_form_stores_and_shows_the_values(client, world, project):
    login(client, world.customer)
    response = client.post(
        "/tickets/new/",
        {
            "project": project.pk,
            "title": "Cart empties itself",
            "body": "After login.",
            "cf_summary": "Cart <b>empties</b>",
            "cf_agree": "on",
            "cf_link": "https://shop.example.com/cart",
            "cf_browser": "Firefox",
            "cf_rating": "2",
        },
    )
    ticket = Ticket.objects.get(title="Cart empties itself")
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    assert (ticket.project_id, ticket.customer_id) == (project.pk, world.customer.pk)
    assert {e["name"]: e["value"] for e in ticket.form_values} == {
        "summary": "Cart <b>empties</b>",
        "agree": True,
        "link": "https://shop.example.com/cart",
        "browser": "Firefox",
        "rating": 2,
    }
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert '<dt class="col-5">Summary line</dt>' in html
    assert "Cart &lt;b&gt;empties&lt;/b&gt;" in html  # escaped, never markup
    assert '<a href="https://shop.example.com/cart" rel="nofollow noopener noreferrer">' in html
    assert "2 out of 5" in html
    assert '<dd class="col-7 hl-form-value" data-field="agree">Yes</dd>' in html


def test_a_value_the_service_refuses_is_shown_at_its_field_and_nothing_is_filed(
    client, world, project
):
    login(client, world.customer)
    response = client.post(
        "/tickets/new/",
        {
            "project": project.pk,
            "title": "Bad link",
            "body": "x",
            "cf_summary": "x",
            "cf_link": "ftp://example.com/file",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["cf_link"] == [
        "Enter a web address (http:// or https://)."
    ]
    assert not Ticket.objects.filter(title="Bad link").exists()


def test_a_project_without_a_form_keeps_the_default_form_and_files_into_its_group(
    client, world, project
):
    from helpline.core.services import settings as runtime

    runtime.update_setting(Actor.system(), "tickets.custom_field_name", "Order number")
    project.custom_form = None
    project.save()
    login(client, world.customer)
    html = client.get(f"/tickets/new/?project={project.pk}").content.decode()
    assert 'name="custom_field"' in html
    assert 'name="cf_summary"' not in html
    client.post(
        "/tickets/new/",
        {"project": project.pk, "title": "Plain", "body": "x", "custom_field": "A-1"},
    )
    ticket = Ticket.objects.get(title="Plain")
    assert (ticket.project_id, ticket.group_id, ticket.custom_field, ticket.form_values) == (
        project.pk,
        world.group.pk,
        "A-1",
        [],
    )
