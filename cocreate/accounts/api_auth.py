from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from .services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cct_…` with a personal API token."""

    openapi_description = "A personal API token from your profile page."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The site's own htmx and fetch calls: the session cookie plus the CSRF token."""

    def __call__(self, request: HttpRequest) -> Any:
        # Without a logged-in session there is nothing for a forged request to borrow, so skip the CSRF
        # check: a script with a wrong or revoked token is then told to authenticate (401), not "CSRF".
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api_auth = [TokenAuth(), ActiveSessionAuth()]
