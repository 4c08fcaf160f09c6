"""The ledger: awards by the staff's rules, once per source, daily caps, reversals, levels, badges, and the
balance as the sum of the entries whatever happens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from cocreate.accounts import services as account_services
from cocreate.core.errors import DomainError
from cocreate.rewards import selectors, services
from cocreate.rewards.models import (
    Action,
    Badge,
    BadgeAward,
    BadgeCriterion,
    Level,
    PointBalance,
    PointEntry,
    PointRule,
    RewardKind,
)

pytestmark = pytest.mark.django_db


def balance_of(user: Any) -> int:
    return PointBalance.objects.filter(user=user).values_list("balance", flat=True).first() or 0


def ledger_sum(user: Any) -> int:
    return sum(PointEntry.objects.filter(user=user).values_list("amount", flat=True))


def test_award_follows_the_rule_and_pays_once_per_source(member: Any) -> None:
    PointRule.objects.create(action=Action.IDEA_PUBLISHED, points=50)
    first = services.award(user=member, action=Action.IDEA_PUBLISHED, source="idea:1")
    again = services.award(user=member, action=Action.IDEA_PUBLISHED, source="idea:1")
    services.award(user=member, action=Action.IDEA_PUBLISHED, source="idea:2")
    assert first is not None and first.amount == 50
    assert again is None
    assert balance_of(member) == 100 == ledger_sum(member)


def test_no_rule_or_inactive_rule_pays_nothing(member: Any) -> None:
    PointRule.objects.create(action=Action.SUPPORT_GIVEN, points=5, active=False)
    assert services.award(user=member, action=Action.SUPPORT_GIVEN, source="support:1:1") is None
    assert services.award(user=member, action=Action.IDEA_APPROVED, source="idea:1") is None
    assert not PointEntry.objects.exists()


def test_only_earning_actions_can_be_awarded(member: Any) -> None:
    with pytest.raises(DomainError):
        services.award(user=member, action=Action.REDEMPTION, source="x")


def test_daily_cap_clips_then_records_nothing_and_resets_next_day(member: Any) -> None:
    PointRule.objects.create(action=Action.SUPPORT_GIVEN, points=10, daily_cap=25)
    with freeze_time("2026-03-02 10:00"):
        amounts = [
            services.award(user=member, action=Action.SUPPORT_GIVEN, source=f"s:{i}") for i in range(4)
        ]
    assert [e.amount if e else None for e in amounts] == [10, 10, 5, None]
    assert PointEntry.objects.filter(user=member).count() == 3
    with freeze_time("2026-03-03 10:00"):
        nxt = services.award(user=member, action=Action.SUPPORT_GIVEN, source="s:3")
    assert nxt is not None and nxt.amount == 10
    assert balance_of(member) == 35 == ledger_sum(member)


def test_cap_is_per_member_and_per_action(member: Any, other_member: Any) -> None:
    PointRule.objects.create(action=Action.SUPPORT_GIVEN, points=10, daily_cap=10)
    PointRule.objects.create(action=Action.IDEA_PUBLISHED, points=30, daily_cap=10)
    services.award(user=member, action=Action.SUPPORT_GIVEN, source="s:1")
    assert services.award(user=member, action=Action.SUPPORT_GIVEN, source="s:2") is None
    assert services.award(user=other_member, action=Action.SUPPORT_GIVEN, source="s:1") is not None
    published = services.award(user=member, action=Action.IDEA_PUBLISHED, source="idea:1")
    assert published is not None and published.amount == 10


def test_reversal_is_a_negative_entry_and_twice_is_harmless(member: Any) -> None:
    PointRule.objects.create(action=Action.SUPPORT_GIVEN, points=10)
    original = services.award(user=member, action=Action.SUPPORT_GIVEN, source="support:7:1")
    made = services.reverse(action=Action.SUPPORT_GIVEN, source="support:7:1", user=member)
    assert services.reverse(action=Action.SUPPORT_GIVEN, source="support:7:1", user=member) == []
    assert services.reverse(action=Action.SUPPORT_GIVEN, source="never-earned") == []
    assert len(made) == 1 and made[0].amount == -10 and made[0].reverses == original
    assert made[0].action == Action.REVERSAL
    original_row = PointEntry.objects.get(pk=original.pk)  # type: ignore[union-attr]
    assert original_row.amount == 10  # never edited
    assert balance_of(member) == 0 == ledger_sum(member)
    # Redoing the action does not pay again.
    assert services.award(user=member, action=Action.SUPPORT_GIVEN, source="support:7:1") is None


def test_levels_follow_points_earned_not_spent(member: Any) -> None:
    Level.objects.create(name="Newcomer", min_points=0)
    Level.objects.create(name="Builder", min_points=100)
    Level.objects.create(name="Master", min_points=300)
    PointRule.objects.create(action=Action.IDEA_PUBLISHED, points=150)
    services.award(user=member, action=Action.IDEA_PUBLISHED, source="idea:1")
    standing = selectors.standing_of(user=member)
    assert standing.level is not None and standing.level.name == "Builder"
    assert standing.next_level is not None and standing.next_level.name == "Master"
    assert standing.progress == 25
    reward = services.reward_create(
        actor=_staff(), title="Sticker", kind=RewardKind.BENEFIT, cost=100, stock=None
    )
    services.redeem(actor=member, reward=reward)
    standing = selectors.standing_of(user=member)
    assert standing.balance == 50 and standing.level is not None and standing.level.name == "Builder"


def _staff() -> Any:
    from cocreate.accounts.models import Role

    return account_services.user_create_verified(
        actor=None,
        email=f"staff{PointEntry.objects.count()}{timezone.now().timestamp()}@example.com",
        role=Role.ADMIN,
        password="pw-long-enough-123",
        display_name="Staff",
    )


def test_badges_are_awarded_once_when_the_criterion_is_met(member: Any) -> None:
    PointRule.objects.create(action=Action.SUPPORT_GIVEN, points=10)
    supporter = Badge.objects.create(
        name="Supporter",
        slug="supporter",
        criterion=BadgeCriterion.ACTION_COUNT,
        action=Action.SUPPORT_GIVEN,
        threshold=3,
    )
    fifty = Badge.objects.create(
        name="Fifty", slug="fifty", criterion=BadgeCriterion.POINTS_EARNED, threshold=50
    )
    for i in range(2):
        services.award(user=member, action=Action.SUPPORT_GIVEN, source=f"s:{i}")
    services.reverse(action=Action.SUPPORT_GIVEN, source="s:0")
    services.award(user=member, action=Action.SUPPORT_GIVEN, source="s:2")
    assert not BadgeAward.objects.filter(user=member).exists()  # a reversed support does not count
    services.award(user=member, action=Action.SUPPORT_GIVEN, source="s:3")
    assert list(BadgeAward.objects.filter(user=member).values_list("badge", flat=True)) == [supporter.pk]
    for i in range(4, 7):
        services.award(user=member, action=Action.SUPPORT_GIVEN, source=f"s:{i}")
    assert set(BadgeAward.objects.filter(user=member).values_list("badge", flat=True)) == {
        supporter.pk,
        fifty.pk,
    }
    assert [b.slug for b in selectors.standing_of(user=member).badges] == ["supporter", "fifty"]


def test_history_is_paginated_newest_first_with_reversals(member: Any) -> None:
    PointRule.objects.create(action=Action.SUPPORT_GIVEN, points=1)
    for i in range(25):
        services.award(user=member, action=Action.SUPPORT_GIVEN, source=f"s:{i}")
    services.reverse(action=Action.SUPPORT_GIVEN, source="s:3")
    first = selectors.history_page(user=member, cursor=None)
    assert len(first.items) == 20 and first.items[0].action == Action.REVERSAL
    assert first.items[0].reverses is not None and first.items[0].reverses.source == "s:3"
    second = selectors.history_page(user=member, cursor=first.next_cursor)
    assert len(second.items) == 6 and second.next_cursor is None
    assert timezone.now() - first.items[0].created_at < timedelta(minutes=1)


OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("award"),
            st.sampled_from([Action.IDEA_PUBLISHED, Action.SUPPORT_GIVEN]),
            st.integers(0, 5),
        ),
        st.tuples(
            st.just("reverse"),
            st.sampled_from([Action.IDEA_PUBLISHED, Action.SUPPORT_GIVEN]),
            st.integers(0, 5),
        ),
        st.tuples(st.just("redeem"), st.sampled_from([0, 1]), st.just(0)),
    ),
    max_size=25,
)


class LedgerProperties(HypothesisTestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=OPS)
    def test_balance_is_the_sum_and_redemption_never_goes_negative(
        self, ops: list[tuple[str, str, int]]
    ) -> None:
        from cocreate.accounts.models import Role

        staff = account_services.user_create_verified(
            actor=None,
            email="staff@example.com",
            role=Role.ADMIN,
            password="pw-long-enough-123",
            display_name="S",
        )
        user = account_services.user_create_verified(
            actor=None,
            email="m@example.com",
            role=Role.MEMBER,
            password="pw-long-enough-123",
            display_name="M",
        )
        PointRule.objects.create(action=Action.IDEA_PUBLISHED, points=40, daily_cap=100)
        PointRule.objects.create(action=Action.SUPPORT_GIVEN, points=7)
        rewards = [
            services.reward_create(
                actor=staff, title="Cheap", kind=RewardKind.BENEFIT, cost=15, per_member_limit=0
            ),
            services.reward_create(
                actor=staff, title="Dear", kind=RewardKind.BENEFIT, cost=60, per_member_limit=0
            ),
        ]
        for op, what, n in ops:
            if op == "award":
                services.award(user=user, action=what, source=f"{what}:{n}")
            elif op == "reverse":
                services.reverse(action=what, source=f"{what}:{n}")
            else:
                before = PointBalance.objects.filter(user=user).values_list("balance", flat=True).first() or 0
                try:
                    services.redeem(actor=user, reward=rewards[int(what)])
                except DomainError:
                    assert before < rewards[int(what)].cost
                    assert balance_of(user) == before
                else:
                    assert before >= rewards[int(what)].cost
                    assert balance_of(user) == before - rewards[int(what)].cost >= 0
            assert balance_of(user) == ledger_sum(user)
