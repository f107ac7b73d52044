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


PROTOCOLS = ("imap", "pop3")
SECURITIES = ("tls", "starttls", "plain")
POLL_MIN = 10
# what create/update take besides the group; the password is write-only
FIELDS = (
    "name",
    "protocol",
    "security",
    "host",
    "port",
    "username",
    "password",
    "folder",
    "address",
    "poll_interval",
    "active",
)
TEST_TIMEOUT = 10


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
    """Add a channel given as a URL (``helpline channel add``) that files new mail into
    ``group`` (name or id)."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    fields = parse_channel_url(url, security)
    return create_channel(
        actor, group=group, name=name, address=address, poll_interval=poll_interval, **fields
    )


def _group(value: str | int | None) -> Group:
    group_row = None
    if value is not None and str(value).strip():
        group_row = (
            Group.objects.filter(pk=int(value)).first()
            if isinstance(value, int) or str(value).isdigit()
            else Group.objects.filter(name__iexact=str(value).strip()).first()
        )
    if group_row is None:
        raise Invalid(f"no group {value!r}", code="channel.group_unknown", field="group")
    return group_row


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise a channel's fields (all of them, as they will be stored)."""
    out = dict(values)
    for key in ("name", "host", "username", "folder", "address"):
        out[key] = str(out.get(key) or "").strip()
    if out["protocol"] not in PROTOCOLS:
        raise Invalid("protocol is imap or pop3", code="channel.protocol_invalid", field="protocol")
    if out["security"] not in SECURITIES:
        raise Invalid(
            "security is tls, starttls or plain", code="channel.security_invalid", field="security"
        )
    if not out["host"] or len(out["host"]) > 255 or any(c.isspace() for c in out["host"]):
        raise Invalid("a host name is required", code="channel.host_invalid", field="host")
    port = out.get("port")
    if port in (None, ""):
        port = DEFAULT_PORTS[(out["protocol"], out["security"])]
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise Invalid("the port is 1 to 65535", code="channel.port_invalid", field="port")
    out["port"] = port
    if not out["username"] or len(out["username"]) > 255:
        raise Invalid("a user name is required", code="channel.username_missing", field="username")
    if not out.get("password"):
        raise Invalid("a password is required", code="channel.password_missing", field="password")
    if len(out["password"]) > 1000:
        raise Invalid(
            "the password has at most 1000 characters",
            code="channel.password_too_long",
            field="password",
        )
    out["folder"] = out["folder"] or "INBOX"
    if len(out["folder"]) > 255:
        raise Invalid("the folder name is too long", code="channel.folder_invalid", field="folder")
    if out["protocol"] == "pop3" and out["folder"] != "INBOX":
        raise Invalid("POP3 has only the INBOX", code="channel.folder_invalid", field="folder")
    if out["address"] and ("@" not in out["address"] or len(out["address"]) > 255):
        raise Invalid(
            "the address is an email address", code="channel.address_invalid", field="address"
        )
    interval = out.get("poll_interval")
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < POLL_MIN:
        raise Invalid(
            "the polling interval is at least 10 seconds",
            code="channel.poll_interval_invalid",
            field="poll_interval",
        )
    if interval > 86400:
        raise Invalid(
            "the polling interval is at most one day (86400 seconds)",
            code="channel.poll_interval_invalid",
            field="poll_interval",
        )
    out["name"] = out["name"] or f"{out['username']}@{out['host']}/{out['folder']}"
    if len(out["name"]) > 250:
        raise Invalid(
            "the name has at most 250 characters", code="channel.name_too_long", field="name"
        )
    out["active"] = bool(out.get("active", True))
    return out


def create_channel(
    actor: Actor,
    *,
    group: str | int | None,
    protocol: str = "imap",
    security: str = "tls",
    host: str = "",
    port: int | None = None,
    username: str = "",
    password: str = "",
    folder: str = "INBOX",
    address: str = "",
    name: str = "",
    poll_interval: int = 60,
    active: bool = True,
) -> Channel:
    """A channel from its fields (the settings page, the API). New mail is filed into
    ``group`` (name or id)."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    fields = _clean(
        {
            "name": name,
            "protocol": protocol,
            "security": security,
            "host": host,
            "port": port,
            "username": username,
            "password": password,
            "folder": folder,
            "address": address,
            "poll_interval": poll_interval,
            "active": active,
        }
    )
    group_row = _group(group)
    if not fields["address"] and "@" in fields["username"]:
        fields["address"] = fields["username"]
    with transaction.atomic():
        if Channel.objects.filter(name=fields["name"]).exists():
            raise Conflict(
                f"a channel {fields['name']!r} exists", code="channel.name_taken", field="name"
            )
        return Channel.objects.create(
            group=group_row, created_by=actor.user, updated_by=actor.user, **fields
        )


def get_channel(actor: Actor, channel_id: int) -> Channel:
    perms.require(actor, perms.ADMIN_CHANNEL)
    channel = Channel.objects.select_related("group").filter(pk=channel_id).first()
    if channel is None:
        raise NotFound(f"no channel {channel_id}", code="channel.not_found")
    return channel


def update_channel(actor: Actor, channel_id: int, **changes: Any) -> Channel:
    """Change some fields of a channel (``group`` by name or id). An empty or missing
    ``password`` keeps the stored one: it is never sent back, so forms leave it blank."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    unknown = set(changes) - set(FIELDS) - {"group"}
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(f"unknown field {field}", code="channel.field_unknown", field=field)
    with transaction.atomic():
        channel = Channel.objects.select_for_update().filter(pk=channel_id).first()
        if channel is None:
            raise NotFound(f"no channel {channel_id}", code="channel.not_found")
        current = {key: getattr(channel, key) for key in FIELDS}
        wanted = {k: v for k, v in changes.items() if k != "group"}
        if not wanted.get("password"):
            wanted.pop("password", None)
        if "port" not in wanted and (
            wanted.get("protocol", channel.protocol),
            wanted.get("security", channel.security),
        ) != (channel.protocol, channel.security):
            # a new protocol or security without a port: its usual port
            wanted["port"] = None
        if wanted.get("name") == "":
            wanted["name"] = channel.name
        fields = _clean(current | wanted)
        if "group" in changes:
            channel.group = _group(changes["group"])
        if (
            fields["name"] != channel.name
            and Channel.objects.filter(name=fields["name"]).exclude(pk=channel.pk).exists()
        ):
            raise Conflict(
                f"a channel {fields['name']!r} exists", code="channel.name_taken", field="name"
            )
        for key, value in fields.items():
            setattr(channel, key, value)
        channel.updated_by = actor.user
        channel.save()
    return get_channel(actor, channel.pk)


def set_channel_active(actor: Actor, channel_id: int, active: bool) -> Channel:
    """Enable or disable a channel (a disabled one is never fetched)."""
    return update_channel(actor, channel_id, active=active)


def delete_channel(actor: Actor, channel_id: int) -> None:
    """Remove a channel. Mail taken in through it stays; its failed mail stays too (no
    longer tied to a channel: a retry of it can only thread into existing tickets)."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    with transaction.atomic():
        deleted, _ = Channel.objects.filter(pk=channel_id).delete()
    if not deleted:
        raise NotFound(f"no channel {channel_id}", code="channel.not_found")


def describe_channel(channel: Channel) -> dict[str, Any]:
    """What any door may show of a channel: everything but the password."""
    return {
        "id": channel.pk,
        "name": channel.name,
        "group_id": channel.group_id,
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
        "created_at": channel.created_at,
        "updated_at": channel.updated_at,
    }


def list_channels(actor: Actor) -> list[dict[str, Any]]:
    perms.require(actor, perms.ADMIN_CHANNEL)
    return [describe_channel(c) for c in Channel.objects.select_related("group").order_by("id")]


def request_fetch(actor: Actor, channel_id: int) -> Channel:
    """ "Fetch now": queue one pass over this channel (after the commit); never waits for
    the mail server. A disabled channel is refused."""
    from helpline.mail import jobs
    from helpline.queue import enqueue_on_commit

    channel = get_channel(actor, channel_id)
    if not channel.active:
        raise Conflict("the channel is disabled", code="channel.inactive", field="active")
    enqueue_on_commit(jobs.fetch_one_channel, channel.pk)
    return channel


def check_channel(actor: Actor, channel_id: int) -> tuple[bool, str]:
    """Log in to the channel's server and open its folder, without reading or removing
    anything: ``(True, "")`` or ``(False, what went wrong)``. Waits at most
    ``TEST_TIMEOUT`` seconds per step."""
    from helpline.mail.services.fetch import SERVER_ERRORS, check_login

    channel = get_channel(actor, channel_id)
    try:
        check_login(channel, timeout=TEST_TIMEOUT)
    except SERVER_ERRORS as exc:  # what the server or the network said, shown to the admin
        return False, f"{type(exc).__name__}: {exc}"[:2000]
    return True, ""


def channel_groups(actor: Actor) -> list[Group]:
    """The groups a channel may file new tickets into: the active ones, by name."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    return list(Group.objects.filter(active=True).order_by("name"))
