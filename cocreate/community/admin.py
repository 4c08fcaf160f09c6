"""Back-office views of community data for looking things up; changes go through the site's screens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from cocreate.core.admin import ReadOnlyAdmin

from .models import Board, Improvement, Theme, Thread
from .policies import can_triage


class CommunityReadOnly(ReadOnlyAdmin):
    def may_view(self, user: Any) -> bool:
        return can_triage(user)


@admin.register(Board)
class BoardAdmin(CommunityReadOnly):
    list_display = ("name", "product", "thread_count", "post_count", "archived")


@admin.register(Thread)
class ThreadAdmin(CommunityReadOnly):
    list_display = ("title", "board", "kind", "status", "author", "created_at")
    list_filter = ("kind", "status", "board")
    search_fields = ("title",)
    raw_id_fields = ("author", "assignee", "accepted_answer", "discussion", "theme")


@admin.register(Theme)
class ThemeAdmin(CommunityReadOnly):
    list_display = ("label", "custom_label", "size", "active")


@admin.register(Improvement)
class ImprovementAdmin(CommunityReadOnly):
    list_display = ("title", "product", "version", "released_on", "published_at")
