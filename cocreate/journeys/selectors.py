"""Reads for personas, journeys, the journey map and its coverage matrix.

Every figure is computed from `Contribution` rows (confirmed ones) at read time, with a bounded number
of queries: one per persona for the matrix, one for all point figures.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from cocreate.accounts.models import ProfileAnswer

from .models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Journey,
    ParticipationPoint,
    Persona,
    PersonaOverride,
    PersonaRule,
    PointStatus,
    RuleOperator,
    Stage,
)

User = get_user_model()


# --- Persona membership -------------------------------------------------------------------------------
def _rule_q(rule: PersonaRule) -> Q:
    answers = ProfileAnswer.objects.filter(user=OuterRef("pk"), question_id=rule.question_id)
    if rule.operator == RuleOperator.ANY_OF:
        return Q(Exists(answers.filter(choice__in=list(rule.values))))
    if rule.operator == RuleOperator.ALL_OF:
        q = Q()
        for value in rule.values:
            q &= Q(Exists(answers.filter(choice=value)))
        return q
    numbers = answers.filter(number__isnull=False)
    if rule.min_value is not None:
        numbers = numbers.filter(number__gte=rule.min_value)
    if rule.max_value is not None:
        numbers = numbers.filter(number__lte=rule.max_value)
    return Q(Exists(numbers))


def persona_member_q(persona: Persona, rules: list[PersonaRule] | None = None) -> Q:
    """A filter on users: those whose answers meet every rule, plus staff inclusions, minus exclusions.

    A persona without rules has only the members staff put in it by hand.
    """
    rules = list(persona.rules.all()) if rules is None else rules
    if rules:
        by_rules = Q()
        for rule in rules:
            by_rules &= _rule_q(rule)
    else:
        by_rules = Q(pk__in=[])
    overrides = PersonaOverride.objects.filter(persona=persona, user=OuterRef("pk"))
    return (by_rules | Q(Exists(overrides.filter(include=True)))) & ~Q(
        Exists(overrides.filter(include=False))
    )


def persona_members(persona: Persona) -> QuerySet[Any]:
    return User.objects.filter(persona_member_q(persona), is_active=True)


def personas_for_user(user: Any) -> list[Persona]:
    """Every persona the member matches (one small query per persona; there are few personas)."""
    if not getattr(user, "is_authenticated", False):
        return []
    personas = list(Persona.objects.prefetch_related("rules"))
    return [
        p
        for p in personas
        if User.objects.filter(persona_member_q(p, list(p.rules.all())), pk=user.pk).exists()
    ]


def persona_list() -> list[Persona]:
    return list(Persona.objects.prefetch_related("rules__question"))


def persona_get(persona_id: int) -> Persona | None:
    return Persona.objects.prefetch_related("rules__question").filter(pk=persona_id).first()


def persona_member_page(persona: Persona, *, limit: int = 50) -> list[Any]:
    """Real members of the persona with their activity: confirmed contributions, most active first."""
    return list(
        persona_members(persona)
        .annotate(
            contribution_count=Count(
                "contributions", filter=Q(contributions__status=ContributionStatus.CONFIRMED), distinct=True
            )
        )
        .order_by("-contribution_count", "id")[:limit]
    )


def persona_member_count(persona: Persona) -> int:
    return persona_members(persona).count()


# --- Journeys and the map -----------------------------------------------------------------------------
def journey_list() -> QuerySet[Journey]:
    return Journey.objects.annotate(
        stage_count=Count("stages", distinct=True), point_count=Count("points", distinct=True)
    ).order_by("name", "id")


def journey_get(journey_id: int) -> Journey | None:
    return Journey.objects.filter(pk=journey_id).first()


def stages_of(journey: Journey) -> list[Stage]:
    return list(
        journey.stages.order_by("position", "id").prefetch_related("touchpoints", "emotions__persona")
    )


@dataclass
class PointFigures:
    point: ParticipationPoint
    contributions: int = 0
    participants: int = 0
    pending: int = 0

    @property
    def progress(self) -> int | None:
        """Per cent of the goal reached, capped at 100 for the bar (the number itself is not capped)."""
        if not self.point.goal:
            return None
        return min(100, round(100 * self.contributions / self.point.goal))


def point_figures(points: list[ParticipationPoint]) -> dict[int, PointFigures]:
    """Figures for many points in one query."""
    figures = {p.pk: PointFigures(point=p) for p in points}
    if not points:
        return figures
    rows = (
        Contribution.objects.filter(point__in=[p.pk for p in points])
        .values("point")
        .annotate(
            confirmed=Count("id", filter=Q(status=ContributionStatus.CONFIRMED)),
            pending=Count("id", filter=Q(status=ContributionStatus.PENDING)),
            members=Count("user", filter=Q(status=ContributionStatus.CONFIRMED), distinct=True),
            visitors=Count(
                "email", filter=Q(status=ContributionStatus.CONFIRMED, user__isnull=True), distinct=True
            ),
        )
        .order_by()
    )
    for row in rows:
        f = figures[row["point"]]
        f.contributions = row["confirmed"]
        f.pending = row["pending"]
        f.participants = row["members"] + row["visitors"]
    return figures


def points_of(journey: Journey) -> list[ParticipationPoint]:
    return list(
        journey.points.select_related("stage", "touchpoint", "owner")
        .prefetch_related("personas")
        .order_by("stage__position", "id")
    )


def point_get(point_id: int) -> ParticipationPoint | None:
    return (
        ParticipationPoint.objects.select_related("journey", "stage", "touchpoint")
        .prefetch_related("personas")
        .filter(pk=point_id)
        .first()
    )


def point_get_public(public_id: Any) -> ParticipationPoint | None:
    """A point by its public (unguessable) id; None for anything that is not one."""
    try:
        key = uuid.UUID(str(public_id))
    except (ValueError, TypeError, AttributeError):
        return None
    return (
        ParticipationPoint.objects.select_related("journey", "stage", "touchpoint")
        .filter(public_id=key)
        .first()
    )


@dataclass
class MatrixCell:
    persona: Persona
    stage: Stage
    points: int
    participants: int
    level: int  # 0 (no participation) … 4 (the most in the matrix), for the colour scale


@dataclass
class CoverageMatrix:
    personas: list[Persona]
    stages: list[Stage]
    rows: list[list[MatrixCell]]
    gaps: list[str] = field(default_factory=list)
    stage_participants: dict[int, int] = field(default_factory=dict)
    unmatched_participants: dict[int, int] = field(default_factory=dict)


def coverage_matrix(journey: Journey, stages: list[Stage] | None = None) -> CoverageMatrix:
    """Persona × stage: how many points reach the persona there, and how many of its members took part."""
    stages = stages if stages is not None else list(journey.stages.order_by("position", "id"))
    personas = list(Persona.objects.prefetch_related("rules"))
    reach: dict[tuple[int, int], int] = {}
    for row in (
        # A draft reaches nobody yet; open and closed points did reach their personas.
        ParticipationPoint.objects.filter(journey=journey)
        .exclude(status=PointStatus.DRAFT)
        .values("stage", "personas")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if row["personas"] is not None:
            reach[(row["personas"], row["stage"])] = row["n"]
    confirmed = Contribution.objects.filter(stage__journey=journey, status=ContributionStatus.CONFIRMED)
    taken: dict[tuple[int, int], int] = {}
    for persona in personas:
        members = User.objects.filter(persona_member_q(persona, list(persona.rules.all()))).values("pk")
        for stage_id, n in (
            confirmed.filter(user__in=members)
            .values("stage")
            .annotate(n=Count("user", distinct=True))
            .values_list("stage", "n")
            .order_by()
        ):
            taken[(persona.pk, stage_id)] = n
    stage_totals = {
        row["stage"]: row["members"] + row["visitors"]
        for row in confirmed.values("stage")
        .annotate(
            members=Count("user", distinct=True),
            visitors=Count("email", filter=Q(user__isnull=True), distinct=True),
        )
        .order_by()
    }
    peak = max(taken.values(), default=0)
    rows: list[list[MatrixCell]] = []
    gaps: list[str] = []
    for persona in personas:
        row_cells = []
        for stage in stages:
            n = taken.get((persona.pk, stage.pk), 0)
            level = 0 if n == 0 else max(1, min(4, 1 + (3 * n) // max(1, peak)))
            cell = MatrixCell(
                persona=persona,
                stage=stage,
                points=reach.get((persona.pk, stage.pk), 0),
                participants=n,
                level=level,
            )
            row_cells.append(cell)
            if cell.points == 0 and n == 0:
                gaps.append(
                    _("No participation point reaches ‘%(persona)s’ at %(stage)s.")
                    % {"persona": persona.name, "stage": stage.name}
                )
            elif cell.points == 0:
                gaps.append(
                    _(
                        "No participation point is aimed at ‘%(persona)s’ at %(stage)s; "
                        "%(n)s of them took part through points meant for others."
                    )
                    % {"persona": persona.name, "stage": stage.name, "n": n}
                )
            elif n == 0:
                gaps.append(
                    _("‘%(persona)s’ is invited at %(stage)s, but nobody from it has taken part yet.")
                    % {"persona": persona.name, "stage": stage.name}
                )
        rows.append(row_cells)
    return CoverageMatrix(
        personas=personas, stages=stages, rows=rows, gaps=gaps, stage_participants=stage_totals
    )


def contributions_for_point(point: ParticipationPoint, *, limit: int = 20) -> list[Contribution]:
    return list(point.contributions.select_related("user").order_by("-created_at", "-id")[:limit])


def confirm_key_digest(key: str) -> str:
    """Only a digest of a confirmation key is stored, so a database leak confirms nothing."""
    return hashlib.sha256(key.encode()).hexdigest()


def contribution_by_confirm_key(key: str) -> Contribution | None:
    if not key or len(key) > 100:
        return None
    return (
        Contribution.objects.select_related("point").filter(confirm_key_hash=confirm_key_digest(key)).first()
    )


# --- Poll results -------------------------------------------------------------------------------------
@dataclass
class PollOption:
    label: str
    count: int
    share: int  # per cent of voters who chose it (in a multiple-choice poll the shares add up past 100)


@dataclass
class PollTally:
    voters: int
    options: list[PollOption]


@dataclass
class PollPersonaTally:
    persona: Persona
    tally: PollTally


@dataclass
class PollResults:
    point: ParticipationPoint
    multiple: bool
    total: PollTally
    personas: list[PollPersonaTally] = field(default_factory=list)


def _ticked_counts(votes: QuerySet[Contribution]) -> dict[str, int]:
    """How often each option was ticked in multiple-choice answers: one grouped query over the JSON list
    (SQLite's json_each, PostgreSQL's jsonb_array_elements_text)."""
    inner, params = votes.values("id").query.sql_with_params()
    table = Contribution._meta.db_table
    if connection.vendor == "postgresql":
        source = f"{table} c CROSS JOIN LATERAL jsonb_array_elements_text(c.choices) AS e(value)"
    else:
        source = f"{table} c, json_each(c.choices) e"
    sql = f"SELECT e.value, COUNT(*) FROM {source} WHERE c.id IN ({inner}) GROUP BY e.value"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {str(value): int(n) for value, n in cursor.fetchall()}


def _tally(point: ParticipationPoint, voters_q: Q | None = None) -> PollTally:
    votes = Contribution.objects.filter(
        point=point, kind=ContributionKind.POLL_ANSWER, status=ContributionStatus.CONFIRMED
    )
    if voters_q is not None:
        votes = votes.filter(user__in=User.objects.filter(voters_q).values("pk"))
    voters = votes.count()
    # Both kinds of answer are counted, so a poll switched between single and multiple choice keeps
    # every earlier vote.
    counts: dict[str, int] = dict(
        votes.exclude(choice="").values_list("choice").annotate(n=Count("id")).order_by()
    )
    if voters and votes.filter(choice="").exists():
        for label, n in _ticked_counts(votes.filter(choice="")).items():
            counts[label] = counts.get(label, 0) + n
    options = [
        PollOption(
            label=o, count=counts.get(o, 0), share=round(100 * counts.get(o, 0) / voters) if voters else 0
        )
        for o in point.poll_options
    ]
    return PollTally(voters=voters, options=options)


def poll_results(point: ParticipationPoint, *, by_persona: bool = False) -> PollResults:
    """Counts and shares per option over confirmed answers; with `by_persona`, the same for the members of
    each persona the point aims at (every persona when it aims at none), membership as of now."""
    results = PollResults(point=point, multiple=point.poll_multiple, total=_tally(point))
    if by_persona:
        personas = list(point.personas.prefetch_related("rules")) or list(
            Persona.objects.prefetch_related("rules")
        )
        for persona in personas:
            q = persona_member_q(persona, list(persona.rules.all()))
            results.personas.append(PollPersonaTally(persona=persona, tally=_tally(point, q)))
    return results
