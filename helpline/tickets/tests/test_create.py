"""Filing tickets: placement, customers, guests, numbers, auto-assign, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from helpline.core.models import Attachment, HistoryEntry, Organization, User
from helpline.core.services.attachments import Upload
from helpline.core.services.settings import update_setting
from helpline.lib import events
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, PermissionDenied
from helpline.projects.models import Project, Release
from helpline.testing.factories import GroupFactory, UserFactory
from helpline.tickets.events import TicketCreated
from helpline.tickets.models import Article, Ticket, TicketCategory, TicketCounter
from helpline.tickets.services import create_ticket

pytestmark = pytest.mark.django_db


def rows() -> dict[str, int]:
    return {
        "tickets": Ticket.objects.count(),
        "articles": Article.objects.count(),
        "history": HistoryEntry.objects.count(),
        "users": User.objects.count(),
        "attachments": Attachment.objects.count(),
        "counter": TicketCounter.objects.get(name="ticket").value,
    }


def test_an_agent_files_a_ticket_with_its_description(world, commit):
    with events.capture() as seen, commit():
        ticket = create_ticket(
            world.actor(world.agent),
            title="  VPN   down ",
            body="<p>Since <b>9:00</b></p>",
            content_type="text/html",
            group=world.group.pk,
            customer="carol",
            priority="3 high",
        )
    ticket.refresh_from_db()
    assert ticket.title == "VPN down"
    assert ticket.number == "1"
    assert ticket.category.name == "General"
    assert ticket.category.is_default is True
    assert ticket.state.name == "new"
    assert ticket.priority.name == "3 high"
    assert (ticket.customer, ticket.organization) == (world.customer, world.org)
    assert ticket.article_count == 1
    assert ticket.create_article_type.name == "note"
    assert ticket.create_article_sender.name == "Agent"
    assert (ticket.created_by, ticket.updated_by) == (world.agent, world.agent)
    article = Article.objects.get(ticket=ticket)
    assert (article.body, article.content_type, article.internal) == (
        "<p>Since <b>9:00</b></p>",
        "text/html",
        False,
    )
    assert article.subject == "VPN down"
    assert list(
        HistoryEntry.objects.filter(object_id=ticket.pk, object_type="Ticket").values_list(
            "kind", "attribute", "value_to", "id_to", "created_by"
        )
    ) == [
        ("created", "", "1", None, world.agent.pk),
        ("added", "article", str(article.pk), article.pk, world.agent.pk),
    ]
    assert seen == [
        TicketCreated(ticket_id=ticket.pk, actor_id=world.agent.pk, article_id=article.pk)
    ]


def test_numbers_count_up_with_the_prefix(world):
    update_setting(Actor.system(), "tickets.number_prefix", "TCK-")
    actor = world.actor(world.agent)
    first = create_ticket(actor, title="a", body="b", group=world.group.pk)
    second = create_ticket(actor, title="c", body="d", group=world.group.pk)
    assert (first.number, second.number) == ("TCK-1", "TCK-2")


def test_a_category_alone_gives_its_group(world):
    category = TicketCategory.objects.create(group=world.group, name="Printers")
    ticket = create_ticket(
        world.actor(world.customer), title="Jam", body="Paper", category=category.pk
    )
    assert (ticket.group, ticket.category) == (world.group, category)


def test_a_group_without_categories_gets_general_on_first_use(world):
    legacy = GroupFactory(name="Legacy")
    assert not TicketCategory.objects.filter(group=legacy).exists()
    ticket = create_ticket(world.actor(world.admin), title="Old", body="data", group="legacy")
    assert ticket.category == TicketCategory.objects.get(
        group=legacy, is_default=True, name="General"
    )


def test_a_project_files_into_its_group_and_auto_assigns(world):
    helper = UserFactory(login="helga", roles=["Agent"], groups=[world.group])
    outsider = world.outsider  # cannot read the project's tickets: not auto-assigned
    project = Project.objects.create(name="Website", group=world.group)
    project.auto_assign.set([helper, outsider])
    release = Release.objects.create(project=project, name="2.0")
    ticket = create_ticket(
        world.actor(world.customer),
        title="404",
        body="on /about",
        project=project.pk,
        release="2.0",
    )
    assert (ticket.group, ticket.project, ticket.release) == (world.group, project, release)
    assert ticket.category.is_default
    assert list(ticket.assignees.all()) == [helper]


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({}, "group", "ticket.group_missing"),
        ({"group": 999999}, "group", "ticket.group_unknown"),
        ({"group": "Nope"}, "group", "ticket.group_unknown"),
        ({"category": 999999}, "category", "ticket.category_unknown"),
        ({"project": 999999}, "project", "ticket.project_unknown"),
        ({"state": "sleeping"}, "state", "ticket.state_unknown"),
        ({"state": 999}, "state", "ticket.state_unknown"),
        ({"state": "merged"}, "state", "ticket.state_not_settable"),
        ({"state": "resolved"}, "resolution", "ticket.state_needs_resolution"),
        ({"state": "pending reminder"}, "pending_time", "ticket.pending_time_missing"),
        (
            {"pending_time": "tomorrow", "state": "pending reminder"},
            "pending_time",
            "ticket.datetime_invalid",
        ),
        ({"priority": 999}, "priority", "ticket.priority_unknown"),
        ({"priority": "urgent!"}, "priority", "ticket.priority_unknown"),
        ({"title": "x" * 251}, "title", "ticket.title_too_long"),
        ({"title": "   "}, "title", "ticket.title_missing"),
        ({"body": ""}, "body", "article.body_missing"),
        ({"content_type": "application/pdf"}, "content_type", "article.content_type_invalid"),
        ({"attributes": {"colour": "red"}}, "colour", "attribute.unknown"),
        ({"customer": "nobody"}, "customer", "ticket.customer_unknown"),
        ({"customer": "not an email@"}, "customer", "user.email_invalid"),
        ({"owner": "nobody"}, "owner", "ticket.owner_unknown"),
        ({"owner": "oscar"}, "owner", "ticket.owner_invalid"),
        ({"owner": "carol"}, "owner", "ticket.owner_invalid"),
        ({"assignees": ["oscar"]}, "assignees", "ticket.owner_invalid"),
        ({"organization": 999999}, "organization", "ticket.organization_unknown"),
        ({"time_unit": "ten"}, "time_unit", "article.time_unit_invalid"),
        ({"article_type": "pigeon"}, "article_type", "article.type_unknown"),
        ({"sender": "Robot"}, "sender", "article.sender_unknown"),
        ({"submitter_email": "no-at-sign"}, "submitter_email", "user.email_invalid"),
        (
            {"attachments": [Upload("big.pdf", b"x" * (10 * 1024 * 1024 + 1))]},
            "attachments",
            "upload.too_large",
        ),
        ({"attachments": [Upload("run.exe", b"MZ")]}, "attachments", "upload.extension_refused"),
        ({"attachments": [Upload("README", b"hi")]}, "attachments", "upload.extension_refused"),
    ],
)
def test_bad_input_names_the_field_and_leaves_no_rows(world, kwargs, field, code):
    args = {"title": "Help", "body": "Please", **kwargs}
    if kwargs and "group" not in kwargs:
        args["group"] = world.group.pk
    before = rows()
    with pytest.raises(Invalid) as info:
        create_ticket(world.actor(world.agent), **args)
    assert (info.value.field, info.value.code) == (field, code)
    assert rows() == before


def test_a_closed_organization_takes_no_tickets(world):
    world.org.status = Organization.Status.CLOSED
    world.org.save()
    before = rows()
    with pytest.raises(Invalid) as info:
        create_ticket(world.actor(world.customer), title="Hi", body="there", group=world.group.pk)
    assert (info.value.field, info.value.code) == ("organization", "ticket.organization_closed")
    with pytest.raises(Invalid):
        create_ticket(
            world.actor(world.agent),
            title="Hi",
            body="there",
            group=world.group.pk,
            organization=world.org.pk,
        )
    assert rows() == before


def test_an_agent_names_an_unknown_email_and_the_customer_is_created(world):
    ticket = create_ticket(
        world.actor(world.agent),
        title="New caller",
        body="...",
        group=world.group.pk,
        customer="New.Person@Example.com",
    )
    created = User.objects.get(email="New.Person@Example.com")
    assert ticket.customer == created
    assert created.login == "New.Person@Example.com"
    assert [r.name for r in created.roles.all()] == ["Customer"]
    assert ticket.organization is None


def test_customers_file_for_themselves_only(world):
    actor = world.actor(world.customer)
    ticket = create_ticket(
        actor, title="Mine", body="...", group=world.group.pk, customer="carol@example.com"
    )
    assert ticket.customer == world.customer
    assert ticket.create_article_sender.name == "Customer"
    assert ticket.create_article_type.name == "web"
    assert ticket.last_contact_customer_at is not None
    assert ticket.last_contact_at == ticket.last_contact_customer_at
    before = rows()
    for kwargs, field, code in [
        ({"customer": "sam"}, "customer", "ticket.customer_forbidden"),
        ({"owner": "alice"}, "owner", "ticket.field_forbidden"),
        ({"state": "open"}, "state", "ticket.field_forbidden"),
        ({"internal": True}, "internal", "article.internal_forbidden"),
        ({"sender": "Agent"}, "sender", "article.sender_forbidden"),
        ({"time_unit": 5}, "time_unit", "ticket.field_forbidden"),
        ({"organization": world.other_org.pk}, "organization", "ticket.organization_forbidden"),
    ]:
        with pytest.raises(PermissionDenied) as info:
            create_ticket(actor, title="x", body="y", group=world.group.pk, **kwargs)
        assert (info.value.field, info.value.code) == (field, code)
    assert rows() == before


def test_agents_file_only_into_groups_they_may_create_in(world):
    before = rows()
    with pytest.raises(PermissionDenied) as info:
        create_ticket(world.actor(world.outsider), title="x", body="y", group=world.group.pk)
    assert (info.value.field, info.value.code) == ("group", "ticket.create_forbidden")
    assert rows() == before


def test_guest_tickets_need_the_setting_and_an_email(world):
    guest = Actor.guest()
    with pytest.raises(PermissionDenied) as info:
        create_ticket(
            guest, title="x", body="y", group=world.group.pk, submitter_email="g@example.com"
        )
    assert info.value.code == "ticket.create_forbidden"
    update_setting(Actor.system(), "tickets.allow_guest_tickets", True)
    with pytest.raises(Invalid) as missing:
        create_ticket(guest, title="x", body="y", group=world.group.pk)
    assert (missing.value.field, missing.value.code) == (
        "submitter_email",
        "ticket.submitter_email_missing",
    )
    ticket = create_ticket(
        guest,
        title="Locked out",
        body="help",
        group=world.group.pk,
        submitter_email="g@example.com",
    )
    assert (ticket.customer, ticket.submitter_email, ticket.created_by) == (
        None,
        "g@example.com",
        None,
    )
    article = Article.objects.get(ticket=ticket)
    assert (article.sender.name, article.from_address) == ("Customer", "g@example.com")


def test_an_agent_sets_every_field(world):
    ticket = create_ticket(
        world.actor(world.agent),
        title="Server",
        body="Disk full",
        group=world.group.pk,
        customer=world.customer.pk,
        organization=world.other_org.pk,
        state="pending reminder",
        pending_time="2030-01-02T03:04:05Z",
        owner="alice",
        assignees=["alice"],
        article_type="phone",
        sender="Customer",
        internal=True,
        time_unit="12.5",
        custom_field="see #12",
        note="call back",
        resolution="",
    )
    assert ticket.state.name == "pending reminder"
    assert ticket.pending_time.isoformat() == "2030-01-02T03:04:05+00:00"
    assert (ticket.owner, ticket.organization) == (world.agent, world.other_org)
    assert list(ticket.assignees.all()) == [world.agent]
    assert ticket.time_unit == Decimal("12.50")
    assert (ticket.custom_field, ticket.note) == ("see #12", "call back")
    article = Article.objects.get(ticket=ticket)
    assert (article.type.name, article.sender.name, article.internal, article.time_unit) == (
        "phone",
        "Customer",
        True,
        Decimal("12.50"),
    )
    # An internal article is no contact with the customer.
    assert ticket.last_contact_at is None
    assert ticket.last_owner_update_at is not None


def test_a_resolved_ticket_can_be_filed_with_its_resolution(world):
    ticket = create_ticket(
        world.actor(world.agent),
        title="Done",
        body="Fixed on the phone",
        group=world.group.pk,
        state="resolved",
        resolution="Restarted it",
    )
    assert (ticket.state.name, ticket.resolution) == ("resolved", "Restarted it")
    assert ticket.close_at is not None


def test_attachments_are_stored_with_the_description(world, uploads_dir):
    ticket = create_ticket(
        world.actor(world.customer),
        title="Screenshot",
        body="see attached",
        group=world.group.pk,
        attachments=[Upload("../../etc/shot.PNG", b"\x89PNG fake", "image/png")],
    )
    article = Article.objects.get(ticket=ticket)
    attachment = Attachment.objects.get(object_type="Article", object_id=article.pk)
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "shot.PNG",
        "image/png",
        9,
    )
    assert (
        attachment.store.name
        == f"attachments/{attachment.sha256[:2]}/{attachment.sha256[2:4]}/{attachment.sha256}"
    )
    assert (uploads_dir / attachment.store.name).read_bytes() == b"\x89PNG fake"


def test_a_customer_is_refused_in_an_inactive_group(world):
    world.group.active = False
    world.group.save()
    with pytest.raises(Invalid) as info:
        create_ticket(world.actor(world.customer), title="x", body="y", group=world.group.pk)
    assert (info.value.field, info.value.code) == ("group", "ticket.group_inactive")


def test_group_and_category_must_agree(world):
    category = TicketCategory.objects.create(group=world.other_group, name="Doors")
    with pytest.raises(Invalid) as info:
        create_ticket(
            world.actor(world.admin),
            title="x",
            body="y",
            group=world.group.pk,
            category=category.pk,
        )
    assert (info.value.field, info.value.code) == ("category", "ticket.category_group_mismatch")
    project = Project.objects.create(name="Intranet", group=world.other_group)
    with pytest.raises(Invalid) as info:
        create_ticket(
            world.actor(world.admin), title="x", body="y", group=world.group.pk, project=project.pk
        )
    assert (info.value.field, info.value.code) == ("group", "ticket.group_project_mismatch")
    other = Project.objects.create(name="Mobile", group=world.group)
    release = Release.objects.create(project=other, name="1.0")
    with pytest.raises(Invalid) as info:
        create_ticket(
            world.actor(world.admin), title="x", body="y", project=project.pk, release=release.pk
        )
    assert (info.value.field, info.value.code) == ("release", "ticket.release_unknown")
    project.active = False
    project.save()
    with pytest.raises(Invalid) as info:
        create_ticket(world.actor(world.admin), title="x", body="y", project=project.pk)
    assert (info.value.field, info.value.code) == ("project", "ticket.project_retired")
