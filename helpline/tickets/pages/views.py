"""The ticket pages. Each view parses a form, calls one ticket service (or a selector for
reads) with the request's actor, then renders or redirects; who may do what is decided by
``tickets.permissions`` and the services, never here."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpline.core import permissions as perms
from helpline.core import selectors as core_selectors
from helpline.core.services import tags as tag_service
from helpline.core.services.settings import get_setting
from helpline.lib import clock
from helpline.lib.actor import Actor
from helpline.lib.errors import DomainError, NotFound
from helpline.lib.html import render_markdown
from helpline.lib.pages import Choices, actor_for, render_page, show_error
from helpline.lib.queries import count_up_to
from helpline.projects.services import forms as project_forms
from helpline.tickets import permissions, selectors, services
from helpline.tickets.models import Ticket
from helpline.tickets.pages import errors, forms
from helpline.tickets.selectors import TicketFilters
from helpline.tickets.services.saved_views import VIEW_FILTERS

CSV_COLUMNS = (
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
)


def _choices(items: list[tuple[Any, str]]) -> Choices:
    return Choices([("", "—"), *items])


def _filter_form(
    request: HttpRequest, actor: Actor, choices: selectors.ListChoices
) -> tuple[forms.TicketFilterForm, bool]:
    form = forms.TicketFilterForm(request.GET or None)
    f = form.fields
    f["state"].choices = _choices(choices.states)  # type: ignore[attr-defined]
    f["priority"].choices = _choices(choices.priorities)  # type: ignore[attr-defined]
    agent = selectors.is_agent(actor)
    if agent:
        f["group"].choices = _choices(choices.groups)  # type: ignore[attr-defined]
        f["category"].choices = _choices(choices.categories)  # type: ignore[attr-defined]
        f["project"].choices = _choices(choices.projects)  # type: ignore[attr-defined]
        f["owner"].choices = _choices(choices.owners)  # type: ignore[attr-defined]
    else:
        for name in ("group", "category", "project", "owner", "customer", "organization", "tag"):
            del f[name]
    return form, agent


def _filters(form: forms.TicketFilterForm) -> TicketFilters:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    customer_id = organization_id = None
    if data.get("customer"):
        customer = selectors.find_customer(data["customer"])
        customer_id = customer.pk if customer else 0
    if data.get("organization"):
        organization_id = selectors.find_organization(data["organization"]) or 0
    one = lambda name: (data[name],) if data.get(name) else ()  # noqa: E731
    return TicketFilters(
        state_ids=one("state"),
        priority_ids=one("priority"),
        group_ids=one("group"),
        category_ids=one("category"),
        project_ids=one("project"),
        owner_id=data.get("owner"),
        customer_id=customer_id,
        organization_id=organization_id,
        text=data.get("q") or "",
        tag=data.get("tag") or "",
        created_from=data.get("created_from"),
        created_to=data.get("created_to"),
    )


class _FoundPage(Sequence[selectors.TicketRow]):
    """A page of rows already read, inside its ``total`` (counted up to a limit), for
    Django's paginator."""

    def __init__(self, rows: list[selectors.TicketRow], total: int) -> None:
        self.rows, self.total = rows, total

    def count(self) -> int:  # type: ignore[override]
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: Any) -> Any:
        return self.rows if isinstance(index, slice) else self.rows[index]


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    """Flicket's filters and NodePoint's list: every filter narrows inside one query, a page
    is read in three (count, ids, rows). The search box is the full-text search (the API's
    query language), best match first unless another sort is chosen."""
    actor = actor_for(request)
    choices = selectors.list_choices(actor, profile=permissions.ticket_access(actor))
    form, agent = _filter_form(request, actor, choices)
    filters = _filters(form)
    sort = form.cleaned_data.get("sort") if form.is_bound and form.is_valid() else ""
    per_page = max(1, min(int(get_setting("site.posts_per_page") or 50), 500))
    number = _page_number(request)
    limit = selectors.list_count_limit(number, per_page)
    rows: list[selectors.TicketRow] = []
    total = 0
    try:
        qs = selectors.list_tickets(actor, filters)
        if sort and sort not in ("newest", "relevance"):
            qs = qs.order_by(forms.SORTS[sort], "-id")
        if request.GET.get("format") == "csv":
            return _csv(qs)
        if filters.text.strip() and sort in ("", "relevance"):
            found = selectors.search_page(
                actor,
                filters,
                page=number,
                per_page=per_page,
                related=(),
                only=("id",),
                count_limit=limit,
            )
            rows = selectors.list_rows([t.pk for t in found.tickets])
            total, number = found.total, found.number
        else:
            total = count_up_to(qs, limit)
            number = min(number, max(1, -(-min(total, limit - 1) // per_page)))
            rows = selectors.row_page(qs, number, per_page)
    except DomainError as error:  # a search the language does not accept
        show_error(form, error, message=errors.text(error), fields={"query": "q"})
        rows, total, number = [], 0, 1
    # Counted up to ``limit``: at the limit, the pager says "more than" and has no last page.
    shown = _FoundPage(rows, min(total, limit - 1))
    context = {
        "form": form,
        "page_obj": Paginator(shown, per_page).page(number),
        "count_capped": total >= limit,
        "tickets": rows,
        "is_agent": agent,
        "now": clock.now(),
        **_views_context(request, actor),
    }
    if agent:
        context["bulk_form"] = _update_form(actor, None, choices=choices, bulk=True)
    return render(request, "tickets/list.html", context)


def _views_context(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """The saved views of the list's sidebar and the form that saves the current one."""
    views = list(selectors.saved_views(actor))
    current = request.GET.get("view", "")
    form = _save_view_form(actor)
    return {
        "saved_views": views,
        "current_view": next((v for v in views if str(v.pk) == current), None),
        "save_view_form": form,
        "view_filters": {k: v for k, v in request.GET.items() if k in VIEW_FILTERS},
    }


def _save_view_form(actor: Actor, data: Any = None) -> forms.SaveViewForm:
    """The name, and for admins whom to share with (the active roles)."""
    form = forms.SaveViewForm(data)
    if actor.has(perms.ADMIN):
        roles = list(core_selectors.admin_roles(actor))
        form.fields["role"].choices = _choices([(role.pk, role.name) for role in roles])  # type: ignore[attr-defined]
    else:
        del form.fields["sharing"], form.fields["role"]
    return form


@login_required
@require_POST
def view_save(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters and sort under a name (admins may share it)."""
    actor = actor_for(request)
    form = _save_view_form(actor, request.POST)
    back = reverse("tickets:list")
    if form.is_valid():
        data = form.cleaned_data
        try:
            view = services.save_view(
                actor,
                name=data["name"],
                filters=request.POST,
                sharing=data.get("sharing") or "personal",
                role=data.get("role") or None,
            )
        except DomainError as error:
            messages.error(request, errors.text(error))
        else:
            messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
            return redirect(_view_url(view))
    else:
        messages.error(request, _("Give the view a name."))
    filters = {k: str(v) for k, v in request.POST.items() if k in VIEW_FILTERS}
    return redirect(f"{back}?{urlencode(filters)}" if filters else back)


def _view_url(view: Any) -> str:
    """The list with the view's parameters, always in the same order (PostgreSQL's jsonb
    keeps no key order)."""
    ordered = {name: view.filters[name] for name in VIEW_FILTERS if name in view.filters}
    query = urlencode({**ordered, "view": view.pk})
    return f"{reverse('tickets:list')}?{query}"


@login_required
def view_open(request: HttpRequest, view_id: int) -> HttpResponse:
    """Open a saved view: the list with its filters (in the reader's own scope)."""
    try:
        view = selectors.get_saved_view(actor_for(request), view_id)
    except NotFound:
        raise Http404 from None
    return redirect(_view_url(view))


@login_required
def view_manage(request: HttpRequest) -> HttpResponse:
    """The views the user may open, with rename and delete for those they may change."""
    actor = actor_for(request)
    admin = actor.has(perms.ADMIN)
    rows = [
        {
            "view": view,
            "changeable": view.owner_id == actor.user_id if view.sharing == "personal" else admin,
        }
        for view in selectors.saved_views(actor)
    ]
    return render(request, "tickets/views.html", {"rows": rows})


@login_required
@require_POST
def view_rename(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        services.update_view(actor_for(request), view_id, name=request.POST.get("name", ""))
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, errors.text(error))
    else:
        messages.success(request, _("The view is renamed."))
    return redirect("tickets:views")


@login_required
@require_POST
def view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        services.delete_view(actor_for(request), view_id)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, errors.text(error))
    else:
        messages.success(request, _("The view is deleted."))
    return redirect("tickets:views")


def _csv(qs: Any) -> HttpResponse:
    """Flicket's export: the filtered list, at most ``site.csv_dump_limit`` rows."""
    limit = int(get_setting("site.csv_dump_limit") or 0)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tickets.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    related = (*selectors.LIST_RELATED, "owner", "customer")
    for t in qs.select_related(*related)[:limit]:
        writer.writerow(
            [
                t.number,
                _csv_cell(t.title),
                t.state.name,
                t.priority.name,
                t.group.name,
                t.category.name,
                t.customer.login if t.customer else t.submitter_email,
                t.owner.login if t.owner else "",
                t.created_at.isoformat(),
                t.updated_at.isoformat(),
            ]
        )
    return response


def _csv_cell(value: str) -> str:
    """No spreadsheet formulas from user text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@login_required
@require_POST
def ticket_bulk(request: HttpRequest) -> HttpResponse:
    """Agents change many tickets at once: each ticket goes through ``update_ticket`` (and a
    tag through the tag service), so each is checked on its own."""
    actor = actor_for(request)
    ids = [int(i) for i in request.POST.getlist("ticket") if i.isdigit()][:500]
    form = _update_form(actor, None, request.POST, bulk=True)
    tag = request.POST.get("tag", "").strip()
    if not ids or not form.is_valid():
        messages.error(request, _("Choose tickets and a change."))
        return redirect(_back(request))
    changes = _changes(form.cleaned_data, owner_given=bool(request.POST.get("owner")))
    done, failed = 0, 0
    for ticket_id in ids:
        try:
            if changes:
                services.update_ticket(actor, ticket_id, changes)
            if tag:
                tag_service.add_tag(actor, "Ticket", ticket_id, tag)
        except DomainError:
            failed += 1
        else:
            done += 1
    if done:
        messages.success(request, _("%(count)d tickets changed.") % {"count": done})
    if failed:
        messages.error(request, _("%(count)d tickets could not be changed.") % {"count": failed})
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/tickets/") else reverse("tickets:list")


def _changes(
    data: dict[str, Any], *, owner_given: bool, current: Ticket | None = None
) -> dict[str, Any]:
    """The fields the form changes (for one ticket: only those that differ from it, so that
    moving a ticket to another group does not also send its old category)."""
    changes: dict[str, Any] = {}
    for name in ("state", "priority", "group", "category"):
        if data.get(name):
            changes[f"{name}_id"] = data[name]
    if owner_given:
        changes["owner_id"] = data.get("owner") or None
    if data.get("resolution"):
        changes["resolution"] = data["resolution"]
    if current is not None:
        changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
    return changes


def _update_form(
    actor: Actor,
    ticket: Ticket | None,
    data: Any = None,
    *,
    choices: selectors.ListChoices | None = None,
    bulk: bool = False,
) -> forms.TicketUpdateForm:
    """The update form, or with ``bulk`` the list's bulk form (its ids start with ``bulk_``
    beside the filter form's, and no owner means "unchanged"); with a ticket, ``choices``
    are its group's (``list_choices(..., group_id=ticket.group_id)``)."""
    if choices is None:
        group_id = ticket.group_id if ticket is not None else None
        choices = selectors.list_choices(actor, group_id=group_id)
    form = forms.TicketUpdateForm(data, auto_id="bulk_%s" if bulk else "id_%s")
    f = form.fields
    f["state"].choices = _choices(choices.states)  # type: ignore[attr-defined]
    f["priority"].choices = _choices(choices.priorities)  # type: ignore[attr-defined]
    f["group"].choices = _choices(choices.groups)  # type: ignore[attr-defined]
    owners = choices.owners
    if ticket is not None:  # the choices are the ticket's group's (``group_id``)
        if ticket.owner is not None and all(pk != ticket.owner_id for pk, _ in owners):
            owners = [*owners, (ticket.owner.pk, selectors.person_label(ticket.owner))]
        form.initial = {
            "state": ticket.state_id,
            "priority": ticket.priority_id,
            "group": ticket.group_id,
            "category": ticket.category_id,
            "owner": ticket.owner_id or "",
            "resolution": ticket.resolution,
        }
    f["category"].choices = _choices(choices.categories)  # type: ignore[attr-defined]
    nobody = _("Unchanged") if bulk else _("Nobody")
    f["owner"].choices = Choices([("", nobody), *owners])  # type: ignore[attr-defined]
    return form


# A long thread opens with its description and its latest messages; the rest on request.
THREAD_WINDOW = 50
HISTORY_WINDOW = 200


def _thread_window(thread: Any, *, whole: bool) -> tuple[list[Any], int]:
    """(articles to show, how many are left out): all of them when asked or when they fit,
    else the first (the description) and the latest ``THREAD_WINDOW``."""
    if whole:
        return list(thread), 0
    latest = list(thread.order_by("-id")[: THREAD_WINDOW + 1])
    if len(latest) <= THREAD_WINDOW:
        return latest[::-1], 0
    latest = latest[:THREAD_WINDOW][::-1]
    first = list(thread[:1])
    return first + latest, thread.count() - 1 - THREAD_WINDOW


def _ticket_context(request: HttpRequest, actor: Actor, ticket_id: int) -> dict[str, Any]:
    profile = permissions.ticket_access(actor)
    try:
        ticket = selectors.get_ticket(
            actor,
            ticket_id,
            profile=profile,
            related=(*selectors.LIST_RELATED, "owner", "customer", "organization", "project"),
        )
    except NotFound:
        raise Http404 from None
    # The ticket is read once, above; the selectors below take it instead of reading it again.
    assignees = selectors.ticket_assignees(actor, ticket.pk, profile=profile, ticket=ticket)
    assignee_ids = frozenset(pk for pk, _ in assignees)
    thread = selectors.list_articles(actor, ticket.pk, profile=profile, ticket=ticket)
    thread = thread.select_related("created_by")
    articles, hidden = _thread_window(thread, whole=request.GET.get("articles") == "all")
    entries = selectors.ticket_history(actor, ticket.pk, profile=profile, ticket=ticket)
    history = list(entries.order_by("-id")[: HISTORY_WINDOW + 1])[::-1]
    history_cut = len(history) > HISTORY_WINDOW
    history = history[1:] if history_cut else history
    manage = permissions.can_manage_ticket(actor, ticket, profile=profile)
    agent = selectors.is_agent(actor)
    tags: list[str] = []
    if permissions.can_list_ticket_tags(actor, ticket, profile=profile):
        tags = selectors.ticket_tags(actor, ticket.pk, profile=profile, ticket=ticket)
    user_id = actor.user_id
    following = (
        user_id is not None
        and selectors.ticket_followers(actor, ticket.pk, profile=profile, ticket=ticket)
        .filter(user_id=user_id)
        .exists()
    )
    return {
        "ticket": ticket,
        "articles": articles,
        "hidden_articles": hidden,
        "history_cut": history_cut,
        "attachments": selectors.article_attachments(articles),
        "history": history,
        "tags": tags,
        "following": following,
        "is_owner": user_id is not None and ticket.owner_id == user_id,
        "assignees": [name for _, name in assignees],
        "is_assignee": user_id in assignee_ids,
        "escalated": ticket.escalation_at is not None and ticket.escalation_at <= clock.now(),
        "can_reply": permissions.can_change_ticket(actor, ticket, profile=profile),
        "can_note": manage,
        "can_manage": manage,
        "can_close": permissions.can_close_ticket(
            actor, ticket, assignee_ids=assignee_ids, profile=profile
        ),
        "can_claim": agent and ticket.owner_id != user_id,
        "can_tag": permissions.can_tag_ticket(actor, ticket, profile=profile),
        "can_follow": user_id is not None,
        "reply_form": forms.ReplyForm(),
        "update_form": _update_form(
            actor,
            ticket,
            choices=selectors.list_choices(actor, profile=profile, group_id=ticket.group_id),
        )
        if manage
        else None,
        "tag_form": forms.TagForm(),
    }


@login_required
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = actor_for(request)
    return render(request, "tickets/detail.html", _ticket_context(request, actor, ticket_id))


def _detail_url(ticket_id: int) -> str:
    return reverse("tickets:detail", args=[ticket_id])


def _with_form(
    request: HttpRequest, ticket_id: int, status: int = 400, **given: Any
) -> HttpResponse:
    actor = actor_for(request)
    context = _ticket_context(request, actor, ticket_id)
    context.update(given)
    return render(request, "tickets/detail.html", context, status=status)


@login_required
@require_POST
def ticket_reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """A public reply or an internal note (markdown), with files and time spent."""
    form = forms.ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_article(
                actor_for(request),
                ticket_id,
                body=data["body"],
                content_type="text/markdown",
                internal=data["internal"],
                time_unit=data["time_unit"],
                attachments=forms.uploads_of(data["attachments"]),
            )
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            show_error(form, error, message=errors.text(error), fields={"time_unit": "time_unit"})
        else:
            done = _("Your note is added.") if data["internal"] else _("Your reply is sent.")
            messages.success(request, done)
            return redirect(_detail_url(ticket_id) + "#thread-end")
    return _with_form(request, ticket_id, reply_form=form)


@login_required
@require_POST
def ticket_update(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = actor_for(request)
    form = _update_form(actor, None, request.POST)
    if form.is_valid():
        try:
            current = selectors.get_ticket(actor, ticket_id)
            changes = _changes(
                form.cleaned_data, owner_given="owner" in request.POST, current=current
            )
            services.update_ticket(actor, ticket_id, changes)
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            show_error(form, error, message=errors.text(error), fields=_UPDATE_FIELDS)
        else:
            messages.success(request, _("The ticket is updated."))
            return redirect(_detail_url(ticket_id))
    return _with_form(request, ticket_id, update_form=form)


_UPDATE_FIELDS = {
    "state_id": "state",
    "priority_id": "priority",
    "group_id": "group",
    "category_id": "category",
    "owner_id": "owner",
}


def _action(
    service: Callable[[Actor, int], Any], done: Callable[[], str]
) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, ticket_id: int) -> HttpResponse:
        try:
            service(actor_for(request), ticket_id)
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            messages.error(request, errors.text(error))
        else:
            messages.success(request, done())
        return redirect(_detail_url(ticket_id))

    return view


ticket_claim = _action(services.claim_ticket, lambda: _("You took the ticket."))
ticket_release = _action(services.release_ticket, lambda: _("You released the ticket."))
ticket_close = _action(
    lambda actor, ticket_id: services.close_ticket(actor, ticket_id),
    lambda: _("The ticket is closed."),
)
ticket_reopen = _action(services.reopen_ticket, lambda: _("The ticket is reopened."))
ticket_follow = _action(
    lambda actor, ticket_id: services.follow_ticket(actor, ticket_id),
    lambda: _("You follow this ticket."),
)
ticket_unfollow = _action(
    lambda actor, ticket_id: services.unfollow_ticket(actor, ticket_id),
    lambda: _("You no longer follow this ticket."),
)


@login_required
@require_POST
def ticket_tag_add(request: HttpRequest, ticket_id: int) -> HttpResponse:
    form = forms.TagForm(request.POST)
    if form.is_valid():
        try:
            tag_service.add_tag(actor_for(request), "Ticket", ticket_id, form.cleaned_data["name"])
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            show_error(form, error, message=errors.text(error), fields={"name": "name"})
        else:
            return redirect(_detail_url(ticket_id) + "#tags")
    return _with_form(request, ticket_id, tag_form=form)


@login_required
@require_POST
def ticket_tag_remove(request: HttpRequest, ticket_id: int) -> HttpResponse:
    try:
        name = request.POST.get("name", "")
        tag_service.remove_tag(actor_for(request), "Ticket", ticket_id, name)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, errors.text(error))
    return redirect(_detail_url(ticket_id) + "#tags")


@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The HTMX preview of a message: markdown rendered and cleaned as it will be shown."""
    html = render_markdown(request.POST.get("body", "")[:100_000])
    return render(request, "tickets/partials/_preview.html", {"html": html})


def ticket_new(request: HttpRequest) -> HttpResponse:
    """The new-ticket page (NodePoint): first a project, optionally; then the default form
    (group, title, description, the configured custom field, files) or, for a project with
    a custom form, that form. Choosing a project swaps the form in place with HTMX and
    works as a plain GET without JavaScript. Guests while guest tickets are allowed."""
    actor = actor_for(request)
    if actor.is_guest and not get_setting("tickets.allow_guest_tickets"):
        return redirect(f"{reverse('core:login')}?next={reverse('tickets:new')}")
    groups = selectors.groups_for_create(actor)
    projects = selectors.projects_for_create(actor)
    wanted = (request.POST if request.method == "POST" else request.GET).get("project", "")
    project = next((p for p in projects if str(p.pk) == wanted), None)
    custom_form = project_forms.form_for_project(project) if project is not None else None
    chooser = forms.ChooseProjectForm(initial={"project": project.pk if project else None})
    chooser.fields["project"].choices = [  # type: ignore[attr-defined]
        ("", _("No project (the default form)")),
        *((p.pk, p.name) for p in projects),
    ]
    data = request.POST if request.method == "POST" else None
    form = forms.NewTicketForm(data, request.FILES or None, initial={"project": wanted})
    if project is not None:
        del form.fields["group"]
    else:
        del form.fields["project"]
        form.fields["group"].choices = [(g.pk, g.name) for g in groups]  # type: ignore[attr-defined]
        if len(groups) == 1:
            form.fields["group"].initial = groups[0].pk
    if not actor.is_guest:
        del form.fields["submitter_email"]
    else:
        form.fields["submitter_email"].required = True
    custom = False
    if custom_form is not None:
        clients = selectors.form_clients() if _has_client_field(custom_form.fields) else []
        forms.add_form_fields(form, custom_form.fields, clients)
        form.order_fields(["title", "body"])
    else:
        custom = _custom_field(form)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        extra: dict[str, Any] = {}
        if custom:
            extra["custom_field"] = values.get("custom_field")
        if project is not None:
            extra["project"] = project.pk
        else:
            extra["group"] = values["group"]
        if custom_form is not None:
            extra["form_values"] = forms.form_values(form, custom_form.fields)
        try:
            ticket = services.create_ticket(
                actor,
                title=values["title"],
                body=values["body"],
                content_type="text/markdown",
                submitter_email=values.get("submitter_email") or "",
                attachments=forms.uploads_of(values["attachments"]),
                **extra,
            )
        except DomainError as error:
            fields = {"group_id": "group"}
            if custom_form is not None:
                fields.update({f["name"]: forms.FORM_FIELD_PREFIX + f["name"]
                               for f in custom_form.fields})  # fmt: skip
            show_error(form, error, message=errors.text(error), fields=fields)
        else:
            messages.success(request, _("Ticket %(number)s is filed.") % {"number": ticket.number})
            if actor.is_guest:
                return redirect("core:home")
            return redirect(_detail_url(ticket.pk))
    context = {
        "form": form,
        "chooser": chooser,
        "projects": projects,
        "project": project,
        "custom_form": custom_form,
        "has_groups": bool(groups),
    }
    return render_page(
        request, "tickets/new.html", context, partial="tickets/partials/_new_form.html"
    )


def _has_client_field(fields: list[dict[str, Any]]) -> bool:
    return any(f["type"] == "client" for f in fields)


def _custom_field(form: forms.NewTicketForm) -> bool:
    """Add the default form's third field as configured (``tickets.custom_field_*``)."""
    name = str(get_setting("tickets.custom_field_name") or "").strip()
    if not name:
        return False
    kind = str(get_setting("tickets.custom_field_type") or "text")
    field: Any
    if kind == "checkbox":
        field = forms.forms.BooleanField(label=name, required=False)
    elif kind == "url":
        field = forms.forms.URLField(label=name, required=False, assume_scheme="https")
    else:
        field = forms.forms.CharField(label=name, required=False, max_length=1000)
    form.fields["custom_field"] = field
    form.order_fields(["group", "title", "body", "custom_field"])
    return True


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """A stored file of an article the reader may see, always as a download."""
    try:
        download = core_selectors.get_attachment_download(actor_for(request), attachment_id)
    except NotFound:
        raise Http404 from None
    response = FileResponse(download.open())
    for name, value in download.headers.items():
        response[name] = value
    return response
