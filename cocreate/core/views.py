from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: answers 200 only when the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.error("health check failed: %s", exc)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def server_error(request: HttpRequest) -> JsonResponse | object:
    """Last resort: JSON for the API, a plain page for people. Logged by Django before it gets here."""
    from django.views.defaults import server_error as html_error

    if request.path.startswith("/api/"):
        detail = "Something went wrong on our side; it has been logged."
        return JsonResponse({"detail": detail, "errors": [{"field": None, "message": detail}]}, status=500)
    return html_error(request)
