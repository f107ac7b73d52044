"""Template helpers of the ticket pages: article bodies made safe, and the home page's
ticket lists (so the core home page needs no knowledge of tickets)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django import template
from django.urls import reverse
from django.utils import dateformat, formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

from helpline.lib import clock
from helpline.lib.html import article_html
from helpline.lib.pages import actor_for, escape_text
from helpline.tickets import permissions, selectors
from helpline.tickets.selectors import TicketRow

register = template.Library()

HOME_ROWS = 10


@register.filter
def article_body(article: Any) -> SafeString:
    """The article's body as HTML cleaned by ``lib.html`` (never the raw body)."""
    return mark_safe(article_html(article))  # noqa: S308 - cleaned by nh3 in article_html


@register.inclusion_tag("tickets/_home.html", takes_context=True)
def home_tickets(context: dict[str, Any]) -> dict[str, Any]:
    """NodePoint's home page lists: tickets I created, am assigned to and follow; for agents
    also those that need my reply and the escalated ones."""
    request = context["request"]
    actor = actor_for(request)
    agent = selectors.is_agent(actor)
    p = permissions.ticket_access(actor)
    lists = {"created": selectors.with_rows(selectors.created_tickets(actor, profile=p), HOME_ROWS)}
    if agent:
        lists["assigned"] = selectors.with_rows(
            selectors.assigned_tickets(actor, profile=p), HOME_ROWS
        )
        needs_reply = selectors.needs_reply_ids(actor, HOME_ROWS, profile=p)
        lists["needs_reply"] = selectors.list_rows(needs_reply)
        lists["escalated"] = selectors.with_rows(
            selectors.escalated_tickets(actor, profile=p), HOME_ROWS
        )
    lists["followed"] = selectors.with_rows(selectors.followed_tickets(actor, profile=p), HOME_ROWS)
    return {"lists": lists, "is_agent": agent, "now": clock.now(), "request": request}


# The rows of the ticket list and the home page's lists are written in Python rather than
# in the template language: 50 rows cost the list page about 20 ms of template rendering
# (an include, a URL, two dates and a translation each), these functions about 2 ms. Every
# value goes through ``escape_text``; tests/test_pages.py checks the markup.


def _badges(ticket: TicketRow, now: datetime) -> str:
    """State, priority and, when past a deadline, "Escalated"."""
    html = (
        f'<span class="badge text-bg-info">{escape_text(ticket.state)}</span> '
        f'<span class="badge text-bg-light">{escape_text(ticket.priority)}</span>'
    )
    if ticket.escalation_at and ticket.escalation_at <= now:
        html += f' <span class="badge text-bg-danger">{escape_text(gettext("Escalated"))}</span>'
    return html


def _time(value: datetime, shape: str) -> str:
    """``<time>`` in the reader's time zone, shown in ``shape`` (a ``get_format`` value)."""
    local = localtime(value)
    shown = dateformat.format(local, shape)
    return f'<time datetime="{local.isoformat()}">{escape_text(shown)}</time>'


def _ticket_link() -> Callable[[int], str]:
    """The ticket page's address for an id: reversed once per list, not once per row."""
    marker = "987654321987"
    prefix, suffix = reverse("tickets:detail", args=[int(marker)]).split(marker)
    return lambda pk: f"{prefix}{pk}{suffix}"


@register.simple_tag
def ticket_rows(tickets: Iterable[TicketRow], *, selectable: bool, now: datetime) -> SafeString:
    """The ``<tr>`` rows of the ticket list (``selectors.TicketRow``); with ``selectable``, a
    checkbox for the bulk form."""
    select = gettext("Select ticket %(number)s")
    shape = formats.get_format("SHORT_DATETIME_FORMAT")
    link_to = _ticket_link()
    rows = []
    for t in tickets:
        number = escape_text(t.number)
        box = ""
        if selectable:
            label = escape_text(select % {"number": t.number})
            box = (
                f'<td><input class="form-check-input" type="checkbox" name="ticket" '
                f'value="{t.pk}" aria-label="{label}"></td>'
            )
        customer = escape_text(t.customer)
        owner = escape_text(t.owner) if t.owner else "—"
        link = link_to(t.pk)
        rows.append(
            f"<tr>{box}"
            f'<td class="text-nowrap">{number}</td>'
            f'<td><a href="{link}">{escape_text(t.title)}</a></td>'
            f"<td>{_badges(t, now)}</td>"
            f'<td class="d-none d-md-table-cell">{escape_text(t.group)}</td>'
            f'<td class="d-none d-md-table-cell">{customer}</td>'
            f'<td class="d-none d-md-table-cell">{owner}</td>'
            f'<td class="d-none d-lg-table-cell text-nowrap">{_time(t.updated_at, shape)}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


@register.simple_tag
def ticket_items(tickets: Iterable[TicketRow], *, now: datetime) -> SafeString:
    """The ``<li>`` items of a home page list: number, title and badges."""
    link_to = _ticket_link()
    items = [
        f'<li class="py-1 border-bottom"><a href="{link_to(t.pk)}">'
        f"{escape_text(t.number)} · {escape_text(t.title)}</a> {_badges(t, now)}</li>"
        for t in tickets
    ]
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped above


@register.simple_tag(takes_context=True)
def entry_form(context: Any, row: Any, *, resolution: bool = False) -> SafeString:
    """One state's, priority's or category's form on its admin page: name, the flags, save.
    Written in Python: a page of 150 categories spent 30 ms in the template language."""
    pk = int(row.pk)
    token = escape_text(context.get("csrf_token", ""))
    parts = [
        '<form method="post" class="d-flex flex-wrap align-items-center gap-2">',
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">',
        f'<input type="hidden" name="id" value="{pk}">',
        f'<label class="visually-hidden" for="name-{pk}">{escape_text(gettext("Name"))}</label>',
        f'<input class="form-control w-auto flex-grow-1" id="name-{pk}" name="name" '
        f'value="{escape_text(row.name)}" maxlength="150" required>',
    ]

    def check(prefix: str, name: str, on: bool, label: str) -> str:
        checked = " checked" if on else ""
        return (
            f'<div class="form-check"><input class="form-check-input" type="checkbox" '
            f'id="{prefix}-{pk}" name="{name}"{checked}><label class="form-check-label" '
            f'for="{prefix}-{pk}">{escape_text(label)}</label></div>'
        )

    if resolution:
        parts.append(
            check("res", "needs_resolution", row.needs_resolution, gettext("Needs a resolution"))
        )
    parts.append(check("active", "active", row.active, gettext("Active")))
    parts.append(
        '<button type="submit" class="btn btn-sm btn-outline-primary">'
        f"{escape_text(gettext('Save'))}</button></form>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping[key]`` in a template (``None`` when missing)."""
    return mapping.get(key)
