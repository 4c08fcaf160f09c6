"""Remember the participation point a visitor arrived through (`?pp=<point id>&tp=<touchpoint id>`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import selectors, services


class AttributionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pp = request.GET.get("pp") if request.method == "GET" else None
        if pp and hasattr(request, "session"):
            point = selectors.point_get_public(pp)
            if point is not None:  # a forged or stale id is ignored, never an error
                services.attribution_remember(request.session, point, request.GET.get("tp"))
        return self.get_response(request)
