"""Bodies reach browsers only through the sanitizer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from helpline.lib import html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>hi<script>alert(1)</script></p>", "<p>hi</p>"),
        ('<p onclick="steal()">x</p>', "<p>x</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        ('<img src="x" onerror="steal()">', '<img src="x">'),
        ('<img src="data:image/png;base64,AAAA">', "<img>"),
        ("<style>body{display:none}</style><b>x</b>", "<b>x</b>"),
        ('<iframe src="https://evil.test"></iframe>ok', "ok"),
        ('<div style="position:fixed">x</div>', "<div>x</div>"),
        ("<form><input name=p></form>y", "y"),
        (
            '<a href="https://ok.test/a" target="_blank">x</a>',
            '<a href="https://ok.test/a" rel="noopener noreferrer nofollow">x</a>',
        ),
        ('<img src="cid:part1@mail">', '<img src="cid:part1@mail">'),
        (
            "<table><tr><td colspan=2>a</td></tr></table>",
            '<table><tbody><tr><td colspan="2">a</td></tr></tbody></table>',
        ),
        ("<!-- secret --><i>x</i>", "<i>x</i>"),
    ],
)
def test_sanitize(dirty, clean):
    assert html.sanitize_html(dirty) == clean


def test_markdown_is_rendered_then_sanitized():
    assert html.render_markdown(
        "**bold** and [x](javascript:alert(1))\n\n<script>bad()</script>"
    ) == ('<p><strong>bold</strong> and <a rel="noopener noreferrer nofollow">x</a></p>\n')
    assert html.render_markdown("- a\n- b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert html.render_markdown("line one\nline two") == "<p>line one<br>\nline two</p>"


def test_plain_text_is_escaped_with_its_line_breaks():
    assert (
        html.plain_to_html('<b>"x"</b> & y\r\nz') == "&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; y<br>z"
    )


def test_article_html_by_content_type():
    def body(value, content_type):
        return html.article_html(SimpleNamespace(body=value, content_type=content_type))

    assert body("<b>x</b><script>y</script>", "text/html") == "<b>x</b>"
    assert body("*x*", "text/markdown") == "<p><em>x</em></p>"
    assert body("<b>x</b>", "text/plain") == "&lt;b&gt;x&lt;/b&gt;"


def test_html_to_text():
    assert (
        html.html_to_text("<p>Hello <b>you</b> &amp; me</p><script>x()</script>")
        == "Hello you & me"
    )


def test_markdown_is_rendered_once_and_kept_within_its_bound(monkeypatch):
    monkeypatch.setattr(html, "MARKDOWN_KEPT_CHARS", 200)
    monkeypatch.setattr(html, "_markdown_kept", html.OrderedDict())
    monkeypatch.setattr(html, "_markdown_kept_chars", 0)
    first = "**kept** <script>x()</script> one"
    done = html.to_html(first, "text/markdown")
    assert done == "<p><strong>kept</strong>  one</p>"
    assert html.to_html(first, "text/markdown") is done  # the kept result, not a new one
    # Past the bound the oldest bodies go first; what is kept never exceeds it.
    for n in range(10):
        html.to_html(f"*body {n}* " + "x" * 20, "text/markdown")
    assert first not in html._markdown_kept
    kept = sum(len(body) + len(done) for body, done in html._markdown_kept.items())
    assert kept == html._markdown_kept_chars <= 200
    again = html.to_html(first, "text/markdown")
    assert again == done
    assert again is not done  # rendered anew
    # A body longer than MARKDOWN_KEPT_BODY is rendered every time and never kept.
    long_body = "*y* " * (html.MARKDOWN_KEPT_BODY // 4 + 1)
    assert html.to_html(long_body, "text/markdown").startswith("<p><em>y</em>")
    assert long_body not in html._markdown_kept
