"""The home and login pages at desktop and phone width: styled by the served Bootstrap, no
sideways scrolling on a phone, every control reachable by keyboard. With
HELPLINE_UPDATE_SCREENSHOTS=1 the pictures are written to docs/screenshots/ (shown in the
README); otherwise to a temporary folder."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpline.core.services import settings as runtime
from helpline.lib.actor import Actor
from helpline.testing.factories import (
    PASSWORD,
    ArticleFactory,
    GroupFactory,
    TicketFactory,
    UserFactory,
)

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def shots_dir(tmp_path):
    if os.environ.get("HELPLINE_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        return DOCS
    return tmp_path


@pytest.mark.parametrize(("width_name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_home_and_login_pages(new_visitor, shots_dir, width_name, viewport):
    runtime.update_setting(
        Actor.system(), "site.notice", "Scheduled maintenance on Saturday from 08:00 to 10:00."
    )
    visitor = new_visitor(viewport=viewport)
    for name, path in [("home", "/"), ("login", "/accounts/login/")]:
        page = visitor.goto(path)
        # Bootstrap's stylesheet is loaded from our own static files.
        expect(page.locator("body")).to_have_css("margin", "0px")
        button = page.get_by_role("main").get_by_role("button", name="Log in")
        if name == "login":
            expect(button).to_have_css("background-color", "rgb(13, 110, 253)")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= viewport["width"], f"{name} scrolls sideways on {width_name}"
        page.screenshot(path=str(shots_dir / f"{name}-{width_name}.png"), full_page=True)
    assert visitor.injected() == ([], 0)


def test_the_pages_work_by_keyboard(visitor):
    page = visitor.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("banner").get_by_role("link", name="Helpline")).to_be_focused()

    page = visitor.goto("/accounts/login/")
    main = page.get_by_role("main")
    expect(main.get_by_label("Login or email")).to_be_focused()  # autofocus
    page.keyboard.type("nobody")
    page.keyboard.press("Tab")
    expect(main.get_by_label("Password")).to_be_focused()
    page.keyboard.type("wrong-password")
    page.keyboard.press("Tab")
    expect(main.get_by_role("button", name="Log in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("Wrong login or password.")


@pytest.mark.parametrize(("width_name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_ticket_and_admin_pages(new_visitor, shots_dir, width_name, viewport, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    group = GroupFactory(name="Service Desk")
    GroupFactory(name="Facilities")
    agent = UserFactory(
        login="alice", firstname="Alice", lastname="Martin", roles=["Admin"], groups=[group]
    )
    customer = UserFactory(login="carol", firstname="Carol", lastname="Diaz", roles=["Customer"])
    titles = [
        "Printer on the 3rd floor jams on every page",
        "VPN drops every 10 minutes",
        "New laptop for the accounting intern",
        "Cannot open the quarterly report",
    ]
    for n, title in enumerate(titles):
        ticket = TicketFactory(
            title=title,
            group=group,
            customer=customer,
            owner=agent if n % 2 else None,
            state="open" if n % 2 else "new",
            priority="3 high" if n == 0 else "2 normal",
            description="It started this morning after the update.",
        )
    ArticleFactory(
        ticket=ticket,
        body="Could you try **restarting** the client first?",
        content_type="text/markdown",
        created_by=agent,
    )
    ArticleFactory(
        ticket=ticket, body="Known issue, see change 1234.", internal=True, created_by=agent
    )
    visitor = new_visitor(viewport=viewport)
    page = visitor.goto("/accounts/login/")
    page.get_by_role("main").get_by_label("Login or email").fill("alice")
    page.get_by_role("main").get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Assigned to me")).to_be_visible()
    for name, path in [
        ("home-agent", "/"),
        ("tickets", "/tickets/"),
        ("ticket", f"/tickets/{ticket.pk}/"),
        ("ticket-new", "/tickets/new/"),
        ("admin-users", "/admin/users/"),
    ]:
        page = visitor.goto(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= viewport["width"], f"{name} scrolls sideways on {width_name}"
        page.screenshot(path=str(shots_dir / f"{name}-{width_name}.png"), full_page=True)
    assert visitor.injected() == ([], 0)
