import re
from datetime import timedelta

import pytest

from helpline.core import tokens
from helpline.core.models import User
from helpline.core.services import accounts
from helpline.core.services import settings as runtime
from helpline.core.services.users import check_credentials
from helpline.lib import clock
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from helpline.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://testserver(/accounts/[a-z/]+/([^/\s]+)/)")


def register(**overrides):
    kwargs = {
        "login": "Jdoe",
        "email": "jdoe@example.com",
        "password": "secret1",
        "firstname": "Jane",
        "lastname": "Doe",
    }
    kwargs.update(overrides)
    return accounts.create_account(Actor.guest(), **kwargs)


def token_in(message):
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(2)


@pytest.fixture(autouse=True)
def _links_on_testserver(settings):
    settings.BASE_URL = "http://testserver"


@pytest.fixture
def at(monkeypatch):
    """Move the clock: ``at(timedelta(days=2))`` makes it two days later from now on."""
    start = clock.now()

    def move(delta):
        monkeypatch.setattr(clock, "now", lambda: start + delta)

    return move


# -- registration -------------------------------------------------------------------------


def test_registration_creates_an_unconfirmed_customer_and_mails_a_link(mailoutbox):
    user = register(locale="fr")
    assert (user.login, user.email, user.fullname) == ("Jdoe", "jdoe@example.com", "Jane Doe")
    assert user.verified is False
    assert user.preferences == {"locale": "fr-fr"}
    assert list(user.roles.values_list("name", flat=True)) == ["Customer"]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["jdoe@example.com"]
    assert mail.subject == "Confirmez votre adresse e-mail pour Helpline"
    assert mail.body.startswith("Bonjour Jane Doe,\n")
    assert "Le lien fonctionne une seule fois, pendant 7 jours." in mail.body
    assert mail.from_email == "Helpline <helpline@127.0.0.1>"
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    token = token_in(mail)
    assert f"/accounts/confirm/{token}/" in html


def test_following_the_confirmation_link_confirms_once(mailoutbox):
    user = register()
    token = token_in(mailoutbox[0])
    confirmed = accounts.mark_email_verified(Actor.guest(), token=token)
    assert confirmed.pk == user.pk
    assert User.objects.get(pk=user.pk).verified is True
    with pytest.raises(Invalid) as info:
        accounts.mark_email_verified(Actor.guest(), token=token)
    assert (info.value.code, info.value.field) == ("token.used", "token")


def test_a_confirmation_link_expires_after_seven_days(mailoutbox, at):
    user = register()
    token = token_in(mailoutbox[0])
    at(timedelta(days=7, seconds=1))
    with pytest.raises(Invalid) as info:
        accounts.mark_email_verified(Actor.guest(), token=token)
    assert info.value.code == "token.expired"
    assert User.objects.get(pk=user.pk).verified is False


def test_a_confirmation_link_still_works_just_before_it_expires(mailoutbox, at):
    register()
    token = token_in(mailoutbox[0])
    at(timedelta(days=6, hours=23))
    assert accounts.mark_email_verified(Actor.guest(), token=token).verified is True


def test_a_tampered_or_foreign_token_is_refused(mailoutbox):
    register()
    token = token_in(mailoutbox[0])
    for bad in (token[:-2] + "xx", "nonsense", ""):
        with pytest.raises(Invalid) as info:
            accounts.mark_email_verified(Actor.guest(), token=bad)
        assert info.value.code == "token.invalid"
    reset = tokens.make_token(User.objects.get(login="Jdoe"), tokens.RESET_PASSWORD)
    with pytest.raises(Invalid) as info:
        accounts.mark_email_verified(Actor.guest(), token=reset)
    assert info.value.code == "token.invalid"


