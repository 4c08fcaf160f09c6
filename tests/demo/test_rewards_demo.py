"""The demo's rewards: rules, levels and badges, points for the members' earlier activity, a catalogue with
discount codes, an exclusive benefit and early access, redemptions, one item sold out. Running it again
adds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum

from cocreate.accounts.models import User
from cocreate.demo import brand as data
from cocreate.demo.challenges import seed_challenges
from cocreate.demo.rewards import SOLD_OUT, seed_rewards
from cocreate.demo.seeding import _ensure_account, seed_brand, seed_members
from cocreate.demo.workshops import seed_workshops
from cocreate.rewards import selectors
from cocreate.rewards.models import (
    EARNING_ACTIONS,
    Action,
    BadgeAward,
    Level,
    PointBalance,
    PointEntry,
    PointRule,
    Redemption,
    Reward,
    RewardCode,
    RewardKind,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (PointRule, Level, BadgeAward, PointEntry, Reward, RewardCode, Redemption)
    }


def test_the_rewards_demo_has_a_living_catalogue_and_is_safe_to_run_twice(
    settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DATA_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        _ensure_account(data.STAFF)
        _ensure_account(data.MEMBER)
        seed_brand()
        seed_members()
        staff = User.objects.get(email=data.STAFF["email"])
        seed_challenges(staff)
        seed_workshops(staff)
        seed_rewards(staff)

    # The staff's rules cover every earning action, workshops included.
    assert set(PointRule.objects.values_list("action", flat=True)) == set(EARNING_ACTIONS)
    assert Level.objects.filter(active=True).count() >= 4

    # Earlier activity was paid with the live receivers' sources.
    published = PointEntry.objects.filter(action=Action.IDEA_PUBLISHED)
    assert published.count() >= 10 and all(
        s.startswith("idea:") for s in published.values_list("source", flat=True)
    )
    assert PointEntry.objects.filter(action=Action.SUPPORT_GIVEN, source__startswith="support:").exists()
    assert PointEntry.objects.filter(action=Action.IDEA_APPROVED).exists()
    assert BadgeAward.objects.filter(badge__name="First idea").count() >= 10
    attended = PointEntry.objects.filter(action=Action.WORKSHOP_ATTENDED)
    assert attended.count() >= 10 and attended.first().source.startswith("workshop:")  # type: ignore[union-attr]
    assert PointEntry.objects.filter(action=Action.SURVEY_COMPLETED, source__startswith="survey:").exists()
    assert (
        BadgeAward.objects.filter(badge__name="In the room").count()
        == attended.values("user").distinct().count()
    )

    # The catalogue: discount codes, an exclusive benefit, early access; one item sold out.
    kinds = set(Reward.objects.values_list("kind", flat=True))
    assert kinds == {RewardKind.DISCOUNT_CODE, RewardKind.BENEFIT, RewardKind.EARLY_ACCESS}
    sold_out = Reward.objects.get(title=SOLD_OUT)
    assert sold_out.stock == 0 and sold_out.redemptions.count() == 3
    for reward in Reward.objects.filter(kind=RewardKind.DISCOUNT_CODE):
        handed = RewardCode.objects.filter(reward=reward, redeemed_by__isnull=False).count()
        assert handed == reward.redemptions.count()
        assert reward.stock == RewardCode.objects.filter(reward=reward, redeemed_by__isnull=True).count()
    assert Redemption.objects.count() >= 10
    assert Redemption.objects.values("user").distinct().count() >= 5

    # The demo member has points, a level and a redemption to show.
    member = User.objects.get(email=data.MEMBER["email"])
    standing = selectors.standing_of(user=member)
    assert standing.earned >= 300 and standing.level is not None
    assert Redemption.objects.filter(user=member).exists()

    # The ledger is sound: balances are the sums of their entries, none below zero, points spent match.
    for balance in PointBalance.objects.all():
        total = PointEntry.objects.filter(user_id=balance.user_id).aggregate(s=Sum("amount"))["s"]
        assert balance.balance == total >= 0
    spent = -PointEntry.objects.filter(action=Action.REDEMPTION).aggregate(s=Sum("amount"))["s"]
    assert spent == Redemption.objects.aggregate(s=Sum("points"))["s"]

    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        seed_rewards(staff)
    assert counts() == before
