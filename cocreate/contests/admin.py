"""Back-office registrations for contests: for looking things up; changes go through the contest
screens and services, which keep the counters and rules."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from cocreate.core.admin import ReadOnlyAdmin

from .models import (
    Contest,
    ContestDesigner,
    ContestJuror,
    Criterion,
    Entry,
    EntryRevision,
    Round,
    Score,
    Vote,
)
from .policies import can_manage_contests


class ContestsAdmin(ReadOnlyAdmin):
    def may_view(self, user: Any) -> bool:
        return can_manage_contests(user)


@admin.register(Contest)
class ContestAdmin(ContestsAdmin):
    list_display = ("title", "status", "voting_mode", "visibility", "open_submission", "created_at")
    list_filter = ("status", "voting_mode", "visibility")
    search_fields = ("title", "slug")


@admin.register(Round)
class RoundAdmin(ContestsAdmin):
    list_display = ("contest", "position", "name", "opens_at", "closes_at")
    list_filter = ("contest",)


@admin.register(ContestDesigner)
class ContestDesignerAdmin(ContestsAdmin):
    list_display = ("contest", "user", "status", "invited_at", "answered_at")
    list_filter = ("status",)
    search_fields = ("user__email",)
    raw_id_fields = ("user", "invited_by")


@admin.register(ContestJuror)
class ContestJurorAdmin(ContestsAdmin):
    list_display = ("contest", "user", "created_at")
    raw_id_fields = ("user", "appointed_by")


@admin.register(Criterion)
class CriterionAdmin(ContestsAdmin):
    list_display = ("contest", "name", "weight", "position")


@admin.register(Entry)
class EntryAdmin(ContestsAdmin):
    list_display = ("title", "contest", "designer", "votes", "shortlisted", "place", "created_at")
    list_filter = ("contest", "shortlisted")
    search_fields = ("title", "designer__email")
    raw_id_fields = ("designer", "discussion")


@admin.register(EntryRevision)
class EntryRevisionAdmin(ContestsAdmin):
    list_display = ("entry", "number", "round", "title", "updated_at")
    raw_id_fields = ("entry",)


@admin.register(Vote)
class VoteAdmin(ContestsAdmin):
    list_display = ("round", "entry", "voter", "points", "updated_at")
    raw_id_fields = ("entry", "voter")


@admin.register(Score)
class ScoreAdmin(ContestsAdmin):
    list_display = ("entry", "juror", "criterion", "score", "updated_at")
    raw_id_fields = ("entry", "juror")
