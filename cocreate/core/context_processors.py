from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from . import navigation


def site(request: HttpRequest) -> dict[str, object]:
    nav = []
    for item in navigation.items_for(getattr(request, "user", None)):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        nav.append(
            {
                "key": item.key,
                "label": item.label,
                "url": url,
                "active": request.path.startswith(url) and (url != "/" or request.path == "/"),
            }
        )
    return {"csp_nonce": getattr(request, "csp_nonce", ""), "nav_items": nav}
