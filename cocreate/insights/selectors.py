"""Reads for prototype tests: lists, the test page and the results.

Results are computed from stored rows at read time with a fixed number of grouped queries: three for all
versions together, three more per persona. Persona membership is evaluated now
(`journeys.selectors.persona_member_q`), so a member who changed their answers counts where they belong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from cocreate.accounts.policies import is_staff
from cocreate.brand.models import Product
from cocreate.core.errors import NotFound
from cocreate.core.pagination import Page, paginate
from cocreate.journeys.models import ParticipationPoint, Persona, PointKind
from cocreate.journeys.selectors import persona_member_q

from .models import (
    PURCHASE_INTENT,
    PrototypeInvitation,
    PrototypeRating,
    PrototypeResponse,
    PrototypeStatus,
    PrototypeTest,
    PrototypeVersion,
)
from .policies import can_view_test

User = get_user_model()
SCALE = (1, 2, 3, 4, 5)
OPEN_ANSWERS_SHOWN = 50
# Labels of the comparison rows that are not criteria.
PURCHASE_INTENT_LABEL = gettext_lazy("Purchase intent (mean, 1–5)")
TOP2_LABEL = gettext_lazy("Would buy (top-2 box, %)")
INTENT_CAPTION = gettext_lazy("Purchase intent")


# --- Lists and the test page --------------------------------------------------------------------------
def _count(model: Any, **outer: Any) -> Coalesce:
    rows = (
        model.objects.filter(**{k: OuterRef(v) for k, v in outer.items()})
        .order_by()
        .values(*outer.keys())
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _with_counts(qs: QuerySet[PrototypeTest]) -> QuerySet[PrototypeTest]:
    return qs.select_related("product").annotate(
        version_count=_count(PrototypeVersion, test="pk"),
        invitation_count=_count(PrototypeInvitation, test="pk"),
        response_count=_count(PrototypeResponse, test="pk"),
    )


def prototype_page_for_staff(
    *, cursor: str | None = None, limit: int = 25, status: str = ""
) -> Page[PrototypeTest]:
    qs = PrototypeTest.objects.all()
    if status in PrototypeStatus.values:
        qs = qs.filter(status=status)
    return paginate(_with_counts(qs), order=["-created_at", "-id"], cursor=cursor, limit=limit)


def prototype_page_for_member(
    user: Any, *, cursor: str | None = None, limit: int = 25
) -> Page[PrototypeTest]:
    """The tests a member is invited to, and those open to everyone (drafts never)."""
    invited = PrototypeInvitation.objects.filter(test=OuterRef("pk"), user=user)
    responded = PrototypeResponse.objects.filter(test=OuterRef("pk"), user=user)
    qs = (
        PrototypeTest.objects.exclude(status=PrototypeStatus.DRAFT)
        .annotate(invited=Exists(invited), responded=Exists(responded))
        .filter(Q(invited=True) | Q(open_to_all=True))
    )
    return paginate(_with_counts(qs), order=["-created_at", "-id"], cursor=cursor, limit=limit)


def prototype_page_for(user: Any, *, cursor: str | None = None, limit: int = 25) -> Page[PrototypeTest]:
    if is_staff(user):
        return prototype_page_for_staff(cursor=cursor, limit=limit)
    return prototype_page_for_member(user, cursor=cursor, limit=limit)


def prototype_get(test_id: Any) -> PrototypeTest | None:
    try:
        pk = int(test_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return (
        PrototypeTest.objects.select_related("product", "point")
        .prefetch_related("versions__images", "personas")
        .filter(pk=pk)
        .first()
    )


def prototype_get_for_viewer(user: Any, test_id: Any) -> PrototypeTest:
    """The test, or NotFound: a draft or an invitation-only test is not revealed to others."""
    test = prototype_get(test_id)
    if test is None or not can_view_test(user, test):
        raise NotFound("No prototype test with this id.", field="test_id")
    return test


def responded_versions(user: Any, test: PrototypeTest) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(PrototypeResponse.objects.filter(test=test, user=user).values_list("version_id", flat=True))


def invitation_summary(test: PrototypeTest) -> dict[str, int]:
    row = test.invitations.aggregate(
        total=Count("id"),
        by_persona=Count("id", filter=Q(persona__isnull=False)),
        notified=Count("id", filter=Q(notified_at__isnull=False)),
        responded=Count("id", filter=Q(responded_at__isnull=False)),
    )
    return {k: int(v or 0) for k, v in row.items()}


def recent_invitations(test: PrototypeTest, *, limit: int = 20) -> list[PrototypeInvitation]:
    return list(test.invitations.select_related("user", "persona").order_by("-invited_at", "-id")[:limit])


# --- Results ------------------------------------------------------------------------------------------
@dataclass
class Distribution:
    """Counts of 1…5 answers, with the mean and the share of the top two boxes (4 and 5)."""

    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        if not self.total:
            return None
        return round(sum(s * n for s, n in zip(SCALE, self.counts, strict=True)) / self.total, 2)

    @property
    def shares(self) -> list[int]:
        return [round(100 * n / self.total) if self.total else 0 for n in self.counts]

    @property
    def top2(self) -> int | None:
        """Per cent of 4s and 5s (for purchase intent: “probably” plus “definitely would buy”)."""
        if not self.total:
            return None
        return round(100 * (self.counts[3] + self.counts[4]) / self.total)

    @property
    def rows(self) -> list[tuple[int, int, int]]:
        return list(zip(SCALE, self.counts, self.shares, strict=True))


@dataclass
class CriterionResult:
    index: int
    name: str
    distribution: Distribution


@dataclass
class OpenAnswer:
    question: str
    text: str
    created_at: datetime
    respondent: str


@dataclass
class VersionResult:
    version: PrototypeVersion
    responses: int
    criteria: list[CriterionResult]
    intent: Distribution
    answers: list[OpenAnswer] = field(default_factory=list)


@dataclass
class ComparisonRow:
    label: str
    means: list[float | None]
    differences: list[float | None]  # each version against the first one

    @property
    def cells(self) -> list[tuple[float | None, float | None]]:
        return list(zip(self.means, self.differences, strict=True))


@dataclass
class PersonaResult:
    persona: Persona
    versions: list[VersionResult]

    @property
    def respondents(self) -> int:
        return max((v.responses for v in self.versions), default=0)


@dataclass
class DistributionTable:
    """One criterion (or purchase intent) with each answer's count and share per version, side by side."""

    caption: str
    rows: list[tuple[str, list[tuple[int, int]]]]


