"""The pure ticket rules, with plain values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from helpline.lib.errors import Invalid
from helpline.tickets import rules


def test_numbers():
    assert rules.ticket_number("", 7) == "7"
    assert rules.ticket_number("TCK-", 12) == "TCK-12"


def test_titles_are_one_trimmed_line():
    assert rules.clean_title(" a \n b\t c ") == "a b c"
    assert rules.clean_title("x" * 250) == "x" * 250
    for bad, code in [
        ("x" * 251, "ticket.title_too_long"),
        ("  ", "ticket.title_missing"),
        (5, "ticket.title_invalid"),
    ]:
        with pytest.raises(Invalid) as info:
            rules.clean_title(bad)
        assert (info.value.field, info.value.code) == ("title", code)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15", Decimal("15.00")),
        (-2.5, Decimal("-2.50")),
        ("1.005", Decimal("1.00")),
        (None, None),
        ("", None),
    ],
)
def test_time_units(value, expected):
    assert rules.clean_time_unit(value) == expected


@pytest.mark.parametrize("value", ["abc", True, "NaN", "Infinity", "1e12"])
def test_bad_time_units(value):
    with pytest.raises(Invalid) as info:
        rules.clean_time_unit(value)
    assert info.value.code == "article.time_unit_invalid"


def test_datetimes():
    assert rules.clean_datetime("2030-01-02T03:04:05", field="pending_time") == datetime(
        2030, 1, 2, 3, 4, 5, tzinfo=UTC
    )
    assert (
        rules.clean_datetime("2030-01-02T03:04:05+02:00", field="x").utcoffset().total_seconds()
        == 7200
    )
    assert rules.clean_datetime(None, field="x") is None
    for bad in ("2030-13-45T00:00:00", "tomorrow", 12):
        with pytest.raises(Invalid) as info:
            rules.clean_datetime(bad, field="pending_time")
        assert (info.value.field, info.value.code) == ("pending_time", "ticket.datetime_invalid")


def test_content_types():
    assert rules.clean_content_type(None) == "text/plain"
    assert rules.clean_content_type("text/HTML; charset=utf-8") == "text/html"
    with pytest.raises(Invalid):
        rules.clean_content_type("image/png")


@pytest.mark.parametrize(
    ("setting", "closed", "outcome"),
    [
        ("yes", False, "add"),
        ("new_ticket", False, "add"),
        ("yes", True, "add"),
        ("yes_with_reopen", True, "reopen"),
        ("new_ticket", True, "refuse"),
    ],
)
def test_follow_ups(setting, closed, outcome):
    assert rules.follow_up_outcome(setting, ticket_closed=closed) == outcome


def test_custom_field_kinds():
    assert rules.clean_custom_field(" see #4 ", "text") == "see #4"
    assert rules.clean_custom_field("https://x.test/a", "url") == "https://x.test/a"
    assert rules.clean_custom_field("on", "checkbox") == "yes"
    assert rules.clean_custom_field(False, "checkbox") == "no"
    for value, kind in [("ftp://x", "url"), ("maybe", "checkbox"), ("x" * 1001, "text")]:
        with pytest.raises(Invalid):
            rules.clean_custom_field(value, kind)


def test_resolution_rule():
    assert rules.needs_resolution_ok(False, "")
    assert rules.needs_resolution_ok(True, "fixed")
    assert not rules.needs_resolution_ok(True, "  ")
