"""The site navigation: each app registers its own sections when it is ready, so the menu only ever
lists pages that exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Audience = Literal["everyone", "members", "staff"]


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int = 50
    audience: Audience = "everyone"


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def items_for(user: object) -> list[NavItem]:
    authenticated = bool(getattr(user, "is_authenticated", False))
    staff = bool(getattr(user, "is_staff", False))
    visible = [
        i
        for i in _items.values()
        if i.audience == "everyone"
        or (i.audience == "members" and authenticated)
        or (i.audience == "staff" and staff)
    ]
    return sorted(visible, key=lambda i: (i.order, i.key))
