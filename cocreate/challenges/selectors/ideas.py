"""Reads for challenges and ideas: visibility-aware lists with keyset pagination on indexed sorts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cocreate.accounts.policies import is_staff
from cocreate.core.pagination import Page, paginate

from ..models import Challenge, ChallengeInvite, Idea, IdeaStatus, Support, Visibility
from ..models.ideas import PUBLIC_STATUSES
from ..policies import can_view_idea

# Each sort is a keyset order backed by an index (see Idea.Meta.indexes); the last key is unique.
SORTS: dict[str, list[str]] = {
    "trending": ["-trending_score", "-id"],
    "most_supported": ["-support_count", "-id"],
    "newest": ["-published_at", "-id"],
    "ending_soon": ["deadline", "id"],
}


def visible_challenges(user: Any) -> QuerySet[Challenge]:
    qs = Challenge.objects.all()
    if is_staff(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.filter(visibility=Visibility.PUBLIC)
    invited = ChallengeInvite.objects.filter(user=user).values("challenge_id")
    return qs.filter(Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]) | Q(pk__in=invited))


def challenge_list(*, user: Any) -> list[Challenge]:
    return list(visible_challenges(user).select_related("product").order_by("-is_default", "-created_at"))


def challenge_get(*, user: Any, slug: str | None = None, challenge_id: int | None = None) -> Challenge | None:
    qs = visible_challenges(user).select_related("product")
    return qs.filter(pk=challenge_id).first() if challenge_id is not None else qs.filter(slug=slug).first()


def idea_queryset(
    *,
    user: Any,
    challenge: Challenge | None = None,
    status: str | None = None,
    tag: str | None = None,
    product_id: int | None = None,
) -> QuerySet[Idea]:
    qs = Idea.objects.filter(challenge__in=visible_challenges(user))
    if status and status in IdeaStatus.values and (status in PUBLIC_STATUSES or is_staff(user)):
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    if challenge is not None:
        qs = qs.filter(challenge=challenge)
    if tag:
        qs = qs.filter(tags__slug=tag)
    if product_id:
        qs = qs.filter(product_id=product_id)
    return qs


def idea_list(
    *,
    user: Any,
    sort: str = "trending",
    cursor: str | None = None,
    limit: int = 24,
    **filters: Any,
) -> Page[Idea]:
    order = SORTS.get(sort, SORTS["trending"])
    qs = idea_queryset(user=user, **filters).select_related("author", "challenge")
    if sort == "ending_soon":
        qs = qs.filter(status=IdeaStatus.PUBLISHED, deadline__gte=timezone.now())
    return paginate(qs, order=order, cursor=cursor, limit=limit)


def idea_get_for_viewer(*, user: Any, idea_id: int) -> Idea | None:
    idea = (
        Idea.objects.select_related("challenge", "author", "product", "merged_into")
        .prefetch_related("tags", "images")
        .filter(pk=idea_id)
        .first()
    )
    if idea is None or not can_view_idea(user, idea):
        return None
    return idea


def has_supported(*, user: Any, idea: Idea) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and Support.objects.filter(idea=idea, user=user).exists()
    )


@dataclass
class MilestoneProgress:
    next_threshold: int | None
    percent: int
    days_left: int | None


def milestone_progress(idea: Idea) -> MilestoneProgress:
    """The progress bar to the next rung and the days left before the deadline."""
    ladder = sorted(idea.challenge.ladder or [], key=lambda r: int(r["at"]))
    index = idea.milestone_index + 1
    nxt = int(ladder[index]["at"]) if index < len(ladder) else None
    floor = int(ladder[idea.milestone_index]["at"]) if idea.milestone_index < len(ladder) else 0
    if nxt is None:
        percent = 100
    else:
        span = max(1, nxt - floor)
        percent = max(0, min(100, round(100 * (idea.support_count - floor) / span)))
    days_left = None
    if idea.deadline is not None and idea.status == IdeaStatus.PUBLISHED:
        days_left = max(0, (idea.deadline - timezone.now()).days)
    return MilestoneProgress(next_threshold=nxt, percent=percent, days_left=days_left)
