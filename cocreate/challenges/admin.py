"""Back-office views of challenges and ideas; changes go through the site's screens and the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cocreate.accounts.policies import is_staff

from .models import Challenge, Idea, Support


class StaffReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_staff(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Challenge)
class ChallengeAdmin(StaffReadOnly):
    list_display = ("title", "visibility", "is_default", "submission_opens", "submission_closes")


@admin.register(Idea)
class IdeaAdmin(StaffReadOnly):
    list_display = ("title", "challenge", "status", "support_count", "deadline", "published_at")
    list_filter = ("status", "challenge")
    search_fields = ("title", "author__email")
    list_select_related = ("challenge",)


@admin.register(Support)
class SupportAdmin(StaffReadOnly):
    list_display = ("idea", "user", "created_at", "would_buy", "price_band")
    list_select_related = ("idea", "user")
