"""Reads for challenges and ideas: visibility-aware lists with keyset pagination on indexed sorts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from cocreate.accounts.policies import is_staff
from cocreate.core.pagination import Page, paginate

from ..models import (
    Challenge,
    ChallengeInvite,
    Idea,
    IdeaCoCreator,
    IdeaFieldAnswer,
    IdeaRevision,
    IdeaStatus,
    IdeaStatusChange,
    Support,
    Visibility,
)
from ..models.ideas import PUBLIC_STATUSES
from ..policies import can_view_idea

# Each sort is a keyset order backed by an index (see Idea.Meta.indexes); the last key is unique.
SORTS: dict[str, list[str]] = {
    "trending": ["-trending_score", "-id"],
    "most_supported": ["-support_count", "-id"],
    "newest": ["-published_at", "-id"],
    "ending_soon": ["deadline", "id"],
}
# Not a stored column: the gap to the next rung is computed per row (see `_gap_to_next_rung`).
CLOSEST_ORDER = ["gap", "id"]
SORT_CHOICES = ["trending", "most_supported", "newest", "closest", "ending_soon"]


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


# --- The idea list page -------------------------------------------------------------------------------
def _gap_to_next_rung(challenge_ids: list[int] | None) -> Case | None:
    """`next rung's threshold − support_count` as one CASE over (challenge, rung reached).

    The ladder is JSON on each challenge, so the threshold cannot be indexed; the CASE is built from the
    challenges' ladders in one query. Challenges sharing a ladder share one branch per rung, so its size is
    the number of distinct ladders × rungs (almost always just the default ladder's five), not the number
    of challenges. Ideas on their last rung have no next milestone and no gap.
    """
    qs = Challenge.objects.all() if challenge_ids is None else Challenge.objects.filter(pk__in=challenge_ids)
    by_ladder: dict[tuple[int, ...], list[int]] = {}
    for pk, ladder in qs.values_list("pk", "ladder"):
        try:
            key = tuple(sorted(int(r["at"]) for r in ladder or []))
        except (KeyError, TypeError, ValueError):
            continue
        by_ladder.setdefault(key, []).append(pk)
    whens = [
        When(challenge_id__in=pks, milestone_index=i, then=Value(thresholds[i + 1]) - F("support_count"))
        for thresholds, pks in by_ladder.items()
        for i in range(len(thresholds) - 1)
    ]
    if not whens:
        return None
    return Case(*whens, default=None, output_field=IntegerField())


def idea_browse(
    *,
    user: Any,
    sort: str = "trending",
    cursor: str | None = None,
    limit: int = 24,
    q: str = "",
    challenge: Challenge | None = None,
    status: str | None = None,
    tag: str | None = None,
    product_id: int | None = None,
    persona: Any = None,
) -> Page[Idea]:
    """The idea list with its filters, search and sorts, ready for cards (author, challenge, images).

    A search keeps the relevance order of the full-text index (at most its first 200 matches); otherwise
    each sort is a keyset order. Queries: the page, the images, and one for the ladders when sorting by
    closeness to the next milestone.
    """
    from cocreate.journeys.selectors import persona_member_q

    from .search import idea_search_ids

    qs = idea_queryset(user=user, challenge=challenge, status=status, tag=tag, product_id=product_id)
    qs = qs.select_related("author", "challenge").prefetch_related("images")
    if persona is not None:
        from cocreate.accounts.models import User

        qs = qs.filter(author__in=User.objects.filter(persona_member_q(persona)).values("pk"))
    if q.strip():
        ids = idea_search_ids(q)
        rank = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
        qs = qs.filter(pk__in=ids).annotate(rank=rank) if ids else qs.none().annotate(rank=Value(0))
        return paginate(qs, order=["rank", "id"], cursor=cursor, limit=limit)
    if sort == "closest":
        gap = _gap_to_next_rung([challenge.pk] if challenge is not None else None)
        qs = qs.filter(status=IdeaStatus.PUBLISHED)
        if gap is None:
            qs = qs.none().annotate(gap=Value(0))
        else:
            qs = qs.annotate(gap=gap).filter(gap__isnull=False)
        return paginate(qs, order=CLOSEST_ORDER, cursor=cursor, limit=limit)
    if sort == "ending_soon":
        qs = qs.filter(status=IdeaStatus.PUBLISHED, deadline__gte=timezone.now())
    return paginate(qs, order=SORTS.get(sort, SORTS["trending"]), cursor=cursor, limit=limit)


def ideas_of_member(*, user: Any, cursor: str | None = None, limit: int = 50) -> Page[Idea]:
    """Every idea the member created or co-created, whatever its status, newest first."""
    qs = (
        Idea.objects.filter(
            Q(author=user) | Q(pk__in=IdeaCoCreator.objects.filter(user=user).values("idea_id"))
        )
        .select_related("challenge")
        .prefetch_related("images")
    )
    return paginate(qs, order=["-id"], cursor=cursor, limit=limit)


def ideas_awaiting_moderation(*, cursor: str | None = None, limit: int = 50) -> Page[Idea]:
    """The moderation queue, oldest first (ids grow with time)."""
    qs = Idea.objects.filter(status=IdeaStatus.SUBMITTED).select_related("author", "challenge")
    return paginate(qs, order=["id"], cursor=cursor, limit=limit)


def idea_page_details(idea: Idea) -> dict[str, Any]:
    """What the idea page shows beside the idea: co-creators, answers and the public lifecycle."""
    return {
        "co_creators": list(idea.co_creators.order_by("ideacocreator__added_at", "pk")),
        "field_answers": list(
            IdeaFieldAnswer.objects.filter(idea=idea)
            .select_related("field")
            .order_by("field__position", "id")
        ),
        "status_changes": list(IdeaStatusChange.objects.filter(idea=idea).select_related("actor")),
    }


def idea_revisions(idea: Idea) -> list[IdeaRevision]:
    return list(IdeaRevision.objects.filter(idea=idea).select_related("editor"))


def is_creator(user: Any, idea: Idea) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        idea.author_id == user.pk or idea.co_creators.filter(pk=user.pk).exists()
    )
