"""SLA and escalation: calendars and SLAs (admin), each ticket's escalation times, and
raising escalations when a deadline passes.

The rules (business time, selection, which deadline counts) are in ``tickets.sla_rules``;
this module gathers their inputs from the database, writes their outputs, and keeps the
record of pauses and raised breaches. Escalation is recomputed inside the transaction of
every ticket write that can change it (ticket created; state, priority, group,
organization or hold changed; a public article added), so a ticket is never committed
with stale deadlines.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower

from helpline.core import permissions as perms
from helpline.core.models import (
    Group,
    GroupMembership,
    HistoryEntry,
    OnlineNotification,
    Organization,
    User,
)
from helpline.lib import clock, events, refcache
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound
from helpline.tickets import sla_rules
from helpline.tickets.events import (
    ArticleAdded,
    TicketCreated,
    TicketEscalated,
    TicketMerged,
    TicketUpdated,
)
from helpline.tickets.models import (
    Article,
    Calendar,
    EscalationBreach,
    EscalationPause,
    Sla,
    Ticket,
    TicketPriority,
    TicketState,
    TicketStateType,
)

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------
# Escalation of one ticket
# ---------------------------------------------------------------------------------------

# Changes (TicketUpdated.changes keys, with or without "_id") that can move a deadline.
RELEVANT_CHANGES = frozenset(
    {
        "state",
        "priority",
        "group",
        "organization",
        "customer",
        "on_hold",
        "first_response_at",
        "close_at",
        "last_contact_agent_at",
        "last_contact_customer_at",
    }
)
CONTACT_FIELDS = (
    "first_response_at",
    "last_contact_at",
    "last_contact_agent_at",
    "last_contact_customer_at",
    "close_at",
)


def recompute_escalation(ticket_id: int) -> None:
    """Bring one ticket's SLA fields up to date (Zammad's escalation calculation).

    - Pauses: while the ticket is on hold, or its state ignores escalation (pending,
      closed, merged, ...), an ``EscalationPause`` is open and every escalation timestamp
      is empty; when the pause ends it is closed, and the paused time is cut out of the
      business time the deadlines and statistics are counted in.
    - Contact times are filled from the articles: ``first_response_at`` (first public
      agent article of a communication type), ``last_contact_*``; ``close_at`` is set the
      first time the ticket enters a closed state. Values already set are never moved
      back, so imports and other writers keep theirs.
    - The SLA is the first matching active one (``sla_rules.select_sla``); without one,
      the escalation timestamps are emptied and the statistics kept, as Zammad does.
    The ticket row is written with ``update()`` (no ``updated_at`` bump, no save hooks)
    and only when something changed. Runs inside the caller's transaction.
    """
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("state__state_type")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None:
            return
        now = clock.now()
        state = ticket.state
        pauses = _track_pause(ticket, state, now)
        contacts = _contacts(ticket.pk)
        values = _contact_values(ticket, state, contacts, now)

        sla = _sla_for(ticket)
        calendar = _business_calendar(sla.calendar) if sla is not None else None
        if sla is None or calendar is None:
            values.update(sla_rules.no_escalation())
        else:
            ticket_clock = sla_rules.TicketClock(
                created_at=ticket.created_at,
                first_response_at=values["first_response_at"],
                close_at=values["close_at"],
                last_contact_agent_at=values["last_contact_agent_at"],
                last_contact_customer_at=values["last_contact_customer_at"],
                contacts=contacts,
                paused=_pause_reason(ticket, state) is not None,
                pauses=pauses,
            )
            times = sla_rules.SlaTimes(
                first_response_time=sla.first_response_time,
                response_time=sla.response_time,
                update_time=sla.update_time,
                solution_time=sla.solution_time,
            )
            values.update(sla_rules.compute_escalation(ticket_clock, times, calendar))

        changed = {name: value for name, value in values.items() if getattr(ticket, name) != value}
        if changed:
            Ticket.objects.filter(pk=ticket.pk).update(**changed)


def _pause_reason(ticket: Ticket, state: TicketState) -> str | None:
    if ticket.on_hold:
        return EscalationPause.Reason.HOLD
    if state.ignore_escalation or state.is_closed:
        return EscalationPause.Reason.STATE
    return None


def _track_pause(ticket: Ticket, state: TicketState, now: datetime) -> tuple[sla_rules.Pause, ...]:
    """Open a pause when the clock stops, close it when the clock runs again; return all
    of the ticket's pauses."""
    reason = _pause_reason(ticket, state)
    rows = list(
        EscalationPause.objects.filter(ticket_id=ticket.pk).values_list(
            "id", "started_at", "ended_at"
        )
    )
    open_row = next((row for row in rows if row[2] is None), None)
    if reason is not None and open_row is None:
        started = max(now, ticket.created_at)
        EscalationPause.objects.create(ticket_id=ticket.pk, reason=reason, started_at=started)
        rows.append((0, started, None))
    elif reason is None and open_row is not None:
        ended = max(now, open_row[1])
        EscalationPause.objects.filter(pk=open_row[0]).update(ended_at=ended)
        rows = [(pk, start, ended if pk == open_row[0] else end) for pk, start, end in rows]
    return tuple((start, end) for _pk, start, end in rows)


