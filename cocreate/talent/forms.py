"""Forms of the talent pages: plain input checks only; the rules live in the services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OpportunityKind, SkillCategory


class DateInput(forms.DateInput):
    input_type = "date"


class SkillAddForm(forms.Form):
    skill = forms.CharField(
        label=_("Skill"),
        max_length=80,
        help_text=_("Type it as you say it: “user research”, “CAD”, “social media”…"),
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        choices=[
            (1, _("1 · learning")),
            (2, _("2 · some experience")),
            (3, _("3 · practised")),
            (4, _("4 · strong")),
            (5, _("5 · expert")),
        ],
        initial=3,
    )
    years = forms.IntegerField(label=_("Years (optional)"), required=False, min_value=0, max_value=60)


class AvailabilityForm(forms.Form):
    hours_per_week = forms.IntegerField(label=_("Hours per week"), min_value=0, max_value=80, initial=0)
    available_from = forms.DateField(label=_("Available from"), required=False, widget=DateInput)
    available_until = forms.DateField(label=_("Available until"), required=False, widget=DateInput)


class ApplyForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the team (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OpportunityEditForm(forms.Form):
    """What the owner and staff may change once an opportunity is open (not its kind nor what it is for)."""

    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("Description (markdown)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    requirements = forms.CharField(
        label=_("Skills needed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: skill, weight 1–5, minimum level 1–5 — e.g. “UX research, 3, 2”."),
    )
    hours_per_week = forms.IntegerField(label=_("Hours per week"), min_value=0, max_value=80, initial=4)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=500, initial=1)

    @staticmethod
    def requirements_text(requirements: Iterable[Any]) -> str:
        """The textarea's lines for existing requirements (RequiredSkill rows)."""
        return "\n".join(f"{r.skill.name}, {r.weight}, {r.min_level}" for r in requirements)

    def requirement_list(self) -> list[dict[str, Any]]:
        out = []
        for line in self.cleaned_data["requirements"].splitlines():
            parts = [p.strip() for p in line.split(",")]
            if not parts or not parts[0]:
                continue
            out.append(
                {
                    "skill": parts[0],
                    "weight": parts[1] if len(parts) > 1 and parts[1] else 1,
                    "min_level": parts[2] if len(parts) > 2 and parts[2] else 1,
                }
            )
        return out


class OpportunityForm(OpportunityEditForm):
    field_order = [
        "kind",
        "title",
        "description",
        "requirements",
        "hours_per_week",
        "starts_on",
        "ends_on",
        "seats",
        "idea",
        "workshop",
    ]

    kind = forms.ChoiceField(label=_("Kind"), choices=OpportunityKind.choices)
    idea = forms.IntegerField(
        label=_("Idea id (for an idea's team)"), required=False, min_value=1, widget=forms.HiddenInput
    )
    workshop = forms.IntegerField(label=_("Workshop id"), required=False, min_value=1)


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    category = forms.ChoiceField(label=_("Category"), choices=SkillCategory.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what the work is in the words people use: matching by meaning reads it."),
    )


class SynonymForm(forms.Form):
    alias = forms.CharField(label=_("Another name for it"), max_length=80)
