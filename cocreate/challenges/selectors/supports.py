"""Reads about supports: the support survey's results, per persona, for staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_staff
from cocreate.core.errors import NotAllowed
from cocreate.journeys.models import Persona
from cocreate.journeys.selectors import persona_member_q

from ..models import Idea, Support, WouldBuy

User = get_user_model()


@dataclass
class SurveyRow:
    """One group of supporters (a persona, those in no persona, or everyone) and their answers."""

    label: str
    supporters: int
    would_buy: list[tuple[str, int]] = field(default_factory=list)
    price_bands: list[tuple[str, int]] = field(default_factory=list)
    audiences: list[tuple[str, int]] = field(default_factory=list)
    is_total: bool = False


@dataclass
class SurveyResults:
    would_buy_choices: list[tuple[str, str]]
    price_bands: list[str]
    audiences: list[str]
    rows: list[SurveyRow]

    @property
    def total(self) -> SurveyRow:
        return self.rows[-1]


def _row(label: str, supports: QuerySet[Support], bands: list[str], audiences: list[str]) -> SurveyRow:
    """Every count for one group in a single aggregate query."""
    aggregates: dict[str, Any] = {"n": Count("pk")}
    for value in WouldBuy.values:
        aggregates[f"wb_{value}"] = Count("pk", filter=Q(would_buy=value))
    for i, band in enumerate(bands):
        aggregates[f"pb_{i}"] = Count("pk", filter=Q(price_band=band))
    for i, audience in enumerate(audiences):
        aggregates[f"au_{i}"] = Count("pk", filter=Q(audience=audience))
    counts = supports.aggregate(**aggregates)
    return SurveyRow(
        label=label,
        supporters=counts["n"] or 0,
        would_buy=[(value, counts[f"wb_{value}"] or 0) for value in WouldBuy.values],
        price_bands=[(band, counts[f"pb_{i}"] or 0) for i, band in enumerate(bands)],
        audiences=[(audience, counts[f"au_{i}"] or 0) for i, audience in enumerate(audiences)],
    )


def survey_results(*, user: Any, idea: Idea) -> SurveyResults:
    """Would-buy, price band and audience counts among the idea's supporters: one row per persona, one for
    supporters in no persona, and the totals (last). A member may match several personas, so persona rows
    need not add up to the total. Queries: two for the personas, then one per row."""
    if not is_staff(user):
        raise NotAllowed(_("Only staff can see the survey results."))
    challenge = idea.challenge
    bands = [str(b) for b in (challenge.price_bands or [])]
    audiences = [str(a) for a in (challenge.audiences or [])]
    supports = Support.objects.filter(idea=idea)
    rows: list[SurveyRow] = []
    in_any_persona = Q(pk__in=[])
    for persona in Persona.objects.prefetch_related("rules").order_by("position", "name", "id"):
        member_q = persona_member_q(persona, list(persona.rules.all()))
        in_any_persona |= member_q
        members = User.objects.filter(member_q).values("pk")
        rows.append(_row(persona.name, supports.filter(user__in=members), bands, audiences))
    outside = User.objects.exclude(in_any_persona).values("pk")
    rows.append(_row(str(_("No persona")), supports.filter(user__in=outside), bands, audiences))
    total = _row(str(_("All supporters")), supports, bands, audiences)
    total.is_total = True
    rows.append(total)
    return SurveyResults(
        would_buy_choices=[(str(v), str(label)) for v, label in WouldBuy.choices],
        price_bands=bands,
        audiences=audiences,
        rows=rows,
    )
