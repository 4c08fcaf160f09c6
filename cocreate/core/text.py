"""User text: markdown rendered through an allow-list sanitizer.

Every piece of text a person writes is rendered with `render_markdown`; raw HTML in the input is escaped
by the parser and the output passes nh3 (ammonia), so a script can never reach a page.
"""

from __future__ import annotations

from html import unescape

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "s",  # markdown-it renders ~~strikethrough~~ as <s>
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
MAX_TEXT_LENGTH = 100_000


def render_markdown(source: str) -> str:
    """Markdown to safe HTML. Headings are shifted down so user text never outranks the page's own."""
    html = _md.render(source or "")
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )


def plain_text(source: str, limit: int = 280) -> str:
    """A short plain-text excerpt, for cards, emails and notifications."""
    # Stripping tags leaves entities (&amp;, &lt;): unescape them, since this is text, escaped where shown.
    text = unescape(nh3.clean(_md.render(source or ""), tags=set())).strip()
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