def test_registration_closed_writes_nothing_and_sends_nothing(mailoutbox):
    runtime.update_setting(Actor.system(), "users.allow_registrations", False)
    with pytest.raises(PermissionDenied) as info:
        register()
    assert info.value.code == "user.registration_closed"
    assert User.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"login": "ab"}, "user.login_invalid", "login"),
        ({"login": "guest"}, "user.login_reserved", "login"),
        ({"login": "API"}, "user.login_reserved", "login"),
        ({"email": ""}, "user.email_missing", "email"),
        ({"email": "not-an-address"}, "user.email_invalid", "email"),
        ({"password": "12345"}, "user.password_too_short", "password"),
        ({"password": ""}, "user.password_too_short", "password"),
        ({"locale": "xx"}, "user.locale_unsupported", "locale"),
    ],
)
def test_bad_registration_input_names_the_field_and_writes_nothing(
    mailoutbox, overrides, code, field
):
    with pytest.raises(Invalid) as info:
        register(**overrides)
    assert (info.value.code, info.value.field) == (code, field)
    assert User.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("overrides", "field"), [({"login": "JDOE"}, "login"), ({"email": "JDoe@Example.com"}, "email")]
)
def test_a_taken_login_or_email_is_a_conflict(mailoutbox, overrides, field):
    register()
    mailoutbox.clear()
    with pytest.raises(Conflict) as info:
        register(**{"login": "other", "email": "other@example.com", **overrides})
    assert (info.value.code, info.value.field) == (f"user.{field}_taken", field)
    assert User.objects.count() == 1
    assert mailoutbox == []


def test_the_demo_account_can_register():
    assert register(login="demo", email="demo@example.com").login == "demo"


def test_resending_the_confirmation(mailoutbox):
    user = register()
    accounts.create_email_confirmation(Actor.for_user(user))
    assert len(mailoutbox) == 2
    assert accounts.mark_email_verified(Actor.guest(), token=token_in(mailoutbox[1])).verified
    with pytest.raises(Conflict) as info:
        accounts.create_email_confirmation(Actor.for_user(User.objects.get(pk=user.pk)))
    assert info.value.code == "user.email_verified"
    assert len(mailoutbox) == 2


def test_resending_needs_a_signed_in_user():
    with pytest.raises(NotAuthenticated):
        accounts.create_email_confirmation(Actor.guest())


# -- lost password ------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["reset-me", "RESET-ME", "Reset@Example.com"])
def test_lost_password_mails_a_link_by_login_or_email_in_any_case(mailoutbox, given):
    UserFactory(login="reset-me", email="reset@example.com")
    accounts.create_password_reset(Actor.guest(), login_or_email=given, locale="en")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["reset@example.com"]
    assert mailoutbox[0].subject == "Choose a new password for Helpline"
    assert "The link works once, within 1 day." in mailoutbox[0].body


def test_a_reset_link_sets_the_password_once_and_confirms_the_address(mailoutbox):
    user = UserFactory(login="reset-me", email="reset@example.com", verified=False)
    accounts.create_password_reset(Actor.guest(), login_or_email="reset-me")
    token = token_in(mailoutbox[0])
    assert accounts.get_link_user(token, kind="reset") == user
    accounts.update_password_with_token(Actor.guest(), token=token, new_password="brand-new")
    assert check_credentials("reset-me", "brand-new") == user
    assert check_credentials("reset-me", PASSWORD) is None
    assert User.objects.get(pk=user.pk).verified is True
    with pytest.raises(Invalid) as info:
        accounts.update_password_with_token(Actor.guest(), token=token, new_password="again-new")
    assert info.value.code == "token.used"
    assert check_credentials("reset-me", "brand-new") == user


def test_a_reset_link_expires_after_a_day(mailoutbox, at):
    UserFactory(login="reset-me", email="reset@example.com")
    accounts.create_password_reset(Actor.guest(), login_or_email="reset-me")
    token = token_in(mailoutbox[0])
    at(timedelta(hours=24, seconds=1))
    with pytest.raises(Invalid) as info:
        accounts.update_password_with_token(Actor.guest(), token=token, new_password="brand-new")
    assert info.value.code == "token.expired"
    assert check_credentials("reset-me", PASSWORD) is not None


