"""The calendar and SLA administration pages: refused without ``admin.sla``, a create /
edit / delete round trip visible in the lists, field errors that write nothing, and list
pages whose query count does not grow with their rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.core.models import HistoryEntry
from helpline.lib.actor import Actor
from helpline.testing.factories import GroupFactory, OrganizationFactory, UserFactory
from helpline.tickets.models import Calendar, Sla, TicketPriority
from helpline.tickets.services import sla as sla_services

pytestmark = pytest.mark.django_db

WEEK = {
    "hours_mon": "08:00-12:00, 13:00-17:00",
    "hours_tue": "08:00-17:00",
    "hours_wed": "",
    "hours_thu": "",
    "hours_fri": "9:00-15:00",
    "hours_sat": "",
    "hours_sun": "",
}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(login="boss", roles=["Admin"]))
    return client


def calendar(name="Office", **extra):
    return sla_services.create_calendar(Actor.system(), name=name, **extra)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_pages_need_admin_sla(client):
    office = calendar()
    sla = sla_services.create_sla(Actor.system(), name="Gold", solution_time=60)
    client.force_login(UserFactory(login="alice", roles=["Agent"]))
    for url in (
        "/admin/calendars/",
        "/admin/calendars/new/",
        f"/admin/calendars/{office.pk}/",
        "/admin/slas/",
        "/admin/slas/new/",
        f"/admin/slas/{sla.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/calendars/new/", {"name": "X", "timezone": "UTC"}).status_code == 403
    assert client.post(f"/admin/slas/{sla.pk}/delete/").status_code == 403
    assert client.post(f"/admin/calendars/{office.pk}/delete/").status_code == 403
    assert sorted(Calendar.objects.values_list("name", flat=True)) == ["Default", "Office"]
    assert list(Sla.objects.values_list("name", flat=True)) == ["Gold"]
    html = client.get("/admin/").content.decode()
    assert 'href="/admin/slas/"' not in html


def test_a_calendar_is_created_edited_and_deleted(admin_client):
    response = admin_client.post(
        "/admin/calendars/new/",
        {
            "name": "Paris office",
            "timezone": "Europe/Paris",
            "holidays": "2026-12-25* Christmas\n# 2026-05-01 Labour day",
            **WEEK,
        },
        follow=True,
    )
    assert messages_of(response) == ["The calendar Paris office is saved."]
    made = Calendar.objects.get(name="Paris office")
    assert made.timezone == "Europe/Paris"
    assert made.default is False  # the installed "Default" calendar stays the default
    assert made.business_hours["mon"] == {
        "active": True,
        "timeframes": [["08:00", "12:00"], ["13:00", "17:00"]],
    }
    assert made.business_hours["fri"]["timeframes"] == [["09:00", "15:00"]]
    assert made.business_hours["wed"]["active"] is False
    assert made.public_holidays == {
        "2026-05-01": {"active": False, "recurring": False, "summary": "Labour day"},
        "2026-12-25": {"active": True, "recurring": True, "summary": "Christmas"},
    }
    html = response.content.decode()
    assert f'href="/admin/calendars/{made.pk}/">Paris office</a>' in html
    assert "Europe/Paris" in html

    form = admin_client.get(f"/admin/calendars/{made.pk}/").content.decode()
    assert 'value="08:00-12:00, 13:00-17:00"' in form
    assert "# 2026-05-01 Labour day\n2026-12-25* Christmas" in form

    second = calendar("Night shift")
    response = admin_client.post(
        f"/admin/calendars/{second.pk}/",
        {"name": "Nights", "timezone": "UTC", "hours_sat": "00:00-24:00", "default": "on"},
        follow=True,
    )
    assert messages_of(response) == ["The calendar Nights is saved."]
    second.refresh_from_db()
    made.refresh_from_db()
    assert (second.name, second.default) == ("Nights", True)
    assert list(Calendar.objects.filter(default=True)) == [second]
    assert [d for d, spec in second.business_hours.items() if spec["active"]] == ["sat"]
    assert HistoryEntry.objects.filter(object_type="Calendar", object_id=second.pk).exists()

    response = admin_client.post(f"/admin/calendars/{made.pk}/delete/", follow=True)
    assert messages_of(response) == ["The calendar is deleted."]
    assert not Calendar.objects.filter(pk=made.pk).exists()
    assert "Paris office" not in response.content.decode()


def test_calendar_field_errors_write_nothing(admin_client):
    base = {"name": "Bad", "timezone": "UTC", **WEEK}
    cases = [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"hours_tue": "17:00-08:00"}, "hours_tue"),
        ({"hours_mon": "09:00-12:00, 11:00-13:00"}, "hours_mon"),
        ({"hours_thu": "nine to five"}, "hours_thu"),
        ({"holidays": "Christmas 2026-12-25"}, "holidays"),
        ({"name": ""}, "name"),
    ]
    for change, field in cases:
        response = admin_client.post("/admin/calendars/new/", {**base, **change})
        assert response.status_code == 200, change
        form = response.context["form"]
        assert list(form.errors) == [field], (change, form.errors)
        assert 'class="invalid-feedback d-block"' in response.content.decode()
    assert list(Calendar.objects.values_list("name", flat=True)) == ["Default"]
    used = calendar("Used", default=True)
    sla_services.create_sla(Actor.system(), name="Gold", calendar_id=used.pk)
    other = calendar("Other")
    response = admin_client.post(f"/admin/calendars/{other.pk}/delete/", follow=True)
    assert Calendar.objects.filter(pk=other.pk).exists() is False
    response = admin_client.post(f"/admin/calendars/{used.pk}/delete/", follow=True)
    assert Calendar.objects.filter(pk=used.pk).exists()
    assert len(messages_of(response)) == 1
    response = admin_client.post(
        f"/admin/calendars/{used.pk}/", {"name": "Used", "timezone": "UTC", **WEEK}
    )
    assert list(response.context["form"].errors) == ["default"]
    assert Calendar.objects.get(pk=used.pk).default is True


def test_an_sla_is_created_edited_and_deleted(admin_client):
    office = calendar()
    high = TicketPriority.objects.order_by("-rank").first()
    network = GroupFactory(name="Network")
    acme = OrganizationFactory(name="Acme")
    response = admin_client.post(
        "/admin/slas/new/",
        {
            "name": "Gold",
            "calendar": office.pk,
            "priorities": [high.pk],
            "groups": [network.pk],
            "organizations": [acme.pk],
            "first_response_time": "30",
            "update_time": "120",
            "solution_time": "480",
            "precedence": "1",
            "active": "on",
        },
        follow=True,
    )
    assert messages_of(response) == ["The SLA Gold is saved."]
    gold = Sla.objects.get(name="Gold")
    assert (gold.priority_ids, gold.group_ids, gold.organization_ids) == (
        [high.pk],
        [network.pk],
        [acme.pk],
    )
    assert (gold.first_response_time, gold.update_time, gold.solution_time) == (30, 120, 480)
    html = response.content.decode()
    assert f'href="/admin/slas/{gold.pk}/">Gold</a>' in html
    assert "Network" in html
    assert "Acme" in html
    assert high.name in html
    assert "every 120 min" in html

    response = admin_client.post(
        f"/admin/slas/{gold.pk}/",
        {"name": "Gold", "calendar": office.pk, "solution_time": "240", "precedence": "0"},
        follow=True,
    )
    gold.refresh_from_db()
    assert (gold.group_ids, gold.first_response_time, gold.solution_time, gold.active) == (
        [],
        None,
        240,
        False,
    )
    assert "Every ticket" in response.content.decode()

    response = admin_client.post(f"/admin/slas/{gold.pk}/delete/", follow=True)
    assert messages_of(response) == ["The SLA is deleted."]
    assert not Sla.objects.exists()
    assert "No SLAs yet." in response.content.decode()


def test_sla_field_errors_write_nothing(admin_client):
    office = calendar()
    sla_services.create_sla(Actor.system(), name="Gold")
    base = {"name": "Silver", "calendar": office.pk, "precedence": "0"}
    cases = [
        ({"name": "gold"}, "name"),
        ({"response_time": "60", "update_time": "60"}, "update_time"),
        ({"solution_time": "0"}, "solution_time"),
        ({"calendar": "999999"}, "calendar"),
        ({"groups": ["999999"]}, "groups"),
    ]
    for change, field in cases:
        response = admin_client.post("/admin/slas/new/", {**base, **change})
        assert response.status_code == 200, change
        assert list(response.context["form"].errors) == [field], change
    assert list(Sla.objects.values_list("name", flat=True)) == ["Gold"]


def test_french_pages(admin_client):
    admin_client.cookies["django_language"] = "fr"
    office = calendar()
    html = admin_client.get("/admin/calendars/").content.decode()
    assert "Calendriers" in html
    html = admin_client.get(f"/admin/calendars/{office.pk}/").content.decode()
    assert "Lundi" in html
    assert "Nouvel accord de niveau de service" in admin_client.get("/admin/slas/").content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_query_counts_do_not_grow(admin_client):
    office = calendar()
    sla_services.create_sla(Actor.system(), name="S0", group_ids=[GroupFactory().pk])
    few = (_count(admin_client, "/admin/calendars/"), _count(admin_client, "/admin/slas/"))
    for i in range(10):
        calendar(f"C{i}")
        sla_services.create_sla(
            Actor.system(),
            name=f"S{i + 1}",
            calendar_id=office.pk,
            group_ids=[GroupFactory().pk],
            organization_ids=[OrganizationFactory().pk],
        )
    many = (_count(admin_client, "/admin/calendars/"), _count(admin_client, "/admin/slas/"))
    assert many == few
    assert max(many) <= 12
