"""The channel form of the mail settings page. The password is write-only: it is never
rendered back, and left blank on an existing channel it keeps the stored one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from helpline.lib.pages import StyledForm


class ChannelForm(StyledForm):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=250,
        required=False,
        help_text=gettext_lazy("Left blank: user@host/folder."),
    )
    group = forms.TypedChoiceField(label=gettext_lazy("Group of new tickets"), coerce=int)
    protocol = forms.ChoiceField(
        label=gettext_lazy("Protocol"), choices=[("imap", "IMAP"), ("pop3", "POP3")]
    )
    security = forms.ChoiceField(
        label=gettext_lazy("Security"),
        choices=[
            ("tls", gettext_lazy("TLS (imaps, pop3s)")),
            ("starttls", gettext_lazy("STARTTLS")),
            ("plain", gettext_lazy("None (local tests only)")),
        ],
    )
    host = forms.CharField(label=gettext_lazy("Server"), max_length=255)
    port = forms.IntegerField(
        label=gettext_lazy("Port"),
        required=False,
        min_value=1,
        max_value=65535,
        help_text=gettext_lazy("Left blank: the usual port of the protocol and security."),
    )
    username = forms.CharField(label=gettext_lazy("User name"), max_length=255)
    password = forms.CharField(
        label=gettext_lazy("Password"),
        required=False,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    folder = forms.CharField(
        label=gettext_lazy("Folder"), max_length=255, required=False, initial="INBOX"
    )
    address = forms.CharField(
        label=gettext_lazy("Address customers write to"), max_length=255, required=False
    )
    poll_interval = forms.IntegerField(
        label=gettext_lazy("Polling interval (seconds)"), initial=60, min_value=10
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class OutboundForm(StyledForm):
    """The outgoing mail server. The password is write-only (never rendered back; blank
    keeps the stored one); the fields are checked by the ``mail_server`` service."""

    host = forms.CharField(
        label=gettext_lazy("SMTP server"),
        max_length=255,
        help_text=gettext_lazy("A host name or IP address, e.g. smtp.example.com."),
    )
    security = forms.ChoiceField(
        label=gettext_lazy("Security"),
        choices=[
            ("starttls", gettext_lazy("STARTTLS (usually port 587)")),
            ("tls", gettext_lazy("TLS (smtps, usually port 465)")),
            ("none", gettext_lazy("None (a relay on this machine or network, port 25)")),
        ],
        initial="starttls",
    )
    port = forms.IntegerField(
        label=gettext_lazy("Port"),
        required=False,
        min_value=1,
        max_value=65535,
        help_text=gettext_lazy("Left blank: the usual port of the security."),
    )
    username = forms.CharField(label=gettext_lazy("User name"), max_length=254, required=False)
    password = forms.CharField(
        label=gettext_lazy("Password"),
        required=False,
        max_length=1000,
        strip=False,
        help_text=gettext_lazy("Leave blank to keep the stored password."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    clear_password = forms.BooleanField(
        label=gettext_lazy("Clear the stored password"), required=False
    )
    sender = forms.CharField(label=gettext_lazy("Sender address"), max_length=254, required=False)
