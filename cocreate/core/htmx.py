"""One view answers both the full page and the htmx fragment; these helpers tell which is wanted."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page. A boosted link wants the whole page, and so does
    htmx restoring a pushed URL from history (it swaps the answer in as the page's body)."""
    details = getattr(request, "htmx", None)
    return (
        bool(details)
        and not getattr(details, "boosted", False)
        and not getattr(details, "history_restore_request", False)
    )
