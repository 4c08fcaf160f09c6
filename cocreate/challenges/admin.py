"""Back-office views of challenges and ideas; changes go through the site's screens and the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from cocreate.accounts.policies import is_staff
from cocreate.core.admin import ReadOnlyAdmin as SharedReadOnlyAdmin

from .models import Challenge, Idea, Support


class StaffReadOnly(SharedReadOnlyAdmin):
    def may_view(self, user: Any) -> bool:
        return is_staff(user)


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
