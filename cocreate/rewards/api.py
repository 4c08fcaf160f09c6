"""Points and rewards as JSON: the catalogue, redeeming, a member's own points, and the staff's rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from cocreate.accounts.policies import check_authenticated
from cocreate.core.api import ERROR_RESPONSES, InputSchema, api_actor
from cocreate.core.errors import NotFound

from . import selectors, services
from .models import Redemption, Reward
from .policies import check_can_manage_rewards

router = Router(tags=["rewards"])
MAX_ID = 2**63 - 1


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


class EntryOut(Schema):
    id: int
    amount: int
    action: str
    source: str
    reverses_id: int | None
    note: str
    created_at: datetime


class LevelOut(Schema):
    name: str
    min_points: int


class BadgeOut(Schema):
    slug: str
    name: str
    description: str


class PointsOut(Schema):
    balance: int
    earned: int
    level: LevelOut | None
    next_level: LevelOut | None
    progress: int
    badges: list[BadgeOut]
    history: list[EntryOut]
    next_cursor: str | None


class HistoryFilters(InputSchema):
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=100)


class RuleIn(InputSchema):
    action: str
    points: int = Field(ge=0)
    daily_cap: int = Field(0, ge=0)
    active: bool = True


class RuleOut(Schema):
    action: str
    points: int
    daily_cap: int
    active: bool


class RulesIn(InputSchema):
    rules: list[RuleIn] = Field(max_length=20)


@router.get("/rewards", response={200: list[RewardOut], **ERROR_RESPONSES}, summary="The rewards catalogue")
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


@router.get(
    "/reward-rules", response={200: list[RuleOut], **ERROR_RESPONSES}, summary="Points per action (staff)"
)
def rule_list(request: HttpRequest) -> list[Any]:
    check_can_manage_rewards(api_actor(request))
    return selectors.rules()


@router.put(
    "/reward-rules",
    response={200: list[RuleOut], **ERROR_RESPONSES},
    summary="Set points and daily caps per action (staff); actions not listed keep their rule",
)
def rule_put(request: HttpRequest, payload: RulesIn) -> list[Any]:
    services.rules_set(actor=api_actor(request), rules=[rule.model_dump() for rule in payload.rules])
    return selectors.rules()
