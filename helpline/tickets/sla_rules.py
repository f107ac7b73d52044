"""Pure rules of SLAs and escalation: business-time maths, SLA selection, escalation times.

Nothing here reads the database or the clock; every function takes plain values, so the
rules are tested with plain values and the service (``tickets.services.sla``) only gathers
inputs and writes outputs.

Business time (Zammad's calendars): a calendar has a time zone, per weekday zero or more
ranges of business hours in local wall-clock time (``"09:00"``-``"12:00"``,
``"13:00"``-``"17:00"``; ``"24:00"`` ends a range at midnight), and public holidays on
which there is no business time at all, either on one date or every year on the same day.
Ranges are laid on local dates and converted to UTC one date at a time, so a day on which
daylight saving time starts or ends simply has its real length (an hour that does not
exist is never business time, an hour that happens twice counts twice only if a range
covers both).

Pauses (the ticket on hold, or in a state that ignores escalation) are intervals cut out
of business time: the clock stops while paused and resumes with the time left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from helpline.lib.errors import Invalid

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
# How far ahead a deadline is searched for (a calendar with very little business time
# and a long solution time still fits; a calendar with none gives no deadline).
HORIZON_DAYS = 5 * 366
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")

Pause = tuple[datetime, datetime | None]  # (start, end); end None = still paused


# ---------------------------------------------------------------------------------------
# Calendars
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCalendar:
    """Business hours as plain values. ``hours[0]`` is Monday's ranges in minutes after
    local midnight (end up to 1440); ``holidays`` are single dates, ``yearly_holidays``
    (month, day) pairs that repeat every year."""

    timezone: str
    hours: tuple[tuple[tuple[int, int], ...], ...]
    holidays: frozenset[date] = frozenset()
    yearly_holidays: frozenset[tuple[int, int]] = frozenset()

    @classmethod
    def from_config(
        cls, timezone: str, business_hours: Mapping[str, Any], public_holidays: Mapping[str, Any]
    ) -> BusinessCalendar:
        """Build from the stored shapes (Zammad's ``business_hours``/``public_holidays``);
        raises ``Invalid`` naming the field when a value is unusable."""
        check_timezone(timezone)
        hours = parse_business_hours(business_hours)
        once, yearly = parse_public_holidays(public_holidays)
        return cls(timezone, hours, once, yearly)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.yearly_holidays


def check_timezone(name: str) -> str:
    if not isinstance(name, str) or name not in _zones():
        raise Invalid(
            f"{name!r} is not a time zone name such as 'Europe/Berlin' or 'UTC'",
            code="calendar.timezone_invalid",
            field="timezone",
        )
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"time zone {name!r} is not installed",
            code="calendar.timezone_invalid",
            field="timezone",
        ) from None
    return name


_ZONES: frozenset[str] = frozenset()


def _zones() -> frozenset[str]:
    global _ZONES
    if not _ZONES:
        _ZONES = frozenset(available_timezones()) | {"UTC"}
    return _ZONES


def _minutes(value: Any, where: str) -> int:
    match = _HHMM.match(value) if isinstance(value, str) else None
    if match is None:
        raise Invalid(
            f"{where}: {value!r} is not a time of day written HH:MM",
            code="calendar.business_hours_invalid",
            field="business_hours",
        )
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    if minutes > MINUTES_PER_DAY:
        raise Invalid(
            f"{where}: {value!r} is after 24:00",
            code="calendar.business_hours_invalid",
            field="business_hours",
        )
    return minutes


def parse_business_hours(raw: Mapping[str, Any]) -> tuple[tuple[tuple[int, int], ...], ...]:
    """``{"mon": {"active": true, "timeframes": [["09:00", "17:00"]]}, ...}`` to ranges.

    A missing or inactive day has no business hours. Ranges of a day must not overlap and
    end after they start; at least one day must have business hours."""

    def bad(message: str) -> Invalid:
        return Invalid(message, code="calendar.business_hours_invalid", field="business_hours")

    if not isinstance(raw, Mapping):
        raise bad("business hours are an object keyed by weekday (mon ... sun)")
    unknown = sorted(set(raw) - set(WEEKDAYS))
    if unknown:
        raise bad(f"unknown weekday {unknown[0]!r}; use mon, tue, wed, thu, fri, sat, sun")
    days: list[tuple[tuple[int, int], ...]] = []
    for name in WEEKDAYS:
        spec = raw.get(name) or {}
        if not isinstance(spec, Mapping):
            raise bad(f"{name}: give {{'active': true, 'timeframes': [['09:00', '17:00']]}}")
        if not spec.get("active", False):
            days.append(())
            continue
        frames = spec.get("timeframes") or []
        if not isinstance(frames, list):
            raise bad(f"{name}: timeframes is a list of [from, to] pairs")
        ranges: list[tuple[int, int]] = []
        for frame in frames:
            if not isinstance(frame, list | tuple) or len(frame) != 2:
                raise bad(f"{name}: each timeframe is a [from, to] pair")
            start, end = _minutes(frame[0], name), _minutes(frame[1], name)
            if end <= start:
                raise bad(f"{name}: the timeframe {frame[0]}-{frame[1]} ends before it starts")
            ranges.append((start, end))
        ranges.sort()
        for (_, end_a), (start_b, _) in pairwise(ranges):
            if start_b < end_a:
                raise bad(f"{name}: timeframes overlap")
        days.append(tuple(ranges))
    if not any(days):
        raise bad("at least one weekday needs business hours")
    return tuple(days)


def parse_public_holidays(
    raw: Mapping[str, Any],
) -> tuple[frozenset[date], frozenset[tuple[int, int]]]:
    """``{"2025-12-25": {"active": true, "summary": "Christmas", "recurring": true}}``.

    Inactive entries are kept for the record but give business time as usual; a recurring
    one is a holiday on that month and day of every year."""

    def bad(message: str) -> Invalid:
        return Invalid(message, code="calendar.public_holidays_invalid", field="public_holidays")

    if not isinstance(raw, Mapping):
        raise bad("public holidays are an object keyed by date (YYYY-MM-DD)")
    once: set[date] = set()
    yearly: set[tuple[int, int]] = set()
    for key, spec in raw.items():
        try:
            day = date.fromisoformat(key)
        except (TypeError, ValueError):
            raise bad(f"{key!r} is not a date written YYYY-MM-DD") from None
        if spec is None:
            spec = {}
        if not isinstance(spec, Mapping):
            raise bad(f"{key}: give {{'active': true, 'summary': '...'}}")
        if not spec.get("active", True):
            continue
        if spec.get("recurring", False):
            yearly.add((day.month, day.day))
        else:
            once.add(day)
    return frozenset(once), frozenset(yearly)


# ---------------------------------------------------------------------------------------
# Business-time maths
# ---------------------------------------------------------------------------------------


def _merged(pauses: Iterable[Pause]) -> list[tuple[datetime, datetime | None]]:
    ordered = sorted(pauses, key=lambda p: p[0])
    merged: list[tuple[datetime, datetime | None]] = []
    for start, end in ordered:
        if end is not None and end <= start:
            continue
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break
            if start <= last_end:
                merged[-1] = (last_start, None if end is None else max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def _day_ranges(cal: BusinessCalendar, day: date) -> Iterator[tuple[datetime, datetime]]:
    if cal.is_holiday(day):
        return
    midnight = datetime(day.year, day.month, day.day, tzinfo=cal.zone)
    for start, end in cal.hours[day.weekday()]:
        # Aware + timedelta is wall-clock arithmetic: 09:00 is 09:00 local on any day,
        # and the UTC offset is looked up for that wall time.
        begin = (midnight + timedelta(minutes=start)).astimezone(UTC)
        if end == MINUTES_PER_DAY:
            stop_local = datetime.combine(day + timedelta(days=1), midnight.timetz())
        else:
            stop_local = midnight + timedelta(minutes=end)
        stop = stop_local.astimezone(UTC)
        if stop > begin:
            yield begin, stop


def business_intervals(
    cal: BusinessCalendar, start: datetime, pauses: Iterable[Pause] = ()
) -> Iterator[tuple[datetime, datetime]]:
    """Business time from ``start`` on, in UTC, as consecutive intervals with the pauses
    cut out. Stops after ``HORIZON_DAYS`` days."""
    start = start.astimezone(UTC)
    gaps = _merged(pauses)
    first_day = start.astimezone(cal.zone).date()
    for offset in range(HORIZON_DAYS):
        for begin, stop in _day_ranges(cal, first_day + timedelta(days=offset)):
            if stop <= start:
                continue
            begin = max(begin, start)
            yield from _cut(begin, stop, gaps)


def _cut(
    begin: datetime, stop: datetime, gaps: Sequence[tuple[datetime, datetime | None]]
) -> Iterator[tuple[datetime, datetime]]:
    cursor = begin
    for gap_start, gap_end in gaps:
        if gap_end is not None and gap_end <= cursor:
            continue
        if gap_start >= stop:
            break
        if gap_start > cursor:
            yield cursor, gap_start
        if gap_end is None:
            return
        cursor = max(cursor, gap_end)
        if cursor >= stop:
            return
    if cursor < stop:
        yield cursor, stop


def add_business_minutes(
    cal: BusinessCalendar, start: datetime, minutes: int, pauses: Iterable[Pause] = ()
) -> datetime | None:
    """The instant ``minutes`` business minutes after ``start`` (Zammad's destination
    time): a deadline that uses up a range exactly falls on the range's end. ``None`` when
    the calendar has no business time within the horizon."""
    remaining = timedelta(minutes=minutes)
    if remaining <= timedelta(0):
        for begin, _stop in business_intervals(cal, start, pauses):
            return begin
        return None
    for begin, stop in business_intervals(cal, start, pauses):
        length = stop - begin
        if remaining <= length:
            return begin + remaining
        remaining -= length
    return None


def business_minutes_between(
    cal: BusinessCalendar, start: datetime, end: datetime, pauses: Iterable[Pause] = ()
) -> int:
    """Whole business minutes from ``start`` to ``end`` (0 when ``end`` is not later)."""
    if end <= start:
        return 0
    end = end.astimezone(UTC)
    total = timedelta(0)
    for begin, stop in business_intervals(cal, start, pauses):
        if begin >= end:
            break
        total += min(stop, end) - begin
    return int(total.total_seconds() // 60)


# ---------------------------------------------------------------------------------------
# SLA selection
# ---------------------------------------------------------------------------------------


class SlaConditions(Protocol):
    id: Any
    name: str
    precedence: int
    priority_ids: list[int]
    group_ids: list[int]
    organization_ids: list[int]


S = TypeVar("S", bound=SlaConditions)


def sla_is_catch_all(sla: SlaConditions) -> bool:
    return not (sla.priority_ids or sla.group_ids or sla.organization_ids)


def sla_matches(
    sla: SlaConditions, *, priority_id: int, group_id: int, organization_id: int | None
) -> bool:
    """Every condition the SLA has must hold; an empty list means any value."""
    if sla.priority_ids and priority_id not in sla.priority_ids:
        return False
    if sla.group_ids and group_id not in sla.group_ids:
        return False
    return not sla.organization_ids or organization_id in sla.organization_ids


def select_sla(
    slas: Iterable[S], *, priority_id: int, group_id: int, organization_id: int | None
) -> S | None:
    """The SLA of a ticket. SLAs are tried in order of ``precedence`` (lowest first), then
    name, then id; the first SLA with conditions that all match wins. An SLA without any
    condition is a catch-all, used only when no SLA with conditions matches (Zammad's
    rule: conditional SLAs by name, the unconditional one as the fallback)."""
    ordered = sorted(slas, key=lambda s: (s.precedence, s.name.casefold(), s.id))
    for sla in ordered:
        if not sla_is_catch_all(sla) and sla_matches(
            sla, priority_id=priority_id, group_id=group_id, organization_id=organization_id
        ):
            return sla
    for sla in ordered:
        if sla_is_catch_all(sla):
            return sla
    return None


# ---------------------------------------------------------------------------------------
# Contacts and escalation times
# ---------------------------------------------------------------------------------------

AGENT = "Agent"
CUSTOMER = "Customer"
SYSTEM = "System"


@dataclass(frozen=True)
class Contact:
    """A public message of a communication type, by an agent or by the customer."""

    at: datetime
    sender: str  # Agent | Customer


def contact_of(*, at: datetime, sender: str, internal: bool, communication: bool) -> Contact | None:
    """Zammad's rule of what counts as contact: a public article of a communication type
    (email, phone, web, ...; a note only when its type is marked communication) written by
    an agent or a customer. Internal articles and System articles never count."""
    if internal or not communication or sender not in (AGENT, CUSTOMER):
        return None
    return Contact(at=at, sender=sender)


@dataclass(frozen=True)
class SlaTimes:
    """An SLA's targets in business minutes; ``None`` means no target.

    ``response_time``: after each customer message an agent must answer within it
    (Zammad's "for an agent to respond"). ``update_time``: agents must write at least
    this often, whether or not the customer wrote (Zammad's "between agent updates").
    An SLA has one of the two at most."""

    first_response_time: int | None = None
    response_time: int | None = None
    update_time: int | None = None
    solution_time: int | None = None


@dataclass(frozen=True)
class TicketClock:
    """What the escalation of one ticket depends on."""

    created_at: datetime
    first_response_at: datetime | None = None
    close_at: datetime | None = None
    last_contact_agent_at: datetime | None = None
    last_contact_customer_at: datetime | None = None
    contacts: tuple[Contact, ...] = ()
    paused: bool = False
    pauses: tuple[Pause, ...] = field(default=())

    @property
    def agent_responded(self) -> bool:
        """An agent wrote after the customer's last message (Zammad's ``agent_responded?``)."""
        if self.last_contact_customer_at is None or self.last_contact_agent_at is None:
            return False
        return self.last_contact_customer_at < self.last_contact_agent_at


ESCALATION_FIELDS = (
    "first_response_escalation_at",
    "update_escalation_at",
    "close_escalation_at",
    "escalation_at",
)
STATISTICS_FIELDS = (
    "first_response_in_min",
    "first_response_diff_in_min",
    "update_in_min",
    "update_diff_in_min",
    "close_in_min",
    "close_diff_in_min",
)


def no_escalation() -> dict[str, Any]:
    return dict.fromkeys(ESCALATION_FIELDS)


def compute_escalation(
    clock: TicketClock, times: SlaTimes, cal: BusinessCalendar
) -> dict[str, Any]:
    """The escalation timestamps and statistics of a ticket under one SLA (Zammad's).

    Deadlines (all in business time, pauses excluded):
    - ``first_response_escalation_at``: creation + first response time, until the first
      response is made.
    - ``update_escalation_at``: with a response time, the customer's last message + the
      response time, until an agent answers it; with an update time, the agents' last
      message (or creation) + the update time.
    - ``close_escalation_at``: creation + solution time, until the ticket is closed.
    - ``escalation_at``: the earliest of those still pending.
    While the ticket is paused every deadline is empty; the statistics stay.

    Statistics (business minutes, pauses excluded, never counted past ``close_at``):
    ``*_in_min`` is how long it took, ``*_diff_in_min`` the target minus that (negative
    when the target was missed). ``update_in_min`` keeps the longest wait of the ticket.
    """
    result = no_escalation()
    pauses = clock.pauses

    def deadline(start: datetime | None, minutes: int | None) -> datetime | None:
        if start is None or not minutes or minutes <= 0:
            return None
        return add_business_minutes(cal, start, minutes, pauses)

    def took(start: datetime | None, end: datetime | None) -> int | None:
        if start is None or end is None:
            return None
        start = max(start, clock.created_at)
        if clock.close_at is not None:
            end = min(end, clock.close_at)
        return business_minutes_between(cal, start, end, pauses)

    if not clock.paused:
        if clock.first_response_at is None:
            result["first_response_escalation_at"] = deadline(
                clock.created_at, times.first_response_time
            )
        if times.response_time:
            if not clock.agent_responded:
                result["update_escalation_at"] = deadline(
                    clock.last_contact_customer_at, times.response_time
                )
        elif times.update_time:
            base = max(clock.created_at, clock.last_contact_agent_at or clock.created_at)
            result["update_escalation_at"] = deadline(base, times.update_time)
        if clock.close_at is None:
            result["close_escalation_at"] = deadline(clock.created_at, times.solution_time)
        pending = [
            result["first_response_escalation_at"],
            result["update_escalation_at"],
            result["close_escalation_at"],
        ]
        result["escalation_at"] = min((d for d in pending if d is not None), default=None)

    first = took(clock.created_at, clock.first_response_at) if times.first_response_time else None
    result["first_response_in_min"] = first
    result["first_response_diff_in_min"] = (
        None
        if first is None or times.first_response_time is None
        else times.first_response_time - first
    )

    target = times.response_time or times.update_time
    longest = _longest_wait(clock, times, took) if target else None
    result["update_in_min"] = longest
    result["update_diff_in_min"] = None if longest is None or target is None else target - longest

    closing = took(clock.created_at, clock.close_at) if times.solution_time else None
    result["close_in_min"] = closing
    result["close_diff_in_min"] = (
        None if closing is None or times.solution_time is None else times.solution_time - closing
    )
    return result


def _longest_wait(clock: TicketClock, times: SlaTimes, took: Any) -> int | None:
    """Response time: each agent answer measured from the customer's last message before
    it. Update time: each agent message measured from the previous one (or creation)."""
    spans: list[int] = []
    if times.response_time:
        waiting_since: datetime | None = None
        for contact in clock.contacts:
            if contact.sender == CUSTOMER:
                waiting_since = contact.at
            elif waiting_since is not None:
                spans.append(took(waiting_since, contact.at))
                waiting_since = None
    else:
        previous = clock.created_at
        for contact in clock.contacts:
            if contact.sender == AGENT:
                spans.append(took(previous, contact.at))
                previous = contact.at
    return max(spans, default=None)
