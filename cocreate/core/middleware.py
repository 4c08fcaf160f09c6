"""Request ids, access logs and the Content-Security-Policy header."""

from __future__ import annotations

import logging
import re
import secrets
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import LazyObject, empty

from .logging import request_id_var

access_log = logging.getLogger("cocreate.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _known_user_id(request: HttpRequest) -> int | None:
    """The user id if this request already looked the user up; logging must not cost a session query."""
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject) and user._wrapped is empty:  # type: ignore[attr-defined]
        return None
    return getattr(user, "pk", None)


class RequestIdMiddleware:
    """Give every request an id (a trusted proxy's X-Request-ID, or a new one), log it and echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if not request.path.startswith(settings.STATIC_URL):
                access_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "user_id": _known_user_id(request),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)


class ContentSecurityPolicyMiddleware:
    """Send a strict CSP built from settings.CONTENT_SECURITY_POLICY.

    `'nonce'` in a directive is replaced by a per-request nonce that templates read as `csp_nonce`.
    A view may widen `frame-ancestors` (embeddable widgets) by setting `response.csp_frame_ancestors`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        policy = dict(settings.CONTENT_SECURITY_POLICY)
        ancestors = getattr(response, "csp_frame_ancestors", None)
        if ancestors is not None:
            policy["frame-ancestors"] = list(ancestors) or ["'none'"]
        parts = []
        for directive, sources in policy.items():
            values = [f"'nonce-{nonce}'" if source == "'nonce'" else source for source in sources]
            parts.append(f"{directive} {' '.join(values)}")
        response["Content-Security-Policy"] = "; ".join(parts)
        return response


class ApiErrorShapeMiddleware:
    """Answers that never reached an API view (a wrong method, a body too large to read) still speak the
    API's one error shape: `{"detail": …, "errors": [{"field": …, "message": …}]}`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            detail = {
                405: f"{request.method} is not allowed here; allowed: {response.get('Allow', 'none')}.",
                413: "The request body is too large.",
            }.get(response.status_code, "The request could not be handled.")
            shaped = JsonResponse(
                {"detail": detail, "errors": [{"field": None, "message": detail}]},
                status=response.status_code,
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
