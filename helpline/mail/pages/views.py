"""The mail settings pages (``admin.channel``): channels (list, create, edit, enable or
disable, delete, test the connection, fetch now) with how mail goes out, the outgoing mail
server (change, use none, send a test message), and failed mail (list, download the raw
message, retry, delete). Each view calls one mail service, which
checks the permission; a refusal shows the 403 page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpline.core.services import mail_server
from helpline.lib.errors import DomainError, NotFound, PermissionDenied
from helpline.lib.pages import actor_for, service_page, show_error
from helpline.mail.pages.forms import ChannelForm, OutboundForm
from helpline.mail.services import channels, failed, outbox

PER_PAGE = 50


def _texts() -> dict[str, Callable[[], str]]:
    return {
        "permission.missing": lambda: _("Your account may not do this."),
        "channel.protocol_invalid": lambda: _("Choose IMAP or POP3."),
        "channel.security_invalid": lambda: _("Choose TLS, STARTTLS or none."),
        "channel.host_invalid": lambda: _("Enter the name or address of the mail server."),
        "channel.port_invalid": lambda: _("A port is a number from 1 to 65535."),
        "channel.username_missing": lambda: _("Enter the user name of the mailbox."),
        "channel.password_missing": lambda: _("Enter the password of the mailbox."),
        "channel.password_too_long": lambda: _("The password is too long."),
        "channel.folder_invalid": lambda: _("POP3 has only the INBOX folder."),
        "channel.address_invalid": lambda: _("This is not an email address."),
        "channel.poll_interval_invalid": lambda: _(
            "The polling interval is from 10 seconds to one day."
        ),
        "channel.name_too_long": lambda: _("The name is too long."),
        "channel.name_taken": lambda: _("Another channel has this name."),
        "channel.group_unknown": lambda: _("Choose a group."),
        "channel.inactive": lambda: _("The channel is disabled; enable it first."),
        "failed_mail.resolved": lambda: _("This mail was already taken in."),
        "mail_server.environment": lambda: _(
            "HELPLINE_SMTP_URL in the environment sets the outgoing mail server; change it there."
        ),
        "mail_server.host_invalid": lambda: _(
            "Enter the name or IP address of the SMTP server, without smtp://, port or spaces."
        ),
        "mail_server.port_invalid": lambda: _("A port is a number from 1 to 65535."),
        "mail_server.security_invalid": lambda: _("Choose STARTTLS, TLS or none."),
        "mail_server.username_invalid": lambda: _(
            "The user name has at most 254 ASCII characters, on one line."
        ),
        "mail_server.password_missing": lambda: _("Enter the password of the SMTP account."),
        "mail_server.password_too_long": lambda: _("The password is too long."),
        "mail_server.password_invalid": lambda: _(
            "The password can hold only ASCII characters (letters without accents, digits, "
            "punctuation)."
        ),
        "mail_server.password_conflict": lambda: _("Either a new password or clear it, not both."),
        "mail_server.sender_invalid": lambda: _("This is not an email address."),
        "mail_server.recipient_invalid": lambda: _(
            "Your account has no email address to send the test message to."
        ),
    }


def _text(error: DomainError) -> str:
    wording = _texts().get(error.code)
    return wording() if wording else capfirst(error.message)


_guard = service_page(_text)


@_guard
def channel_list(request: HttpRequest) -> HttpResponse:
    """Every channel with its last fetch and last error, and how mail goes out."""
    actor = actor_for(request)
    rows = channels.list_channels(actor)
    return render(
        request,
        "mail/admin/channels.html",
        {"channels": rows, "outbound": outbox.outbound_settings(actor)},
    )


@_guard
def channel_edit(request: HttpRequest, channel_id: int | None = None) -> HttpResponse:
    """Create a channel, or change one (a blank password keeps the stored one)."""
    actor = actor_for(request)
    target = None
    initial: dict[str, Any] = {}
    if channel_id is not None:
        target = channels.get_channel(actor, channel_id)
        initial = channels.describe_channel(target)
        initial["group"] = target.group_id
    form = ChannelForm(request.POST or None, initial=initial)
    form.fields["group"].choices = [  # type: ignore[attr-defined]
        (g.pk, g.name) for g in channels.channel_groups(actor)
    ]
    if target is not None:
        form.fields["password"].help_text = _("Left blank: the stored password is kept.")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if target is None:
                channel = channels.create_channel(actor, **data)
            else:
                channel = channels.update_channel(actor, target.pk, **data)
        except DomainError as error:
            show_error(form, error, message=_text(error))
        else:
            messages.success(request, _("The channel %(name)s is saved.") % {"name": channel.name})
            return redirect("mail-admin:channels")
    return render(request, "mail/admin/channel_form.html", {"form": form, "target": target})


@_guard
@require_POST
def channel_active(request: HttpRequest, channel_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    channel = channels.set_channel_active(actor_for(request), channel_id, active)
    if active:
        messages.success(request, _("The channel %(name)s is enabled.") % {"name": channel.name})
    else:
        messages.success(request, _("The channel %(name)s is disabled.") % {"name": channel.name})
    return redirect("mail-admin:channels")


@_guard
@require_POST
def channel_delete(request: HttpRequest, channel_id: int) -> HttpResponse:
    channels.delete_channel(actor_for(request), channel_id)
    messages.success(request, _("The channel is deleted."))
    return redirect("mail-admin:channels")


@_guard
@require_POST
def channel_test(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Log in to the server now (a few seconds at most) and say how it went."""
    ok, error = channels.check_channel(actor_for(request), channel_id)
    if ok:
        messages.success(request, _("The connection works: logged in and opened the folder."))
    else:
        messages.error(request, _("The connection failed: %(error)s") % {"error": error})
    return redirect("mail-admin:channels")


