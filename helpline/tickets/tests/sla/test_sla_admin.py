"""Managing calendars and SLAs (admin.sla): permission, validation, history, rebuild."""

from __future__ import annotations

import pytest

from helpline.core.models import HistoryEntry, Permission, Role
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound, PermissionDenied
from helpline.testing.factories import UserFactory
from helpline.tickets.models import Calendar, Sla
from helpline.tickets.services.sla import (
    create_calendar,
    create_sla,
    delete_calendar,
    delete_sla,
    update_calendar,
    update_sla,
)

from .conftest import NINE_TO_FIVE, berlin, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(admin_user):
    return Actor.for_user(admin_user)


@pytest.fixture
def sla_manager(db):
    role = Role.objects.create(name="SLA managers")
    role.permissions.set(Permission.objects.filter(name="admin.sla"))
    return Actor.for_user(UserFactory(login="sla.manager", roles=["SLA managers"]))


def test_fresh_install_has_the_default_calendar():
    calendar = Calendar.objects.get()
    assert (calendar.pk, calendar.name, calendar.timezone, calendar.default) == (
        1,
        "Default",
        "UTC",
        True,
    )
    assert calendar.business_hours["mon"] == {"active": True, "timeframes": [["09:00", "17:00"]]}
    assert calendar.business_hours["sat"]["active"] is False


def test_only_admin_sla_may_manage(agent, sla_manager):
    as_agent = Actor.for_user(agent)
    for call in (
        lambda: create_calendar(as_agent, name="Night shift"),
        lambda: create_sla(as_agent, name="Gold"),
        lambda: update_sla(as_agent, 1, name="Renamed"),
        lambda: delete_sla(as_agent, 1),
        lambda: update_calendar(as_agent, 1, name="Renamed"),
        lambda: delete_calendar(as_agent, 1),
    ):
        with pytest.raises(PermissionDenied) as err:
            call()
        assert err.value.code == "permission.missing"
    assert Sla.objects.count() == 0
    assert Calendar.objects.get().name == "Default"
    sla = create_sla(sla_manager, name="Gold", first_response_time=30)
    assert (sla.name, sla.calendar_id, sla.first_response_time) == ("Gold", 1, 30)
    token = Actor.for_token(sla_manager.user, frozenset({"ticket.agent"}))
    with pytest.raises(PermissionDenied):
        update_sla(token, sla.pk, name="Platinum")
    assert Sla.objects.get().name == "Gold"


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": "  "}, "name", "calendar.name_missing"),
        ({"name": "default"}, "name", "calendar.name_taken"),
        ({"timezone": "Europe/Atlantis"}, "timezone", "calendar.timezone_invalid"),
        (
            {"business_hours": {"mon": {"active": True, "timeframes": [["18:00", "08:00"]]}}},
            "business_hours",
            "calendar.business_hours_invalid",
        ),
        (
            {"public_holidays": {"Christmas": {}}},
            "public_holidays",
            "calendar.public_holidays_invalid",
        ),
        ({"default": "yes"}, "default", "calendar.not_boolean"),
    ],
)
def test_calendar_validation_names_the_field(admin, fields, field, code):
    values = {"name": "Berlin", "timezone": "Europe/Berlin", **fields}
    with pytest.raises(Invalid) as err:
        create_calendar(admin, **values)
    assert (err.value.field, err.value.code) == (field, code)
    assert Calendar.objects.count() == 1
    assert HistoryEntry.objects.count() == 0


def test_calendar_is_stored_in_zammads_shape(admin):
    calendar = create_calendar(
        admin,
        name="Berlin",
        timezone="Europe/Berlin",
        business_hours={
            "mon": {"active": True, "timeframes": [["09:00", "12:00"], ["13:00", "17:00"]]}
        },
        public_holidays={"2025-12-25": {"summary": "Christmas", "recurring": True}},
    )
    calendar.refresh_from_db()
    assert calendar.business_hours["mon"] == {
        "active": True,
        "timeframes": [["09:00", "12:00"], ["13:00", "17:00"]],
    }
    assert calendar.business_hours["tue"] == {"active": False, "timeframes": []}
    assert calendar.public_holidays == {
        "2025-12-25": {"active": True, "summary": "Christmas", "recurring": True}
    }
    assert calendar.default is False
    assert list(
        HistoryEntry.objects.values_list("object_type", "object_id", "kind", "created_by_id")
    ) == [("Calendar", calendar.pk, "created", admin.user.pk)]


def test_default_calendar_moves_and_cannot_be_cleared_or_deleted(admin):
    berlin_cal = create_calendar(admin, name="Berlin", timezone="Europe/Berlin", default=True)
    assert list(Calendar.objects.filter(default=True).values_list("name", flat=True)) == ["Berlin"]
    with pytest.raises(Invalid) as err:
        update_calendar(admin, berlin_cal.pk, default=False)
    assert (err.value.field, err.value.code) == ("default", "calendar.default_required")
    with pytest.raises(Conflict) as err:
        delete_calendar(admin, berlin_cal.pk)
    assert err.value.code == "calendar.is_default"
    update_calendar(admin, 1, default=True)
    assert list(Calendar.objects.filter(default=True).values_list("pk", flat=True)) == [1]
    delete_calendar(admin, berlin_cal.pk)
    assert not Calendar.objects.filter(pk=berlin_cal.pk).exists()
    with pytest.raises(NotFound) as err:
        delete_calendar(admin, berlin_cal.pk)
    assert err.value.code == "calendar.not_found"


