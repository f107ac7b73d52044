"""Script-injection strings in names, logins, the site's notice and form input are shown as
text on every page built here and never run."""

import pytest
from playwright.sync_api import expect

from helpline.core.services import settings as runtime
from helpline.core.services.attachments import Upload, add_attachment
from helpline.lib.actor import Actor
from helpline.testing.factories import (
    PASSWORD,
    ArticleFactory,
    GroupFactory,
    TicketFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__xss=1;alert('script')</script>",
    '"><img src=x onerror="window.__xss=1;alert(\'img\')">',
    "'><svg onload=\"window.__xss=1;alert('svg')\">",
    "javascript:window.__xss=1",
]


def test_injection_strings_never_run(visitor):
    runtime.update_setting(Actor.system(), "site.notice", PAYLOADS[1])
    runtime.update_setting(Actor.system(), "site.name", PAYLOADS[0])
    page = visitor.goto("/")
    expect(page.get_by_role("complementary", name="Notice")).to_have_text(PAYLOADS[1])
    expect(page.get_by_role("banner").get_by_role("link").first).to_have_text(PAYLOADS[0])

    # A login made of injection strings is echoed back in the form, as text.
    page = visitor.goto("/accounts/login/")
    main = page.get_by_role("main")
    for payload in PAYLOADS:
        main.get_by_label("Login or email").fill(payload)
        main.get_by_label("Password").fill("whatever")
        main.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_have_text("Wrong login or password.")
        expect(main.get_by_label("Login or email")).to_have_value(payload)

    # Registration refuses such a login and shows it back, as text.
    page = visitor.goto("/accounts/register/")
    page.get_by_label("Login", exact=True).fill(PAYLOADS[2])
    page.get_by_label("Email address").fill("x@example.com")
    page.get_by_label("First name (optional)").fill(PAYLOADS[0])
    page.get_by_label("Password", exact=True).fill("secret-1")
    page.get_by_label("Password again").fill("secret-1")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("#id_login_error")).to_contain_text("A login is 3 to 20")
    expect(page.get_by_label("First name (optional)")).to_have_value(PAYLOADS[0])

    # Names made of injection strings, on every page a signed-in user sees.
    UserFactory(login="mallory", firstname=PAYLOADS[0], lastname=PAYLOADS[1])
    page = visitor.goto("/accounts/login/")
    page.get_by_role("main").get_by_label("Login or email").fill("mallory")
    page.get_by_role("main").get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {PAYLOADS[0]} {PAYLOADS[1]}")
    visitor.goto("/accounts/settings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Account settings")
    visitor.goto("/accounts/login/?next=javascript:window.__xss=1")
    visitor.goto("/accounts/confirm/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/")
    expect(page.get_by_role("alert")).to_have_text("This link is not valid.")

    assert visitor.injected() == ([], 0)


def test_ticket_titles_bodies_and_file_names_never_run(visitor, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    group = GroupFactory(name="Desk")
    agent = UserFactory(login="alice", roles=["Agent"], groups=[group])
    tickets = []
    for payload in PAYLOADS:
        ticket = TicketFactory(title=payload, group=group, owner=agent)
        for content_type in ("text/plain", "text/html", "text/markdown"):
            article = ArticleFactory(ticket=ticket, body=payload, content_type=content_type)
        add_attachment(
            Actor.system(), "Article", article.pk, Upload(filename=f"{payload}.txt", data=b"x")
        )
        tickets.append(ticket)

    page = visitor.goto("/accounts/login/")
    page.get_by_role("main").get_by_label("Login or email").fill("alice")
    page.get_by_role("main").get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Assigned to me")).to_be_visible()
    page = visitor.goto("/tickets/")
    for payload in PAYLOADS:
        expect(page.get_by_role("link", name=payload, exact=True)).to_be_visible()
    page.get_by_label("Search").fill(PAYLOADS[1])
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page.get_by_label("Search")).to_have_value(PAYLOADS[1])
    for ticket in tickets:
        page = visitor.goto(f"/tickets/{ticket.pk}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.title)
        expect(page.locator(".hl-article-body")).to_have_count(3)
        # The message box's preview renders markdown cleaned, through HTMX.
        page.get_by_label("Message", exact=True).fill(ticket.title)
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("#preview .hl-preview")).to_be_visible()
    assert visitor.injected() == ([], 0)
