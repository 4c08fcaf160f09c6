from __future__ import annotations

from typing import Any

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def is_following(context: template.Context, target_type: str, target_id: Any) -> bool:
    user = context.get("user")
    try:
        pk = int(target_id)
    except (TypeError, ValueError):
        return False
    return selectors.is_following(user=user, target_type=str(target_type), target_id=pk)


@register.inclusion_tag("notifications/partials/unread_badge.html", takes_context=True)
def unread_badge(context: template.Context) -> dict[str, Any]:
    """The unread count for the header: {% load notifications %}{% unread_badge %}."""
    user = context.get("user")
    return {"count": selectors.unread_count(user), "user": user}