def _contacts(ticket_id: int) -> tuple[sla_rules.Contact, ...]:
    rows = (
        Article.objects.filter(ticket_id=ticket_id, internal=False)
        .order_by("created_at", "id")
        .values_list("created_at", "sender__name", "internal", "type__communication")
    )
    found = (
        sla_rules.contact_of(at=at, sender=sender, internal=internal, communication=communication)
        for at, sender, internal, communication in rows
    )
    return tuple(contact for contact in found if contact is not None)


def _latest(*values: datetime | None) -> datetime | None:
    return max((v for v in values if v is not None), default=None)


def _contact_values(
    ticket: Ticket,
    state: TicketState,
    contacts: tuple[sla_rules.Contact, ...],
    now: datetime,
) -> dict[str, Any]:
    agent = [c.at for c in contacts if c.sender == sla_rules.AGENT]
    customer = [c.at for c in contacts if c.sender == sla_rules.CUSTOMER]
    last_agent = _latest(ticket.last_contact_agent_at, *agent)
    last_customer = _latest(ticket.last_contact_customer_at, *customer)
    close_at = ticket.close_at
    if close_at is None and state.state_type.name == TicketStateType.CLOSED:
        close_at = max(now, ticket.created_at)
    return {
        "first_response_at": ticket.first_response_at or (agent[0] if agent else None),
        "last_contact_agent_at": last_agent,
        "last_contact_customer_at": last_customer,
        "last_contact_at": _latest(ticket.last_contact_at, last_agent, last_customer),
        "close_at": close_at,
    }


def _active_slas() -> tuple[Sla, ...]:
    return tuple(Sla.objects.filter(active=True).select_related("calendar"))


def _sla_for(ticket: Ticket) -> Sla | None:
    # The active SLAs are kept per process (``refcache``), dropped when SLAs or calendars
    # change (``watch_slas``).
    return sla_rules.select_sla(
        refcache.cached("tickets.active_slas", _active_slas),
        priority_id=ticket.priority_id,
        group_id=ticket.group_id,
        organization_id=ticket.organization_id,
    )


def _business_calendar(calendar: Calendar) -> sla_rules.BusinessCalendar | None:
    try:
        return sla_rules.BusinessCalendar.from_config(
            calendar.timezone, calendar.business_hours, calendar.public_holidays
        )
    except Invalid:
        # Stored through the services, so valid; a row edited by hand must not make every
        # ticket write fail.
        log.exception("calendar %s is unusable; its SLAs do not escalate", calendar.pk)
        return None


