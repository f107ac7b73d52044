"""Browser journeys: Playwright drives Debian's Chromium (/usr/bin/chromium, installed by
bin/test-services) against pytest-django's live server. Mail goes to Django's outbox; jobs
run inline, so a mail is there as soon as the page that sent it has answered."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium waits on services it cannot reach here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"https?://[^\s\"<>]+/accounts/[a-z/]+/[^/\s\"<>]+/")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module. While Playwright's sync API runs, its event loop counts
    as running in this thread, which Django takes for async code; the tests' own ORM calls
    (factories, assertions) are plain synchronous code, so Django is told so for as long as
    the browser lives, and no longer."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def site_url(live_server, settings) -> str:
    """The live server's address, also used for the links in mail."""
    settings.BASE_URL = live_server.url
    return live_server.url


class Visitor:
    """One browser tab with a global tripwire for script injection: any dialog
    (alert/confirm/prompt) or a page setting ``window.__xss`` is recorded."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.dialogs: list[str] = []
        page.set_default_timeout(15_000)
        page.add_init_script("window.__xss = 0;")
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, path: str) -> Page:
        self.page.goto(path if path.startswith("http") else self.base_url + path)
        return self.page

    def injected(self) -> tuple[list[str], int]:
        return self.dialogs, int(self.page.evaluate("window.__xss"))


@pytest.fixture
def new_visitor(browser: Browser, site_url: str) -> Iterator[Callable[..., Visitor]]:
    contexts = []

    def make(locale: str = "en-US", viewport: dict[str, int] | None = None) -> Visitor:
        context = browser.new_context(
            locale=locale,
            viewport=viewport or DESKTOP,
            extra_http_headers={"Accept-Language": locale},
        )
        contexts.append(context)
        return Visitor(context.new_page(), site_url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def visitor(new_visitor: Callable[..., Visitor]) -> Visitor:
    return new_visitor()


@pytest.fixture
def last_mail(mailoutbox) -> Callable[..., tuple[object, str]]:
    """``last_mail(to="a@example.com")``: the newest mail to that address and the account
    link in it (waits briefly for it)."""

    def read(to: str, timeout: float = 10.0) -> tuple[object, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(mailoutbox):
                if to in message.to:
                    match = LINK.search(message.body)
                    assert match, message.body
                    return message, match.group(0)
            time.sleep(0.1)
        raise AssertionError(f"no mail to {to}; outbox: {[m.to for m in mailoutbox]}")

    return read
