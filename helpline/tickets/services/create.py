"""Filing a new ticket (every door: Zammad POST /tickets, django-helpdesk create_ticket,
Flicket POST /tickets, NodePoint add_ticket, ITFlow tickets/create, mail, pages)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from helpline.core import permissions as perms
from helpline.core import rules as people_rules
from helpline.core.models import HistoryEntry, Organization, User
from helpline.core.services import attachments as attachment_service
from helpline.core.services import history
from helpline.core.services.attributes import clean_attribute_values
from helpline.core.services.settings import get_setting
from helpline.core.services.users import create_user
from helpline.lib import clock, events
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, PermissionDenied
from helpline.projects.models import Project
from helpline.projects.services import forms as project_forms
from helpline.tickets import permissions, rules, sla_rules
from helpline.tickets.events import TicketCreated
from helpline.tickets.models import Article, ArticleSender, Ticket, TicketCounter
from helpline.tickets.services import _common as common

# What only an agent filing into a group they have create access to may set.
AGENT_ONLY = ("owner", "assignees", "state", "pending_time", "time_unit", "resolution", "note")


def _next_number() -> str:
    """Lock the counter row for the rest of the transaction and take the next value: numbers
    are unique and, because the lock is held until commit, gap-free in commit order."""
    counter = TicketCounter.objects.select_for_update().filter(name="ticket").first()
    if counter is None:
        counter = TicketCounter.objects.create(name="ticket", value=0)
        counter = TicketCounter.objects.select_for_update().get(pk=counter.pk)
    counter.value += 1
    counter.save(update_fields=["value"])
    return rules.ticket_number(str(get_setting("tickets.number_prefix") or ""), counter.value)


def _may_create_anything(actor: Actor) -> bool:
    if actor.has_any(perms.ADMIN, perms.TICKET_AGENT, perms.TICKET_CUSTOMER):
        return True
    return actor.is_guest and bool(get_setting("tickets.allow_guest_tickets"))


def _form_values(project: Project | None, values: Any) -> list[dict[str, Any]]:
    """The project's custom form filled in with ``values``, as stored on the ticket."""
    if values is None:
        return []
    form = project_forms.form_for_project(project) if project is not None else None
    if form is None:
        if values:
            raise Invalid(
                "this ticket has no custom form", code="ticket.form_unexpected", field="form_values"
            )
        return []
    clean = project_forms.clean_form_values(form, values)
    stored: list[dict[str, Any]] = []
    client_ids = [
        clean[f["name"]] for f in form.fields if f["type"] == "client" and f["name"] in clean
    ]
    names = dict(Organization.objects.filter(pk__in=client_ids).values_list("pk", "name"))
    for field in form.fields:
        if field["name"] not in clean:
            continue
        entry = {
            "name": field["name"],
            "label": field["label"],
            "type": field["type"],
            "value": clean[field["name"]],
        }
        if field["type"] == "client":
            entry["text"] = names.get(clean[field["name"]], "")
        stored.append(entry)
    return stored


