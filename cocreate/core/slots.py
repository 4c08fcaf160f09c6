"""Places on one app's page where other apps add a section (the reviews on a product page, the impact on a
member's page) without the page's app importing them: each app registers a renderer in its `ready()`, the
page names the slot with `{% slot "product_detail" product %}`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

# A renderer returns HTML (already escaped, e.g. from render_to_string) or "" to add nothing.
Renderer = Callable[[HttpRequest, Any], str]


@dataclass(frozen=True)
class _Entry:
    key: str
    order: int
    render: Renderer


_slots: dict[str, dict[str, _Entry]] = {}


def register(slot: str, key: str, render: Renderer, *, order: int = 50) -> None:
    """Add (or replace, by key) a section to `slot`."""
    _slots.setdefault(slot, {})[key] = _Entry(key=key, order=order, render=render)


def render(slot: str, request: HttpRequest, obj: Any) -> SafeString:
    entries = sorted(_slots.get(slot, {}).values(), key=lambda e: (e.order, e.key))
    parts = [e.render(request, obj) for e in entries]
    # Each renderer's HTML is trusted output of a template; join without escaping it again.
    return format_html_join("", "{}", ((mark_safe(p),) for p in parts if p))
