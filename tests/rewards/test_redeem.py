"""Redemption: too few points, out of stock, over the per-member limit (each a clear answer that changes
nothing), discount codes handed out one each, and no overselling under concurrent redemptions."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from cocreate.accounts import services as account_services
from cocreate.accounts.models import Role
from cocreate.core.errors import DomainError, NotAllowed
from cocreate.rewards import services
from cocreate.rewards.models import (
    Action,
    PointBalance,
    PointEntry,
    PointRule,
    Redemption,
    Reward,
    RewardCode,
    RewardKind,
)

pytestmark = pytest.mark.django_db


def give(user: Any, points: int, source: str = "idea:1") -> None:
    PointRule.objects.update_or_create(action=Action.IDEA_PUBLISHED, defaults={"points": points})
    services.award(user=user, action=Action.IDEA_PUBLISHED, source=source)


def snapshot(user: Any, reward: Reward) -> tuple[Any, ...]:
    fresh = Reward.objects.get(pk=reward.pk)
    return (
        fresh.stock,
        PointBalance.objects.filter(user=user).values_list("balance", flat=True).first(),
        PointEntry.objects.filter(user=user).count(),
        Redemption.objects.count(),
        RewardCode.objects.filter(redeemed_by__isnull=False).count(),
    )


def test_redeem_spends_points_and_takes_a_unit(member: Any, brand_admin: Any) -> None:
    give(member, 100)
    reward = services.reward_create(
        actor=brand_admin, title="Early access", kind=RewardKind.EARLY_ACCESS, cost=60, stock=5
    )
    redemption = services.redeem(actor=member, reward=reward)
    assert redemption.points == 60
    assert snapshot(member, reward) == (4, 40, 2, 1, 0)
    entry = PointEntry.objects.get(user=member, action=Action.REDEMPTION)
    assert entry.amount == -60 and entry.source == f"redemption:{redemption.pk}"


def test_too_few_points_changes_nothing(member: Any, brand_admin: Any) -> None:
    give(member, 30)
    reward = services.reward_create(
        actor=brand_admin, title="Phone", kind=RewardKind.BENEFIT, cost=31, stock=3
    )
    before = snapshot(member, reward)
    with pytest.raises(DomainError) as err:
        services.redeem(actor=member, reward=reward)
    assert err.value.status == 409 and err.value.field == "reward"
    assert "31" in err.value.message and "30" in err.value.message
    assert snapshot(member, reward) == before


def test_out_of_stock_changes_nothing(member: Any, other_member: Any, brand_admin: Any) -> None:
    give(member, 100)
    give(other_member, 100)
    reward = services.reward_create(actor=brand_admin, title="Cap", kind=RewardKind.BENEFIT, cost=10, stock=1)
    services.redeem(actor=other_member, reward=reward)
    before = snapshot(member, reward)
    with pytest.raises(DomainError) as err:
        services.redeem(actor=member, reward=reward)
    assert err.value.status == 409 and "out of stock" in err.value.message
    assert snapshot(member, reward) == before == (0, 100, 1, 1, 0)


def test_per_member_limit_changes_nothing(member: Any, brand_admin: Any) -> None:
    give(member, 100)
    reward = services.reward_create(
        actor=brand_admin, title="Mug", kind=RewardKind.BENEFIT, cost=10, stock=None, per_member_limit=2
    )
    services.redeem(actor=member, reward=reward)
    services.redeem(actor=member, reward=reward)
    before = snapshot(member, reward)
    with pytest.raises(DomainError) as err:
        services.redeem(actor=member, reward=reward)
    assert err.value.status == 409 and "2 time" in err.value.message
    assert snapshot(member, reward) == before == (None, 80, 3, 2, 0)


def test_inactive_reward_and_anonymous_are_refused(member: Any, brand_admin: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    give(member, 100)
    reward = services.reward_create(actor=brand_admin, title="Old", kind=RewardKind.BENEFIT, cost=10)
    with pytest.raises(NotAllowed):
        services.redeem(actor=AnonymousUser(), reward=reward)
    services.reward_set_active(actor=brand_admin, reward=reward, active=False)
    with pytest.raises(DomainError) as err:
        services.redeem(actor=member, reward=reward)
    assert err.value.status == 404


def test_discount_codes_are_handed_out_one_each(member: Any, other_member: Any, brand_admin: Any) -> None:
    give(member, 100)
    give(other_member, 100)
    reward = services.reward_create(
        actor=brand_admin,
        title="10% off",
        kind=RewardKind.DISCOUNT_CODE,
        cost=20,
        codes=["AAA", "BBB", "AAA", " "],
    )
    assert reward.stock == 2
    first = services.redeem(actor=member, reward=reward)
    second = services.redeem(actor=other_member, reward=reward)
    assert {first.code, second.code} == {"AAA", "BBB"}
    assert RewardCode.objects.get(code=first.code).redeemed_by_id == member.pk


def test_only_staff_manage_and_bad_input_is_refused(member: Any, brand_admin: Any) -> None:
    with pytest.raises(NotAllowed):
        services.reward_create(actor=member, title="X", kind=RewardKind.BENEFIT, cost=1)
    with pytest.raises(NotAllowed):
        services.rule_set(actor=member, action=Action.SUPPORT_GIVEN, points=5)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"title": " ", "kind": RewardKind.BENEFIT, "cost": 1}, "title"),
        ({"title": "X", "kind": "cash", "cost": 1}, "kind"),
        ({"title": "X", "kind": RewardKind.BENEFIT, "cost": 0}, "cost"),
        ({"title": "X", "kind": RewardKind.DISCOUNT_CODE, "cost": 5}, "codes"),
        ({"title": "X", "kind": RewardKind.BENEFIT, "cost": 5, "codes": ["A"]}, "codes"),
    ]
    for kwargs, field in cases:
        with pytest.raises(DomainError) as err:
            services.reward_create(actor=brand_admin, **kwargs)
        assert err.value.field == field
    with pytest.raises(DomainError) as err:
        services.rule_set(actor=brand_admin, action=Action.REDEMPTION, points=5)
    assert err.value.field == "action"
    assert not Reward.objects.exists() and not PointRule.objects.exists()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_oversell() -> None:
    staff = account_services.user_create_verified(
        actor=None,
        email="staff@example.com",
        role=Role.ADMIN,
        password="pw-long-enough-123",
        display_name="S",
    )
    members = [
        account_services.user_create_verified(
            actor=None,
            email=f"m{i}@example.com",
            role=Role.MEMBER,
            password="pw-long-enough-123",
            display_name=f"M{i}",
        )
        for i in range(40)
    ]
    for m in members:
        give(m, 100, source=f"idea:{m.pk}")
    reward = services.reward_create(
        actor=staff,
        title="Limited",
        kind=RewardKind.DISCOUNT_CODE,
        cost=70,
        codes=[f"CODE{i}" for i in range(20)],
    )
    barrier = threading.Barrier(len(members))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(user: Any) -> None:
        try:
            barrier.wait()
            try:
                services.redeem(actor=user, reward=reward)
                result = "ok"
            except DomainError as exc:
                result = exc.message
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 20
    assert all(o == "ok" or "out of stock" in o for o in outcomes), set(outcomes)
    assert Reward.objects.get(pk=reward.pk).stock == 0
    assert Redemption.objects.filter(reward=reward).count() == 20
    assert len(set(Redemption.objects.values_list("code", flat=True))) == 20
    assert RewardCode.objects.filter(redeemed_by__isnull=True).count() == 0
    winners = set(Redemption.objects.values_list("user_id", flat=True))
    for m in members:
        balance = PointBalance.objects.get(user=m).balance
        assert balance == (30 if m.pk in winners else 100)
        assert balance == sum(PointEntry.objects.filter(user=m).values_list("amount", flat=True))
