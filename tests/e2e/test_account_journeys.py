"""A person's account journeys through the real pages in Chromium."""

import pytest
from playwright.sync_api import expect

from helpline.core.models import User
from helpline.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def register(page, labels, values):
    for key, label in labels.items():
        page.get_by_label(label, exact=True).fill(values[key])


def test_register_confirm_log_in_and_switch_to_french(visitor, last_mail):
    page = visitor.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Helpline")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    register(
        page,
        {
            "login": "Login",
            "email": "Email address",
            "first": "First name (optional)",
            "last": "Last name (optional)",
            "password": "Password",
            "again": "Password again",
        },
        {
            "login": "jdoe",
            "email": "jdoe@example.com",
            "first": "Jane",
            "last": "Doe",
            "password": "secret-1",
            "again": "secret-1",
        },
    )
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("status")).to_contain_text("We sent a link to jdoe@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")

    mail, link = last_mail(to="jdoe@example.com")
    assert mail.subject == "Confirm your email address for Helpline"
    page.goto(link)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your email address jdoe@example.com is confirmed."
    )
    assert User.objects.get(login="jdoe").verified is True

    main = page.get_by_role("main")
    main.get_by_label("Login or email").fill("JDOE")
    main.get_by_label("Password").fill("secret-1")
    main.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Jane Doe")

    page.get_by_role("banner").get_by_role("link", name="Settings").click()
    page.get_by_role("main").get_by_role("combobox", name="Language").select_option("fr")
    page.get_by_role("button", name="Save the language").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paramètres du compte")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("banner").get_by_role("link", name="Helpline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Jane Doe")
    expect(page.get_by_role("banner").get_by_role("button", name="Se déconnecter")).to_be_visible()
    assert User.objects.get(login="jdoe").preferences == {"locale": "fr-fr"}
    assert visitor.injected() == ([], 0)


def test_lost_password_by_mail_then_log_in_with_the_new_one(visitor, last_mail):
    UserFactory(login="ann.lee", email="ann@example.com", firstname="Ann", lastname="Lee")
    page = visitor.goto("/accounts/login/")
    page.get_by_role("link", name="Lost your password?").click()
    page.get_by_label("Login or email").fill("ann@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account matches")

    mail, link = last_mail(to="ann@example.com")
    assert mail.subject == "Choose a new password for Helpline"
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("fresh-pass")
    page.get_by_label("New password again").fill("fresh-pass")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("status")).to_have_text("Your password is changed; log in with it now.")

    main = page.get_by_role("main")
    main.get_by_label("Login or email").fill("ann.lee")
    main.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong login or password.")
    main.get_by_label("Password").fill("fresh-pass")
    main.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ann Lee")

    page.goto(link)
    expect(page.get_by_role("alert")).to_have_text(
        "This link has already been used or no longer applies."
    )
    assert visitor.injected() == ([], 0)


def test_registration_in_french(new_visitor, last_mail):
    visitor = new_visitor(locale="fr-FR")
    page = visitor.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue sur Helpline")
    page.get_by_role("main").get_by_role("link", name="Créer un compte").click()
    register(
        page,
        {
            "login": "Identifiant",
            "email": "Adresse e-mail",
            "first": "Prénom (facultatif)",
            "last": "Nom (facultatif)",
            "password": "Mot de passe",
            "again": "Mot de passe (encore)",
        },
        {
            "login": "mdupont",
            "email": "marie@example.fr",
            "first": "Marie",
            "last": "Dupont",
            "password": "secret-1",
            "again": "autre-1",
        },
    )
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.locator("#id_password_again_error")).to_have_text(
        "Les deux mots de passe diffèrent."
    )
    page.get_by_label("Mot de passe", exact=True).fill("secret-1")
    page.get_by_label("Mot de passe (encore)").fill("secret-1")
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Bienvenue, Marie Dupont ! Nous avons envoyé un lien à marie@example.fr"
    )

    mail, link = last_mail(to="marie@example.fr")
    assert mail.subject == "Confirmez votre adresse e-mail pour Helpline"
    assert mail.body.startswith("Bonjour Marie Dupont,")
    page.goto(link)
    page.get_by_role("button", name="Confirmer mon adresse e-mail").click()
    expect(page.get_by_role("status")).to_have_text(
        "Votre adresse e-mail marie@example.fr est confirmée."
    )

    main = page.get_by_role("main")
    main.get_by_label("Identifiant ou e-mail").fill("marie@example.fr")
    main.get_by_label("Mot de passe").fill("secret-1")
    main.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Marie Dupont")
    assert User.objects.get(login="mdupont").preferences == {"locale": "fr-fr"}
    assert visitor.injected() == ([], 0)
