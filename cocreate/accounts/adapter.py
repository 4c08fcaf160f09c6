from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from cocreate.brand.selectors import organization_get


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"[{organization_get().name}] {subject}"

    def get_client_ip(self, request: HttpRequest) -> str:
        # Behind a trusted proxy REMOTE_ADDR is the proxy; rate limits must key on the visitor.
        from django.conf import settings

        if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded:
                return forwarded.split(",")[-1].strip()
        return request.META.get("REMOTE_ADDR", "0.0.0.0")  # noqa: S104