@dataclass
class TestResults:
    test: PrototypeTest
    versions: list[VersionResult]
    comparison: list[ComparisonRow]
    personas: list[PersonaResult]
    intent_labels: list[str]

    @property
    def tables(self) -> list[DistributionTable]:
        tables = []
        for i, name in enumerate(self.test.criteria):
            dists = [v.criteria[i].distribution for v in self.versions]
            tables.append(DistributionTable(caption=name, rows=_rows([str(s) for s in SCALE], dists)))
        if self.test.ask_purchase_intent:
            dists = [v.intent for v in self.versions]
            tables.append(
                DistributionTable(caption=str(INTENT_CAPTION), rows=_rows(self.intent_labels, dists))
            )
        return tables


def _rows(labels: list[str], dists: list[Distribution]) -> list[tuple[str, list[tuple[int, int]]]]:
    return [(label, [(d.counts[k], d.shares[k]) for d in dists]) for k, label in enumerate(labels)]


def _empty() -> list[int]:
    return [0, 0, 0, 0, 0]


def _version_results(
    test: PrototypeTest, versions: list[PrototypeVersion], respondents: Q | None = None
) -> list[VersionResult]:
    responses = PrototypeResponse.objects.filter(version__in=versions)
    ratings = PrototypeRating.objects.filter(version__in=versions)
    if respondents is not None:
        members = User.objects.filter(respondents).values("pk")
        responses = responses.filter(user__in=members)
        ratings = ratings.filter(response__user__in=members)
    counts = dict(responses.values_list("version").annotate(n=Count("id")).order_by())
    score_counts: dict[tuple[int, int], list[int]] = {}
    for version_id, criterion, score, n in (
        ratings.values_list("version", "criterion", "score").annotate(n=Count("id")).order_by()
    ):
        if 1 <= score <= 5:
            score_counts.setdefault((version_id, criterion), _empty())[score - 1] = n
    intents: dict[int, list[int]] = {}
    for version_id, intent, n in (
        responses.filter(purchase_intent__isnull=False)
        .values_list("version", "purchase_intent")
        .annotate(n=Count("id"))
        .order_by()
    ):
        intents.setdefault(version_id, _empty())[intent - 1] = n
    return [
        VersionResult(
            version=v,
            responses=counts.get(v.pk, 0),
            criteria=[
                CriterionResult(
                    index=i, name=name, distribution=Distribution(score_counts.get((v.pk, i), _empty()))
                )
                for i, name in enumerate(test.criteria)
            ],
            intent=Distribution(intents.get(v.pk, _empty())),
        )
        for v in versions
    ]


