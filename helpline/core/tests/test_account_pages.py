import re

import pytest
from django.urls import reverse

from helpline.core.models import User
from helpline.core.services import settings as runtime
from helpline.core.services.users import check_credentials
from helpline.lib.actor import Actor
from helpline.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://testserver(/accounts/[a-z/]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _links_on_testserver(settings):
    settings.BASE_URL = "http://testserver"


def link_in(message):
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_home_greets_guests_with_the_account_links(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h3">Welcome to Helpline</h1>' in html
    for url in ("/accounts/login/", "/accounts/register/", "/accounts/password/lost/"):
        assert f'href="{url}"' in html
    assert response["Content-Language"] == "en"


def test_the_layout_shows_the_runtime_site_settings(client):
    for key, value in [
        ("site.name", "ACME Desk"),
        ("site.notice", "Maintenance tonight at 22:00"),
        ("site.theme_color", "#ffc107"),
    ]:
        runtime.update_setting(Actor.system(), key, value)
    pages = {
        "/": "Home",
        "/accounts/login/": "Log in",
        "/accounts/register/": "Create an account",
        "/accounts/password/lost/": "Lost password",
    }
    for url, title in pages.items():
        html = client.get(url).content.decode()
        assert '<a class="hl-brand me-auto" href="/">ACME Desk</a>' in html, url
        assert f"<title>{title} · ACME Desk</title>" in html, url
        assert '<aside class="hl-notice" aria-label="Notice">' in html, url
        assert "Maintenance tonight at 22:00" in html, url
        # A light theme gets dark text.
        assert "--hl-theme: #ffc107; --hl-theme-text: #000000;" in html, url


def test_a_bad_theme_colour_falls_back_to_the_default(client):
    runtime.update_setting(Actor.system(), "site.theme_color", "red;} body{display:none")
    html = client.get("/").content.decode()
    assert "--hl-theme: #0d6efd; --hl-theme-text: #ffffff;" in html
    assert "display:none" not in html


def test_no_notice_no_notice_block(client):
    assert "hl-notice" not in client.get("/").content.decode().split("</head>")[1]


def test_bootstrap_and_htmx_are_linked_from_static(client):
    html = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/static/js-lib-bootstrap5/css/bootstrap.min.css">' in html
    assert '<script src="/static/htmx/htmx.min.js" defer></script>' in html
    assert "cdn" not in html.lower()


def test_the_static_files_are_served(client):
    css = client.get("/static/js-lib-bootstrap5/css/bootstrap.min.css")
    assert css.status_code == 200
    assert b"Bootstrap  v5.3.3" in b"".join(css.streaming_content)
    js = client.get("/static/htmx/htmx.min.js")
    assert js.status_code == 200
    ours = client.get("/static/helpline/css/helpline.css")
    assert b".hl-navbar" in b"".join(ours.streaming_content)


# -- log in / log out ---------------------------------------------------------------------


@pytest.mark.parametrize("given", ["Ann.Lee", "ann.lee", "ANN@EXAMPLE.COM"])
def test_log_in_with_login_or_email_in_any_case(client, given):
    user = UserFactory(login="ann.lee", email="ann@example.com", firstname="Ann", lastname="Lee")
    response = client.post(
        "/accounts/login/", {"username": given, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert response.context["user"] == user
    assert '<h1 class="h3">Hello, Ann Lee</h1>' in response.content.decode()


def test_a_wrong_password_says_so_on_the_form(client):
    UserFactory(login="ann.lee")
    response = client.post("/accounts/login/", {"username": "ann.lee", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Wrong login or password."]
    assert '<div class="alert alert-danger" role="alert">' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_log_in_keeps_a_safe_next_and_drops_a_foreign_one(client):
    UserFactory(login="ann.lee")
    data = {"username": "ann.lee", "password": PASSWORD}
    response = client.post("/accounts/login/?next=/accounts/settings/", data)
    assert response["Location"] == "/accounts/settings/"
    client.logout()
    response = client.post("/accounts/login/?next=https://evil.example/", data)
    assert response["Location"] == "/"


def test_log_out_is_a_post(client):
    client.force_login(UserFactory())
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_the_navbar_shows_the_user_menu(client):
    client.force_login(UserFactory(firstname="Ann", lastname="Lee", login="ann.lee"))
    html = client.get("/").content.decode()
    assert '<span class="hl-user text-truncate" title="ann.lee">Ann Lee</span>' in html
    assert 'href="/accounts/settings/"' in html
    assert 'action="/accounts/logout/"' in html
    assert 'href="/accounts/login/"' not in html


# -- register -----------------------------------------------------------------------------

REGISTRATION = {
    "login": "jdoe",
    "email": "jdoe@example.com",
    "firstname": "Jane",
    "lastname": "Doe",
    "password": "secret1",
    "password_again": "secret1",
}


def test_register_then_confirm_by_mail(client, mailoutbox):
    response = client.post("/accounts/register/", REGISTRATION, follow=True)
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert messages_of(response) == [
        "Welcome, Jane Doe! We sent a link to jdoe@example.com: follow it to confirm your "
        "address, then log in."
    ]
    user = User.objects.get(login="jdoe")
    assert user.verified is False
    assert user.preferences == {"locale": "en-us"}
    assert len(mailoutbox) == 1
    link = link_in(mailoutbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my email address" in page.content.decode()
    assert User.objects.get(pk=user.pk).verified is False  # opening the link is not enough
    response = client.post(link, follow=True)
    assert messages_of(response) == ["Your email address jdoe@example.com is confirmed."]
    assert User.objects.get(pk=user.pk).verified is True
    again = client.get(link)
    assert again.status_code == 400
    assert "This link has already been used or no longer applies." in again.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"login": "x"}, "login", "A login is 3 to 20 letters"),
        ({"login": "guest"}, "login", "This login is reserved"),
        ({"email": "nope"}, "email", "This is not an email address."),
        ({"password": "123", "password_again": "123"}, "password", "at least 6 characters."),
        ({"password_again": "other1"}, "password_again", "The two passwords differ."),
    ],
)
def test_bad_registration_shows_the_error_at_its_field(client, mailoutbox, changes, field, message):
    response = client.post("/accounts/register/", {**REGISTRATION, **changes})
    assert response.status_code == 200
    html = response.content.decode()
    error_block = re.search(
        rf'<div id="id_{field}_error" class="invalid-feedback d-block">(.*?)</div>\s*</div>',
        html,
        re.S,
    )
    assert error_block, html
    assert message in error_block.group(1)
    assert f'aria-describedby="id_{field}' in html
    assert 'aria-invalid="true"' in html
    assert User.objects.count() == 0
    assert mailoutbox == []


def test_a_taken_login_is_shown_at_the_login_field(client):
    UserFactory(login="jdoe")
    response = client.post("/accounts/register/", REGISTRATION)
    assert response.context["form"].errors == {"login": ["This login is already taken."]}


def test_registration_closed_hides_the_form(client, mailoutbox):
    runtime.update_setting(Actor.system(), "users.allow_registrations", False)
    assert 'href="/accounts/register/"' not in client.get("/").content.decode()
    response = client.get("/accounts/register/")
    assert response.status_code == 403
    assert "Registration is closed." in response.content.decode()
    assert client.post("/accounts/register/", REGISTRATION).status_code == 403
    assert User.objects.count() == 0
    assert mailoutbox == []


# -- lost password ------------------------------------------------------------------------


def test_lost_password_then_reset_then_log_in(client, mailoutbox):
    user = UserFactory(login="ann.lee", email="ann@example.com")
    response = client.post("/accounts/password/lost/", {"login": "ANN.LEE"}, follow=True)
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert len(mailoutbox) == 1
    link = link_in(mailoutbox[0])
    assert link.startswith("/accounts/password/reset/")
    form_page = client.get(link)
    assert 'name="new_password"' in form_page.content.decode()
    response = client.post(
        link, {"new_password": "brand-new", "new_password_again": "brand-new"}, follow=True
    )
    assert messages_of(response) == ["Your password is changed; log in with it now."]
    assert check_credentials("ann.lee", "brand-new") == user
    used = client.get(link)
    assert used.status_code == 400
    assert 'name="new_password"' not in used.content.decode()


def test_lost_password_for_an_unknown_account_looks_the_same(client, mailoutbox):
    response = client.post("/accounts/password/lost/", {"login": "nobody"}, follow=True)
    assert messages_of(response) == [
        "If an account matches, a link to choose a new password is on its way to its email address."
    ]
    assert mailoutbox == []


def test_a_broken_reset_link_says_so(client):
    response = client.get(reverse("core:password-reset", args=["garbage"]))
    assert response.status_code == 400
    assert "This link is not valid." in response.content.decode()


# -- settings: password, email, language --------------------------------------------------


def test_change_password_keeps_the_user_signed_in(client):
    user = UserFactory(login="ann.lee")
    client.force_login(user)
    response = client.post(
        "/accounts/settings/password/",
        {
            "current_password": PASSWORD,
            "new_password": "brand-new",
            "new_password_again": "brand-new",
        },
        follow=True,
    )
    assert response.redirect_chain == [("/accounts/settings/", 302)]
    assert messages_of(response) == ["Your password is changed."]
    assert response.context["user"] == user
    assert check_credentials("ann.lee", "brand-new") == user


def test_change_password_over_htmx_returns_the_card_only(client):
    client.force_login(UserFactory(login="ann.lee"))
    response = client.post(
        "/accounts/settings/password/",
        {
            "current_password": "wrong",
            "new_password": "brand-new",
            "new_password_again": "brand-new",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card h-100" id="password-card"')
    assert "<html" not in html
    assert "The current password is wrong." in html
    assert check_credentials("ann.lee", PASSWORD) is not None


def test_the_demo_account_gets_no_password_form(client):
    client.force_login(UserFactory(login="demo"))
    html = client.get("/accounts/settings/").content.decode()
    assert "This account cannot change its password." in html
    assert 'name="current_password"' not in html
    response = client.post(
        "/accounts/settings/password/",
        {
            "current_password": PASSWORD,
            "new_password": "brand-new",
            "new_password_again": "brand-new",
        },
    )
    assert "This account cannot change its password." in response.content.decode()
    assert check_credentials("demo", PASSWORD) is not None


def test_change_email_after_confirming_from_the_new_address(client, mailoutbox):
    user = UserFactory(login="ann.lee", email="old@example.com", verified=True)
    client.force_login(user)
    response = client.post(
        "/accounts/settings/email/", {"email": "new@example.com", "password": PASSWORD}, follow=True
    )
    assert messages_of(response) == [
        "We sent a link to new@example.com: your address changes when you follow it."
    ]
    assert User.objects.get(pk=user.pk).email == "old@example.com"
    assert mailoutbox[0].to == ["new@example.com"]
    client.post(link_in(mailoutbox[0]))
    assert User.objects.get(pk=user.pk).email == "new@example.com"


def test_settings_need_a_signed_in_user(client):
    response = client.get("/accounts/settings/")
    assert response["Location"] == "/accounts/login/?next=/accounts/settings/"


def test_a_guest_picks_french_by_cookie(client):
    response = client.post("/accounts/language/", {"language": "fr", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    assert response.cookies["django_language"].value == "fr"
    page = client.get("/accounts/login/")
    assert page["Content-Language"] == "fr"
    assert '<h1 class="h3 mb-3">Se connecter</h1>' in page.content.decode()


def test_a_guest_gets_the_browsers_language(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.5")
    assert page["Content-Language"] == "fr"
    assert "Bienvenue sur Helpline" in page.content.decode()


def test_a_users_language_follows_them_to_any_browser(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/accounts/language/", {"language": "fr", "next": "/"})
    assert User.objects.get(pk=user.pk).preferences == {"locale": "fr-fr"}
    other = client.__class__()
    other.force_login(user)
    page = other.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "fr"
    assert "Paramètres" in page.content.decode()


def test_the_language_switcher_refuses_unknown_languages_and_foreign_next(client):
    response = client.post(
        "/accounts/language/", {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert "django_language" not in response.cookies


def test_script_in_names_and_notice_is_shown_as_text(client):
    runtime.update_setting(Actor.system(), "site.notice", "<script>alert('notice')</script>")
    runtime.update_setting(Actor.system(), "site.name", "<b>Desk</b>")
    user = UserFactory(
        firstname="<script>alert(1)</script>", lastname='"><img src=x onerror=alert(2)>'
    )
    client.force_login(user)
    for url in ("/", "/accounts/settings/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;b&gt;Desk&lt;/b&gt;" in html


def test_an_unknown_page_uses_the_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="h3">Page introuvable</h1>' in html
    assert '<a class="hl-brand me-auto" href="/">Helpline</a>' in html


def test_service_errors_are_worded_in_the_readers_language(client):
    UserFactory(login="jdoe")
    response = client.post("/accounts/register/", REGISTRATION, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.context["form"].errors == {"login": ["Cet identifiant est déjà pris."]}
    short = {**REGISTRATION, "login": "other", "password": "123", "password_again": "123"}
    response = client.post("/accounts/register/", short, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.context["form"].errors == {
        "password": ["Un mot de passe compte au moins 6 caractères."]
    }


def test_an_error_the_pages_do_not_know_shows_the_services_message():
    from helpline.core.pages import errors
    from helpline.lib.errors import Conflict

    assert errors.text(Conflict("the group is still used", code="group.in_use")) == (
        "The group is still used"
    )