def test_a_reset_link_stops_working_after_a_login(mailoutbox):
    UserFactory(login="reset-me", email="reset@example.com")
    accounts.create_password_reset(Actor.guest(), login_or_email="reset-me")
    token = token_in(mailoutbox[0])
    assert check_credentials("reset-me", PASSWORD) is not None
    with pytest.raises(Invalid) as info:
        accounts.get_link_user(token, kind="reset")
    assert info.value.code == "token.used"


def test_a_short_new_password_names_the_field_and_keeps_the_old_one(mailoutbox):
    UserFactory(login="reset-me", email="reset@example.com")
    accounts.create_password_reset(Actor.guest(), login_or_email="reset-me")
    token = token_in(mailoutbox[0])
    with pytest.raises(Invalid) as info:
        accounts.update_password_with_token(Actor.guest(), token=token, new_password="123")
    assert (info.value.code, info.value.field) == ("user.password_too_short", "new_password")
    assert User.objects.get(login="reset-me").check_password(PASSWORD)
    accounts.update_password_with_token(Actor.guest(), token=token, new_password="123456")


@pytest.mark.parametrize("given", ["nobody", "nobody@example.com", "demo", "noaddress", "gone"])
def test_lost_password_sends_nothing_for_unknown_demo_addressless_or_inactive(mailoutbox, given):
    UserFactory(login="demo", email="demo@example.com")
    UserFactory(login="noaddress", email="")
    UserFactory(login="gone", email="gone@example.com", active=False)
    accounts.create_password_reset(Actor.guest(), login_or_email=given)
    assert mailoutbox == []


def test_lost_password_needs_a_login():
    with pytest.raises(Invalid) as info:
        accounts.create_password_reset(Actor.guest(), login_or_email="  ")
    assert (info.value.code, info.value.field) == ("user.login_missing", "login")


# -- change password ----------------------------------------------------------------------


def test_changing_the_password_needs_the_current_one():
    user = UserFactory(login="changer")
    with pytest.raises(Invalid) as info:
        accounts.update_password(
            Actor.for_user(user), current_password="wrong", new_password="brand-new"
        )
    assert (info.value.code, info.value.field) == ("user.password_wrong", "current_password")
    accounts.update_password(
        Actor.for_user(user), current_password=PASSWORD, new_password="brand-new"
    )
    assert check_credentials("changer", "brand-new") == user


def test_the_demo_account_cannot_change_its_password(mailoutbox):
    demo = UserFactory(login="Demo", email="demo@example.com")
    with pytest.raises(PermissionDenied) as info:
        accounts.update_password(
            Actor.for_user(demo), current_password=PASSWORD, new_password="brand-new"
        )
    assert info.value.code == "user.demo_password"
    assert check_credentials("demo", PASSWORD) == demo
    assert accounts.can_update_password(Actor.for_user(demo)) is False
    assert accounts.can_update_password(Actor.for_user(UserFactory())) is True
    token = tokens.make_token(User.objects.get(pk=demo.pk), tokens.RESET_PASSWORD)
    with pytest.raises(PermissionDenied) as info:
        accounts.update_password_with_token(Actor.guest(), token=token, new_password="brand-new")
    assert info.value.code == "user.demo_password"
    assert check_credentials("demo", PASSWORD) == demo


def test_changing_the_password_needs_the_permission():
    user = UserFactory(roles=[])
    with pytest.raises(PermissionDenied) as info:
        accounts.update_password(
            Actor.for_user(user), current_password=PASSWORD, new_password="brand-new"
        )
    assert info.value.code == "permission.missing"


def test_a_guest_has_no_password_to_change():
    with pytest.raises(NotAuthenticated):
        accounts.update_password(Actor.guest(), current_password="x", new_password="brand-new")


# -- change email -------------------------------------------------------------------------


