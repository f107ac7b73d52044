"""Home and account pages. Each view parses a form, calls one service, then renders or
redirects; the rules (and the mail) live in ``helpline.core.services.accounts``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from helpline.core import selectors
from helpline.core.pages import errors, forms
from helpline.core.services import accounts
from helpline.core.services import tokens as token_services
from helpline.core.services.settings import read_setting
from helpline.lib.errors import DomainError, NotFound, PermissionDenied
from helpline.lib.pages import actor_for, is_partial, render_page, safe_next, show_error


def home(request: HttpRequest) -> HttpResponse:
    """The greeting, the site's notice and the way to the account pages (the layout reads
    the site's settings)."""
    return render(request, "core/home.html")


class LoginView(auth_views.LoginView):
    template_name = "core/account_login.html"
    form_class = forms.LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    actor = actor_for(request)
    is_open = bool(read_setting(actor, "users.allow_registrations"))
    form = forms.RegisterForm(request.POST or None)
    if is_open and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.create_account(
                actor,
                login=data["login"],
                email=data["email"],
                password=data["password"],
                firstname=data["firstname"],
                lastname=data["lastname"],
                locale=get_language(),
            )
        except DomainError as error:
            errors.show(form, error)
        else:
            messages.success(
                request,
                _(
                    "Welcome, %(name)s! We sent a link to %(email)s: follow it to confirm "
                    "your address, then log in."
                )
                % {"name": user.fullname, "email": user.email},
            )
            return redirect("core:login")
    status = 200 if is_open else 403
    return render(
        request, "core/account_register.html", {"form": form, "is_open": is_open}, status=status
    )


