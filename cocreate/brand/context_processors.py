from __future__ import annotations

from django.http import HttpRequest

from cocreate.accounts.selectors import terms_accepted

from .selectors import organization_get, terms_current


def brand(request: HttpRequest) -> dict[str, object]:
    org = organization_get()
    user = getattr(request, "user", None)
    pending = None
    if getattr(user, "is_authenticated", False):
        current = terms_current()
        if current is not None and not terms_accepted(user=user, terms=current):
            pending = current
    return {"brand": org, "terms_pending": pending}
