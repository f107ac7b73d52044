"""The SLA rules with plain values: business time, selection, escalation times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpline.lib.errors import Invalid
from helpline.tickets.sla_rules import (
    BusinessCalendar,
    Contact,
    SlaTimes,
    TicketClock,
    add_business_minutes,
    business_minutes_between,
    compute_escalation,
    contact_of,
    parse_business_hours,
    parse_public_holidays,
    select_sla,
)

BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = {
    day: {"active": True, "timeframes": [["09:00", "17:00"]]}
    for day in ("mon", "tue", "wed", "thu", "fri")
}
ALL_DAY = {
    day: {"active": True, "timeframes": [["00:00", "24:00"]]}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def calendar(hours=None, holidays=None, tz="Europe/Berlin") -> BusinessCalendar:
    return BusinessCalendar.from_config(tz, hours or NINE_TO_FIVE, holidays or {})


# -- business time ---------------------------------------------------------------------


def test_adds_minutes_within_one_day():
    assert add_business_minutes(calendar(), berlin(2025, 6, 2, 10, 0), 90) == berlin(
        2025, 6, 2, 11, 30
    )


def test_carries_over_the_weekend():
    # Friday 16:00 + 2 business hours: one hour on Friday, one on Monday.
    due = add_business_minutes(calendar(), berlin(2025, 6, 6, 16, 0), 120)
    assert due == berlin(2025, 6, 9, 10, 0)
    assert due.weekday() == 0


def test_starts_counting_at_the_next_opening():
    # Saturday noon: nothing counts until Monday 09:00.
    assert add_business_minutes(calendar(), berlin(2025, 6, 7, 12, 0), 30) == berlin(
        2025, 6, 9, 9, 30
    )


def test_deadline_using_up_a_day_falls_on_its_close():
    assert add_business_minutes(calendar(), berlin(2025, 6, 2, 16, 0), 60) == berlin(
        2025, 6, 2, 17, 0
    )


def test_skips_a_holiday_after_a_weekend():
    cal = calendar(holidays={"2025-06-09": {"active": True, "summary": "Whit Monday"}})
    assert add_business_minutes(cal, berlin(2025, 6, 6, 16, 0), 120) == berlin(2025, 6, 10, 10, 0)


def test_inactive_holiday_is_a_working_day():
    cal = calendar(holidays={"2025-06-09": {"active": False, "summary": "Whit Monday"}})
    assert add_business_minutes(cal, berlin(2025, 6, 6, 16, 0), 120) == berlin(2025, 6, 9, 10, 0)


def test_recurring_holiday_falls_every_year():
    cal = calendar(holidays={"2020-12-25": {"active": True, "recurring": True}})
    # Wednesday 2025-12-24 16:00 + 2h: Christmas Day is skipped, Friday 26th 10:00.
    assert add_business_minutes(cal, berlin(2025, 12, 24, 16, 0), 120) == berlin(
        2025, 12, 26, 10, 0
    )
    once = calendar(holidays={"2020-12-25": {"active": True}})
    assert add_business_minutes(once, berlin(2025, 12, 24, 16, 0), 120) == berlin(
        2025, 12, 25, 10, 0
    )


def test_several_ranges_a_day():
    hours = {"mon": {"active": True, "timeframes": [["13:00", "17:00"], ["09:00", "12:00"]]}}
    cal = calendar(hours=hours)
    assert add_business_minutes(cal, berlin(2025, 6, 2, 11, 30), 60) == berlin(2025, 6, 2, 13, 30)
    assert business_minutes_between(cal, berlin(2025, 6, 2, 8, 0), berlin(2025, 6, 2, 18, 0)) == 420
    # Next Monday after the Monday's 7 hours are used up.
    assert add_business_minutes(cal, berlin(2025, 6, 2, 9, 0), 7 * 60 + 1) == berlin(
        2025, 6, 9, 9, 1
    )


def test_minutes_between_across_weekend_and_holiday():
    cal = calendar(holidays={"2025-06-09": {"active": True}})
    assert (
        business_minutes_between(cal, berlin(2025, 6, 6, 16, 0), berlin(2025, 6, 10, 10, 0)) == 120
    )
    assert business_minutes_between(cal, berlin(2025, 6, 6, 16, 0), berlin(2025, 6, 6, 16, 0)) == 0
    assert business_minutes_between(cal, berlin(2025, 6, 7, 10, 0), berlin(2025, 6, 8, 10, 0)) == 0


def test_business_hours_keep_local_time_across_dst_start():
    # Berlin moves from UTC+1 to UTC+2 on Sunday 2025-03-30.
    due = add_business_minutes(calendar(), berlin(2025, 3, 28, 16, 0), 120)
    assert due == utc(2025, 3, 31, 8, 0)  # Monday 10:00 CEST
    assert due.astimezone(BERLIN).hour == 10
    assert (
        business_minutes_between(calendar(), utc(2025, 3, 28, 15, 0), utc(2025, 3, 31, 8, 0)) == 120
    )


def test_short_and_long_days_of_dst():
    cal = calendar(hours=ALL_DAY)
    # The spring day has 23 hours, the autumn day 25.
    assert (
        business_minutes_between(cal, berlin(2025, 3, 30, 0, 0), berlin(2025, 3, 31, 0, 0))
        == 23 * 60
    )
    assert (
        business_minutes_between(cal, berlin(2025, 10, 26, 0, 0), berlin(2025, 10, 27, 0, 0))
        == 25 * 60
    )
    # 24 business hours from Saturday noon end on Sunday 13:00 local after the lost hour.
    due = add_business_minutes(cal, berlin(2025, 3, 29, 12, 0), 24 * 60)
    assert due == utc(2025, 3, 30, 11, 0)
    assert due.astimezone(BERLIN).hour == 13


def test_range_in_the_skipped_hour_is_empty():
    hours = {"sun": {"active": True, "timeframes": [["02:00", "03:00"], ["10:00", "11:00"]]}}
    cal = calendar(hours=hours)
    assert business_minutes_between(cal, berlin(2025, 3, 30, 0, 0), berlin(2025, 3, 31, 0, 0)) == 60
    assert business_minutes_between(cal, berlin(2025, 4, 6, 0, 0), berlin(2025, 4, 7, 0, 0)) == 120


def test_other_time_zone():
    cal = calendar(tz="America/New_York")
    # 09:00 in New York is 13:00 UTC in June.
    assert add_business_minutes(cal, utc(2025, 6, 2, 12, 0), 30) == utc(2025, 6, 2, 13, 30)


def test_pauses_are_cut_out_and_the_clock_resumes():
    cal = calendar()
    start = berlin(2025, 6, 2, 9, 0)
    pause = (berlin(2025, 6, 2, 10, 0), berlin(2025, 6, 2, 12, 0))
    assert add_business_minutes(cal, start, 240, [pause]) == berlin(2025, 6, 2, 15, 0)
    assert business_minutes_between(cal, start, berlin(2025, 6, 2, 15, 0), [pause]) == 240
    # A pause over the night only costs the business minutes inside it.
    night = (berlin(2025, 6, 2, 16, 0), berlin(2025, 6, 3, 10, 0))
    assert add_business_minutes(cal, start, 8 * 60, [night]) == berlin(2025, 6, 3, 11, 0)
    # While a pause lasts there is no deadline.
    assert add_business_minutes(cal, start, 240, [(berlin(2025, 6, 2, 10, 0), None)]) is None


def test_overlapping_pauses_count_once():
    cal = calendar()
    pauses = [
        (berlin(2025, 6, 2, 10, 0), berlin(2025, 6, 2, 11, 0)),
        (berlin(2025, 6, 2, 10, 30), berlin(2025, 6, 2, 12, 0)),
    ]
    assert (
        business_minutes_between(cal, berlin(2025, 6, 2, 9, 0), berlin(2025, 6, 2, 13, 0), pauses)
        == 120
    )


def test_business_hours_are_validated_naming_the_field():
    cases = [
        ({"mon": {"active": True, "timeframes": [["17:00", "09:00"]]}}, "ends before it starts"),
        ({"mon": {"active": True, "timeframes": [["9am", "17:00"]]}}, "HH:MM"),
        (
            {"mon": {"active": True, "timeframes": [["09:00", "12:00"], ["11:00", "13:00"]]}},
            "overlap",
        ),
        ({"monday": {"active": True, "timeframes": [["09:00", "17:00"]]}}, "unknown weekday"),
        ({"mon": {"active": False, "timeframes": [["09:00", "17:00"]]}}, "at least one weekday"),
        ({"mon": {"active": True, "timeframes": [["09:00", "24:30"]]}}, "after 24:00"),
        ([], "object keyed by weekday"),
    ]
    for raw, words in cases:
        with pytest.raises(Invalid) as err:
            parse_business_hours(raw)
        assert err.value.field == "business_hours"
        assert err.value.code == "calendar.business_hours_invalid"
        assert words in err.value.message


def test_holidays_and_time_zone_are_validated():
    with pytest.raises(Invalid) as err:
        parse_public_holidays({"25.12.2025": {"active": True}})
    assert (err.value.field, err.value.code) == (
        "public_holidays",
        "calendar.public_holidays_invalid",
    )
    with pytest.raises(Invalid) as err:
        BusinessCalendar.from_config("Mars/Olympus", NINE_TO_FIVE, {})
    assert (err.value.field, err.value.code) == ("timezone", "calendar.timezone_invalid")


# -- SLA selection ---------------------------------------------------------------------


@dataclass
class S:
    id: int
    name: str
    precedence: int = 0
    priority_ids: list[int] = field(default_factory=list)
    group_ids: list[int] = field(default_factory=list)
    organization_ids: list[int] = field(default_factory=list)


def pick(slas, priority_id=2, group_id=1, organization_id=None):
    found = select_sla(
        slas, priority_id=priority_id, group_id=group_id, organization_id=organization_id
    )
    return None if found is None else found.name


def test_selects_by_conditions_and_precedence():
    slas = [
        S(1, "catch-all"),
        S(2, "high", precedence=5, priority_ids=[3]),
        S(3, "vip org", precedence=1, organization_ids=[7]),
        S(4, "support high", precedence=1, priority_ids=[3], group_ids=[1]),
    ]
    assert pick(slas, priority_id=3, group_id=1) == "support high"
    assert pick(slas, priority_id=3, group_id=2) == "high"
    assert pick(slas, priority_id=3, group_id=1, organization_id=7) == "support high"
    assert pick(slas, priority_id=2, group_id=1, organization_id=7) == "vip org"
    assert pick(slas, priority_id=2, group_id=1) == "catch-all"
    assert pick(slas[1:], priority_id=2, group_id=1) is None


def test_same_precedence_goes_by_name_then_id():
    slas = [S(9, "b", group_ids=[1]), S(3, "A", group_ids=[1]), S(2, "a", group_ids=[1])]
    assert select_sla(slas, priority_id=2, group_id=1, organization_id=None).id == 2


def test_catch_all_is_only_a_fallback_whatever_its_precedence():
    slas = [S(1, "everything", precedence=0), S(2, "group 1", precedence=9, group_ids=[1])]
    assert pick(slas, group_id=1) == "group 1"
    assert pick(slas, group_id=2) == "everything"


# -- escalation times ------------------------------------------------------------------


def test_contact_rule():
    at = berlin(2025, 6, 2, 9, 0)
    assert contact_of(at=at, sender="Agent", internal=False, communication=True) == Contact(
        at, "Agent"
    )
    assert contact_of(at=at, sender="Agent", internal=True, communication=True) is None
    assert contact_of(at=at, sender="Agent", internal=False, communication=False) is None
    assert contact_of(at=at, sender="System", internal=False, communication=True) is None


def test_open_ticket_gets_each_deadline_and_the_earliest():
    created = berlin(2025, 6, 6, 16, 0)  # a Friday
    clock = TicketClock(
        created_at=created,
        last_contact_customer_at=created,
        contacts=(Contact(created, "Customer"),),
    )
    times = SlaTimes(first_response_time=60, response_time=120, solution_time=8 * 60)
    result = compute_escalation(clock, times, calendar())
    assert result == {
        "first_response_escalation_at": berlin(2025, 6, 6, 17, 0),
        "update_escalation_at": berlin(2025, 6, 9, 10, 0),
        "close_escalation_at": berlin(2025, 6, 9, 16, 0),
        "escalation_at": berlin(2025, 6, 6, 17, 0),
        "first_response_in_min": None,
        "first_response_diff_in_min": None,
        "update_in_min": None,
        "update_diff_in_min": None,
        "close_in_min": None,
        "close_diff_in_min": None,
    }


def test_answered_ticket_has_statistics_and_no_response_deadline():
    created = berlin(2025, 6, 2, 9, 0)
    answered = berlin(2025, 6, 2, 10, 30)
    clock = TicketClock(
        created_at=created,
        first_response_at=answered,
        last_contact_customer_at=created,
        last_contact_agent_at=answered,
        contacts=(Contact(created, "Customer"), Contact(answered, "Agent")),
    )
    times = SlaTimes(first_response_time=60, response_time=120, solution_time=600)
    result = compute_escalation(clock, times, calendar())
    assert result["first_response_escalation_at"] is None
    assert result["update_escalation_at"] is None
    assert result["close_escalation_at"] == berlin(2025, 6, 3, 11, 0)
    assert result["escalation_at"] == berlin(2025, 6, 3, 11, 0)
    assert (result["first_response_in_min"], result["first_response_diff_in_min"]) == (90, -30)
    assert (result["update_in_min"], result["update_diff_in_min"]) == (90, 30)


def test_update_time_counts_from_the_last_agent_message():
    created = berlin(2025, 6, 2, 9, 0)
    agent = berlin(2025, 6, 2, 11, 0)
    customer = berlin(2025, 6, 2, 12, 0)
    clock = TicketClock(
        created_at=created,
        first_response_at=agent,
        last_contact_agent_at=agent,
        last_contact_customer_at=customer,
        contacts=(
            Contact(created, "Customer"),
            Contact(agent, "Agent"),
            Contact(customer, "Customer"),
        ),
    )
    result = compute_escalation(clock, SlaTimes(update_time=180), calendar())
    assert result["update_escalation_at"] == berlin(2025, 6, 2, 14, 0)
    assert (result["update_in_min"], result["update_diff_in_min"]) == (120, 60)


def test_longest_wait_is_kept():
    t = [berlin(2025, 6, 2, h, 0) for h in (9, 10, 11, 15, 16)]
    contacts = (
        Contact(t[0], "Customer"),
        Contact(t[1], "Agent"),
        Contact(t[2], "Customer"),
        Contact(t[3], "Agent"),
        Contact(t[4], "Customer"),
    )
    clock = TicketClock(
        created_at=t[0],
        first_response_at=t[1],
        last_contact_agent_at=t[3],
        last_contact_customer_at=t[4],
        contacts=contacts,
    )
    result = compute_escalation(clock, SlaTimes(response_time=60), calendar())
    assert (result["update_in_min"], result["update_diff_in_min"]) == (240, -180)
    # The customer wrote last: an answer is due again.
    assert result["update_escalation_at"] == t[4] + timedelta(hours=1)


def test_paused_ticket_has_no_deadlines_but_keeps_statistics():
    created = berlin(2025, 6, 2, 9, 0)
    clock = TicketClock(
        created_at=created,
        first_response_at=berlin(2025, 6, 2, 9, 30),
        last_contact_customer_at=created,
        paused=True,
        pauses=((berlin(2025, 6, 2, 10, 0), None),),
    )
    result = compute_escalation(
        clock, SlaTimes(first_response_time=60, solution_time=60), calendar()
    )
    assert [
        result[k]
        for k in (
            "first_response_escalation_at",
            "update_escalation_at",
            "close_escalation_at",
            "escalation_at",
        )
    ] == [None] * 4
    assert (result["first_response_in_min"], result["first_response_diff_in_min"]) == (30, 30)


def test_closed_ticket_solution_statistics_stop_at_close():
    created = berlin(2025, 6, 2, 9, 0)
    closed = berlin(2025, 6, 3, 10, 0)
    clock = TicketClock(
        created_at=created,
        close_at=closed,
        paused=True,
        pauses=((closed, None),),
    )
    result = compute_escalation(clock, SlaTimes(solution_time=480), calendar())
    assert result["close_escalation_at"] is None
    assert (result["close_in_min"], result["close_diff_in_min"]) == (540, -60)