def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a confirmation mail: a button confirms (a POST, so that mail scanners
    fetching the link do not use it up)."""
    actor = actor_for(request)
    error = None
    if request.method == "POST":
        try:
            user = accounts.mark_email_verified(actor, token=token)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request, _("Your email address %(email)s is confirmed.") % {"email": user.email}
            )
            return redirect("core:home" if request.user.is_authenticated else "core:login")
    if error is None:
        try:
            accounts.get_link_user(token, kind="confirm")
        except DomainError as exc:
            error = exc
    status = 400 if error else 200
    error_text = errors.text(error) if error else ""
    return render(request, "core/email_confirm.html", {"error_text": error_text}, status=status)


@login_required
@require_POST
def confirmation_resend(request: HttpRequest) -> HttpResponse:
    try:
        user = accounts.create_email_confirmation(actor_for(request))
    except DomainError as error:
        messages.error(request, errors.text(error))
    else:
        messages.success(
            request, _("We sent a new confirmation link to %(email)s.") % {"email": user.email}
        )
    return redirect("core:home")


def password_lost(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordLostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.create_password_reset(
                actor_for(request), login_or_email=form.cleaned_data["login"], locale=get_language()
            )
        except DomainError as error:
            errors.show(form, error)
        else:
            messages.info(
                request,
                _(
                    "If an account matches, a link to choose a new password is on its way to "
                    "its email address."
                ),
            )
            return redirect("core:login")
    return render(request, "core/password_lost.html", {"form": form})


def password_reset(request: HttpRequest, token: str) -> HttpResponse:
    form = forms.NewPasswordForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            accounts.update_password_with_token(
                actor_for(request), token=token, new_password=form.cleaned_data["new_password"]
            )
        except DomainError as exc:
            if exc.field == "token":
                error = exc
            else:
                errors.show(form, exc)
        else:
            messages.success(request, _("Your password is changed; log in with it now."))
            return redirect("core:login")
    if error is None and request.method != "POST":
        try:
            accounts.get_link_user(token, kind="reset")
        except DomainError as exc:
            error = exc
    status = 400 if error else 200
    context = {"form": form, "error_text": errors.text(error) if error else ""}
    return render(request, "core/password_reset.html", context, status=status)


def _settings_context(request: HttpRequest, **forms_given: object) -> dict[str, object]:
    context: dict[str, object] = {
        "can_change_password": accounts.can_update_password(actor_for(request)),
        "password_form": forms.PasswordChangeForm(),
        "email_form": forms.EmailChangeForm(),
        "language_form": forms.LanguageForm(
            initial={"language": get_language(), "next": reverse("core:account-settings")}
        ),
    }
    context.update(forms_given)
    return context


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    return render(request, "core/account_settings.html", _settings_context(request))


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordChangeForm(request.POST)
    done = ""
    if form.is_valid():
        try:
            user = accounts.update_password(
                actor_for(request),
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as error:
            errors.show(form, error)
        else:
            update_session_auth_hash(request, user)  # stay signed in with the new password
            done = _("Your password is changed.")
            if not is_partial(request):
                messages.success(request, done)
                return redirect("core:account-settings")
            form = forms.PasswordChangeForm()
    return render_page(
        request,
        "core/account_settings.html",
        {**_settings_context(request, password_form=form), "password_done": done},
        partial="core/partials/_password_form.html",
    )


@login_required
@require_POST
def email_change(request: HttpRequest) -> HttpResponse:
    form = forms.EmailChangeForm(request.POST)
    done = ""
    if form.is_valid():
        try:
            new_email = accounts.update_email(
                actor_for(request),
                password=form.cleaned_data["password"],
                new_email=form.cleaned_data["email"],
            )
        except DomainError as error:
            errors.show(form, error)
        else:
            done = _("We sent a link to %(email)s: your address changes when you follow it.") % {
                "email": new_email
            }
            if not is_partial(request):
                messages.success(request, done)
                return redirect("core:account-settings")
            form = forms.EmailChangeForm()
    return render_page(
        request,
        "core/account_settings.html",
        {**_settings_context(request, email_form=form), "email_done": done},
        partial="core/partials/_email_form.html",
    )


@require_POST
def language_update(request: HttpRequest) -> HttpResponse:
    """The language switcher: kept in a signed-in user's preferences, and in a cookie for
    guests (read by Django's LocaleMiddleware)."""
    form = forms.LanguageForm(request.POST)
    target = safe_next(request, request.POST.get("next"), reverse("core:home"))
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return HttpResponseRedirect(target)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        try:
            accounts.update_language(actor_for(request), locale=language)
        except DomainError as error:
            messages.error(request, errors.text(error))
            return HttpResponseRedirect(target)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


_TOKEN_TEXTS = {
    "token.expired": lambda: _("The expiry date must lie in the future."),
    "token.expires_at": lambda: _("Give a date, or leave it empty for no expiry."),
    "token.permission": lambda: _("Tick at least one permission."),
    "token.permission_unknown": lambda: _("Tick only the permissions offered."),
    "token.permission_not_held": lambda: _("Tick only the permissions offered."),
    "token.missing": lambda: _("Give the token a label."),
}


NEW_TOKEN_KEY = "new_access_token"  # noqa: S105 (a session key)


@login_required
@never_cache
def access_tokens(request: HttpRequest) -> HttpResponse:
    """The user's personal access tokens (label, permissions, expiry, last use) and a form
    for a new one. A new token's secret waits in the session for the page the browser is
    sent to next, shows there once and is dropped (so a reload neither shows it again nor
    makes a second token)."""
    actor = actor_for(request)
    try:
        tokens = list(token_services.list_tokens(actor))
    except PermissionDenied as error:
        raise DjangoPermissionDenied(errors.text(error)) from None
    form = forms.TokenForm(request.POST or None)
    form.fields["permissions"].choices = [  # type: ignore[attr-defined]
        (p.name, p.name) for p, disabled in selectors.grantable_permissions(actor) if not disabled
    ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = token_services.create_token(
                actor,
                label=data["label"],
                permissions=list(data["permissions"]),
                expires_at=data["expires_at"],
            )
        except DomainError as error:
            wording = _TOKEN_TEXTS.get(error.code)
            show_error(
                form,
                error,
                message=wording() if wording else errors.text(error),
                fields={"permission": "permissions"},
            )
        else:
            request.session[NEW_TOKEN_KEY] = {"id": made.token.pk, "plaintext": made.plaintext}
            return redirect("core:access-tokens")
    issued = None
    waiting = request.session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None
    if isinstance(waiting, dict):
        token = next((t for t in tokens if t.pk == waiting.get("id")), None)
        if token is not None:
            issued = token_services.IssuedToken(token=token, plaintext=str(waiting["plaintext"]))
    context = {"tokens": tokens, "form": form, "issued": issued}
    return render(request, "core/account_tokens.html", context)


@login_required
@require_POST
def access_token_delete(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token_services.delete_token(actor_for(request), token_id)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(errors.text(error)) from None
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The token is deleted; it no longer works."))
    return redirect("core:access-tokens")
