"""Back-office views of journeys data. Design happens on the site's own screens (which run the services'
rules); here staff can look things up, and contributions can be searched by email."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Contribution, Journey, ParticipationPoint, Persona
from .policies import can_view_journeys


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_view_journeys(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view_journeys(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Persona)
class PersonaAdmin(ReadOnlyAdmin):
    list_display = ("name", "estimated_size", "updated_at")
    search_fields = ("name",)


@admin.register(Journey)
class JourneyAdmin(ReadOnlyAdmin):
    list_display = ("name", "created_at")


@admin.register(ParticipationPoint)
class ParticipationPointAdmin(ReadOnlyAdmin):
    list_display = ("title", "journey", "stage", "kind", "status", "goal")
    list_filter = ("kind", "status", "journey")
    search_fields = ("title",)


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "point", "kind", "source", "status", "user", "email")
    list_filter = ("status", "kind", "source")
    search_fields = ("email", "user__email", "title")
    list_select_related = ("point", "user")