def create_ticket(
    actor: Actor,
    *,
    title: Any,
    body: Any,
    group: Any = None,
    category: Any = None,
    project: Any = None,
    release: Any = None,
    customer: Any = None,
    organization: Any = None,
    state: Any = None,
    priority: Any = None,
    owner: Any = None,
    assignees: Sequence[Any] = (),
    submitter_email: str = "",
    content_type: str = "text/plain",
    article_type: Any = None,
    sender: Any = None,
    internal: bool = False,
    subject: str = "",
    from_address: str = "",
    to: str = "",
    cc: str = "",
    reply_to: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    attachments: Sequence[attachment_service.Upload] = (),
    custom_field: Any = None,
    attributes: Mapping[str, Any] | None = None,
    form_values: Any = None,
    pending_time: Any = None,
    resolution: str = "",
    time_unit: Any = None,
    note: str = "",
) -> Ticket:
    """File a ticket; its first article is the description.

    - Who: agents into groups they have *create* access to (every field); customers into any
      active group, for themselves; guests only while ``tickets.allow_guest_tickets`` is on,
      with a ``submitter_email``; admins and the system anywhere.
    - Where (DESIGN.md): a project files into its group; a category alone gives its group; a
      group alone gives its default category.
    - Customer: by id, login or email; an agent naming an unknown email creates that customer
      on first contact. The organization is the customer's unless an agent names one; a
      closed organization takes no tickets.
    - Custom form (NodePoint): ``form_values`` (field name -> value) is what was typed into
      the project's active custom form; it is checked by
      ``projects.services.forms.clean_form_values`` (``Invalid`` naming the form's field)
      and stored in ``Ticket.form_values`` with the labels. Values for a project without a
      form are refused (``form_values``). A door that knows no forms passes ``None`` (as
      NodePoint's ``add_ticket`` call, which only has ``custom=``) and nothing is checked.
    - Project auto-assign users become assignees; the number comes from the locked counter
      with ``tickets.number_prefix``.
    - The description sets the contact times by Zammad's rule (``sla_rules.contact_of``): a
      customer's web or mail message is customer contact; an agent's description is a
      "note" (no contact) unless the door names a communication type (an outbound call or
      mail is the first response).
    Field names in errors are the parameter names.
    """
    if not _may_create_anything(actor):
        raise PermissionDenied("you may not file tickets", code="ticket.create_forbidden")
    title = rules.clean_title(title)
    body = rules.clean_body(body)
    content_type = rules.clean_content_type(content_type)

    project_row = (
        common.lookup_project(project, field="project") if project not in (None, "") else None
    )
    placement = common.place(
        group=common.lookup_group(group, field="group") if group not in (None, "") else None,
        category=common.lookup_category(category, field="category")
        if category not in (None, "")
        else None,
        project=project_row,
        release=common.lookup_release(project_row, release, field="release")
        if release not in (None, "")
        else None,
        fields={
            "group": "group",
            "category": "category",
            "project": "project",
            "release": "release",
        },
    )
    profile = permissions.ticket_access(actor)
    mode = permissions.create_mode(actor, placement.group.pk, profile=profile)
    if mode is None:
        raise PermissionDenied(
            f"you may not file tickets in group {placement.group.name}",
            code="ticket.create_forbidden",
            field="group",
        )
    given = {
        "owner": owner not in (None, ""),
        "assignees": bool(assignees),
        "state": state not in (None, ""),
        "pending_time": pending_time not in (None, ""),
        "time_unit": time_unit not in (None, ""),
        "resolution": bool((resolution or "").strip()),
        "note": bool((note or "").strip()),
    }
    if mode != "agent":
        for name in AGENT_ONLY:
            if given[name]:
                raise PermissionDenied(
                    f"only agents set {name} on a new ticket",
                    code="ticket.field_forbidden",
                    field=name,
                )
        if internal:
            raise PermissionDenied(
                "only agents write internal articles",
                code="article.internal_forbidden",
                field="internal",
            )

    # Customer and organization.
    new_customer_email = ""
    customer_row: User | None = None
    if mode == "agent":
        if customer not in (None, ""):
            customer_row = common.find_user(customer)
            if customer_row is None:
                text = str(customer).strip()
                if "@" not in text or not actor.has_any(perms.TICKET_AGENT, perms.ADMIN_USER):
                    raise Invalid(
                        f"no user {customer!r}", code="ticket.customer_unknown", field="customer"
                    )
                new_customer_email = people_rules.check_email(text, field="customer")
        elif actor.user is not None and actor.has(perms.TICKET_CUSTOMER):
            customer_row = actor.user
    elif mode == "customer":
        if customer not in (None, "") and common.find_user(customer) != actor.user:
            raise PermissionDenied(
                "customers file tickets for themselves",
                code="ticket.customer_forbidden",
                field="customer",
            )
        customer_row = actor.user
    else:  # guest
        if customer not in (None, ""):
            raise PermissionDenied(
                "guests cannot name a customer", code="ticket.customer_forbidden", field="customer"
            )
        if not (submitter_email or "").strip():
            raise Invalid(
                "a guest ticket needs the submitter's email address",
                code="ticket.submitter_email_missing",
                field="submitter_email",
            )
    submitter = people_rules.check_email(submitter_email, field="submitter_email")
    if customer_row is not None and not customer_row.active:
        raise Invalid(
            f"the user {customer_row.login} is disabled",
            code="ticket.customer_inactive",
            field="customer",
        )

    organization_row = None
    if organization not in (None, ""):
        organization_row = common.lookup_organization(organization, field="organization")
        if mode != "agent":
            own = (
                set(customer_row.organizations.values_list("pk", flat=True))
                if customer_row
                else set()
            )
            if customer_row is not None and customer_row.organization_id:
                own.add(customer_row.organization_id)
            if organization_row.pk not in own:
                raise PermissionDenied(
                    "customers file tickets only for their own organizations",
                    code="ticket.organization_forbidden",
                    field="organization",
                )
    elif customer_row is not None and customer_row.organization_id:
        organization_row = customer_row.organization
    common.check_organization_open(organization_row, field="organization")

    # State, priority, fields.
    state_row = (
        common.lookup_state(state, field="state")
        if given["state"]
        else common.default_create_state()
    )
    common.check_state_allowed(state_row, field="state")
    resolution_text = (resolution or "").strip()
    if not rules.needs_resolution_ok(state_row.needs_resolution, resolution_text):
        raise Invalid(
            f"the state {state_row.name} needs a resolution",
            code="ticket.state_needs_resolution",
            field="resolution",
        )
    pending_at = rules.clean_datetime(pending_time, field="pending_time")
    if state_row.is_pending and pending_at is None:
        raise Invalid(
            f"the state {state_row.name} needs a pending time",
            code="ticket.pending_time_missing",
            field="pending_time",
        )
    priority_row = (
        common.lookup_priority(priority, field="priority")
        if priority not in (None, "")
        else common.default_priority()
    )
    custom = rules.clean_custom_field(custom_field, str(get_setting("tickets.custom_field_type")))
    attribute_values = clean_attribute_values("Ticket", dict(attributes)) if attributes else {}
    stored_form = _form_values(placement.project, form_values)
    minutes = rules.clean_time_unit(time_unit)

    # The first article.
    if article_type not in (None, ""):
        type_row = common.lookup_article_type(article_type, field="article_type")
    else:
        type_row = common.lookup_article_type(
            "note" if mode == "agent" and not actor.is_system else "web"
        )
    if sender not in (None, ""):
        sender_row = common.lookup_sender(sender, field="sender")
        if mode != "agent" and sender_row.name != ArticleSender.CUSTOMER:
            raise PermissionDenied(
                "customers write as Customer", code="article.sender_forbidden", field="sender"
            )
    elif actor.is_system:
        sender_row = common.lookup_sender(ArticleSender.SYSTEM)
    else:
        sender_row = common.lookup_sender(
            ArticleSender.AGENT if mode == "agent" else ArticleSender.CUSTOMER
        )
    attachment_service.check_uploads(actor, attachments)

    # Owner and assignees must be agents who may read the ticket.
    probe = Ticket(
        group=placement.group,
        category=placement.category,
        customer=customer_row,
        organization=organization_row,
    )
    owner_row = None
    if given["owner"]:
        owner_row = common.lookup_user(owner, field="owner", code="ticket.owner_unknown")
        common.check_owner(owner_row, probe, field="owner")
    assignee_rows: dict[int, User] = {}
    for value in assignees:
        user = common.lookup_user(value, field="assignees", code="ticket.assignee_unknown")
        common.check_owner(user, probe, field="assignees")
        assignee_rows[user.pk] = user
    if placement.project is not None:
        for user in placement.project.auto_assign.filter(active=True).order_by("pk"):
            if user.pk not in assignee_rows and permissions.can_own_ticket(user, probe):
                assignee_rows[user.pk] = user

    now = clock.now()
    with attachment_service.cleanup_files_on_error(), transaction.atomic():
        if new_customer_email:
            customer_row = create_user(actor, email=new_customer_email, login=new_customer_email)
        contact = sla_rules.contact_of(
            at=now,
            sender=sender_row.name,
            internal=bool(internal),
            communication=type_row.communication,
        )
        by_customer = contact is not None and contact.sender == ArticleSender.CUSTOMER
        by_agent = contact is not None and contact.sender == ArticleSender.AGENT
        ticket = Ticket.objects.create(
            number=f"~{uuid.uuid4().hex}",  # the real number is taken last, see _next_number
            title=title,
            group=placement.group,
            category=placement.category,
            project=placement.project,
            release=placement.release,
            state=state_row,
            priority=priority_row,
            customer=customer_row,
            organization=organization_row,
            owner=owner_row,
            submitter_email=submitter,
            resolution=resolution_text,
            custom_field=custom,
            attributes=attribute_values,
            form_values=stored_form,
            note=(note or "").strip(),
            pending_time=pending_at if state_row.is_pending else None,
            article_count=1,
            time_unit=minutes or 0,
            create_article_type=type_row,
            create_article_sender=sender_row,
            last_owner_update_at=now if owner_row is not None else None,
            close_at=now if state_row.is_closed else None,
            created_by=actor.user,
            updated_by=actor.user,
        )
        if assignee_rows:
            ticket.assignees.set(list(assignee_rows.values()))
        article = Article.objects.create(
            ticket=ticket,
            type=type_row,
            sender=sender_row,
            internal=bool(internal),
            from_address=(from_address or (actor.user.fullname if actor.user else submitter)),
            to=to or "",
            cc=cc or "",
            subject=subject or title,
            reply_to=reply_to or "",
            message_id=message_id or "",
            in_reply_to=in_reply_to or "",
            references=references or "",
            content_type=content_type,
            body=body,
            time_unit=minutes,
            created_by=actor.user,
            updated_by=actor.user,
        )
        attachment_service.store_attachments(actor, "Article", article.pk, attachments)
        common.notify(actor, ticket, created=True, internal=bool(internal))
        # Contact times are the description's own time, as SLA reads them from the articles.
        if contact is not None:
            ticket.last_contact_at = article.created_at
        if by_customer:
            ticket.last_contact_customer_at = article.created_at
        if by_agent:
            ticket.last_contact_agent_at = ticket.first_response_at = article.created_at
        ticket.number = _next_number()
        ticket.save(
            update_fields=[
                "number",
                "last_contact_at",
                "last_contact_customer_at",
                "last_contact_agent_at",
                "first_response_at",
            ]
        )
        common.record_created(actor, ticket)
        history.record(
            actor,
            "Ticket",
            ticket.pk,
            HistoryEntry.Kind.ADDED,
            "article",
            None,
            article.pk,
            id_to=article.pk,
            related_object_type="Article",
            related_object_id=article.pk,
        )
        events.publish(
            TicketCreated(ticket_id=ticket.pk, actor_id=actor.user_id, article_id=article.pk)
        )
    return ticket
