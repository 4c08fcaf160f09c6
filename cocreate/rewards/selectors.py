"""Reads for the rewards pages and the API, each a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from cocreate.core.pagination import Page, paginate

from .models import (
    EARNING_ACTIONS,
    Action,
    Badge,
    Level,
    PointBalance,
    PointEntry,
    PointRule,
    Redemption,
    Reward,
)

HISTORY_PAGE = 20


@dataclass
class Standing:
    balance: int
    earned: int
    level: Level | None
    next_level: Level | None
    progress: int  # percent of the way from the current level to the next
    badges: list[Badge] = field(default_factory=list)


def standing_of(*, user: Any) -> Standing:
    row = PointBalance.objects.filter(user_id=user.pk).values_list("balance", "earned").first()
    balance, earned = row if row else (0, 0)
    levels = list(Level.objects.filter(active=True).order_by("min_points"))
    level = next((lv for lv in reversed(levels) if lv.min_points <= earned), None)
    next_level = next((lv for lv in levels if lv.min_points > earned), None)
    if next_level is None:
        progress = 100
    else:
        floor = level.min_points if level else 0
        progress = int(100 * (earned - floor) / max(1, next_level.min_points - floor))
    badges = list(
        Badge.objects.filter(active=True, awards__user_id=user.pk).order_by("awards__created_at", "id")
    )
    return Standing(balance, earned, level, next_level, max(0, min(progress, 100)), badges)


def history_page(*, user: Any, cursor: str | None, limit: int = HISTORY_PAGE) -> Page[PointEntry]:
    qs = PointEntry.objects.filter(user_id=user.pk).select_related("reverses")
    return paginate(qs, order=["-id"], cursor=cursor, limit=limit)


def catalogue(*, include_inactive: bool = False) -> QuerySet[Reward]:
    qs = Reward.objects.all() if include_inactive else Reward.objects.filter(active=True)
    return qs.order_by("cost", "id")


def reward_get(*, reward_id: int) -> Reward | None:
    return Reward.objects.filter(pk=reward_id).first()


def redeemed_counts(*, user: Any) -> dict[int, int]:
    if not getattr(user, "is_authenticated", False):
        return {}
    counts: dict[int, int] = {}
    for reward_id in Redemption.objects.filter(user_id=user.pk).values_list("reward_id", flat=True):
        counts[reward_id] = counts.get(reward_id, 0) + 1
    return counts


def my_redemptions(*, user: Any) -> list[Redemption]:
    return list(Redemption.objects.filter(user_id=user.pk).select_related("reward").order_by("-id")[:50])


def rules() -> list[PointRule]:
    """One rule per earning action, unsaved defaults (0 points) for actions staff have not set yet."""
    saved = {r.action: r for r in PointRule.objects.all()}
    return [saved.get(a) or PointRule(action=a, points=0, daily_cap=0, active=False) for a in EARNING_ACTIONS]


def levels_all() -> list[Level]:
    """Every level for the staff, retired ones after the active ladder."""
    return list(Level.objects.order_by("-active", "min_points", "id"))


def level_get(*, level_id: int) -> Level | None:
    return Level.objects.filter(pk=level_id).first()


def badges_all() -> list[Badge]:
    """Every badge for the staff, with how many members hold it."""
    return list(Badge.objects.annotate(holders=Count("awards")).order_by("-active", "name", "id"))


def badge_get(*, badge_id: int) -> Badge | None:
    return Badge.objects.filter(pk=badge_id).first()


def member_find(*, email: str) -> Any:
    """The account with this email address (any case), or None."""
    if not (email or "").strip():
        return None
    return get_user_model().objects.with_email(email).first()  # type: ignore[attr-defined]


def member_get(*, user_id: int) -> Any:
    return get_user_model().objects.filter(pk=user_id).first()


def adjustments_recent(*, limit: int = 20) -> list[PointEntry]:
    """The latest staff adjustments, for the staff's audit on the manage page."""
    return list(
        PointEntry.objects.filter(action=Action.ADJUSTMENT)
        .select_related("user", "actor")
        .order_by("-id")[:limit]
    )
