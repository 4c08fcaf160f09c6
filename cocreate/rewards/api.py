"""Points and rewards as JSON: the catalogue (public, like its page), redeeming, a member's own points,
and for the staff the rules, a member's points and adjustments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from cocreate.accounts.policies import check_authenticated
from cocreate.core.addresses import MAX_ID
from cocreate.core.api import ERROR_RESPONSES, InputSchema, api_actor
from cocreate.core.errors import NotFound

from . import selectors, services
from .models import Badge, Level, Redemption, Reward
from .policies import check_can_manage_rewards

router = Router(tags=["rewards"])


class RewardOut(Schema):
    id: int
    title: str
    description: str
    kind: str
    cost: int
    stock: int | None = Field(description="Units left; null means unlimited.")
    per_member_limit: int


class RedemptionOut(Schema):
    id: int
    reward_id: int
    points: int
    code: str
    created_at: datetime


class LedgerEntryOut(Schema):
    id: int
    amount: int
    action: str
    source: str
    reverses_id: int | None
    note: str
    created_at: datetime


class AdjustmentIn(InputSchema):
    points: int = Field(
        description="Points to add (positive) or take away (negative); not zero, at most 100,000 either way."
    )
    reason: str = Field(max_length=300, description="Shown to the member in their history.")
    key: str | None = Field(
        None,
        max_length=64,
        description="Optional idempotency key: sending the same key again returns the first adjustment.",
    )


class AdjustmentOut(Schema):
    entry: LedgerEntryOut
    balance: int


class LevelOut(Schema):
    name: str
    min_points: int


class BadgeOut(Schema):
    slug: str
    name: str
    description: str


class LevelFullOut(Schema):
    id: int
    name: str
    min_points: int = Field(description="Points earned in total to reach the level.")
    active: bool


class LevelIn(InputSchema):
    name: str = Field(max_length=80)
    min_points: int = Field(ge=0)


class LevelPatch(InputSchema):
    name: str | None = Field(None, max_length=80)
    min_points: int | None = Field(None, ge=0)
    active: bool | None = None


class BadgeFullOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    criterion: str = Field(description="action_count or points_earned.")
    action: str = Field(description="The action counted (action_count only), else empty.")
    threshold: int
    active: bool


class BadgeIn(InputSchema):
    name: str = Field(max_length=80)
    description: str = Field("", max_length=300)
    criterion: str
    action: str = ""
    threshold: int = Field(ge=1)


class BadgePatch(InputSchema):
    name: str | None = Field(None, max_length=80)
    description: str | None = Field(None, max_length=300)
    criterion: str | None = None
    action: str | None = None
    threshold: int | None = Field(None, ge=1)
    active: bool | None = None


class PointsOut(Schema):
    balance: int
    earned: int
    level: LevelOut | None
    next_level: LevelOut | None
    progress: int
    badges: list[BadgeOut]
    history: list[LedgerEntryOut]
    next_cursor: str | None


class HistoryFilters(InputSchema):
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=100)


class PointsRuleIn(InputSchema):
    action: str
    points: int = Field(ge=0)
    daily_cap: int = Field(0, ge=0)
    active: bool = True


class PointsRuleOut(Schema):
    action: str
    points: int
    daily_cap: int
    active: bool


class PointsRulesIn(InputSchema):
    rules: list[PointsRuleIn] = Field(max_length=20)


@router.get(
    "/rewards",
    auth=None,
    response={200: list[RewardOut], **ERROR_RESPONSES},
    summary="The rewards catalogue (public, like the rewards page; redeeming needs an account)",
)
def reward_list(request: HttpRequest) -> list[Reward]:
    return list(selectors.catalogue())


@router.post(
    "/rewards/{reward_id}/redeem",
    response={201: RedemptionOut, **ERROR_RESPONSES},
    summary="Spend points on a reward (409 when out of stock, over your limit or short of points)",
)
def reward_redeem(request: HttpRequest, reward_id: int) -> Status[Redemption]:
    reward = selectors.reward_get(reward_id=reward_id) if 0 < reward_id <= MAX_ID else None
    if reward is None:
        raise NotFound("No such reward.", field="reward")
    return Status(201, services.redeem(actor=api_actor(request), reward=reward))


@router.get(
    "/members/me/points",
    response={200: PointsOut, **ERROR_RESPONSES},
    summary="Your points, level, badges and history (newest first, cursor-paginated)",
)
def my_points(request: HttpRequest, filters: Query[HistoryFilters]) -> dict[str, Any]:
    user = api_actor(request)
    check_authenticated(user)
    standing = selectors.standing_of(user=user)
    page = selectors.history_page(user=user, cursor=filters.cursor, limit=filters.limit)
    return {**standing.__dict__, "history": page.items, "next_cursor": page.next_cursor}


def _member(user_id: int) -> Any:
    member = selectors.member_get(user_id=user_id) if 0 < user_id <= MAX_ID else None
    if member is None:
        raise NotFound("No such member.", field="user_id")
    return member


@router.get(
    "/members/{user_id}/points",
    response={200: PointsOut, **ERROR_RESPONSES},
    summary="A member's points, level, badges and history (staff)",
)
def member_points(request: HttpRequest, user_id: int, filters: Query[HistoryFilters]) -> dict[str, Any]:
    check_can_manage_rewards(api_actor(request))
    member = _member(user_id)
    standing = selectors.standing_of(user=member)
    page = selectors.history_page(user=member, cursor=filters.cursor, limit=filters.limit)
    return {**standing.__dict__, "history": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/members/{user_id}/points/adjustments",
    response={201: AdjustmentOut, **ERROR_RESPONSES},
    summary="Add or take away points by hand, with a reason (staff; 409 if the balance would go below zero)",
)
def member_points_adjust(request: HttpRequest, user_id: int, payload: AdjustmentIn) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    check_can_manage_rewards(actor)
    member = _member(user_id)
    entry = services.points_adjust(
        actor=actor, user=member, points=payload.points, reason=payload.reason, key=payload.key
    )
    return Status(201, {"entry": entry, "balance": selectors.standing_of(user=member).balance})


@router.get(
    "/reward-rules",
    response={200: list[PointsRuleOut], **ERROR_RESPONSES},
    summary="Points per action (staff)",
)
def rule_list(request: HttpRequest) -> list[Any]:
    check_can_manage_rewards(api_actor(request))
    return selectors.rules()


@router.put(
    "/reward-rules",
    response={200: list[PointsRuleOut], **ERROR_RESPONSES},
    summary="Set points and daily caps per action (staff); actions not listed keep their rule",
)
def rule_put(request: HttpRequest, payload: PointsRulesIn) -> list[Any]:
    services.rules_set(actor=api_actor(request), rules=[rule.model_dump() for rule in payload.rules])
    return selectors.rules()


# --- Levels and badges: public ladders, staff changes ---------------------------------------------------
@router.get(
    "/reward-levels",
    auth=None,
    response={200: list[LevelFullOut], **ERROR_RESPONSES},
    summary="The active levels, lowest first (public)",
)
def level_list(request: HttpRequest) -> list[Level]:
    return [level for level in selectors.levels_all() if level.active]


def _level(level_id: int) -> Level:
    level = selectors.level_get(level_id=level_id) if 0 < level_id <= MAX_ID else None
    if level is None:
        raise NotFound("No such level.", field="level_id")
    return level


@router.post("/reward-levels", response={201: LevelFullOut, **ERROR_RESPONSES}, summary="Add a level (staff)")
def level_create(request: HttpRequest, payload: LevelIn) -> Status[Level]:
    return Status(
        201, services.level_create(actor=api_actor(request), name=payload.name, min_points=payload.min_points)
    )


@router.patch(
    "/reward-levels/{level_id}",
    response={200: LevelFullOut, **ERROR_RESPONSES},
    summary="Rename, move or retire a level (staff); fields left out keep their value",
)
def level_patch(request: HttpRequest, level_id: int, payload: LevelPatch) -> Level:
    actor = api_actor(request)
    check_can_manage_rewards(actor)
    level = _level(level_id)
    with transaction.atomic():
        if payload.name is not None or payload.min_points is not None:
            services.level_update(
                actor=actor,
                level=level,
                name=level.name if payload.name is None else payload.name,
                min_points=level.min_points if payload.min_points is None else payload.min_points,
            )
        if payload.active is not None:
            services.level_set_active(actor=actor, level=level, active=payload.active)
    return level


@router.get(
    "/badges",
    auth=None,
    response={200: list[BadgeFullOut], **ERROR_RESPONSES},
    summary="The active badges and what earns them (public)",
)
def badge_list(request: HttpRequest) -> list[Badge]:
    return [badge for badge in selectors.badges_all() if badge.active]


def _badge(badge_id: int) -> Badge:
    badge = selectors.badge_get(badge_id=badge_id) if 0 < badge_id <= MAX_ID else None
    if badge is None:
        raise NotFound("No such badge.", field="badge_id")
    return badge


@router.post(
    "/badges",
    response={201: BadgeFullOut, **ERROR_RESPONSES},
    summary="Add a badge (staff); members who already qualify get it at once",
)
def badge_create(request: HttpRequest, payload: BadgeIn) -> Status[Badge]:
    return Status(201, services.badge_create(actor=api_actor(request), **payload.model_dump()))


@router.patch(
    "/badges/{badge_id}",
    response={200: BadgeFullOut, **ERROR_RESPONSES},
    summary="Change or retire a badge (staff); awards made stay, new qualifiers get it at once",
)
def badge_patch(request: HttpRequest, badge_id: int, payload: BadgePatch) -> Badge:
    actor = api_actor(request)
    check_can_manage_rewards(actor)
    badge = _badge(badge_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"active"})
    with transaction.atomic():
        if changes:
            fields = {
                k: getattr(badge, k) for k in ("name", "description", "criterion", "action", "threshold")
            }
            fields.update({k: v for k, v in changes.items() if v is not None})
            services.badge_update(actor=actor, badge=badge, **fields)
        if payload.active is not None:
            services.badge_set_active(actor=actor, badge=badge, active=payload.active)
    return badge
