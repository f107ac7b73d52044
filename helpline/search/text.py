"""Turning stored content into the plain text the index holds."""

from __future__ import annotations

import re
from html import unescape

# Content no reader sees: scripts, styles, the document head, comments.
_HIDDEN = re.compile(
    r"<(script|style|head|title)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Caps keep one huge email thread from making one huge index entry (PostgreSQL refuses a
# tsvector over 1 MB); the start of a text is what people search for.
MAX_RAW = 400_000


def clean(text: str, limit: int) -> str:
    """Cut at ``limit`` characters, control characters (NUL breaks PostgreSQL) made spaces."""
    text = text[:limit]
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    return text.strip()


def html_to_text(html: str) -> str:
    """The visible text of an HTML fragment: tags become spaces so words stay apart."""
    text = _HIDDEN.sub(" ", html[:MAX_RAW])
    text = _TAG.sub(" ", text)
    return unescape(text)


def body_text(body: str, content_type: str) -> str:
    """An article body as plain text (HTML stripped; plain text and markdown as stored)."""
    if "html" in content_type.lower():
        return html_to_text(body)
    return body[:MAX_RAW]
