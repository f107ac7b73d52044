"""Account use cases a person does for themselves: registering, confirming an email address,
a lost password, changing the password, the address and the language.

NodePoint's rules: guests register only while ``users.allow_registrations`` is on; an address
is confirmed through an emailed token when the user first registers; a lost password is
reset through an emailed token; the ``demo`` account cannot change its own password. Links
are single-use and expire (``helpline.core.tokens``). Mail leaves through a job after commit.

The special accounts: ``admin`` is made by ``helpline createadmin`` (or on first start),
``guest`` is no row (``Actor.guest()``), ``demo`` registers like anyone, and ``api`` — the
user key-based calls act as — is made by ``ensure_api_user`` (on ``helpline migrate`` and
``helpline serve``, and by a door that needs it); it never signs in with a password, keeps
its login and is never deleted.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from helpline.core import jobs, rules, tokens
from helpline.core import permissions as perms
from helpline.core.models import User
from helpline.core.services.settings import get_setting
from helpline.core.services.users import create_user
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from helpline.queue import enqueue_on_commit


def ensure_api_user() -> User:
    """The ``api`` account (NodePoint's key-based calls act as it), made if missing: active,
    with an unusable password and no role — the key acting through it brings the
    permissions (``Actor.for_token``). Doors call it, never a person."""
    user = User.objects.filter(login__iexact=rules.API_LOGIN).first()
    if user is not None:
        return user
    with transaction.atomic():
        user, _ = User.objects.get_or_create(
            login=rules.API_LOGIN,
            defaults={
                "firstname": "API",
                "verified": True,
                "note": "Acts for key-based API calls (NodePoint). Cannot sign in or be deleted.",
                "password": make_password(None),
            },
        )
    return user


@transaction.atomic
def create_account(
    actor: Actor,
    *,
    login: str,
    email: str,
    password: str,
    firstname: str = "",
    lastname: str = "",
    locale: str = "",
) -> User:
    """A guest registers: the account gets the default sign-up role, keeps the language it
    registered in, and its address stays unconfirmed until the emailed link is followed.

    Refused while registrations are closed (``user.registration_closed``), for NodePoint's
    reserved names ``guest`` and ``api`` (``user.login_reserved``), without an address.
    """
    if rules.is_reserved_login(login or ""):
        raise Invalid("this login is reserved", code="user.login_reserved", field="login")
    email = rules.check_email(email, required=True)
    preferences: dict[str, object] = {"locale": rules.check_locale(locale)} if locale else {}
    user = create_user(
        actor,
        login=login,
        email=email,
        password=password or "",
        firstname=firstname.strip(),
        lastname=lastname.strip(),
        verified=False,
        preferences=preferences,
    )
    enqueue_on_commit(jobs.send_account_mail, user.pk, "confirm")
    return user


@transaction.atomic
def mark_email_verified(actor: Actor, *, token: str) -> User:
    """Follow an emailed link: confirms the address given at registration, or switches the
    account to the new address asked for with ``update_email``. Each link works once."""
    claim = tokens.read_token(token, (tokens.CONFIRM_EMAIL, tokens.CHANGE_EMAIL), lock=True)
    user = claim.user
    if claim.purpose == tokens.CHANGE_EMAIL:
        _check_email_free(user, claim.value)
        user.email = claim.value
    user.verified = True
    user.updated_by = actor.user or user
    user.save(update_fields=["email", "verified", "updated_at", "updated_by"])
    return user


_LINK_PURPOSES = {
    "confirm": (tokens.CONFIRM_EMAIL, tokens.CHANGE_EMAIL),
    "reset": (tokens.RESET_PASSWORD,),
}


def get_link_user(token: str, *, kind: str) -> User:
    """The user an emailed link of ``kind`` ("confirm" or "reset") acts for; raises
    ``Invalid`` (``token.invalid``, ``token.expired``, ``token.used``) when it no longer
    works, so a page can say why before asking for anything."""
    return tokens.read_token(token, _LINK_PURPOSES[kind]).user


@transaction.atomic
def create_email_confirmation(actor: Actor) -> User:
    """Send the confirmation link again to the signed-in user's unconfirmed address."""
    user = _signed_in(actor)
    if user.verified:
        raise Conflict("your email address is already confirmed", code="user.email_verified")
    if not user.email:
        raise Invalid("an email address is required", code="user.email_missing", field="email")
    enqueue_on_commit(jobs.send_account_mail, user.pk, "confirm")
    return user


@transaction.atomic
def create_password_reset(actor: Actor, *, login_or_email: str, locale: str = "") -> None:
    """Lost password: mail a reset link to the account with this login or address.

    Says nothing about whether such an account exists; inactive accounts, accounts without an
    address and the ``demo`` account get no mail.
    """
    value = (login_or_email or "").strip()
    if not value:
        raise Invalid("enter your login or email address", code="user.login_missing", field="login")
    user = User.objects.filter(login__iexact=value, active=True).first()
    if user is None and "@" in value:
        user = User.objects.filter(email__iexact=value, active=True).first()
    if user is None or not user.email or rules.is_demo_login(user.login):
        return
    enqueue_on_commit(jobs.send_account_mail, user.pk, "reset", locale)


@transaction.atomic
def update_password_with_token(actor: Actor, *, token: str, new_password: str) -> User:
    """Set a new password through a lost-password link. The link proves the address, which
    counts as confirmed from then on."""
    user = tokens.read_token(token, (tokens.RESET_PASSWORD,), lock=True).user
    _refuse_demo(user)
    _check_new_password(new_password)
    user.set_password(new_password)
    user.verified = True
    user.login_failed = 0
    user.updated_by = user
    user.save(update_fields=["password", "verified", "login_failed", "updated_at", "updated_by"])
    return user


@transaction.atomic
def update_password(actor: Actor, *, current_password: str, new_password: str) -> User:
    """A signed-in user changes their password, giving the current one."""
    user = _signed_in(actor)
    perms.require(actor, perms.USER_PREFERENCES_PASSWORD)
    _refuse_demo(user)
    if not user.check_password(current_password or ""):
        raise Invalid(
            "the current password is wrong",
            code="user.password_wrong",
            field="current_password",
        )
    _check_new_password(new_password)
    user.set_password(new_password)
    user.updated_by = user
    user.save(update_fields=["password", "updated_at", "updated_by"])
    return user


@transaction.atomic
def update_email(actor: Actor, *, password: str, new_email: str) -> str:
    """Ask to change the signed-in user's address. A link goes to the new address; the
    change happens when it is followed (``mark_email_verified``), the old address stays until
    then. Returns the new address."""
    user = _signed_in(actor)
    if not user.check_password(password or ""):
        raise Invalid("the current password is wrong", code="user.password_wrong", field="password")
    new_email = rules.check_email(new_email, required=True)
    if new_email.lower() == user.email.lower():
        raise Invalid(
            "this is already your email address", code="user.email_unchanged", field="email"
        )
    _check_email_free(user, new_email)
    enqueue_on_commit(jobs.send_account_mail, user.pk, "email", new_email=new_email)
    return new_email


@transaction.atomic
def update_language(actor: Actor, *, locale: str) -> User:
    """Keep the language a signed-in user reads Helpline in, as Zammad does: in
    ``preferences["locale"]`` ("fr-fr"). Pages apply it on every request."""
    user = _signed_in(actor)
    perms.require(actor, perms.USER_PREFERENCES_LANGUAGE)
    user.preferences = {**(user.preferences or {}), "locale": rules.check_locale(locale)}
    user.updated_by = user
    user.save(update_fields=["preferences", "updated_at", "updated_by"])
    return user


def can_update_password(actor: Actor) -> bool:
    """Whether the actor may change their own password (not a guest, not ``demo``)."""
    return (
        actor.user is not None
        and not rules.is_demo_login(actor.user.login)
        and actor.has(perms.USER_PREFERENCES_PASSWORD)
    )


def _signed_in(actor: Actor) -> User:
    if actor.user is None or not actor.user.active:
        raise NotAuthenticated("please sign in first", code="user.not_signed_in")
    return User.objects.select_for_update().get(pk=actor.user.pk)


def _check_new_password(password: str) -> None:
    try:
        rules.check_password(password, minimum=get_setting("users.password_min_length"))
    except Invalid as exc:
        raise Invalid(exc.message, code=exc.code, field="new_password") from None


def _refuse_demo(user: User) -> None:
    if rules.is_demo_login(user.login):
        raise PermissionDenied(
            "the demo account cannot change its password", code="user.demo_password"
        )


def _check_email_free(user: User, email: str) -> None:
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise Conflict(
            f"the email {email} is taken",
            code="user.email_taken",
            field="email",
        )
