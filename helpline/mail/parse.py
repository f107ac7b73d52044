"""Reading a raw message into what a ticket needs: headers, one body (HTML sanitized, plain
text kept), attachments and inline images. Pure: no database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.errors import (
    MissingHeaderBodySeparatorDefect,
    MultipartInvariantViolationDefect,
    NoBoundaryInMultipartDefect,
    StartBoundaryNotFoundDefect,
)
from email.message import EmailMessage, Message
from email.utils import getaddresses
from typing import Any

from helpline.lib.html import sanitize_html
from helpline.mail import rules

# Structural defects after which the message cannot be read reliably: kept as failed mail.
FATAL_DEFECTS = (
    NoBoundaryInMultipartDefect,
    StartBoundaryNotFoundDefect,
    MultipartInvariantViolationDefect,
    MissingHeaderBodySeparatorDefect,
)


class Unparseable(Exception):
    """The message cannot be turned into an article (kept as failed mail)."""


@dataclass
class Attachment:
    filename: str
    data: bytes
    content_type: str
    inline: bool = False
    content_id: str = ""


@dataclass
class ParsedMail:
    message: EmailMessage
    message_id: str
    subject: str
    from_address: str
    from_name: str
    from_header: str
    to: str
    cc: str
    in_reply_to: str
    references: str
    body: str
    content_type: str
    attachments: list[Attachment] = field(default_factory=list)


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header the policy cannot decode: keep its raw text
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def generated_message_id(raw: bytes) -> str:
    """A message without a Message-ID is known by the digest of its bytes."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@generated.helpline>"


def _decode(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if isinstance(content, bytes):
        return content.decode("utf-8", errors="replace")
    return str(content)


def parse_message(raw: bytes) -> ParsedMail:
    """Parse ``raw``; raise ``Unparseable`` for a message with broken structure or no
    sender address."""
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # pragma: no cover - the parser is lenient; defensive
        raise Unparseable(f"cannot parse: {exc}") from exc
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default gives one
        raise Unparseable("not a mail message")
    defects = list(message.defects)
    for part in message.walk():
        defects.extend(part.defects)
    fatal = [d for d in defects if isinstance(d, FATAL_DEFECTS)]
    if fatal:
        raise Unparseable(f"broken MIME structure: {type(fatal[0]).__name__}")
    sender = rules.sender_address(message)
    if not sender:
        raise Unparseable("no sender address")
    message_id = (rules.MESSAGE_ID.findall(_header(message, "Message-ID")) or [""])[0]
    body, content_type, body_parts = _body(message)
    attachments = _attachments(message, body_parts)
    return ParsedMail(
        message=message,
        message_id=message_id or generated_message_id(raw),
        subject=_header(message, "Subject"),
        from_address=sender,
        from_name=rules.sender_name(message),
        from_header=_header(message, "From"),
        to=", ".join(a for _, a in getaddresses([_header(message, "To")]) if a),
        cc=", ".join(a for _, a in getaddresses([_header(message, "Cc")]) if a),
        in_reply_to=_header(message, "In-Reply-To"),
        references=_header(message, "References"),
        body=body,
        content_type=content_type,
        attachments=attachments,
    )


def _body(message: EmailMessage) -> tuple[str, str, set[int]]:
    """The article body: the HTML alternative sanitized, else the plain text."""
    html = message.get_body(preferencelist=("html",))
    plain = message.get_body(preferencelist=("plain",))
    used = {id(p) for p in (html, plain) if p is not None}
    if html is not None and html.get_content_disposition() != "attachment":
        text = sanitize_html(_decode(html)).strip()
        if text:
            return text, "text/html", used
    if plain is not None and plain.get_content_disposition() != "attachment":
        return _decode(plain).strip() or "(empty message)", "text/plain", used
    return "(empty message)", "text/plain", used


def _attachments(message: EmailMessage, body_parts: set[int]) -> list[Attachment]:
    """Every non-body leaf part (attachments, inline images) and every forwarded message
    (``message/rfc822``, kept whole as a .eml file)."""
    found: list[Attachment] = []

    def visit(part: Any) -> None:
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            data = (
                inner[0].as_bytes(policy=policy.SMTP)
                if isinstance(inner, list) and inner
                else bytes(part.get_payload(decode=True) or b"")
            )
            name = part.get_filename() or f"forwarded-{len(found) + 1}.eml"
            found.append(Attachment(name, data, "message/rfc822"))
            return
        if part.is_multipart():
            for sub in part.iter_parts():
                visit(sub)
            return
        if id(part) in body_parts:
            return
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if ctype in ("text/plain", "text/html") and not filename and disposition != "attachment":
            return  # a further text alternative of the body
        data = part.get_payload(decode=True) or b""
        if not filename:
            extension = ctype.split("/")[-1].split("+")[0] or "bin"
            filename = f"part-{len(found) + 1}.{extension}"
        found.append(
            Attachment(
                filename=filename,
                data=bytes(data),
                content_type=ctype,
                inline=disposition == "inline" or bool(part.get("Content-ID")),
                content_id=str(part.get("Content-ID", "")).strip("<> "),
            )
        )

    visit(message)
    return found
