from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.static import serve

from cocreate.api import api
from cocreate.core.views import healthz


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    detail = "No such API endpoint. See /api/v1/docs for the list."
    return JsonResponse({"detail": detail, "errors": [{"field": None, "message": detail}]}, status=404)


admin.site.site_header = "Cocreate back office"
admin.site.site_title = "Cocreate back office"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    re_path(r"^api/v1/$", api_not_found),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("cocreate.accounts.urls")),
    path("", include("cocreate.brand.urls")),
    path("", include("cocreate.journeys.urls")),
    path("", include("cocreate.challenges.urls")),
    path("", include("cocreate.discussions.urls")),
    path("", include("cocreate.community.urls")),
    path("", include("cocreate.insights.urls")),
    path("", include("cocreate.rewards.urls")),
    path("", include("cocreate.workshops.urls")),
    path("", include("cocreate.contests.urls")),
    path("", include("cocreate.talent.urls")),
    path("", include("cocreate.notifications.urls")),
    # Uploaded media: served by Django (whitenoise only serves static files); put a proxy in front at scale.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

handler500 = "cocreate.core.views.server_error"
