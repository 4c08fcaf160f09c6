"""Staff adjustments: entries with a reason, never an edited balance, never below zero, staff only, shown
in the member's history; on the staff page (find the member by email) and through the API."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from cocreate.accounts import services as account_services
from cocreate.accounts.models import Role
from cocreate.core.errors import DomainError, NotAllowed
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
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


def balance_of(user: Any) -> int:
    return PointBalance.objects.filter(user=user).values_list("balance", flat=True).first() or 0


def ledger_sum(user: Any) -> int:
    return sum(PointEntry.objects.filter(user=user).values_list("amount", flat=True))


def test_adjustment_is_an_entry_with_reason_and_author(member: Any, brand_admin: Any) -> None:
    entry = services.points_adjust(actor=brand_admin, user=member, points=120, reason="  Meetup   host ")
    assert (entry.amount, entry.action, entry.note, entry.actor_id) == (
        120,
        Action.ADJUSTMENT,
        "Meetup host",
        brand_admin.pk,
    )
    services.points_adjust(actor=brand_admin, user=member, points=-20, reason="Double counted")
    standing = selectors.standing_of(user=member)
    # A bonus is earned (levels follow it) and a correction un-earns.
    assert standing.balance == 100 == standing.earned == ledger_sum(member)
    assert PointEntry.objects.get(pk=entry.pk).amount == 120  # never edited


def test_adjustment_never_takes_the_balance_below_zero(member: Any, brand_admin: Any) -> None:
    services.points_adjust(actor=brand_admin, user=member, points=30, reason="Bonus")
    before = (balance_of(member), PointEntry.objects.count())
    with pytest.raises(DomainError) as err:
        services.points_adjust(actor=brand_admin, user=member, points=-31, reason="Too much")
    assert err.value.status == 409 and err.value.field == "points" and "30" in err.value.message
    assert (balance_of(member), PointEntry.objects.count()) == before
    services.points_adjust(actor=brand_admin, user=member, points=-30, reason="All of it")
    assert balance_of(member) == 0 == ledger_sum(member)


def test_adjustment_bad_input_and_who_may(member: Any, other_member: Any, brand_admin: Any) -> None:
    with pytest.raises(NotAllowed):
        services.points_adjust(actor=member, user=other_member, points=5, reason="Friend")
    with pytest.raises(NotAllowed):
        services.points_adjust(actor=brand_admin, user=brand_admin, points=5, reason="Me")
    cases: list[tuple[Any, str, str]] = [
        (0, "Nothing", "points"),
        (100_001, "Typo", "points"),
        (-100_001, "Typo", "points"),
        (5, "   ", "reason"),
        (5, "x" * 301, "reason"),
    ]
    for points, reason, field in cases:
        with pytest.raises(DomainError) as err:
            services.points_adjust(actor=brand_admin, user=member, points=points, reason=reason)
        assert err.value.field == field and err.value.status == 400
    with pytest.raises(DomainError) as err:
        services.points_adjust(actor=brand_admin, user=member, points=5, reason="R", key="bad key!")
    assert err.value.field == "key"
    assert not PointEntry.objects.exists()


def test_the_same_key_adjusts_once(member: Any, brand_admin: Any) -> None:
    first = services.points_adjust(actor=brand_admin, user=member, points=10, reason="A", key="k1")
    again = services.points_adjust(actor=brand_admin, user=member, points=10, reason="A", key="k1")
    assert first.pk == again.pk and balance_of(member) == 10


def test_adjustment_counts_for_levels_and_badges(member: Any, brand_admin: Any) -> None:
    Level.objects.create(name="Silver", min_points=100)
    Badge.objects.create(
        name="Hundred", slug="hundred", criterion=BadgeCriterion.POINTS_EARNED, threshold=100
    )
    services.points_adjust(actor=brand_admin, user=member, points=100, reason="Jury member")
    standing = selectors.standing_of(user=member)
    assert standing.level is not None and standing.level.name == "Silver"
    assert [b.slug for b in standing.badges] == ["hundred"]
    # Taking points back lowers the level but the badge, once earned, is kept.
    services.points_adjust(actor=brand_admin, user=member, points=-50, reason="Correction")
    standing = selectors.standing_of(user=member)
    assert standing.level is None and [b.slug for b in standing.badges] == ["hundred"]


# --- The staff page ------------------------------------------------------------------------------------
def test_staff_find_a_member_by_email_and_adjust(
    admin_client_: Client, member_client: Client, member: Any
) -> None:
    url = reverse("rewards:member-points-manage")
    assert member_client.get(url, {"email": member.email}).status_code == 404
    missing = admin_client_.get(url, {"email": "nobody@example.com"})
    assert missing.status_code == 404 and "No member has this email address." in missing.content.decode()
    found = admin_client_.get(url, {"email": member.email.upper()})
    assert found.status_code == 200 and "0 points to spend" in found.content.decode()
    done = admin_client_.post(
        url, {"email": member.email, "points": "75", "reason": "Spoke at the meetup", "key": "abc123"}
    )
    assert done.status_code == 302 and done["Location"].endswith("?email=member%40example.com")
    page = admin_client_.get(done["Location"]).content.decode()
    assert "+75 points for member@example.com: Spoke at the meetup" in page
    assert "75 points to spend" in page
    # The browser sent the form twice: nothing more happens.
    admin_client_.post(
        url, {"email": member.email, "points": "75", "reason": "Spoke at the meetup", "key": "abc123"}
    )
    assert balance_of(member) == 75
    below = admin_client_.post(url, {"email": member.email, "points": "-80", "reason": "Oops", "key": "k2"})
    assert below.status_code == 409
    assert "below zero: the member has 75 points" in below.content.decode()
    junk = admin_client_.post(url, {"email": member.email, "points": "many", "reason": "x", "key": "k3"})
    assert junk.status_code == 400 and "Enter a whole number." in junk.content.decode()
    no_reason = admin_client_.post(url, {"email": member.email, "points": "5", "reason": "", "key": "k4"})
    assert no_reason.status_code == 400 and "Give the reason" in no_reason.content.decode()
    assert balance_of(member) == 75 == ledger_sum(member)
    # The manage page lists the adjustment for the audit.
    manage = admin_client_.get(reverse("rewards:manage")).content.decode()
    assert "Spoke at the meetup" in manage and "admin@example.com" in manage


def test_the_member_sees_the_adjustment_and_its_reason(
    member_client: Client, member: Any, brand_admin: Any
) -> None:
    services.points_adjust(actor=brand_admin, user=member, points=40, reason="Beta tester thanks")
    page = member_client.get(reverse("rewards:points-mine")).content.decode()
    assert "Adjustment by staff" in page and "Beta tester thanks" in page and "+40" in page


# --- The API -------------------------------------------------------------------------------------------
def test_api_adjust_staff_only_with_clear_errors(api_for: Any, member: Any, brand_admin: Any) -> None:
    url = f"/api/v1/members/{member.pk}/points/adjustments"
    assert_error_shape(api_for(None).post(url, {"points": 5, "reason": "x"}), 401)
    assert_error_shape(api_for(member).post(url, {"points": 5, "reason": "x"}), 403)
    staff = api_for(brand_admin)
    assert_error_shape(
        staff.post("/api/v1/members/999999/points/adjustments", {"points": 5, "reason": "x"}), 404
    )
    assert_error_shape(
        staff.post(f"/api/v1/members/{2**70}/points/adjustments", {"points": 5, "reason": "x"}), 404
    )
    assert_error_shape(staff.post(url, {"points": 0, "reason": "x"}), 400, "points")
    assert_error_shape(staff.post(url, {"points": 5, "reason": " "}), 400, "reason")
    assert_error_shape(staff.post(url, {"points": -5, "reason": "x"}), 409, "points")
    assert_error_shape(staff.post(url, {"points": "lots", "reason": "x"}), 422)
    assert not PointEntry.objects.exists()
    done = staff.post(url, {"points": 25, "reason": "Great feedback", "key": "api-1"})
    assert done.status_code == 201
    body = done.json()
    assert body["balance"] == 25 and body["entry"]["note"] == "Great feedback"
    assert body["entry"]["action"] == "adjustment"
    again = staff.post(url, {"points": 25, "reason": "Great feedback", "key": "api-1"})
    assert again.status_code == 201 and again.json()["entry"]["id"] == body["entry"]["id"]
    points = staff.get(f"/api/v1/members/{member.pk}/points").json()
    assert points["balance"] == 25 and [e["note"] for e in points["history"]] == ["Great feedback"]
    assert_error_shape(api_for(member).get(f"/api/v1/members/{member.pk}/points"), 403)
    mine = api_for(member).get("/api/v1/members/me/points").json()
    assert mine["balance"] == 25


# --- The ledger stays sound whatever the order of awards, adjustments and redemptions ----------------
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("award"), st.integers(0, 4)),
        st.tuples(st.just("adjust"), st.integers(-120, 120)),
        st.tuples(st.just("redeem"), st.sampled_from([0, 1])),
    ),
    max_size=25,
)


class AdjustmentProperties(HypothesisTestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=OPS)
    def test_balance_is_the_sum_and_never_negative(self, ops: list[tuple[str, int]]) -> None:
        staff = account_services.user_create_verified(
            actor=None, email="staff@example.com", role=Role.ADMIN, password="pw-long-enough-123"
        )
        user = account_services.user_create_verified(
            actor=None, email="m@example.com", role=Role.MEMBER, password="pw-long-enough-123"
        )
        PointRule.objects.create(action=Action.IDEA_PUBLISHED, points=35)
        rewards = [
            services.reward_create(
                actor=staff, title="Cheap", kind=RewardKind.BENEFIT, cost=15, per_member_limit=0
            ),
            services.reward_create(
                actor=staff, title="Dear", kind=RewardKind.BENEFIT, cost=60, per_member_limit=0
            ),
        ]
        for op, n in ops:
            before = balance_of(user)
            entries = PointEntry.objects.count()
            if op == "award":
                services.award(user=user, action=Action.IDEA_PUBLISHED, source=f"idea:{n}")
            elif op == "adjust":
                try:
                    services.points_adjust(actor=staff, user=user, points=n, reason="Hypothesis")
                except DomainError:
                    assert n == 0 or before + n < 0
                    assert (balance_of(user), PointEntry.objects.count()) == (before, entries)
                else:
                    assert balance_of(user) == before + n
            else:
                try:
                    services.redeem(actor=user, reward=rewards[n])
                except DomainError:
                    assert before < rewards[n].cost and balance_of(user) == before
            balance = PointBalance.objects.filter(user=user).values_list("balance", "earned").first()
            assert balance is None or balance[0] == ledger_sum(user)
            assert balance_of(user) >= 0
            spent = -sum(
                PointEntry.objects.filter(user=user, action=Action.REDEMPTION).values_list(
                    "amount", flat=True
                )
            )
            assert balance is None or balance[1] == balance[0] + spent
        assert not BadgeAward.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_take_aways_and_redemptions_never_go_below_zero() -> None:
    staff = account_services.user_create_verified(
        actor=None, email="staff@example.com", role=Role.ADMIN, password="pw-long-enough-123"
    )
    other_staff = account_services.user_create_verified(
        actor=None, email="staff2@example.com", role=Role.ADMIN, password="pw-long-enough-123"
    )
    user = account_services.user_create_verified(
        actor=None, email="m@example.com", role=Role.MEMBER, password="pw-long-enough-123"
    )
    services.points_adjust(actor=staff, user=user, points=100, reason="Start")
    reward = services.reward_create(
        actor=staff, title="Mug", kind=RewardKind.BENEFIT, cost=30, per_member_limit=0
    )
    barrier = threading.Barrier(12)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            try:
                if i % 2:
                    services.redeem(actor=user, reward=reward)
                else:
                    actor = staff if i % 4 else other_staff
                    services.points_adjust(actor=actor, user=user, points=-30, reason=f"Take {i}")
                result = "ok"
            except DomainError as exc:
                result = str(exc.status)
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 100 points cover three takes of 30, whichever way they come; the rest is refused with 409.
    assert outcomes.count("ok") == 3 and outcomes.count("409") == 9
    assert balance_of(user) == 10 == ledger_sum(user)
