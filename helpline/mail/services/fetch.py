"""Fetching mail from channels (IMAP with TLS / STARTTLS / plain, POP3).

A message is removed from the server (IMAP: flagged ``\\Deleted`` and expunged; POP3: DELE,
applied at QUIT) only *after* ``ingest_raw`` returned, i.e. after its ticket, article,
ignore record or failed-mail copy is committed. A worker that dies in between leaves the
message on the server; the next pass reads it again and the Message-ID record makes it a
no-op ("duplicate") before it is removed. Nothing is lost, nothing doubled.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import poplib
import ssl
from collections.abc import Callable
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from helpline.core import permissions as perms
from helpline.lib.actor import Actor
from helpline.mail.models import Channel
from helpline.mail.services.ingest import Outcome, ingest_raw

log = logging.getLogger(__name__)

TIMEOUT = 30
# what a mail server or the network can answer instead of mail
SERVER_ERRORS = (OSError, imaplib.IMAP4.error, poplib.error_proto, ssl.SSLError)
Ingest = Callable[..., Outcome]


def fetch_all(actor: Actor) -> dict[str, int]:
    """One pass over every active channel (``helpline mail fetch``)."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    return _fetch(Channel.objects.filter(active=True).order_by("id"))


def fetch_one(channel_id: int) -> dict[str, int]:
    """One pass over one channel ("fetch now" on the settings page or the API, as a job);
    nothing when it was disabled or removed meanwhile."""
    return _fetch(Channel.objects.filter(pk=channel_id, active=True))


def fetch_due_channels() -> dict[str, int]:
    """The periodic job: the channels whose polling interval has come round."""
    now = timezone.now()
    due = [
        c
        for c in Channel.objects.filter(active=True).filter(
            Q(last_fetch_at__isnull=True) | Q(last_fetch_at__lte=now - timedelta(seconds=10))
        )
        if c.last_fetch_at is None or c.last_fetch_at + timedelta(seconds=c.poll_interval) <= now
    ]
    return _fetch(due)


def _fetch(channels: object) -> dict[str, int]:
    totals: dict[str, int] = {}
    for channel in channels:  # type: ignore[attr-defined]
        try:
            counts = fetch_channel(channel)
            Channel.objects.filter(pk=channel.pk).update(
                last_fetch_at=timezone.now(), last_error=""
            )
        except SERVER_ERRORS as exc:
            log.error("channel %s: %s", channel.name, exc)
            Channel.objects.filter(pk=channel.pk).update(
                last_fetch_at=timezone.now(), last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            counts = {"errors": 1}
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    return totals


def fetch_channel(channel: Channel, *, ingest: Ingest = ingest_raw) -> dict[str, int]:
    """Read every message of one channel, take each in, then remove it from the server."""
    if channel.protocol == Channel.Protocol.POP3:
        return _fetch_pop3(channel, ingest)
    return _fetch_imap(channel, ingest)


def _context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _count(counts: dict[str, int], outcome: Outcome) -> None:
    counts[outcome.kind] = counts.get(outcome.kind, 0) + 1


def check_login(channel: Channel, *, timeout: float = TIMEOUT) -> None:
    """Connect, log in and open the folder (IMAP, read-only) or count the messages (POP3),
    then leave without touching anything; raises one of ``SERVER_ERRORS`` on failure."""
    if channel.protocol == Channel.Protocol.POP3:
        pop = _open_pop3(channel, timeout)
        try:
            pop.user(channel.username)
            pop.pass_(channel.password)
            pop.stat()
            pop.quit()
        finally:
            pop.close()
        return
    conn = _open_imap(channel, timeout)
    try:
        conn.login(channel.username, channel.password)
        typ, _ = conn.select(_quote(channel.folder), readonly=True)
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {channel.folder}")
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()


def _open_imap(channel: Channel, timeout: float) -> imaplib.IMAP4:
    conn: imaplib.IMAP4
    if channel.security == Channel.Security.TLS:
        conn = imaplib.IMAP4_SSL(
            channel.host, channel.port, ssl_context=_context(), timeout=timeout
        )
    else:
        conn = imaplib.IMAP4(channel.host, channel.port, timeout=timeout)
        if channel.security == Channel.Security.STARTTLS:
            conn.starttls(ssl_context=_context())
    return conn


def _open_pop3(channel: Channel, timeout: float) -> poplib.POP3:
    conn: poplib.POP3
    if channel.security == Channel.Security.TLS:
        conn = poplib.POP3_SSL(channel.host, channel.port, context=_context(), timeout=timeout)
    else:
        conn = poplib.POP3(channel.host, channel.port, timeout=timeout)
        if channel.security == Channel.Security.STARTTLS:
            conn.stls(context=_context())
    return conn


def _fetch_imap(channel: Channel, ingest: Ingest) -> dict[str, int]:
    conn = _open_imap(channel, TIMEOUT)
    counts: dict[str, int] = {}
    try:
        conn.login(channel.username, channel.password)
        typ, _ = conn.select(_quote(channel.folder))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {channel.folder}")
        typ, data = conn.uid("SEARCH", None, "NOT DELETED")  # type: ignore[arg-type]
        uids = data[0].split() if typ == "OK" and data and data[0] else []
        for uid in uids:
            typ, parts = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next(
                (p[1] for p in parts or [] if isinstance(p, tuple) and len(p) > 1),
                None,
            )
            if typ != "OK" or not isinstance(raw, bytes):
                continue  # vanished meanwhile: nothing to take in
            _count(counts, ingest(raw, channel=channel))
            # committed: only now may the server copy go
            conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
        conn.expunge()  # also what an earlier, interrupted pass flagged
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()
    return counts


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetch_pop3(channel: Channel, ingest: Ingest) -> dict[str, int]:
    conn = _open_pop3(channel, TIMEOUT)
    counts: dict[str, int] = {}
    try:
        conn.user(channel.username)
        conn.pass_(channel.password)
        count, _ = conn.stat()
        for number in range(1, count + 1):
            _resp, lines, _octets = conn.retr(number)
            _count(counts, ingest(b"\r\n".join(lines) + b"\r\n", channel=channel))
            conn.dele(number)  # applied at QUIT, after the commit above
        conn.quit()
    except BaseException:
        # no QUIT: the server keeps every message (DELE is undone), read again next pass
        conn.close()
        raise
    return counts
