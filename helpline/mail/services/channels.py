"""Mail channels: the mailboxes Helpline reads (``admin.channel``). The password is stored
as given (the mail server needs it) and never shown back: listings say only whether one is
set."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from django.db import transaction

from helpline.core import permissions as perms
from helpline.core.models import Group
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound
from helpline.mail.models import Channel

# scheme -> (protocol, security, default port)
SCHEMES = {
    "imap": ("imap", "starttls", 143),
    "imaps": ("imap", "tls", 993),
    "pop3": ("pop3", "starttls", 110),
    "pop3s": ("pop3", "tls", 995),
}
DEFAULT_PORTS = {
    ("imap", "tls"): 993,
    ("imap", "starttls"): 143,
    ("imap", "plain"): 143,
    ("pop3", "tls"): 995,
    ("pop3", "starttls"): 110,
    ("pop3", "plain"): 110,
}


def parse_channel_url(url: str, security: str | None = None) -> dict[str, Any]:
    """``imap://USER:PASS@HOST:PORT/FOLDER`` (also imaps, pop3, pop3s). ``imap``/``pop3``
    mean STARTTLS unless ``security`` (tls, starttls, plain) says otherwise; user and
    password are percent-decoded (an address as user name is written ``user%40host``)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in SCHEMES:
        raise Invalid(
            "a channel URL starts with imap://, imaps://, pop3:// or pop3s://",
            code="channel.url_scheme",
            field="url",
        )
    protocol, default_security, _ = SCHEMES[parts.scheme.lower()]
    chosen = (security or default_security).lower()
    if chosen not in ("tls", "starttls", "plain"):
        raise Invalid(
            "security is tls, starttls or plain", code="channel.security_invalid", field="security"
        )
    if not parts.hostname or not parts.username or parts.password is None:
        raise Invalid(
            "a channel URL needs USER:PASSWORD@HOST", code="channel.url_incomplete", field="url"
        )
    try:
        port = parts.port or DEFAULT_PORTS[(protocol, chosen)]
    except ValueError:
        raise Invalid(
            "the port is not a number", code="channel.port_invalid", field="url"
        ) from None
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    if protocol == "pop3" and folder != "INBOX":
        raise Invalid("POP3 has only the INBOX", code="channel.folder_invalid", field="url")
    return {
        "protocol": protocol,
        "security": chosen,
        "host": parts.hostname,
        "port": port,
        "username": unquote(parts.username),
        "password": unquote(parts.password),
        "folder": folder,
    }


def add_channel(
    actor: Actor,
    url: str,
    *,
    group: str | int,
    name: str = "",
    address: str = "",
    security: str | None = None,
    poll_interval: int = 60,
) -> Channel:
    """Add a channel that files new mail into ``group`` (name or id)."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    fields = parse_channel_url(url, security)
    if poll_interval < 10:
        raise Invalid(
            "the polling interval is at least 10 seconds",
            code="channel.poll_interval_invalid",
            field="poll_interval",
        )
    group_row = (
        Group.objects.filter(pk=group).first()
        if isinstance(group, int) or str(group).isdigit()
        else Group.objects.filter(name__iexact=str(group)).first()
    )
    if group_row is None:
        raise NotFound(f"no group {group!r}", code="group.not_found", field="group")
    name = name.strip() or f"{fields['username']}@{fields['host']}/{fields['folder']}"
    if not address and "@" in fields["username"]:
        address = fields["username"]
    with transaction.atomic():
        if Channel.objects.filter(name=name).exists():
            raise Conflict(f"a channel {name!r} exists", code="channel.name_taken", field="name")
        return Channel.objects.create(
            name=name,
            group=group_row,
            address=address,
            poll_interval=poll_interval,
            created_by=actor.user,
            updated_by=actor.user,
            **fields,
        )


def describe_channel(channel: Channel) -> dict[str, Any]:
    """What any door may show of a channel: everything but the password."""
    return {
        "id": channel.pk,
        "name": channel.name,
        "group": channel.group.name,
        "protocol": channel.protocol,
        "security": channel.security,
        "host": channel.host,
        "port": channel.port,
        "username": channel.username,
        "password_set": bool(channel.password),
        "folder": channel.folder,
        "address": channel.address,
        "poll_interval": channel.poll_interval,
        "active": channel.active,
        "last_fetch_at": channel.last_fetch_at,
        "last_error": channel.last_error,
    }


def list_channels(actor: Actor) -> list[dict[str, Any]]:
    perms.require(actor, perms.ADMIN_CHANNEL)
    return [describe_channel(c) for c in Channel.objects.select_related("group").order_by("id")]