def test_calendar_in_use_cannot_be_deleted(admin):
    calendar = create_calendar(admin, name="Berlin", timezone="Europe/Berlin")
    create_sla(admin, name="Gold", calendar_id=calendar.pk, first_response_time=60)
    with pytest.raises(Conflict) as err:
        delete_calendar(admin, calendar.pk)
    assert err.value.code == "calendar.in_use"
    assert "Gold" in err.value.message


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": ""}, "name", "sla.name_missing"),
        ({"name": "GOLD"}, "name", "sla.name_taken"),
        ({"calendar_id": 999}, "calendar_id", "sla.calendar_unknown"),
        ({"first_response_time": 0}, "first_response_time", "sla.time_invalid"),
        ({"solution_time": -5}, "solution_time", "sla.time_invalid"),
        ({"update_time": "soon"}, "update_time", "sla.time_invalid"),
        ({"response_time": 60, "update_time": 60}, "update_time", "sla.update_and_response_time"),
        ({"group_ids": [99999]}, "group_ids", "sla.condition_unknown"),
        ({"priority_ids": "3"}, "priority_ids", "sla.condition_invalid"),
        ({"organization_ids": [None]}, "organization_ids", "sla.condition_invalid"),
        ({"precedence": -1}, "precedence", "sla.precedence_invalid"),
        ({"active": None}, "active", "sla.not_boolean"),
    ],
)
def test_sla_validation_names_the_field(admin, fields, field, code):
    create_sla(admin, name="Gold")
    with pytest.raises(Invalid) as err:
        create_sla(admin, **{"name": "Silver", **fields})
    assert (err.value.field, err.value.code) == (field, code)
    assert list(Sla.objects.values_list("name", flat=True)) == ["Gold"]


def test_sla_accepts_zammads_string_minutes(admin, support):
    sla = create_sla(
        admin,
        name="Gold",
        first_response_time="120",
        response_time="",
        update_time="90",
        solution_time=None,
        priority_ids=["3", 3],
        group_ids=[support.pk],
    )
    sla.refresh_from_db()
    assert (sla.first_response_time, sla.response_time, sla.update_time, sla.solution_time) == (
        120,
        None,
        90,
        None,
    )
    assert (sla.priority_ids, sla.group_ids, sla.organization_ids) == ([3], [support.pk], [])


def test_sla_without_any_calendar_is_refused(admin):
    Calendar.objects.all().delete()
    with pytest.raises(Invalid) as err:
        create_sla(admin, name="Gold")
    assert (err.value.field, err.value.code) == ("calendar_id", "sla.calendar_unknown")


def test_sla_changes_are_recorded_and_recompute_tickets(
    admin, frozen, support, customer, django_capture_on_commit_callbacks
):
    calendar = create_calendar(
        admin, name="Berlin", timezone="Europe/Berlin", business_hours=NINE_TO_FIVE
    )
    ticket = open_ticket(support, customer=customer)
    assert ticket.escalation_at is None

    with django_capture_on_commit_callbacks(execute=True):
        sla = create_sla(admin, name="Gold", calendar_id=calendar.pk, first_response_time=60)
    ticket.refresh_from_db()
    assert ticket.first_response_escalation_at == berlin(2025, 6, 2, 10, 0)

    with django_capture_on_commit_callbacks(execute=True):
        update_sla(admin, sla.pk, first_response_time=30, note="faster")
    ticket.refresh_from_db()
    assert ticket.first_response_escalation_at == berlin(2025, 6, 2, 9, 30)
    assert list(
        HistoryEntry.objects.filter(object_type="Sla", kind="updated")
        .order_by("attribute")
        .values_list("attribute", "value_from", "value_to")
    ) == [("first_response_time", "60", "30"), ("note", "", "faster")]

    with django_capture_on_commit_callbacks(execute=True):
        update_calendar(admin, calendar.pk, business_hours={"tue": NINE_TO_FIVE["tue"]})
    ticket.refresh_from_db()
    assert ticket.first_response_escalation_at == berlin(2025, 6, 3, 9, 30)

    with django_capture_on_commit_callbacks(execute=True):
        delete_sla(admin, sla.pk)
    ticket.refresh_from_db()
    assert ticket.escalation_at is None
    assert list(HistoryEntry.objects.filter(object_type="Sla").values_list("kind", flat=True)) == [
        "created",
        "updated",
        "updated",
        "removed",
    ]


def test_update_refuses_unknown_fields_and_keeps_unchanged(admin):
    sla = create_sla(admin, name="Gold", first_response_time=60)
    with pytest.raises(Invalid) as err:
        update_sla(admin, sla.pk, colour="gold")
    assert (err.value.field, err.value.code) == ("colour", "sla.unknown_field")
    update_sla(admin, sla.pk, name="Gold")
    assert HistoryEntry.objects.filter(object_type="Sla", kind="updated").count() == 0
    with pytest.raises(NotFound) as err:
        update_sla(admin, sla.pk + 1, name="Silver")
    assert err.value.code == "sla.not_found"


def test_condition_ids_already_kept_need_not_exist_any_more(admin, support):
    sales = type(support).objects.create(name="Sales")
    sla = create_sla(admin, name="Gold", group_ids=[support.pk, sales.pk])
    Sla.objects.filter(pk=sla.pk).update(group_ids=[support.pk, sales.pk, 424242])
    update_sla(admin, sla.pk, first_response_time=45)
    sla.refresh_from_db()
    assert (sla.group_ids, sla.first_response_time) == ([support.pk, sales.pk, 424242], 45)
    with pytest.raises(Invalid) as err:
        update_sla(admin, sla.pk, group_ids=[support.pk, 515151])
    assert (err.value.field, err.value.code) == ("group_ids", "sla.condition_unknown")
