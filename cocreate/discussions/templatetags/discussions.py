from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("discussions/partials/thread.html", takes_context=True)
def discussion_thread(context: template.Context, discussion: Any) -> dict[str, Any]:
    """The comment list and form, for any owner's page that has `discussion` in its context."""
    from ..views import thread_context

    request = context.get("request")
    data = thread_context(request, discussion)  # type: ignore[arg-type]
    data["csrf_token"] = context.get("csrf_token")
    data["csp_nonce"] = context.get("csp_nonce")
    return data