def test_a_new_address_applies_once_confirmed_from_the_new_mailbox(mailoutbox):
    user = UserFactory(login="mover", email="old@example.com", verified=True)
    new = accounts.update_email(
        Actor.for_user(user), password=PASSWORD, new_email="new@example.com"
    )
    assert new == "new@example.com"
    assert User.objects.get(pk=user.pk).email == "old@example.com"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@example.com"]
    assert mailoutbox[0].subject == "Confirm your new email address for Helpline"
    token = token_in(mailoutbox[0])
    accounts.mark_email_verified(Actor.for_user(user), token=token)
    moved = User.objects.get(pk=user.pk)
    assert (moved.email, moved.verified) == ("new@example.com", True)
    assert check_credentials("new@example.com", PASSWORD) == user
    with pytest.raises(Invalid) as info:
        accounts.mark_email_verified(Actor.for_user(user), token=token)
    assert info.value.code == "token.used"


def test_an_email_change_link_expires_after_a_day(mailoutbox, at):
    user = UserFactory(email="old@example.com")
    accounts.update_email(Actor.for_user(user), password=PASSWORD, new_email="new@example.com")
    at(timedelta(days=1, seconds=1))
    with pytest.raises(Invalid) as info:
        accounts.mark_email_verified(Actor.guest(), token=token_in(mailoutbox[0]))
    assert info.value.code == "token.expired"
    assert User.objects.get(pk=user.pk).email == "old@example.com"


@pytest.mark.parametrize(
    ("password", "new_email", "error", "code", "field"),
    [
        ("wrong", "new@example.com", Invalid, "user.password_wrong", "password"),
        (PASSWORD, "not-an-address", Invalid, "user.email_invalid", "email"),
        (PASSWORD, "OLD@example.com", Invalid, "user.email_unchanged", "email"),
        (PASSWORD, "taken@example.com", Conflict, "user.email_taken", "email"),
    ],
)
def test_a_refused_email_change_names_the_field_and_mails_nothing(
    mailoutbox, password, new_email, error, code, field
):
    UserFactory(email="taken@example.com")
    user = UserFactory(email="old@example.com")
    with pytest.raises(error) as info:
        accounts.update_email(Actor.for_user(user), password=password, new_email=new_email)
    assert (info.value.code, info.value.field) == (code, field)
    assert mailoutbox == []
    assert User.objects.get(pk=user.pk).email == "old@example.com"


def test_an_address_taken_meanwhile_is_refused_on_confirmation(mailoutbox):
    user = UserFactory(email="old@example.com")
    accounts.update_email(Actor.for_user(user), password=PASSWORD, new_email="new@example.com")
    UserFactory(email="new@example.com")
    with pytest.raises(Conflict) as info:
        accounts.mark_email_verified(Actor.guest(), token=token_in(mailoutbox[0]))
    assert info.value.code == "user.email_taken"
    assert User.objects.get(pk=user.pk).email == "old@example.com"


# -- language -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"), [("fr", "fr-fr"), ("fr-FR", "fr-fr"), ("en", "en-us")]
)
def test_the_language_is_kept_in_the_preferences_the_zammad_way(given, stored):
    user = UserFactory()
    user.preferences = {"notification_sound": {"enabled": True}}
    user.save()
    accounts.update_language(Actor.for_user(user), locale=given)
    assert User.objects.get(pk=user.pk).preferences == {
        "notification_sound": {"enabled": True},
        "locale": stored,
    }


def test_an_unsupported_language_is_refused():
    user = UserFactory()
    with pytest.raises(Invalid) as info:
        accounts.update_language(Actor.for_user(user), locale="de")
    assert (info.value.code, info.value.field) == ("user.locale_unsupported", "locale")
    assert User.objects.get(pk=user.pk).preferences == {}


def test_mail_goes_out_in_the_users_language(mailoutbox):
    user = UserFactory(login="parleur", email="p@example.com")
    accounts.update_language(Actor.for_user(user), locale="fr")
    accounts.create_password_reset(Actor.guest(), login_or_email="parleur", locale="en")
    assert mailoutbox[0].subject == "Choisissez un nouveau mot de passe pour Helpline"
    assert "Bonjour" in mailoutbox[0].body
