"""Back-office registrations for talent: read-only look-ups (changes go through the talent pages and the
services, which keep the taxonomy version and the seat counts right)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from cocreate.core.admin import ReadOnlyAdmin

from .models import Application, MemberSkill, Opportunity, Skill, SkillSynonym, TalentProfile
from .policies import can_manage_taxonomy


class TalentAdmin(ReadOnlyAdmin):
    def may_view(self, user: Any) -> bool:
        return can_manage_taxonomy(user)


@admin.register(Skill)
class SkillAdmin(TalentAdmin):
    list_display = ("name", "category", "updated_at")
    list_filter = ("category",)
    search_fields = ("name", "synonyms__alias")


@admin.register(SkillSynonym)
class SkillSynonymAdmin(TalentAdmin):
    list_display = ("alias", "skill")
    search_fields = ("alias", "skill__name")


@admin.register(MemberSkill)
class MemberSkillAdmin(TalentAdmin):
    list_display = ("user", "skill", "level", "years")
    search_fields = ("user__email", "skill__name")
    raw_id_fields = ("user",)


@admin.register(TalentProfile)
class TalentProfileAdmin(TalentAdmin):
    list_display = ("user", "hours_per_week", "available_from", "available_until", "changed_at")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)


@admin.register(Opportunity)
class OpportunityAdmin(TalentAdmin):
    list_display = ("title", "kind", "status", "seats_taken", "seats", "owner")
    list_filter = ("kind", "status")
    search_fields = ("title",)


@admin.register(Application)
class ApplicationAdmin(TalentAdmin):
    list_display = ("opportunity", "user", "status", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__email", "opportunity__title")
    raw_id_fields = ("user", "opportunity")