def _open_answers(test: PrototypeTest, results: list[VersionResult]) -> None:
    if not test.questions:
        return
    for result in results:
        rows = (
            PrototypeResponse.objects.filter(version=result.version)
            .select_related("user")
            .order_by("-created_at", "-id")[: OPEN_ANSWERS_SHOWN * 2]
        )
        for response in rows:
            for question, text in zip(test.questions, response.answers or [], strict=False):
                if text:
                    result.answers.append(
                        OpenAnswer(
                            question=question,
                            text=text,
                            created_at=response.created_at,
                            respondent=response.user.public_name,
                        )
                    )
            if len(result.answers) >= OPEN_ANSWERS_SHOWN:
                break
        del result.answers[OPEN_ANSWERS_SHOWN:]


def _diff(value: float | None, base: float | None) -> float | None:
    return None if value is None or base is None else round(value - base, 2)


def _comparison(test: PrototypeTest, results: list[VersionResult]) -> list[ComparisonRow]:
    rows = []
    for i, name in enumerate(test.criteria):
        means = [r.criteria[i].distribution.mean for r in results]
        rows.append(ComparisonRow(label=name, means=means, differences=[_diff(m, means[0]) for m in means]))
    if test.ask_purchase_intent and results:
        means = [r.intent.mean for r in results]
        rows.append(
            ComparisonRow(
                label=str(PURCHASE_INTENT_LABEL), means=means, differences=[_diff(m, means[0]) for m in means]
            )
        )
        tops = [float(r.intent.top2) if r.intent.top2 is not None else None for r in results]
        rows.append(
            ComparisonRow(label=str(TOP2_LABEL), means=tops, differences=[_diff(t, tops[0]) for t in tops])
        )
    return rows


def prototype_results(test: PrototypeTest, *, personas: list[Persona] | None = None) -> TestResults:
    """Per version: response count, each criterion's distribution and mean, purchase intent and its top-2
    box, the latest open answers; side by side with the differences to the first version; and the same
    figures for the members of each persona (the test's target personas unless others are given)."""
    versions = list(test.versions.order_by("position", "id").prefetch_related("images"))
    overall = _version_results(test, versions)
    _open_answers(test, overall)
    if personas is None:
        personas = list(test.personas.prefetch_related("rules"))
    by_persona = [
        PersonaResult(
            persona=p, versions=_version_results(test, versions, persona_member_q(p, list(p.rules.all())))
        )
        for p in personas
    ]
    return TestResults(
        test=test,
        versions=overall,
        comparison=_comparison(test, overall),
        personas=by_persona,
        intent_labels=[str(label) for _v, label in PURCHASE_INTENT],
    )


def all_personas() -> list[Persona]:
    return list(Persona.objects.prefetch_related("rules"))


def form_products() -> list[Product]:
    return list(Product.objects.order_by("name", "id")[:500])


def form_points() -> list[ParticipationPoint]:
    return list(
        ParticipationPoint.objects.filter(kind=PointKind.PROTOTYPE)
        .select_related("stage")
        .order_by("title", "id")
    )
