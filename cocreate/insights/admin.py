"""Back-office views of prototype tests. Tests are run on the site's own screens (which apply the
services' rules); here staff look things up: who was invited, who responded."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from cocreate.core.admin import ReadOnlyAdmin

from .models import PrototypeInvitation, PrototypeResponse, PrototypeTest
from .policies import can_view_results


class InsightsReadOnly(ReadOnlyAdmin):
    def may_view(self, user: Any) -> bool:
        return can_view_results(user)


@admin.register(PrototypeTest)
class PrototypeTestAdmin(InsightsReadOnly):
    list_display = ("title", "status", "product", "opens_on", "closes_on", "open_to_all", "created_at")
    list_filter = ("status", "open_to_all")
    search_fields = ("title",)
    list_select_related = ("product",)


@admin.register(PrototypeInvitation)
class PrototypeInvitationAdmin(InsightsReadOnly):
    list_display = ("test", "user", "persona", "invited_at", "notified_at", "responded_at")
    list_filter = ("test",)
    search_fields = ("user__email",)
    list_select_related = ("test", "user", "persona")


@admin.register(PrototypeResponse)
class PrototypeResponseAdmin(InsightsReadOnly):
    list_display = ("created_at", "test", "version", "user", "purchase_intent")
    list_filter = ("test",)
    search_fields = ("user__email",)
    list_select_related = ("test", "version", "user")
