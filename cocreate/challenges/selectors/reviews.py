"""Reads for review periods, the review board, scores and decisions. Scores and reviewers' notes are for
staff only: nothing here is used on members' pages except the public decision."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from cocreate.core.pagination import Page, paginate

from ..models import Criterion, Decision, Idea, IdeaStatus, Review, ReviewPeriod

BOARD_STATUSES = (IdeaStatus.IN_REVIEW, IdeaStatus.ON_HOLD)


def review_period_list() -> list[ReviewPeriod]:
    """Every period with the number of ideas in it, by status group. One query."""
    return list(
        ReviewPeriod.objects.annotate(
            waiting=Count("ideas", filter=Q(ideas__status=IdeaStatus.PUBLISHED)),
            reviewing=Count("ideas", filter=Q(ideas__status__in=BOARD_STATUSES)),
            decided=Count("ideas", filter=~Q(ideas__status__in=[IdeaStatus.PUBLISHED, *BOARD_STATUSES])),
        ).order_by("starts_on", "id")
    )


def review_period_get(period_id: int) -> ReviewPeriod | None:
    return ReviewPeriod.objects.filter(pk=period_id).first()


def ideas_without_period() -> QuerySet[Idea]:
    """Qualified ideas still waiting for a review period (none was planned when they qualified)."""
    return Idea.objects.filter(
        status=IdeaStatus.PUBLISHED, qualified_at__isnull=False, review_period__isnull=True
    )


@dataclass
class ScoreSummary:
    reviews: int
    average: Decimal | None  # the mean of each review's weighted score, 1.00–5.00


def weighted_score(scores: dict[str, int], weights: dict[str, Decimal]) -> Decimal | None:
    """One review's score: Σ(score × weight) / Σ(weight) over the challenge's criteria."""
    total_weight = sum((w for key, w in weights.items() if key in scores), Decimal(0))
    if total_weight <= 0:
        return None
    total = sum((Decimal(int(scores[key])) * w for key, w in weights.items() if key in scores), Decimal(0))
    return total / total_weight


def score_summaries(ideas: list[Idea]) -> dict[int, ScoreSummary]:
    """The weighted average per idea, in two queries whatever the number of ideas."""
    challenge_ids = {idea.challenge_id for idea in ideas}
    weights: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for criterion in Criterion.objects.filter(challenge_id__in=challenge_ids):
        weights[criterion.challenge_id][str(criterion.pk)] = Decimal(criterion.weight)
    per_idea: dict[int, list[Decimal]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    challenge_of = {idea.pk: idea.challenge_id for idea in ideas}
    for review in Review.objects.filter(idea_id__in=challenge_of).only("idea_id", "scores"):
        counts[review.idea_id] += 1
        score = weighted_score(review.scores or {}, weights[challenge_of[review.idea_id]])
        if score is not None:
            per_idea[review.idea_id].append(score)
    summaries = {}
    for idea in ideas:
        values = per_idea.get(idea.pk, [])
        average = (
            (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
            if values
            else None
        )
        summaries[idea.pk] = ScoreSummary(reviews=counts.get(idea.pk, 0), average=average)
    return summaries


def score_summary(idea: Idea) -> ScoreSummary:
    return score_summaries([idea])[idea.pk]


@dataclass
class BoardItem:
    idea: Idea
    summary: ScoreSummary
    mine: Review | None
    criteria: list[Criterion]


def review_board(
    *, period: ReviewPeriod, reviewer: Any, cursor: str | None = None, limit: int = 30
) -> Page[Any]:
    """The ideas of a period being reviewed, each with the weighted average and the reviewer's own
    scores. A bounded number of queries per page."""
    qs = Idea.objects.filter(review_period=period, status__in=BOARD_STATUSES).select_related(
        "challenge", "author", "product"
    )
    page = paginate(qs, order=["id"], cursor=cursor, limit=limit)
    ideas: list[Idea] = page.items
    summaries = score_summaries(ideas)
    mine = {r.idea_id: r for r in Review.objects.filter(idea__in=ideas, reviewer=reviewer)}
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(challenge_id__in={i.challenge_id for i in ideas}):
        criteria[criterion.challenge_id].append(criterion)
    page.items = [
        BoardItem(idea=i, summary=summaries[i.pk], mine=mine.get(i.pk), criteria=criteria[i.challenge_id])
        for i in ideas
    ]
    return page


def board_item(*, idea: Idea, reviewer: Any) -> BoardItem:
    return BoardItem(
        idea=idea,
        summary=score_summary(idea),
        mine=Review.objects.filter(idea=idea, reviewer=reviewer).first(),
        criteria=list(Criterion.objects.filter(challenge_id=idea.challenge_id)),
    )


def reviews_of(idea: Idea) -> list[Review]:
    """Every reviewer's scores and notes (for administrators deciding)."""
    return list(Review.objects.filter(idea=idea).select_related("reviewer"))


def latest_decision(idea: Idea) -> Decision | None:
    return Decision.objects.filter(idea=idea).order_by("-decided_at", "-id").first()


def decision_history(idea: Idea) -> list[Decision]:
    return list(
        Decision.objects.filter(idea=idea).select_related("decided_by").order_by("-decided_at", "-id")
    )
