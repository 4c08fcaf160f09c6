"""Back-office registrations for workshops: read-only, because every change goes through the services
(capacity, the waitlist order and the events they send)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from cocreate.core.admin import ReadOnlyAdmin

from .models import Centre, Invitation, Registration, SurveyResponse, Workshop, WorkshopOutput
from .policies import can_manage_workshops


class WorkshopsAdmin(ReadOnlyAdmin):
    def may_view(self, user: Any) -> bool:
        return can_manage_workshops(user)


@admin.register(Centre)
class CentreAdmin(WorkshopsAdmin):
    list_display = ("name", "city", "capacity")
    search_fields = ("name", "city")


@admin.register(Workshop)
class WorkshopAdmin(WorkshopsAdmin):
    list_display = ("title", "starts_at", "format", "centre", "capacity", "status")
    list_filter = ("status", "format", "centre")
    search_fields = ("title", "slug")
    raw_id_fields = ("product", "challenge", "participation_point", "created_by")


@admin.register(Invitation)
class InvitationAdmin(WorkshopsAdmin):
    list_display = ("workshop", "user", "persona", "created_at")
    raw_id_fields = ("workshop", "user", "persona", "invited_by")


@admin.register(Registration)
class RegistrationAdmin(WorkshopsAdmin):
    list_display = ("workshop", "user", "status", "position", "attendance")
    list_filter = ("status", "attendance")
    search_fields = ("user__email", "workshop__title")
    raw_id_fields = ("workshop", "user")


@admin.register(WorkshopOutput)
class WorkshopOutputAdmin(WorkshopsAdmin):
    list_display = ("workshop", "kind", "title", "idea")
    list_filter = ("kind",)
    raw_id_fields = ("workshop", "idea", "created_by")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(WorkshopsAdmin):
    list_display = ("workshop", "user", "csat", "nps", "created_at")
    raw_id_fields = ("workshop", "user")
