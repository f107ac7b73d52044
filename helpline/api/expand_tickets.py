"""Shapers for tickets, their states, priorities, articles, notifications, attributes and tags.

Same rules as ``expand.py``: ids always, names next to them with ``?expand=true``. Rows for a
whole list are completed with one query per relation (users, organizations, tags), never one
per row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from helpline.core.models import (
    Attachment,
    ObjectAttribute,
    OnlineNotification,
    Organization,
    Tagging,
    User,
)
from helpline.core.services.attributes import OBJECT_LOOKUP_IDS
from helpline.core.services.notifications import TYPE_LOOKUP_IDS
from helpline.lib.html import sanitize_html
from helpline.tickets.models import Article, Ticket, TicketPriority, TicketState


def _null(value: str | None) -> str | None:
    return value or None


def time_unit(value: Decimal | None) -> str | None:
    """Zammad writes accounted time as a decimal string (``"12.0"``), ``null`` when none."""
    if value is None or value == 0:
        return None
    return str(float(value))


def _logins(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return {}
    return dict(User.objects.filter(pk__in=wanted).values_list("pk", "login"))


def _tags_of(object_type: str, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {pk: [] for pk in ids}
    rows = (
        Tagging.objects.filter(object_type=object_type, object_id__in=list(ids))
        .order_by("id")
        .values_list("object_id", "tag__name")
    )
    for object_id, name in rows:
        found[object_id].append(name)
    return found


def ticket_base(t: Ticket) -> dict[str, Any]:
    return {
        "id": t.pk,
        "group_id": t.group_id,
        "priority_id": t.priority_id,
        "state_id": t.state_id,
        "organization_id": t.organization_id,
        "number": t.number,
        "title": t.title,
        "owner_id": t.owner_id,
        "customer_id": t.customer_id,
        "note": _null(t.note),
        "first_response_at": t.first_response_at,
        "first_response_escalation_at": t.first_response_escalation_at,
        "first_response_in_min": t.first_response_in_min,
        "first_response_diff_in_min": t.first_response_diff_in_min,
        "close_at": t.close_at,
        "close_escalation_at": t.close_escalation_at,
        "close_in_min": t.close_in_min,
        "close_diff_in_min": t.close_diff_in_min,
        "update_escalation_at": t.update_escalation_at,
        "update_in_min": t.update_in_min,
        "update_diff_in_min": t.update_diff_in_min,
        "last_contact_at": t.last_contact_at,
        "last_contact_agent_at": t.last_contact_agent_at,
        "last_contact_customer_at": t.last_contact_customer_at,
        "last_owner_update_at": t.last_owner_update_at,
        "create_article_type_id": t.create_article_type_id,
        "create_article_sender_id": t.create_article_sender_id,
        "article_count": t.article_count,
        "escalation_at": t.escalation_at,
        "pending_time": t.pending_time,
        "on_hold": t.on_hold,
        "type": _null(t.type),
        "time_unit": time_unit(t.time_unit),
        "preferences": t.preferences or {},
        "updated_by_id": t.updated_by_id,
        "created_by_id": t.created_by_id,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


def tickets(
    rows: Sequence[Ticket], *, expanded: bool = False, with_tags: bool = False
) -> list[dict[str, Any]]:
    """Ticket rows (state, priority and group selected with them) as Zammad shows them;
    ``expanded`` adds the names, and ``with_tags`` the tags (for those who may see tags)."""
    out = [ticket_base(t) for t in rows]
    if not expanded:
        return out
    logins = _logins(
        pk for t in rows for pk in (t.owner_id, t.customer_id, t.created_by_id, t.updated_by_id)
    )
    org_ids = {t.organization_id for t in rows if t.organization_id}
    orgs = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    tags = _tags_of("Ticket", [t.pk for t in rows]) if with_tags else {}
    for data, t in zip(out, rows, strict=True):
        data.update(
            {
                "group": t.group.name,
                "state": t.state.name,
                "priority": t.priority.name,
                "owner": logins.get(t.owner_id or 0),
                "customer": logins.get(t.customer_id or 0),
                "organization": orgs.get(t.organization_id or 0),
                "created_by": logins.get(t.created_by_id or 0),
                "updated_by": logins.get(t.updated_by_id or 0),
            }
        )
        if with_tags:
            data["tags"] = tags.get(t.pk, [])
    return out


def ticket_detail(
    t: Ticket, article_ids: list[int], *, expanded: bool = False, with_tags: bool = False
) -> dict[str, Any]:
    """One ticket with its visible ``article_ids`` (show, create, update)."""
    data = tickets([t], expanded=expanded, with_tags=with_tags)[0]
    data["article_ids"] = article_ids
    data["ticket_time_accounting_ids"] = []
    return data


def state(s: TicketState) -> dict[str, Any]:
    return {
        "id": s.pk,
        "state_type_id": s.state_type_id,
        "name": s.name,
        "next_state_id": s.next_state_id,
        "ignore_escalation": s.ignore_escalation,
        "default_create": s.default_create,
        "default_follow_up": s.default_follow_up,
        "note": _null(s.note),
        "active": s.active,
        "updated_by_id": s.updated_by_id,
        "created_by_id": s.created_by_id,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def priority(p: TicketPriority) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "default_create": p.default_create,
        "ui_color": _null(p.ui_color),
        "note": _null(p.note),
        "active": p.active,
        "updated_by_id": p.updated_by_id,
        "created_by_id": p.created_by_id,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def attachment(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "filename": a.filename,
        "size": str(a.size),
        "preferences": {"Content-Type": a.content_type, "Mime-Type": a.content_type},
    }


def articles(
    rows: Sequence[Article], attachments: dict[int, list[Attachment]]
) -> list[dict[str, Any]]:
    """Articles (type and sender selected with them) with their attachments; bodies written
    as HTML go out sanitized, the others as written, with their content type."""
    logins = _logins(pk for a in rows for pk in (a.created_by_id, a.updated_by_id))
    out: list[dict[str, Any]] = []
    for a in rows:
        body = sanitize_html(a.body) if a.content_type == "text/html" else a.body
        out.append(
            {
                "id": a.pk,
                "ticket_id": a.ticket_id,
                "type_id": a.type_id,
                "sender_id": a.sender_id,
                "from": a.from_address,
                "to": a.to,
                "cc": a.cc,
                "subject": a.subject,
                "reply_to": _null(a.reply_to),
                "message_id": _null(a.message_id),
                "message_id_md5": hashlib.md5(
                    a.message_id.encode(), usedforsecurity=False
                ).hexdigest()
                if a.message_id
                else None,
                "in_reply_to": _null(a.in_reply_to),
                "content_type": a.content_type,
                "references": _null(a.references),
                "body": body,
                "internal": a.internal,
                "preferences": a.preferences or {},
                "updated_by_id": a.updated_by_id,
                "created_by_id": a.created_by_id,
                "origin_by_id": a.origin_by_id,
                "created_at": a.created_at,
                "updated_at": a.updated_at,
                "attachments": [attachment(x) for x in attachments.get(a.pk, [])],
                "type": a.type.name,
                "sender": a.sender.name,
                "created_by": logins.get(a.created_by_id or 0),
                "updated_by": logins.get(a.updated_by_id or 0),
            }
        )
    return out


def notification(n: OnlineNotification, *, expanded: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": n.pk,
        "o_id": n.object_id,
        "object_lookup_id": OBJECT_LOOKUP_IDS.get(n.object_type),
        "type_lookup_id": TYPE_LOOKUP_IDS.get(n.kind),
        "user_id": n.user_id,
        "seen": n.seen,
        "updated_by_id": n.updated_by_id,
        "created_by_id": n.created_by_id,
        "created_at": n.created_at,
        "updated_at": n.updated_at,
    }
    if expanded:
        data.update({"object": n.object_type, "type": n.kind})
    return data


def object_attribute(a: ObjectAttribute) -> dict[str, Any]:
    return {
        "id": a.pk,
        "object": a.object,
        "object_lookup_id": OBJECT_LOOKUP_IDS.get(a.object),
        "name": a.name,
        "display": a.display,
        "data_type": a.data_type,
        "data_option": a.data_option or {},
        "data_option_new": a.data_option_new or {},
        "editable": a.editable,
        "active": a.active,
        "screens": a.screens or {},
        "to_create": a.to_create,
        "to_migrate": a.to_migrate,
        "to_delete": a.to_delete,
        "to_config": a.to_config,
        "position": a.position,
        "updated_by_id": a.updated_by_id,
        "created_by_id": a.created_by_id,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }
