"""The outgoing mail server: where every mail Helpline sends goes through, and its sender.

Three sources, the first that applies wins:

1. the environment: ``HELPLINE_SMTP_URL`` (settings.py then sets Django's SMTP backend and
   ``EMAIL_*``; ``HELPLINE_FROM_EMAIL`` the sender). It cannot be changed here;
2. the server administrators saved on the mail settings page or through the API
   (``MailServer``, one row), with its own sender;
3. none: Django's default connection, i.e. files in ``DATA_DIR/outbox`` (``locmem`` in
   tests), and ``DEFAULT_FROM_EMAIL`` as the sender.

``connection()`` and ``sender_address()`` are unchecked plumbing for every sender of mail
(the outbox, account mail, the loop and thread checks of mail taken in); ``describe``,
``update``, ``clear`` and ``send_test`` are the checked services (``admin.channel``). The
password is write-only: nothing here returns it.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import smtplib
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core import permissions as perms
from helpline.core.models.setting import MailServer
from helpline.core.services.settings import get_setting
from helpline.lib import refcache
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid

log = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SECURITIES = ("none", "starttls", "tls")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}
TIMEOUT = 20  # seconds, like HELPLINE_SMTP_URL's connection
FIELDS = ("host", "port", "security", "username", "password", "clear_password", "sender")
ROW_ID = 1
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")


def from_environment() -> bool:
    """True when ``HELPLINE_SMTP_URL`` configures the SMTP server (it then wins)."""
    return bool(settings.EMAIL_BACKEND == SMTP_BACKEND)


def _stored() -> MailServer | None:
    """The saved server, read once per process until it changes (``refcache``; watched
    with the settings). Shared: callers only read it."""
    return refcache.cached("core.mail_server", _read_stored)


def _read_stored() -> MailServer | None:
    return MailServer.objects.filter(pk=ROW_ID, host__gt="").first()


def connection() -> BaseEmailBackend:
    """The mail connection every sender uses: the environment's SMTP server, else the one
    saved by administrators, else Django's default (the file outbox)."""
    if not from_environment():
        row = _stored()
        if row is not None:
            return get_connection(
                SMTP_BACKEND,
                host=row.host,
                port=row.port,
                username=row.username,
                password=row.password,
                use_tls=row.security == "starttls",
                use_ssl=row.security == "tls",
                timeout=TIMEOUT,
            )
    return get_connection()


def sender_address() -> str:
    """The address mail goes out from (and Helpline's own address when mail comes in): the
    saved sender unless the environment sets the server, else ``HELPLINE_FROM_EMAIL``."""
    if not from_environment():
        row = _stored()
        if row is not None and row.sender:
            return row.sender
    return str(settings.DEFAULT_FROM_EMAIL)


def own_addresses() -> set[str]:
    """Helpline's own sender addresses, lower-cased: the one mail goes out from now and
    ``HELPLINE_FROM_EMAIL`` (the sender before one was saved), so that mail from either is a
    loop and threads begun under either are still recognised. One query."""
    return {sender_address().lower(), str(settings.DEFAULT_FROM_EMAIL).lower()}


def describe(actor: Actor) -> dict[str, Any]:
    """What the settings page and the API show (``admin.channel``): ``source`` is
    ``environment``, ``settings`` or ``none``; never the password (``password_set`` says
    whether one is stored). ``custom_sender`` is the saved sender ("" when the default
    ``default_sender`` is used); ``file_path`` the outbox folder when there is no server."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    default_sender = str(settings.DEFAULT_FROM_EMAIL)
    shown: dict[str, Any] = {
        "source": "none",
        "host": "",
        "port": None,
        "security": "",
        "username": "",
        "password_set": False,
        "sender": default_sender,
        "custom_sender": "",
        "default_sender": default_sender,
        "file_path": "",
        "updated_at": None,
        "updated_by": "",
    }
    if from_environment():
        shown.update(
            source="environment",
            host=settings.EMAIL_HOST,
            port=settings.EMAIL_PORT,
            security="tls"
            if settings.EMAIL_USE_SSL
            else "starttls"
            if settings.EMAIL_USE_TLS
            else "none",
            username=settings.EMAIL_HOST_USER,
            password_set=bool(settings.EMAIL_HOST_PASSWORD),
        )
        return shown
    row = MailServer.objects.select_related("updated_by").filter(pk=ROW_ID, host__gt="").first()
    if row is None:
        shown["file_path"] = str(getattr(settings, "EMAIL_FILE_PATH", "") or "")
        return shown
    shown.update(
        source="settings",
        host=row.host,
        port=row.port,
        security=row.security,
        username=row.username,
        password_set=bool(row.password),
        sender=row.sender or default_sender,
        custom_sender=row.sender,
        updated_at=row.updated_at,
        updated_by=row.updated_by.login if row.updated_by else "",
    )
    return shown


def _refuse_environment() -> None:
    if from_environment():
        raise Conflict(
            "HELPLINE_SMTP_URL in the environment sets the outgoing mail server",
            code="mail_server.environment",
        )


def valid_host(host: str) -> bool:
    """A host name (letters, digits, hyphens, dots; an optional final dot) or an IP
    address: no scheme, port, path or spaces."""
    if not host or len(host) > 253:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    return all(_LABEL.match(label) for label in labels)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check every field as it will be stored; the first bad one is refused by name."""
    out = dict(values)
    out["host"] = str(out.get("host") or "").strip()
    if not valid_host(out["host"]):
        raise Invalid(
            "the host is a server name or an IP address (no scheme, port or spaces)",
            code="mail_server.host_invalid",
            field="host",
        )
    port = out["port"]
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise Invalid("the port is 1 to 65535", code="mail_server.port_invalid", field="port")
    if out["security"] not in SECURITIES:
        raise Invalid(
            "security is none, starttls or tls",
            code="mail_server.security_invalid",
            field="security",
        )
    username = out["username"]
    if not isinstance(username, str):
        raise Invalid(
            "the user name is text", code="mail_server.username_invalid", field="username"
        )
    out["username"] = username = username.strip()
    # SMTP AUTH (Python's smtplib) sends user name and password as ASCII
    if len(username) > 254 or not all(32 <= ord(c) < 127 for c in username):
        raise Invalid(
            "the user name has at most 254 ASCII characters, no line breaks",
            code="mail_server.username_invalid",
            field="username",
        )
    password = out["password"]
    if not isinstance(password, str) or len(password) > 1000:
        raise Invalid(
            "the password has at most 1000 characters",
            code="mail_server.password_too_long",
            field="password",
        )
    if not all(0 < ord(c) < 128 for c in password):
        raise Invalid(
            "the password is ASCII, without NUL characters",
            code="mail_server.password_invalid",
            field="password",
        )
    if username and not password:
        raise Invalid(
            "a user name needs a password", code="mail_server.password_missing", field="password"
        )
    sender = out["sender"]
    if not isinstance(sender, str):
        raise Invalid(
            "the sender is an email address", code="mail_server.sender_invalid", field="sender"
        )
    out["sender"] = sender = sender.strip()
    if sender:
        try:
            if len(sender) > 254:
                raise ValidationError("too long")
            validate_email(sender)
            # an international domain is kept as its ASCII form (headers, Message-IDs)
            local, domain = sender.rsplit("@", 1)
            out["sender"] = f"{local}@{domain.encode('idna').decode('ascii')}"
        except (ValidationError, UnicodeError):
            raise Invalid(
                "the sender is an email address",
                code="mail_server.sender_invalid",
                field="sender",
            ) from None
    return out


def update(actor: Actor, **changes: Any) -> dict[str, Any]:
    """Save the outgoing mail server (``admin.channel``); only the fields given change:
    ``host``, ``port`` (``None``: the usual port of ``security``; a new security without a
    port moves from the old usual port to the new one), ``security`` (none, starttls, tls),
    ``username``, ``password`` (empty or missing keeps the stored one), ``clear_password``
    (removes it), ``sender`` (empty: ``HELPLINE_FROM_EMAIL``). The first save needs a host.
    Refused, writing nothing, when a field is bad or the environment sets the server."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise Invalid(
            f"unknown field {unknown[0]}", code="mail_server.field_unknown", field=unknown[0]
        )
    _refuse_environment()
    clear_password = bool(changes.pop("clear_password", False))
    if changes.get("password") in (None, ""):
        changes.pop("password", None)
    elif clear_password:
        raise Invalid(
            "either a new password or clear it, not both",
            code="mail_server.password_conflict",
            field="password",
        )
    with transaction.atomic():
        row = MailServer.objects.select_for_update().filter(pk=ROW_ID).first()
        current: dict[str, Any] = {
            "host": row.host if row else "",
            "port": row.port if row else DEFAULT_PORTS["starttls"],
            "security": row.security if row else "starttls",
            "username": row.username if row else "",
            "password": "" if clear_password or row is None else row.password,
            "sender": row.sender if row else "",
        }
        wanted = current | changes
        if (
            "port" not in changes
            and wanted["security"] != current["security"]
            and current["port"] == DEFAULT_PORTS.get(current["security"])
        ):
            wanted["port"] = None
        if wanted["port"] is None and wanted["security"] in DEFAULT_PORTS:
            wanted["port"] = DEFAULT_PORTS[wanted["security"]]
        fields = _clean(wanted)
        if row is None:
            row = MailServer(pk=ROW_ID, created_by=actor.user)
        for key, value in fields.items():
            setattr(row, key, value)
        row.updated_by = actor.user
        row.save()
    log.info("outgoing mail server set to %s:%s by %s", row.host, row.port, actor)
    return describe(actor)


def clear(actor: Actor) -> dict[str, Any]:
    """Forget the saved server (``admin.channel``): mail is kept as files in the outbox
    folder again. Refused when the environment sets the server."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    _refuse_environment()
    with transaction.atomic():
        MailServer.objects.filter(pk=ROW_ID).delete()
    log.info("outgoing mail server removed by %s", actor)
    return describe(actor)


def _failure(exc: Exception) -> str:
    """What went wrong, in one line, for the administrator."""
    if isinstance(exc, smtplib.SMTPResponseException):
        said = exc.smtp_error
        text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        return f"{type(exc).__name__}: {exc.smtp_code} {' '.join(text.split())}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
            for address, (code, msg) in exc.recipients.items()
        )
        return f"{type(exc).__name__}: {refused}"
    return f"{type(exc).__name__}: {exc}"


def send_test(actor: Actor, to: str) -> dict[str, Any]:
    """Send a short test message to ``to`` now, the way every mail goes (``admin.channel``).
    A failure of the server or the network is an ``Invalid`` (``mail_server.test_failed``)
    saying what went wrong. Answers ``describe`` with ``to``."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    to = (to or "").strip()
    try:
        validate_email(to)
    except ValidationError:
        raise Invalid(
            "the test message needs an email address to go to",
            code="mail_server.recipient_invalid",
            field="to",
        ) from None
    shown = describe(actor)
    site_name = str(get_setting("site.name"))
    message = EmailMessage(
        subject=_("Test message from %(site)s") % {"site": site_name},
        body=_(
            "This is a test message from %(site)s. Outgoing mail works: mail from this "
            "service desk reaches this address."
        )
        % {"site": site_name},
        from_email=formataddr((site_name, sender_address())),
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
        connection=connection(),
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError, UnicodeError) as exc:
        log.warning("test message to %s failed: %s", to, exc)
        raise Invalid(_failure(exc)[:1000], code="mail_server.test_failed") from None
    log.info("test message sent to %s by %s", to, actor)
    return shown | {"to": to}
