"""The pages (catalogue, my points, the staff screen) and the JSON API, errors included."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.rewards import services
from cocreate.rewards.models import (
    Action,
    Badge,
    BadgeCriterion,
    Level,
    PointBalance,
    PointRule,
    Redemption,
    Reward,
    RewardKind,
)
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


def give(user: Any, points: int, source: str = "idea:1") -> None:
    PointRule.objects.update_or_create(action=Action.IDEA_PUBLISHED, defaults={"points": points})
    services.award(user=user, action=Action.IDEA_PUBLISHED, source=source)


@pytest.fixture
def reward(brand_admin: Any) -> Reward:
    return services.reward_create(
        actor=brand_admin, title="Early access to the Mi Band", kind=RewardKind.EARLY_ACCESS, cost=40, stock=3
    )


def test_catalogue_shows_cost_and_stock(client: Client, reward: Reward) -> None:
    page = client.get(reverse("rewards:catalogue")).content.decode()
    assert "Early access to the Mi Band" in page and "40 points" in page and "3 left" in page


def test_redeem_from_the_page_and_errors_in_place(member_client: Client, member: Any, reward: Reward) -> None:
    url = reverse("rewards:reward-redeem", args=[reward.pk])
    short = member_client.post(url)
    assert short.status_code == 409
    assert "This reward costs 40 points; you have 0." in short.content.decode()
    assert Reward.objects.get(pk=reward.pk).stock == 3
    give(member, 100)
    ok = member_client.post(url)
    assert ok.status_code == 302 and ok["Location"] == reverse("rewards:points-mine")
    fragment = member_client.post(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 409 and "the most allowed per member" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert Redemption.objects.filter(user=member).count() == 1


def test_my_points_page_shows_level_badges_and_history(member_client: Client, member: Any) -> None:
    Level.objects.create(name="Explorer", min_points=0)
    Level.objects.create(name="Pioneer", min_points=200)
    Badge.objects.create(
        name="First idea",
        slug="first-idea",
        criterion=BadgeCriterion.ACTION_COUNT,
        action=Action.IDEA_PUBLISHED,
        threshold=1,
    )
    give(member, 50)
    services.reverse(action=Action.IDEA_PUBLISHED, source="idea:1")
    page = member_client.get(reverse("rewards:points-mine")).content.decode()
    assert "Explorer" in page and "Pioneer at 200 points" in page and "First idea" in page
    assert "Taken back: Idea published" in page and "+50" in page and "-50" in page


def test_manage_is_staff_only_and_saves_rules_and_rewards(
    member_client: Client, admin_client_: Client
) -> None:
    url = reverse("rewards:manage")
    assert member_client.get(url).status_code == 404
    assert admin_client_.get(url).status_code == 200
    response = admin_client_.post(
        url,
        {
            "form": "rules",
            "actions": [Action.SUPPORT_GIVEN],
            f"points-{Action.SUPPORT_GIVEN}": "5",
            f"cap-{Action.SUPPORT_GIVEN}": "20",
            f"active-{Action.SUPPORT_GIVEN}": "on",
        },
    )
    assert response.status_code == 302
    rule = PointRule.objects.get(action=Action.SUPPORT_GIVEN)
    assert (rule.points, rule.daily_cap, rule.active) == (5, 20, True)
    bad = admin_client_.post(
        url, {"form": "reward", "title": "Codes", "kind": RewardKind.DISCOUNT_CODE, "cost": "10", "codes": ""}
    )
    assert bad.status_code == 400 and "needs its codes" in bad.content.decode()
    assert not Reward.objects.exists()
    good = admin_client_.post(
        url,
        {
            "form": "reward",
            "title": "Codes",
            "kind": RewardKind.DISCOUNT_CODE,
            "cost": "10",
            "codes": "A1\nB2",
            "per_member_limit": "1",
        },
    )
    assert good.status_code == 302 and Reward.objects.get().stock == 2


def test_api_catalogue_redeem_and_my_points(api_for: Any, member: Any, reward: Reward) -> None:
    api = api_for(member)
    listed = api.get("/api/v1/rewards").json()
    assert [(r["title"], r["stock"]) for r in listed] == [("Early access to the Mi Band", 3)]
    assert_error_shape(api.post(f"/api/v1/rewards/{reward.pk}/redeem"), 409, "reward")
    assert_error_shape(api.post("/api/v1/rewards/999999/redeem"), 404, "reward")
    assert_error_shape(api.post(f"/api/v1/rewards/{2**70}/redeem"), 404, "reward")
    give(member, 45)
    done = api.post(f"/api/v1/rewards/{reward.pk}/redeem")
    assert done.status_code == 201 and done.json()["points"] == 40
    points = api.get("/api/v1/members/me/points", {"limit": 1}).json()
    assert points["balance"] == 5 and points["earned"] == 45
    assert [e["action"] for e in points["history"]] == ["redemption"] and points["next_cursor"]
    older = api.get("/api/v1/members/me/points", {"cursor": points["next_cursor"]}).json()
    assert [e["amount"] for e in older["history"]] == [45]
    assert_error_shape(api_for(None).get("/api/v1/members/me/points"), 401)
    assert PointBalance.objects.get(user=member).balance == 5


def test_api_catalogue_is_public_but_redeeming_needs_an_account(api_for: Any, reward: Reward) -> None:
    # Like the /rewards/ page: anyone may see what points buy; spending them needs an account.
    anonymous = api_for(None)
    listed = anonymous.get("/api/v1/rewards")
    assert listed.status_code == 200
    assert [(r["title"], r["cost"], r["stock"]) for r in listed.json()] == [
        ("Early access to the Mi Band", 40, 3)
    ]
    assert_error_shape(anonymous.post(f"/api/v1/rewards/{reward.pk}/redeem"), 401)
    assert Reward.objects.get(pk=reward.pk).stock == 3


def test_api_rules_staff_only_and_all_or_nothing(api_for: Any, member: Any, brand_admin: Any) -> None:
    assert_error_shape(api_for(member).get("/api/v1/reward-rules"), 403)
    staff = api_for(brand_admin)
    body = {
        "rules": [
            {"action": "support_given", "points": 5, "daily_cap": 25},
            {"action": "redemption", "points": 1},
        ]
    }
    assert_error_shape(staff.put("/api/v1/reward-rules", body), 400, "action")
    assert not PointRule.objects.exists()
    assert_error_shape(
        staff.put("/api/v1/reward-rules", {"rules": [{"action": "support_given", "points": -1}]}), 422
    )
    body["rules"] = body["rules"][:1]
    saved = staff.put("/api/v1/reward-rules", body)
    assert saved.status_code == 200
    rule = next(r for r in saved.json() if r["action"] == "support_given")
    assert (rule["points"], rule["daily_cap"], rule["active"]) == (5, 25, True)
    assert len(staff.get("/api/v1/reward-rules").json()) == 6
