"""The service desk's main journey through the real pages in Chromium, in English and in
French: a customer registers, confirms by mail and files a ticket with an attachment; an
agent finds it by search, replies publicly and with an internal note, and resolves it
(giving the resolution the state asks for); the customer sees the reply and the
resolution but never the note; an administrator raises the customer's level and the
ticket page shows the new rights."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from helpline.core.models import User
from helpline.core.permissions import level_role_name
from helpline.testing.factories import PASSWORD, GroupFactory, UserFactory
from helpline.tickets.models import Article, Ticket

pytestmark = pytest.mark.browser


def words(language: str):
    def t(text: str) -> str:
        with translation.override(language):
            return translation.gettext(text)

    return t


def log_in(visitor, t, login: str, password: str = PASSWORD):
    page = visitor.goto("/accounts/login/")
    main = page.get_by_role("main")
    main.get_by_label(t("Login or email")).fill(login)
    main.get_by_label(t("Password")).fill(password)
    main.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("banner").get_by_role("link", name=t("Tickets"))).to_be_visible()
    return page


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("fr", "fr-FR")])
def test_customer_agent_and_admin_journey(new_visitor, last_mail, language, locale):
    t = words(language)
    group = GroupFactory(name="Service Desk")
    UserFactory(login="alice", firstname="Alice", lastname="Agent", roles=["Agent"], groups=[group])
    UserFactory(login="boss", roles=["Admin"])

    # The customer registers, confirms the address from the mail, logs in.
    customer = new_visitor(locale=locale)
    page = customer.goto("/accounts/register/")
    page.get_by_label(t("Login"), exact=True).fill("jdoe")
    page.get_by_label(t("Email address")).fill("jdoe@example.com")
    page.get_by_label(t("Password"), exact=True).fill("secret-12")
    page.get_by_label(t("Password again")).fill("secret-12")
    page.get_by_role("button", name=t("Create the account")).click()
    _, link = last_mail(to="jdoe@example.com")
    page.goto(link)
    page.get_by_role("button", name=t("Confirm my email address")).click()
    page = log_in(customer, t, "jdoe", "secret-12")

    # ... and files a ticket with an attachment.
    page.get_by_role("main").get_by_role("link", name=t("New ticket")).click()
    page.get_by_label(t("Group")).select_option(label="Service Desk")
    page.get_by_label(t("Title")).fill("Printer jams on every page")
    page.get_by_label(t("Description")).fill("It started **today**.")
    page.get_by_label(t("Attachments")).set_input_files(
        files=[{"name": "jam-log.txt", "mimeType": "text/plain", "buffer": b"E-42 paper jam"}]
    )
    page.get_by_role("button", name=t("File the ticket")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Printer jams on every page")
    expect(page.get_by_role("link", name="jam-log.txt")).to_be_visible()
    ticket = Ticket.objects.get(title="Printer jams on every page")
    ticket_url = f"/tickets/{ticket.pk}/"

    # The agent finds it by search and answers.
    agent = new_visitor(locale=locale)
    page = log_in(agent, t, "alice")
    page.get_by_role("banner").get_by_role("link", name=t("Tickets")).click()
    page.get_by_label(t("Search")).fill("jams printer")
    page.get_by_role("button", name=t("Filter"), exact=True).click()
    page.get_by_role("link", name="Printer jams on every page").click()
    expect(page.locator(".hl-article-body strong")).to_have_text("today")
    page.get_by_label(t("Message"), exact=True).fill("Please open tray 2 and remove the paper.")
    page.get_by_role("button", name=t("Send")).click()
    expect(page.get_by_role("status")).to_have_text(t("Your reply is sent."))
    page.get_by_label(t("Message"), exact=True).fill("Toner supplier is late again.")
    page.get_by_label(t("Internal note (agents only)")).check()
    page.get_by_role("button", name=t("Send")).click()
    expect(page.get_by_role("status")).to_have_text(t("Your note is added."))
    expect(page.locator(".hl-internal")).to_contain_text("Toner supplier is late again.")

    # A state that needs a resolution asks for one.
    page.get_by_label(t("State")).select_option(label="resolved")
    page.get_by_role("button", name=t("Save changes")).click()
    expect(page.locator("#id_resolution_error")).to_have_text(
        t("This state needs a resolution: say how the request was resolved.")
    )
    page.get_by_label(t("State")).select_option(label="resolved")
    page.get_by_label(t("Resolution")).fill("Removed a torn sheet from tray 2.")
    page.get_by_role("button", name=t("Save changes")).click()
    expect(page.get_by_role("status")).to_have_text(t("The ticket is updated."))
    assert [(a.internal, a.sender.name) for a in Article.objects.filter(ticket=ticket)] == [
        (False, "Customer"),
        (False, "Agent"),
        (True, "Agent"),
    ]

    # The customer sees the public reply and the resolution, never the note.
    page = customer.goto(ticket_url)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Please open tray 2 and remove the paper.")
    expect(page.locator(".hl-resolution")).to_have_text("Removed a torn sheet from tray 2.")
    expect(main).not_to_contain_text("Toner supplier")
    expect(page.get_by_role("button", name=t("Assign to me"))).to_have_count(0)

    # An administrator gives the customer NodePoint's level 3 (tickets management) ...
    admin = new_visitor(locale=locale)
    page = log_in(admin, t, "boss")
    page.get_by_role("banner").get_by_role("link", name=t("Administration")).click()
    page.get_by_role("main").get_by_role("link", name=t("Users")).click()
    page.get_by_role("link", name="jdoe", exact=True).click()
    page.get_by_label(level_role_name(3)).check()
    page.get_by_role("button", name=t("Save the user")).click()
    expect(page.get_by_role("status")).to_contain_text("jdoe")
    assert User.objects.get(login="jdoe").has_permission("ticket.agent")

    # ... and the customer's ticket page now offers an agent's tools.
    page = customer.goto(ticket_url)
    expect(page.get_by_role("button", name=t("Assign to me"))).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Toner supplier is late again.")
    for visitor in (customer, agent, admin):
        assert visitor.injected() == ([], 0)
