"""Back-office views of journeys data. Design happens on the site's own screens (which run the services'
rules); here staff can look things up, and contributions can be searched by email."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from cocreate.core.admin import ReadOnlyAdmin as SharedReadOnlyAdmin

from .models import Contribution, Journey, ParticipationPoint, Persona
from .policies import can_view_journeys


class JourneysReadOnly(SharedReadOnlyAdmin):
    def may_view(self, user: Any) -> bool:
        return can_view_journeys(user)


@admin.register(Persona)
class PersonaAdmin(JourneysReadOnly):
    list_display = ("name", "estimated_size", "updated_at")
    search_fields = ("name",)


@admin.register(Journey)
class JourneyAdmin(JourneysReadOnly):
    list_display = ("name", "created_at")


@admin.register(ParticipationPoint)
class ParticipationPointAdmin(JourneysReadOnly):
    list_display = ("title", "journey", "stage", "kind", "status", "goal")
    list_filter = ("kind", "status", "journey")
    search_fields = ("title",)


@admin.register(Contribution)
class ContributionAdmin(JourneysReadOnly):
    list_display = ("created_at", "point", "kind", "source", "status", "user", "email")
    list_filter = ("status", "kind", "source")
    search_fields = ("email", "user__email", "title")
    list_select_related = ("point", "user")
