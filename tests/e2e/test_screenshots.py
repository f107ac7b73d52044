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
