"""The calendar and SLA administration pages: refused without ``admin.sla``, a create /
edit / delete round trip visible in the lists, field errors that write nothing, and list
pages whose query count does not grow with their rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.core.models import HistoryEntry, Organization
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
        ({"organizations": ["999999"]}, "organizations"),
        ({"organizations": ["acme"]}, "organizations"),
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
    sla_services.create_sla(
        Actor.system(),
        name="S0",
        group_ids=[GroupFactory().pk],
        organization_ids=[OrganizationFactory().pk],
    )
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


def many_organizations(count, prefix="Client"):
    Organization.objects.bulk_create([Organization(name=f"{prefix} {i:04d}") for i in range(count)])


def test_the_form_does_not_list_every_organization(admin_client):
    many_organizations(300)
    office = calendar()
    html = admin_client.get("/admin/slas/new/").content.decode()
    assert "Client 0" not in html
    assert html.count('name="organizations"') == 0
    assert len(html) < 20_000
    assert '<label class="form-label" for="org-q">Find organizations</label>' in html
    chosen = list(Organization.objects.filter(name__in=["Client 0042", "Client 0299"]))
    gold = sla_services.create_sla(
        Actor.system(), name="Gold", calendar_id=office.pk, organization_ids=[o.pk for o in chosen]
    )
    html = admin_client.get(f"/admin/slas/{gold.pk}/").content.decode()
    assert html.count('name="organizations"') == 2
    for org in chosen:
        assert (
            f'<input class="form-check-input" type="checkbox" name="organizations" '
            f'value="{org.pk}" id="org-{org.pk}" checked>'
        ) in html
        assert f'<label class="form-check-label" for="org-{org.pk}">{org.name}</label>' in html
    assert "Client 0043" not in html
    html = admin_client.get("/admin/slas/").content.decode()
    assert "Client 0042, Client 0299" in html
    assert "Client 0043" not in html


def matches(response):
    return [
        line.split(">")[1].split("<")[0]
        for line in response.content.decode().splitlines()
        if 'class="form-check-label"' in line and "match-" in line
    ]


def test_the_autocomplete_finds_by_prefix_then_by_substring(admin_client):
    many_organizations(30, prefix="Acme")
    for name in ("Big Acme", "acme corp", "Globex", "Initech (ACME unit)"):
        OrganizationFactory(name=name)
    url = "/admin/slas/organizations/"
    response = admin_client.get(url, {"org_q": "acme"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    found = matches(response)
    assert len(found) == 20
    assert found[:2] == ["Acme 0000", "Acme 0001"]
    assert found[-1] == "Acme 0019"
    assert "Only the first 20 matches are shown" in response.content.decode()
    assert "<html" not in response.content.decode()

    response = admin_client.get(url, {"org_q": " ACME C"})
    assert matches(response) == ["acme corp"]
    response = admin_client.get(url, {"org_q": "me u"})
    assert matches(response) == ["Initech (ACME unit)"]
    response = admin_client.get(url, {"org_q": "cme"})
    assert matches(response)[:2] == ["Acme 0000", "Acme 0001"]
    big = Organization.objects.get(name="Big Acme")
    corp = Organization.objects.get(name="acme corp")
    response = admin_client.get(url, {"org_q": "acme c", "organizations": [big.pk, corp.pk]})
    html = response.content.decode()
    assert matches(response) == []  # the one match is already chosen
    assert html.count('name="organizations"') == 2
    assert f'value="{big.pk}" id="org-{big.pk}" checked' in html
    assert "No organization matches" in html
    response = admin_client.get(url, {"org_q": ""})
    assert matches(response) == []
    assert "No organization matches" not in response.content.decode()
    response = admin_client.get(url, {"org_q": "%"})
    assert matches(response) == []
    response = admin_client.get(url, {"org_q": "_"})
    assert matches(response) == []


def test_the_autocomplete_is_for_sla_administrators(client):
    OrganizationFactory(name="Acme")
    client.force_login(UserFactory(login="alice", roles=["Agent"]))
    response = client.get("/admin/slas/organizations/", {"org_q": "acme"})
    assert response.status_code == 403
    assert "Acme" not in response.content.decode()
    client.logout()
    response = client.get("/admin/slas/organizations/", {"org_q": "acme"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_autocomplete_query_count_is_constant(admin_client):
    def count(query):
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(
                "/admin/slas/organizations/",
                {"org_q": query, "organizations": [chosen.pk]},
                HTTP_HX_REQUEST="true",
            )
            assert response.status_code == 200
        return len(queries)

    chosen = OrganizationFactory(name="Chosen one")
    many_organizations(30)
    few = (count("client"), count("ient 00"))
    many_organizations(300, prefix="Client x")
    assert (count("client"), count("ient 00")) == few
    assert max(few) <= 6


def test_without_javascript_a_search_shows_matches_in_the_page(admin_client):
    office = calendar()
    many_organizations(40)
    html = admin_client.get("/admin/slas/new/", {"org_q": "client 003"}).content.decode()
    assert '<form id="org-search" method="get"' in html
    assert 'form="org-search"' in html
    assert 'value="client 003"' in html
    assert html.count('name="organizations"') == 10
    client_0031 = Organization.objects.get(name="Client 0031")
    client_0035 = Organization.objects.get(name="Client 0035")
    response = admin_client.post(
        "/admin/slas/new/",
        {
            "name": "Gold",
            "calendar": office.pk,
            "organizations": [client_0031.pk, client_0035.pk],
            "precedence": "0",
        },
        follow=True,
    )
    assert messages_of(response) == ["The SLA Gold is saved."]
    gold = Sla.objects.get(name="Gold")
    assert gold.organization_ids == sorted([client_0031.pk, client_0035.pk])
    response = admin_client.post(
        f"/admin/slas/{gold.pk}/",
        {"name": "Gold", "calendar": office.pk, "organizations": [client_0035.pk],
         "precedence": "0"},
        follow=True,
    )  # fmt: skip
    gold.refresh_from_db()
    assert gold.organization_ids == [client_0035.pk]


def test_a_refused_save_keeps_the_chosen_organizations_on_the_form(admin_client):
    office = calendar()
    sla_services.create_sla(Actor.system(), name="Gold")
    acme = OrganizationFactory(name="Acme")
    response = admin_client.post(
        "/admin/slas/new/",
        {"name": "gold", "calendar": office.pk, "organizations": [acme.pk], "precedence": "0"},
    )
    assert list(response.context["form"].errors) == ["name"]
    html = response.content.decode()
    assert f'value="{acme.pk}" id="org-{acme.pk}" checked' in html
    assert list(Sla.objects.values_list("name", flat=True)) == ["Gold"]
