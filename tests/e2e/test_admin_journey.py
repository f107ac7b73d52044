"""An administrator in Chromium, in English and French: from the administration index to a
new business-hours calendar and an SLA on it (organizations picked by searching as one
types), then a personal access token whose secret is shown once and works at the API."""

import re

import pytest
import requests
from django.utils import translation
from playwright.sync_api import expect

from helpline.testing.factories import OrganizationFactory, UserFactory
from helpline.tickets.models import Calendar, Sla
from tests.e2e.test_ticket_journey import log_in

pytestmark = pytest.mark.browser


def words(language: str):
    def t(text: str) -> str:
        with translation.override(language):
            return translation.gettext(text)

    return t


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("fr", "fr-FR")])
def test_admin_sets_up_an_sla_and_a_token(new_visitor, site_url, language, locale):
    t = words(language)
    UserFactory(login="boss", roles=["Admin"])
    OrganizationFactory(name="Acme")
    labs = OrganizationFactory(name="Acme Labs")
    globex = OrganizationFactory(name="Globex")
    page = log_in(new_visitor(locale=locale), t, "boss")
    page.get_by_role("banner").get_by_role("link", name=t("Administration")).click()
    page.get_by_role("main").get_by_role("link", name=t("Business-hours calendars")).click()
    page.get_by_role("main").get_by_role("link", name=t("New calendar")).click()
    form = page.get_by_role("main")
    form.get_by_label(t("Name"), exact=True).fill("Paris office")
    form.get_by_label(t("Time zone")).fill("Europe/Paris")
    form.get_by_label(t("Tuesday")).fill("17:00-08:00")
    form.get_by_role("button", name=t("Save the calendar")).click()
    expect(page.locator("#id_hours_tue_error")).to_be_visible()  # ends before it starts
    assert not Calendar.objects.filter(name="Paris office").exists()
    form.get_by_label(t("Tuesday")).fill("08:00-12:00, 13:00-17:00")
    form.get_by_role("button", name=t("Save the calendar")).click()
    expect(page.get_by_role("link", name="Paris office")).to_be_visible()
    expect(page.get_by_role("cell", name="Europe/Paris")).to_be_visible()

    page.get_by_role("main").get_by_role("link", name=t("SLAs")).click()
    page.get_by_role("main").get_by_role("link", name=t("New SLA")).click()
    form = page.get_by_role("main")
    form.get_by_label(t("Name"), exact=True).fill("Gold")
    form.get_by_label(t("Calendar")).select_option(label="Paris office")
    form.get_by_label(t("Solution within (minutes)")).fill("480")
    # organizations are searched as one types; ticked ones stay through the next search
    search = form.get_by_label(t("Find organizations"))
    search.fill("acme")
    form.get_by_label("Acme Labs").check()
    search.fill("glob")
    form.get_by_label("Globex").check()
    expect(form.get_by_label("Acme Labs")).to_be_checked()
    expect(form.get_by_label("Acme", exact=True)).to_have_count(0)
    form.get_by_role("button", name=t("Save the SLA")).click()
    expect(page.get_by_role("link", name="Gold")).to_be_visible()
    gold = Sla.objects.get(name="Gold")
    assert (gold.calendar.name, gold.solution_time) == ("Paris office", 480)
    assert gold.organization_ids == sorted([labs.pk, globex.pk])

    page.get_by_role("banner").get_by_role("link", name=t("Settings")).click()
    page.get_by_role("main").get_by_role("link", name=t("Personal access tokens")).click()
    form = page.get_by_role("main")
    form.get_by_label(t("Label")).fill("Monitoring")
    form.get_by_label("admin.sla", exact=True).check()
    form.get_by_role("button", name=t("Make the token")).click()
    secret = page.get_by_role("textbox", name=t("Your new token")).input_value()
    assert len(secret) == 64
    answer = requests.get(
        f"{site_url}/api/v1/users/me",
        headers={"Authorization": f"Token token={secret}"},
        timeout=10,
    )
    assert answer.json()["login"] == "boss"
    page.reload()
    expect(page.get_by_role("cell", name=re.compile(r"^Monitoring "))).to_have_count(1)
    assert secret not in page.content()