@_guard
@require_POST
def channel_fetch(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Queue one fetch of the channel; the page does not wait for the mail server."""
    try:
        channel = channels.request_fetch(actor_for(request), channel_id)
    except DomainError as error:
        if isinstance(error, PermissionDenied | NotFound):
            raise
        messages.error(request, _text(error))
    else:
        messages.success(
            request,
            _("A fetch of %(name)s is queued; reload this page to see its result.")
            % {"name": channel.name},
        )
    return redirect("mail-admin:channels")


@_guard
def outbound(request: HttpRequest) -> HttpResponse:
    """The outgoing mail server: a form, or the environment's values read-only."""
    actor = actor_for(request)
    shown = mail_server.describe(actor)
    form = None
    if shown["source"] != "environment":
        initial = {
            "host": shown["host"],
            "port": shown["port"],
            "security": shown["security"] or "starttls",
            "username": shown["username"],
            "sender": shown["custom_sender"],
        }
        form = OutboundForm(request.POST or None, initial=initial)
        form.fields["sender"].help_text = _("Left blank: %(address)s.") % {
            "address": shown["default_sender"]
        }
        if request.method == "POST" and form.is_valid():
            try:
                mail_server.update(actor, **form.cleaned_data)
            except DomainError as error:
                if isinstance(error, PermissionDenied | NotFound):
                    raise
                if error.code == "mail_server.environment":
                    messages.error(request, _text(error))
                    return redirect("mail-admin:outbound")
                show_error(form, error, message=_text(error))
            else:
                messages.success(request, _("The outgoing mail server is saved."))
                return redirect("mail-admin:outbound")
    elif request.method == "POST":
        # the environment sets the server: the service refuses, the page says why
        try:
            mail_server.update(actor)
        except DomainError as error:
            if isinstance(error, PermissionDenied | NotFound):
                raise
            messages.error(request, _text(error))
        return redirect("mail-admin:outbound")
    return render(request, "mail/admin/outbound.html", {"form": form, "outbound": shown})


@_guard
@require_POST
def outbound_clear(request: HttpRequest) -> HttpResponse:
    """Use no SMTP server: mail is kept as files in the outbox folder."""
    try:
        mail_server.clear(actor_for(request))
    except DomainError as error:
        if isinstance(error, PermissionDenied | NotFound):
            raise
        messages.error(request, _text(error))
    else:
        messages.success(request, _("No SMTP server: mail is kept as files in the outbox folder."))
    return redirect("mail-admin:outbound")


@_guard
@require_POST
def outbound_test(request: HttpRequest) -> HttpResponse:
    """Send a short test message to the administrator's own address now."""
    actor = actor_for(request)
    to = str(getattr(request.user, "email", "") or "")
    try:
        sent = mail_server.send_test(actor, to)
    except DomainError as error:
        if isinstance(error, PermissionDenied | NotFound):
            raise
        if error.code == "mail_server.test_failed":
            messages.error(
                request,
                _("The test message could not be sent: %(error)s") % {"error": error.message},
            )
        else:
            messages.error(request, _text(error))
    else:
        if sent["source"] == "none":
            messages.success(
                request,
                _("A test message to %(to)s is kept as a file in the outbox folder.")
                % {"to": sent["to"]},
            )
        else:
            messages.success(
                request,
                _("A test message went to %(to)s through %(host)s:%(port)s.")
                % {"to": sent["to"], "host": sent["host"], "port": sent["port"]},
            )
    return redirect("mail-admin:outbound")


@_guard
def failed_list(request: HttpRequest) -> HttpResponse:
    """Messages that could not be taken in, newest first, with reason, date and size."""
    show_all = request.GET.get("all") == "1"
    rows = failed.failed_mail_rows(actor_for(request), include_resolved=show_all)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "mail/admin/failed.html", {"page_obj": page, "show_all": show_all})


@_guard
def failed_raw(request: HttpRequest, failed_id: int) -> HttpResponse:
    """The message as it came, as a .eml download (never shown inline)."""
    row = failed.get_failed_mail(actor_for(request), failed_id)
    response = HttpResponse(bytes(row.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="failed-mail-{row.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@_guard
@require_POST
def failed_retry(request: HttpRequest, failed_id: int) -> HttpResponse:
    """Take the message in again; say what became of it."""
    try:
        outcome = failed.reprocess_failed_mail(actor_for(request), failed_id)
    except DomainError as error:
        if isinstance(error, PermissionDenied | NotFound):
            raise
        messages.error(request, _text(error))
        return redirect("mail-admin:failed")
    if outcome.kind == "failed":
        messages.error(request, _("The mail failed again: %(reason)s") % {"reason": outcome.reason})
    elif outcome.kind == "ticket":
        messages.success(
            request, _("The mail is taken in: ticket %(id)s.") % {"id": outcome.ticket_id}
        )
    elif outcome.kind in ("article", "bounce"):
        messages.success(
            request,
            _("The mail is taken in: a new article on ticket %(id)s.") % {"id": outcome.ticket_id},
        )
    else:
        messages.success(
            request,
            _("The mail is taken in; it made no ticket (%(reason)s).")
            % {"reason": outcome.reason or outcome.kind},
        )
    return redirect("mail-admin:failed")


@_guard
@require_POST
def failed_delete(request: HttpRequest, failed_id: int) -> HttpResponse:
    failed.delete_failed_mail(actor_for(request), failed_id)
    messages.success(request, _("The failed mail is deleted."))
    return redirect("mail-admin:failed")