def rebuild_escalations() -> int:
    """Recompute every ticket that can escalate (not in a final state, or still carrying
    escalation times), one transaction each; after an SLA or calendar changed. Returns how
    many tickets were looked at."""
    ids = (
        Ticket.objects.filter(
            ~Q(state__state_type__name__in=TicketStateType.FINAL) | Q(escalation_at__isnull=False)
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    count = 0
    for ticket_id in ids.iterator(chunk_size=500):
        recompute_escalation(ticket_id)
        count += 1
    return count


# Event reactions (registered in-transaction by ``subscribe_escalation``).


def on_ticket_created(event: TicketCreated) -> None:
    recompute_escalation(event.ticket_id)


def on_ticket_updated(event: TicketUpdated) -> None:
    if any(name.removesuffix("_id") in RELEVANT_CHANGES for name in event.changes):
        recompute_escalation(event.ticket_id)


def on_article_added(event: ArticleAdded) -> None:
    if not event.internal and event.sender != sla_rules.SYSTEM:
        recompute_escalation(event.ticket_id)


def on_ticket_merged(event: TicketMerged) -> None:
    recompute_escalation(event.source_id)
    recompute_escalation(event.target_id)


def watch_slas() -> None:
    """Drop the kept SLA list when an SLA or a calendar changes (app ``ready``)."""
    refcache.watch(Sla)
    refcache.watch(Calendar)


def subscribe_escalation() -> None:
    """Recompute escalation inside the transaction of every ticket write that affects it."""
    events.subscribe(TicketCreated, on_ticket_created, in_transaction=True)
    events.subscribe(TicketUpdated, on_ticket_updated, in_transaction=True)
    events.subscribe(ArticleAdded, on_article_added, in_transaction=True)
    events.subscribe(TicketMerged, on_ticket_merged, in_transaction=True)


# ---------------------------------------------------------------------------------------
# Raising escalations
# ---------------------------------------------------------------------------------------

# kind, deadline field, field whose value means the target was met
BREACHES: tuple[tuple[str, str, str | None], ...] = (
    (EscalationBreach.Kind.FIRST_RESPONSE, "first_response_escalation_at", "first_response_at"),
    (EscalationBreach.Kind.UPDATE, "update_escalation_at", None),
    (EscalationBreach.Kind.CLOSE, "close_escalation_at", "close_at"),
)
RAISE_BATCH = 500
AGENT_PERMISSION_NAMES = ("ticket", "ticket.*", perms.TICKET_AGENT)


def _unraised(now: datetime) -> Q:
    """Tickets with a passed deadline that has no breach recorded yet."""
    condition = Q()
    for kind, field, met in BREACHES:
        recorded = EscalationBreach.objects.filter(
            ticket_id=OuterRef("pk"), kind=kind, due_at=OuterRef(field)
        )
        one = Q(~Exists(recorded), **{f"{field}__lte": now})
        if met is not None:
            one = one & Q(**{f"{met}__isnull": True})
        condition = condition | one
    return condition


def raise_escalations(*, limit: int = RAISE_BATCH) -> int:
    """Raise every passed deadline once: per missed deadline an ``EscalationBreach`` and a
    ``HistoryEntry`` (kind "escalation"), and per ticket an ``OnlineNotification`` (kind
    "escalation") for the owner, or for the group's agents when there is no owner.

    Candidates come off the ``escalation_at`` partial index (oldest first, ``limit`` per
    run). Each ticket is handled in its own transaction holding its row lock, and the
    breach row is checked again under the lock (and is unique), so concurrent runs on two
    workers raise a breach exactly once. Returns the number of breaches raised."""
    now = clock.now()
    ids = list(
        Ticket.objects.filter(escalation_at__isnull=False, escalation_at__lte=now)
        .filter(_unraised(now))
        .order_by("escalation_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    raised = 0
    for ticket_id in ids:
        try:
            raised += _raise_for_ticket(ticket_id, now)
        except IntegrityError:
            # Another worker recorded the same breach between our check and insert (only
            # possible where row locks are not available); it raised it, we do not.
            log.info("escalation of ticket %s already raised elsewhere", ticket_id)
    return raised


def _raise_for_ticket(ticket_id: int, now: datetime) -> int:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None:
            return 0
        state = TicketState.objects.select_related("state_type").get(pk=ticket.state_id)
        if _pause_reason(ticket, state) is not None:
            # Paused by a write that did not publish its event: its deadlines are stale.
            recompute_escalation(ticket.pk)
            return 0
        due: list[tuple[str, str, datetime]] = []
        for kind, field, met in BREACHES:
            at = getattr(ticket, field)
            if at is None or at > now or (met is not None and getattr(ticket, met) is not None):
                continue
            if EscalationBreach.objects.filter(ticket_id=ticket.pk, kind=kind, due_at=at).exists():
                continue
            due.append((kind, field, at))
        if not due:
            return 0
        EscalationBreach.objects.bulk_create(
            EscalationBreach(ticket_id=ticket.pk, kind=kind, due_at=at, raised_at=now)
            for kind, _field, at in due
        )
        HistoryEntry.objects.bulk_create(
            HistoryEntry(
                object_type="Ticket",
                object_id=ticket.pk,
                kind=HistoryEntry.Kind.ESCALATION,
                attribute=field,
                value_to=at.isoformat(),
            )
            for _kind, field, at in due
        )
        recipients = escalation_recipients(ticket)
        OnlineNotification.objects.bulk_create(
            OnlineNotification(
                user_id=user_id,
                object_type="Ticket",
                object_id=ticket.pk,
                kind=OnlineNotification.Kind.ESCALATION,
            )
            for user_id in recipients
        )
        events.publish(
            TicketEscalated(
                ticket_id=ticket.pk,
                kinds=tuple(kind for kind, _field, _at in due),
                due_at=min(at for _kind, _field, at in due),
                user_ids=tuple(recipients),
            )
        )
        return len(due)


def escalation_recipients(ticket: Ticket) -> list[int]:
    """The active owner; without one, the active agents with full access to the group."""
    if ticket.owner_id is not None:
        owner_active = User.objects.filter(pk=ticket.owner_id, active=True).exists()
        return [ticket.owner_id] if owner_active else []
    members = GroupMembership.objects.filter(
        group_id=ticket.group_id, access=GroupMembership.Access.FULL
    ).values("user_id")
    return list(
        User.objects.filter(
            pk__in=members,
            active=True,
            roles__active=True,
            roles__permissions__active=True,
            roles__permissions__name__in=AGENT_PERMISSION_NAMES,
        )
        .order_by("id")
        .values_list("id", flat=True)
        .distinct()
    )


# ---------------------------------------------------------------------------------------
# Calendars and SLAs (admin.sla)
# ---------------------------------------------------------------------------------------

CALENDAR_FIELDS = ("name", "timezone", "business_hours", "public_holidays", "default", "note")
SLA_FIELDS = (
    "name",
    "calendar_id",
    "priority_ids",
    "group_ids",
    "organization_ids",
    "precedence",
    "first_response_time",
    "response_time",
    "update_time",
    "solution_time",
    "active",
    "note",
)
TIME_FIELDS = ("first_response_time", "response_time", "update_time", "solution_time")


@transaction.atomic
def create_calendar(
    actor: Actor,
    *,
    name: str,
    timezone: str = "UTC",
    business_hours: Mapping[str, Any] | None = None,
    public_holidays: Mapping[str, Any] | None = None,
    default: bool = False,
    note: str = "",
) -> Calendar:
    """Create a calendar. The first calendar is the default whatever ``default`` says;
    making a calendar the default takes the flag from the previous one."""
    perms.require(actor, perms.ADMIN_SLA)
    clean = _clean_calendar(
        {
            "name": name,
            "timezone": timezone,
            "business_hours": business_hours
            if business_hours is not None
            else Calendar._meta.get_field("business_hours").get_default(),
            "public_holidays": public_holidays or {},
            "default": default,
            "note": note,
        },
        instance=None,
    )
    if not Calendar.objects.exists():
        clean["default"] = True
    if clean["default"]:
        Calendar.objects.filter(default=True).update(default=False)
    calendar = Calendar.objects.create(**clean, created_by=actor.user, updated_by=actor.user)
    _history(actor, "Calendar", calendar.pk, HistoryEntry.Kind.CREATED)
    return calendar


@transaction.atomic
def update_calendar(actor: Actor, calendar_id: int, **changes: Any) -> Calendar:
    """Change a calendar; tickets under its SLAs are recomputed after commit. The default
    flag moves by making another calendar the default, never by clearing it."""
    perms.require(actor, perms.ADMIN_SLA)
    calendar = _calendar(calendar_id, lock=True)
    _refuse_unknown(changes, CALENDAR_FIELDS, "calendar")
    current = {name: getattr(calendar, name) for name in CALENDAR_FIELDS}
    clean = _clean_calendar({**current, **changes}, instance=calendar)
    if calendar.default and not clean["default"]:
        raise Invalid(
            "a calendar stays the default until another calendar is made the default",
            code="calendar.default_required",
            field="default",
        )
    if clean["default"] and not calendar.default:
        Calendar.objects.filter(default=True).update(default=False)
    changed = _apply(calendar, clean, actor)
    if changed:
        _history_changes(actor, "Calendar", calendar.pk, changed)
        _enqueue_rebuild()
    return calendar


@transaction.atomic
def delete_calendar(actor: Actor, calendar_id: int) -> None:
    """Delete a calendar that no SLA uses and that is not the default."""
    perms.require(actor, perms.ADMIN_SLA)
    calendar = _calendar(calendar_id, lock=True)
    if calendar.default:
        raise Conflict(
            "the default calendar cannot be deleted; make another calendar the default first",
            code="calendar.is_default",
        )
    names = list(Sla.objects.filter(calendar=calendar).values_list("name", flat=True))
    if names:
        raise Conflict(
            f"the calendar is used by the SLA {', '.join(sorted(names))}",
            code="calendar.in_use",
        )
    pk = calendar.pk
    calendar.delete()
    _history(actor, "Calendar", pk, HistoryEntry.Kind.REMOVED)


@transaction.atomic
def create_sla(
    actor: Actor,
    *,
    name: str,
    calendar_id: int | None = None,
    priority_ids: Iterable[int] = (),
    group_ids: Iterable[int] = (),
    organization_ids: Iterable[int] = (),
    precedence: int = 0,
    first_response_time: int | None = None,
    response_time: int | None = None,
    update_time: int | None = None,
    solution_time: int | None = None,
    active: bool = True,
    note: str = "",
) -> Sla:
    """Create an SLA (on the default calendar when none is named); the tickets it may now
    apply to are recomputed after commit."""
    perms.require(actor, perms.ADMIN_SLA)
    if calendar_id is None:
        calendar_id = Calendar.objects.filter(default=True).values_list("pk", flat=True).first()
    clean = _clean_sla(
        {
            "name": name,
            "calendar_id": calendar_id,
            "priority_ids": priority_ids,
            "group_ids": group_ids,
            "organization_ids": organization_ids,
            "precedence": precedence,
            "first_response_time": first_response_time,
            "response_time": response_time,
            "update_time": update_time,
            "solution_time": solution_time,
            "active": active,
            "note": note,
        },
        instance=None,
    )
    sla = Sla.objects.create(**clean, created_by=actor.user, updated_by=actor.user)
    _history(actor, "Sla", sla.pk, HistoryEntry.Kind.CREATED)
    _enqueue_rebuild()
    return sla


@transaction.atomic
def update_sla(actor: Actor, sla_id: int, **changes: Any) -> Sla:
    """Change an SLA; affected tickets are recomputed after commit."""
    perms.require(actor, perms.ADMIN_SLA)
    sla = _sla(sla_id, lock=True)
    _refuse_unknown(changes, SLA_FIELDS, "sla")
    current = {name: getattr(sla, name) for name in SLA_FIELDS}
    clean = _clean_sla({**current, **changes}, instance=sla)
    changed = _apply(sla, clean, actor)
    if changed:
        _history_changes(actor, "Sla", sla.pk, changed)
        _enqueue_rebuild()
    return sla


@transaction.atomic
def delete_sla(actor: Actor, sla_id: int) -> None:
    """Delete an SLA; its tickets fall to the next matching SLA (or none) after commit."""
    perms.require(actor, perms.ADMIN_SLA)
    sla = _sla(sla_id, lock=True)
    pk = sla.pk
    sla.delete()
    _history(actor, "Sla", pk, HistoryEntry.Kind.REMOVED)
    _enqueue_rebuild()


def timezone_names() -> list[str]:
    """The time zone names a calendar accepts, sorted (what a form offers)."""
    return sorted(sla_rules._zones())


def _calendar(calendar_id: int, *, lock: bool = False) -> Calendar:
    qs = Calendar.objects.select_for_update() if lock else Calendar.objects.all()
    calendar = qs.filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound(f"no calendar with id {calendar_id}", code="calendar.not_found")
    return calendar


def _sla(sla_id: int, *, lock: bool = False) -> Sla:
    qs = Sla.objects.select_for_update() if lock else Sla.objects.all()
    sla = qs.filter(pk=sla_id).first()
    if sla is None:
        raise NotFound(f"no SLA with id {sla_id}", code="sla.not_found")
    return sla


def _refuse_unknown(changes: Mapping[str, Any], known: tuple[str, ...], domain: str) -> None:
    for name in changes:
        if name not in known:
            raise Invalid(f"{name!r} cannot be changed", code=f"{domain}.unknown_field", field=name)


def _clean_name(raw: Any, *, domain: str, max_length: int) -> str:
    name = raw.strip() if isinstance(raw, str) else ""
    if not name:
        raise Invalid("a name is required", code=f"{domain}.name_missing", field="name")
    if len(name) > max_length:
        raise Invalid(
            f"a name has at most {max_length} characters",
            code=f"{domain}.name_too_long",
            field="name",
        )
    return name


def _name_taken(model: type[Calendar] | type[Sla], name: str, instance: Any) -> bool:
    qs = model.objects.annotate(lname=Lower("name")).filter(lname=name.lower())
    if instance is not None:
        qs = qs.exclude(pk=instance.pk)
    return qs.exists()


def _clean_bool(raw: Any, field: str, domain: str) -> bool:
    if not isinstance(raw, bool):
        raise Invalid("true or false", code=f"{domain}.not_boolean", field=field)
    return raw


def _clean_calendar(values: dict[str, Any], *, instance: Calendar | None) -> dict[str, Any]:
    name = _clean_name(values["name"], domain="calendar", max_length=250)
    if _name_taken(Calendar, name, instance):
        raise Invalid(f"a calendar named {name!r} exists", code="calendar.name_taken", field="name")
    timezone = sla_rules.check_timezone(values["timezone"])
    sla_rules.parse_business_hours(values["business_hours"])
    sla_rules.parse_public_holidays(values["public_holidays"])
    return {
        "name": name,
        "timezone": timezone,
        "business_hours": _normal_hours(values["business_hours"]),
        "public_holidays": _normal_holidays(values["public_holidays"]),
        "default": _clean_bool(values["default"], "default", "calendar"),
        "note": str(values.get("note") or ""),
    }


def _normal_hours(raw: Mapping[str, Any]) -> dict[str, Any]:
    hours: dict[str, Any] = {}
    for day in sla_rules.WEEKDAYS:
        spec = raw.get(day) or {}
        hours[day] = {
            "active": bool(spec.get("active", False)),
            "timeframes": [[str(a), str(b)] for a, b in (spec.get("timeframes") or [])],
        }
    return hours


def _normal_holidays(raw: Mapping[str, Any]) -> dict[str, Any]:
    holidays: dict[str, Any] = {}
    for key in sorted(raw):
        spec = raw[key] or {}
        holidays[key] = {
            "active": bool(spec.get("active", True)),
            "summary": str(spec.get("summary") or ""),
            "recurring": bool(spec.get("recurring", False)),
        }
    return holidays


def _clean_minutes(raw: Any, field: str) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
        raise Invalid(
            "a whole number of minutes above zero, or empty for no target",
            code="sla.time_invalid",
            field=field,
        )
    return raw


def _clean_ids(
    raw: Any, field: str, model: type[Any], what: str, kept: Iterable[int] = ()
) -> list[int]:
    """A list of existing ids. Ids the SLA already had are kept unchecked, so an SLA whose
    group was deleted can still be edited; they simply match nothing."""
    if raw is None:
        return []
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        raise Invalid(f"a list of {what} ids", code="sla.condition_invalid", field=field)
    ids: list[int] = []
    for item in raw:
        if isinstance(item, str) and item.strip().isdigit():
            item = int(item.strip())
        if isinstance(item, bool) or not isinstance(item, int):
            raise Invalid(f"a list of {what} ids", code="sla.condition_invalid", field=field)
        if item not in ids:
            ids.append(item)
    new = [i for i in ids if i not in set(kept)]
    found = set(model.objects.filter(pk__in=new).values_list("pk", flat=True))
    missing = [i for i in new if i not in found]
    if missing:
        raise Invalid(f"no {what} with id {missing[0]}", code="sla.condition_unknown", field=field)
    return sorted(ids)


def _clean_sla(values: dict[str, Any], *, instance: Sla | None) -> dict[str, Any]:
    name = _clean_name(values["name"], domain="sla", max_length=150)
    if _name_taken(Sla, name, instance):
        raise Invalid(f"an SLA named {name!r} exists", code="sla.name_taken", field="name")
    calendar_id = values["calendar_id"]
    if calendar_id is None or not Calendar.objects.filter(pk=calendar_id).exists():
        raise Invalid(
            "no such calendar" if calendar_id is not None else "a calendar is required",
            code="sla.calendar_unknown",
            field="calendar_id",
        )
    precedence = values["precedence"]
    if isinstance(precedence, bool) or not isinstance(precedence, int) or precedence < 0:
        raise Invalid(
            "a whole number from 0 (tried first)", code="sla.precedence_invalid", field="precedence"
        )

    def kept(field: str) -> list[int]:
        return list(getattr(instance, field)) if instance is not None else []

    clean: dict[str, Any] = {
        "name": name,
        "calendar_id": calendar_id,
        "priority_ids": _clean_ids(
            values["priority_ids"], "priority_ids", TicketPriority, "priority", kept("priority_ids")
        ),
        "group_ids": _clean_ids(
            values["group_ids"], "group_ids", Group, "group", kept("group_ids")
        ),
        "organization_ids": _clean_ids(
            values["organization_ids"],
            "organization_ids",
            Organization,
            "organization",
            kept("organization_ids"),
        ),
        "precedence": precedence,
        "active": _clean_bool(values["active"], "active", "sla"),
        "note": str(values.get("note") or ""),
    }
    for field in TIME_FIELDS:
        clean[field] = _clean_minutes(values[field], field)
    if clean["response_time"] is not None and clean["update_time"] is not None:
        raise Invalid(
            "give either a response time (answer each customer message within) or an update "
            "time (write at least this often), not both",
            code="sla.update_and_response_time",
            field="update_time",
        )
    return clean


def _apply(instance: Calendar | Sla, clean: dict[str, Any], actor: Actor) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    for name, value in clean.items():
        old = getattr(instance, name)
        if old != value:
            changed[name] = (old, value)
            setattr(instance, name, value)
    if changed:
        instance.updated_by = actor.user
        instance.save()
    return changed


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _history(actor: Actor, object_type: str, object_id: int, kind: str) -> None:
    HistoryEntry.objects.create(
        object_type=object_type, object_id=object_id, kind=kind, created_by=actor.user
    )


def _history_changes(
    actor: Actor, object_type: str, object_id: int, changed: dict[str, Any]
) -> None:
    HistoryEntry.objects.bulk_create(
        HistoryEntry(
            object_type=object_type,
            object_id=object_id,
            kind=HistoryEntry.Kind.UPDATED,
            attribute=name,
            value_from=_text(old),
            value_to=_text(new),
            created_by=actor.user,
        )
        for name, (old, new) in changed.items()
    )


def _enqueue_rebuild() -> None:
    from helpline.queue import enqueue_on_commit
    from helpline.tickets.jobs import rebuild_ticket_escalations

    enqueue_on_commit(rebuild_ticket_escalations)


__all__: list[str] = [
    "create_calendar",
    "create_sla",
    "delete_calendar",
    "delete_sla",
    "escalation_recipients",
    "raise_escalations",
    "rebuild_escalations",
    "recompute_escalation",
    "subscribe_escalation",
    "timezone_names",
    "update_calendar",
    "update_sla",
]
