"""HTML safety: every body that reaches a browser goes through here.

Article bodies arrive as HTML (mail, Zammad's API), markdown (Flicket) or plain text
(NodePoint, django-helpdesk). They are stored as received and made safe on output:
HTML is cleaned with nh3 down to a formatting subset (no scripts, no styles, no event
handlers, no ``javascript:`` or ``data:`` URLs), markdown is rendered with Markdown and
then cleaned the same way, plain text is escaped with its line breaks kept.
"""

from __future__ import annotations

import html as _html
import threading
from collections import OrderedDict
from typing import Protocol

import markdown as _markdown
import nh3

# A formatting subset: text structure, lists, tables, quotes, code, links and images.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
        "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strike",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "ol": {"start"},
    "abbr": {"title"},
}
# ``cid:`` lets mail bodies point at their inline images (served as attachments).
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel", "cid"})
# Tags dropped together with everything inside them.
DROP_WITH_CONTENT: frozenset[str] = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed"}
)

MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "nl2br"]


def sanitize_html(value: str) -> str:
    """``value`` reduced to the allowed formatting subset; safe to insert into a page."""
    return nh3.clean(
        value or "",
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(value: str) -> str:
    """Markdown rendered to HTML, then sanitized (raw HTML inside markdown is cleaned too)."""
    rendered = _markdown.markdown(value or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return sanitize_html(rendered)


def plain_to_html(value: str) -> str:
    """Plain text escaped for HTML, line breaks kept as ``<br>``."""
    escaped = _html.escape(value or "", quote=True)
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def html_to_text(value: str) -> str:
    """The visible text of an HTML body (tags removed, entities decoded), for previews."""
    stripped = nh3.clean(value or "", tags=set(), clean_content_tags=set(DROP_WITH_CONTENT))
    return _html.unescape(stripped).strip()


def to_html(body: str, content_type: str) -> str:
    """Safe HTML for a body of ``content_type`` (text/html, text/markdown or text/plain)."""
    if content_type == "text/html":
        return sanitize_html(body)
    if content_type == "text/markdown":
        return _markdown_once(body or "")
    return plain_to_html(body)


# Rendering markdown costs about 0.6 ms for a 500-character body: a thread of fifty replies
# written in the browser would spend 30 ms on it per view. The result depends on the text
# alone, so each process keeps the latest ones, up to MARKDOWN_KEPT_CHARS of text.
MARKDOWN_KEPT_CHARS = 2_000_000
MARKDOWN_KEPT_BODY = 20_000  # a longer body is rendered every time
_markdown_kept: OrderedDict[str, str] = OrderedDict()
_markdown_kept_chars = 0
_markdown_lock = threading.Lock()


def _markdown_once(body: str) -> str:
    global _markdown_kept_chars
    with _markdown_lock:
        done = _markdown_kept.get(body)
        if done is not None:
            _markdown_kept.move_to_end(body)
            return done
    done = render_markdown(body)
    size = len(body) + len(done)
    if len(body) > MARKDOWN_KEPT_BODY:
        return done
    with _markdown_lock:
        if body not in _markdown_kept:
            _markdown_kept[body] = done
            _markdown_kept_chars += size
        while _markdown_kept_chars > MARKDOWN_KEPT_CHARS:
            old_body, old_html = _markdown_kept.popitem(last=False)
            _markdown_kept_chars -= len(old_body) + len(old_html)
    return done


class HasBody(Protocol):
    body: str
    content_type: str


def article_html(article: HasBody) -> str:
    """What a door shows for an article: its body as safe HTML, whatever it was written in."""
    return to_html(article.body, article.content_type)
