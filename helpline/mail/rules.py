"""Pure rules of mail: who is notified of what, message ids, subject tokens, threading and
loop detection. No database, no I/O."""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Iterable, Mapping
from datetime import timedelta
from email.message import Message
from email.utils import getaddresses

# Kinds of notification; a user switches one off with preferences["notifications"][kind] = False
# (or every kind with preferences["notifications"] = False).
CREATED = "ticket_created"
UPDATED = "ticket_updated"
ARTICLE = "article_added"
RESOLVED = "ticket_resolved"
MENTIONED = "ticket_mentioned"
DIGEST = "digest"
KINDS = (CREATED, UPDATED, ARTICLE, RESOLVED, MENTIONED, DIGEST)
# Kinds mailed to a ticket's submitter_email (django-helpdesk): creation, public follow-ups
# and the resolution; private follow-ups and other changes are not.
SUBMITTER_KINDS = frozenset({CREATED, ARTICLE, RESOLVED})

SUBJECT_TOKEN = re.compile(r"\[Ticket#\s*([A-Za-z0-9_\-]+)\]", re.IGNORECASE)
MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def wants(preferences: Mapping[str, object] | None, kind: str) -> bool:
    """Whether a user's preferences let a notification ``kind`` through (default: yes)."""
    chosen = (preferences or {}).get("notifications")
    if chosen is False:
        return False
    if isinstance(chosen, Mapping):
        return chosen.get(kind, True) is not False
    return True


def subject_line(number: str, title: str, prefix: str = "") -> str:
    """``[Ticket#NUMBER] title``, with an optional ``Re:`` style prefix."""
    text = f"[Ticket#{number}] {' '.join(title.split())}"
    return f"{prefix} {text}" if prefix else text


def ticket_number_in(subject: str) -> str | None:
    """The ticket number of a ``[Ticket#NUMBER]`` token in a subject, else ``None``."""
    match = SUBJECT_TOKEN.search(subject or "")
    return match.group(1) if match else None


def make_message_id(key: str, domain: str) -> str:
    """A stable Message-ID for one outgoing mail (the same key gives the same id, so a mail
    sent twice after a crash carries the same id and clients show it once)."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<helpline.{digest}@{domain}>"


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip(" >") or "localhost"


def message_id_md5(message_id: str) -> str:
    return hashlib.md5(message_id.strip().encode(), usedforsecurity=False).hexdigest()


def referenced_ids(in_reply_to: str, references: str) -> list[str]:
    """Message ids a reply points at, the most direct first (In-Reply-To, then References
    from the newest)."""
    found: list[str] = []
    for mid in MESSAGE_ID.findall(in_reply_to or "") + MESSAGE_ID.findall(references or "")[::-1]:
        if mid not in found:
            found.append(mid)
    return found


def thread_headers(root: str, parent: str) -> tuple[str, str]:
    """In-Reply-To and References of a notification: it answers ``parent`` (the article's own
    mail, or the ticket's first message) within the thread started by ``root``."""
    in_reply_to = parent or root
    refs = [r for r in dict.fromkeys([root, parent]) if r]
    return in_reply_to, " ".join(refs)


def backoff(attempt: int) -> timedelta:
    """Wait before retry number ``attempt`` (1, 2, ...): 1, 2, 4, 8 ... minutes, at most 1 h."""
    return timedelta(minutes=min(60, 2 ** max(0, attempt - 1)))


def plugin_argv(template: str, values: Mapping[str, str]) -> list[str]:
    """NodePoint's notification plugin: the command is split like a shell would
    (``shlex.split``) *before* substitution, then %user% %title% %message% are replaced inside
    each argument, so a value never becomes several arguments nor shell syntax."""
    argv = shlex.split(template)
    out = []
    for arg in argv:
        for name, value in values.items():
            arg = arg.replace(f"%{name}%", value)
        out.append(arg)
    return out


BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})


def noise_reason(message: Message, own_addresses: Iterable[str]) -> str | None:
    """Why an incoming message must not become a ticket nor be answered, else ``None``:
    our own mail coming back (X-Loop, sender is one of our addresses), an auto-reply
    (Auto-Submitted other than "no", X-Autoreply, X-Autorespond), or bulk/list mail
    (Precedence bulk/junk/list)."""
    own = {a.lower() for a in own_addresses if a}
    sender = sender_address(message)
    loop = str(message.get("X-Loop", "")).lower()
    if loop and any(address in loop for address in own):
        return "loop"
    if sender in own:
        return "own_address"
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return "auto_submitted"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "auto_submitted"
    if str(message.get("Precedence", "")).strip().lower() in BULK_PRECEDENCE:
        return "bulk"
    return None


def sender_address(message: Message) -> str:
    """The lower-cased address of From (Sender, Return-Path as fallbacks)."""
    for header in ("From", "Sender", "Return-Path"):
        pairs = getaddresses([str(message.get(header, ""))])
        for _name, addr in pairs:
            if "@" in addr:
                return addr.strip().lower()
    return ""


def sender_name(message: Message) -> str:
    pairs = getaddresses([str(message.get("From", ""))])
    return pairs[0][0].strip() if pairs else ""


def is_bounce(message: Message) -> bool:
    """A delivery status notification (RFC 3464) or a classic mailer-daemon bounce."""
    ctype = message.get_content_type()
    if ctype == "multipart/report" and "delivery-status" in str(
        message.get_param("report-type", "")
    ):
        return True
    sender = sender_address(message)
    return sender.startswith(("mailer-daemon@", "postmaster@")) or (
        not sender and bool(message.get("X-Failed-Recipients"))
    )
