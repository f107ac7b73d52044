"""Template helpers of the ticket pages: article bodies made safe, and the home page's
ticket lists (so the core home page needs no knowledge of tickets)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from helpline.lib import clock
from helpline.lib.html import article_html
from helpline.lib.pages import actor_for
from helpline.tickets import permissions, selectors

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
    sections = [
        ("created", selectors.created_tickets(actor, profile=p)),
        ("assigned", selectors.assigned_tickets(actor, profile=p)) if agent else None,
        ("needs_reply", selectors.needs_reply_tickets(actor, profile=p)) if agent else None,
        ("escalated", selectors.escalated_tickets(actor, profile=p)) if agent else None,
        ("followed", selectors.followed_tickets(actor, profile=p)),
    ]
    lists = {name: selectors.with_rows(qs, HOME_ROWS) for name, qs in filter(None, sections)}
    return {"lists": lists, "is_agent": agent, "now": clock.now(), "request": request}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping[key]`` in a template (``None`` when missing)."""
    return mapping.get(key)
