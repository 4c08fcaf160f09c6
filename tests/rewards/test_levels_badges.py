"""Levels and badges the staff create, edit and retire; a new or changed badge goes at once to everyone who
already qualifies (once); the points section on a member's public profile."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.core.errors import DomainError, NotAllowed
from cocreate.rewards import selectors, services
from cocreate.rewards.models import Action, Badge, BadgeAward, BadgeCriterion, Level, PointRule
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


def give(user: Any, points: int, source: str) -> None:
    PointRule.objects.update_or_create(action=Action.IDEA_PUBLISHED, defaults={"points": points})
    services.award(user=user, action=Action.IDEA_PUBLISHED, source=source)


def holders(badge: Badge) -> set[int]:
    return set(BadgeAward.objects.filter(badge=badge).values_list("user_id", flat=True))


def test_levels_create_edit_and_retire(member: Any, brand_admin: Any) -> None:
    bronze = services.level_create(actor=brand_admin, name=" Bronze ", min_points=0)
    silver = services.level_create(actor=brand_admin, name="Silver", min_points=100)
    give(member, 150, "idea:1")
    assert selectors.standing_of(user=member).level == silver
    with pytest.raises(DomainError) as err:
        services.level_create(actor=brand_admin, name="Other silver", min_points=100)
    assert err.value.status == 409 and err.value.field == "min_points"
    services.level_update(actor=brand_admin, level=silver, name="Silver", min_points=200)
    standing = selectors.standing_of(user=member)
    assert standing.level == bronze and standing.next_level == silver and standing.progress == 75
    services.level_set_active(actor=brand_admin, level=silver, active=False)
    standing = selectors.standing_of(user=member)
    assert standing.next_level is None and standing.progress == 100
    # A retired level frees its threshold; bringing it back while another holds it is refused.
    services.level_create(actor=brand_admin, name="Gold", min_points=200)
    with pytest.raises(DomainError) as err:
        services.level_set_active(actor=brand_admin, level=silver, active=True)
    assert err.value.status == 409
    assert Level.objects.get(pk=silver.pk).active is False
    assert bronze.name == "Bronze"


def test_level_bad_input_and_staff_only(member: Any, brand_admin: Any) -> None:
    with pytest.raises(NotAllowed):
        services.level_create(actor=member, name="Mine", min_points=1)
    for name, points, field in [(" ", 1, "name"), ("x" * 81, 1, "name"), ("A", -1, "min_points")]:
        with pytest.raises(DomainError) as err:
            services.level_create(actor=brand_admin, name=name, min_points=points)
        assert err.value.field == field
    assert not Level.objects.exists()


def test_a_new_badge_goes_to_who_already_qualifies_once(
    member: Any, other_member: Any, brand_admin: Any
) -> None:
    PointRule.objects.create(action=Action.SUPPORT_GIVEN, points=5)
    for i in range(3):
        services.award(user=member, action=Action.SUPPORT_GIVEN, source=f"s:{i}")
    services.award(user=other_member, action=Action.SUPPORT_GIVEN, source="s:0")
    services.award(user=other_member, action=Action.SUPPORT_GIVEN, source="s:1")
    services.award(user=other_member, action=Action.SUPPORT_GIVEN, source="s:2")
    services.reverse(action=Action.SUPPORT_GIVEN, source="s:2", user=other_member)
    supporter = services.badge_create(
        actor=brand_admin,
        name="Supporter",
        criterion=BadgeCriterion.ACTION_COUNT,
        action=Action.SUPPORT_GIVEN,
        threshold=3,
        description="Supported three ideas",
    )
    # A reversed support does not count.
    assert holders(supporter) == {member.pk}
    assert services.badge_backfill(badge=supporter) == 0
    give(other_member, 10, "idea:9")
    earned = services.badge_create(
        actor=brand_admin, name="Ten points", criterion=BadgeCriterion.POINTS_EARNED, threshold=10
    )
    assert holders(earned) == {member.pk, other_member.pk} and earned.action == ""
    # The next qualifying action awards it the usual way, once.
    services.award(user=other_member, action=Action.SUPPORT_GIVEN, source="s:3")
    services.award(user=other_member, action=Action.SUPPORT_GIVEN, source="s:4")
    assert holders(supporter) == {member.pk, other_member.pk}
    assert BadgeAward.objects.count() == 4


def test_badge_edit_backfills_and_keeps_awards_retire_hides(member: Any, brand_admin: Any) -> None:
    give(member, 40, "idea:1")
    badge = services.badge_create(
        actor=brand_admin, name="Fifty", criterion=BadgeCriterion.POINTS_EARNED, threshold=50
    )
    assert holders(badge) == set()
    services.badge_update(
        actor=brand_admin, badge=badge, name="Forty", criterion=BadgeCriterion.POINTS_EARNED, threshold=40
    )
    assert holders(badge) == {member.pk}
    services.badge_update(
        actor=brand_admin, badge=badge, name="Forty", criterion=BadgeCriterion.POINTS_EARNED, threshold=400
    )
    assert holders(badge) == {member.pk}  # once earned, kept
    services.badge_set_active(actor=brand_admin, badge=badge, active=False)
    assert selectors.standing_of(user=member).badges == []
    other = services.badge_create(
        actor=brand_admin, name="Thirty", criterion=BadgeCriterion.POINTS_EARNED, threshold=30
    )
    services.badge_set_active(actor=brand_admin, badge=other, active=False)
    BadgeAward.objects.filter(badge=other).delete()
    give(member, 40, "idea:2")
    assert holders(other) == set()  # a retired badge is not awarded
    services.badge_set_active(actor=brand_admin, badge=other, active=True)
    assert holders(other) == {member.pk}
    assert [b.name for b in selectors.standing_of(user=member).badges] == ["Thirty"]


def test_badge_bad_input_and_staff_only(member: Any, brand_admin: Any) -> None:
    with pytest.raises(NotAllowed):
        services.badge_create(actor=member, name="X", criterion=BadgeCriterion.POINTS_EARNED, threshold=1)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"name": " ", "criterion": BadgeCriterion.POINTS_EARNED, "threshold": 1}, "name"),
        ({"name": "X", "criterion": "karma", "threshold": 1}, "criterion"),
        ({"name": "X", "criterion": BadgeCriterion.ACTION_COUNT, "threshold": 1}, "action"),
        (
            {"name": "X", "criterion": BadgeCriterion.ACTION_COUNT, "action": "redemption", "threshold": 1},
            "action",
        ),
        ({"name": "X", "criterion": BadgeCriterion.POINTS_EARNED, "threshold": 0}, "threshold"),
        (
            {
                "name": "X",
                "criterion": BadgeCriterion.POINTS_EARNED,
                "threshold": 1,
                "description": "d" * 301,
            },
            "description",
        ),
    ]
    for kwargs, field in cases:
        with pytest.raises(DomainError) as err:
            services.badge_create(actor=brand_admin, **kwargs)
        assert err.value.field == field
    assert not Badge.objects.exists()
    a = services.badge_create(
        actor=brand_admin, name="Helper", criterion=BadgeCriterion.POINTS_EARNED, threshold=1
    )
    b = services.badge_create(
        actor=brand_admin, name="Helper", criterion=BadgeCriterion.POINTS_EARNED, threshold=2
    )
    assert (a.slug, b.slug) == ("helper", "helper-2")


# --- Staff pages ---------------------------------------------------------------------------------------
def test_level_pages(admin_client_: Client, member_client: Client) -> None:
    url = reverse("rewards:level-manage")
    assert member_client.get(url).status_code == 404
    assert admin_client_.post(url, {"form": "level", "name": "Scout", "min_points": "0"}).status_code == 302
    bad = admin_client_.post(url, {"form": "level", "name": "Twin", "min_points": "0"})
    assert bad.status_code == 409 and "Another level already starts at 0 points." in bad.content.decode()
    junk = admin_client_.post(url, {"form": "level", "name": "Odd", "min_points": "ten"})
    assert junk.status_code == 400 and 'value="Odd"' in junk.content.decode()
    level = Level.objects.get()
    edit = reverse("rewards:level-edit", args=[level.pk])
    assert admin_client_.post(edit, {"name": "Ranger", "min_points": "50"}).status_code == 302
    assert admin_client_.post(url, {"form": "active", "level": level.pk, "active": "0"}).status_code == 302
    level.refresh_from_db()
    assert (level.name, level.min_points, level.active) == ("Ranger", 50, False)
    page = admin_client_.get(url).content.decode()
    assert "Ranger" in page and "Activate" in page and ">Add level</button>" in page
    assert admin_client_.get(reverse("rewards:level-edit", args=[999999])).status_code == 404
    assert admin_client_.post(url, {"form": "active", "level": "999999", "active": "1"}).status_code == 404


def test_badge_pages_award_who_qualifies(admin_client_: Client, member: Any) -> None:
    give(member, 60, "idea:1")
    url = reverse("rewards:badge-manage")
    created = admin_client_.post(
        url,
        {
            "form": "badge",
            "name": "Idea maker",
            "description": "Published an idea",
            "criterion": BadgeCriterion.ACTION_COUNT,
            "action": Action.IDEA_PUBLISHED,
            "threshold": "1",
        },
    )
    assert created.status_code == 302
    page = admin_client_.get(url).content.decode()
    assert "1 member(s) already qualify and have it." in page and "Idea published × 1" in page
    badge = Badge.objects.get()
    assert holders(badge) == {member.pk}
    bad = admin_client_.post(
        url,
        {"form": "badge", "name": "No action", "criterion": BadgeCriterion.ACTION_COUNT, "threshold": "2"},
    )
    assert bad.status_code == 400 and "Choose the action to count." in bad.content.decode()
    edit = reverse("rewards:badge-edit", args=[badge.pk])
    assert admin_client_.get(edit).status_code == 200
    saved = admin_client_.post(
        edit,
        {"name": "Big earner", "criterion": BadgeCriterion.POINTS_EARNED, "action": "", "threshold": "60"},
    )
    assert saved.status_code == 302
    assert admin_client_.post(url, {"form": "active", "badge": badge.pk, "active": "0"}).status_code == 302
    badge.refresh_from_db()
    assert (badge.name, badge.criterion, badge.active) == ("Big earner", BadgeCriterion.POINTS_EARNED, False)
    assert Badge.objects.count() == 1


# --- The member's public profile -----------------------------------------------------------------------
def test_profile_shows_level_points_earned_and_badges(
    client: Client, member: Any, other_member: Any, brand_admin: Any
) -> None:
    url = reverse("accounts:member-detail", args=[member.pk])
    assert "Points and badges" not in client.get(url).content.decode()
    services.level_create(actor=brand_admin, name="Pathfinder", min_points=100)
    services.badge_create(
        actor=brand_admin, name="Centurion", criterion=BadgeCriterion.POINTS_EARNED, threshold=100
    )
    give(member, 120, "idea:1")
    page = client.get(url).content.decode()
    assert "Points and badges" in page and "Pathfinder" in page and "120 points earned" in page
    assert "Centurion" in page and "Your points" not in page
    client.force_login(member)
    assert "Your points" in client.get(url).content.decode()
    assert (
        "Points and badges"
        not in client.get(reverse("accounts:member-detail", args=[other_member.pk])).content.decode()
    )


def test_staff_lists_and_the_profile_section_cost_a_fixed_number_of_queries(
    admin_client_: Client, brand_admin: Any, member: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(15):
        services.level_create(actor=brand_admin, name=f"Level {i}", min_points=i * 10)
        services.badge_create(
            actor=brand_admin, name=f"Badge {i}", criterion=BadgeCriterion.POINTS_EARNED, threshold=i + 1
        )
    give(member, 200, "idea:1")
    admin_client_.get(reverse("rewards:badge-manage"))  # warm the session and the brand
    with django_assert_max_num_queries(12):
        assert admin_client_.get(reverse("rewards:badge-manage")).status_code == 200
    with django_assert_max_num_queries(12):
        assert admin_client_.get(reverse("rewards:level-manage")).status_code == 200
    with django_assert_max_num_queries(20):
        page = admin_client_.get(reverse("accounts:member-detail", args=[member.pk])).content.decode()
    assert "Badge 14" in page


# --- The API -------------------------------------------------------------------------------------------
def test_api_levels_public_list_and_staff_changes(api_for: Any, member: Any, brand_admin: Any) -> None:
    staff = api_for(brand_admin)
    assert_error_shape(api_for(member).post("/api/v1/reward-levels", {"name": "X", "min_points": 1}), 403)
    assert_error_shape(api_for(None).post("/api/v1/reward-levels", {"name": "X", "min_points": 1}), 401)
    made = staff.post("/api/v1/reward-levels", {"name": "Scout", "min_points": 0})
    assert made.status_code == 201 and made.json()["active"] is True
    assert_error_shape(
        staff.post("/api/v1/reward-levels", {"name": "Twin", "min_points": 0}), 409, "min_points"
    )
    assert_error_shape(staff.post("/api/v1/reward-levels", {"name": "Neg", "min_points": -1}), 422)
    level_id = made.json()["id"]
    moved = staff.patch(f"/api/v1/reward-levels/{level_id}", {"min_points": 20})
    assert moved.status_code == 200 and moved.json()["name"] == "Scout" and moved.json()["min_points"] == 20
    staff.post("/api/v1/reward-levels", {"name": "Ranger", "min_points": 100})
    assert staff.patch(f"/api/v1/reward-levels/{level_id}", {"active": False}).json()["active"] is False
    assert_error_shape(staff.patch("/api/v1/reward-levels/999999", {"active": True}), 404)
    assert_error_shape(api_for(member).patch(f"/api/v1/reward-levels/{level_id}", {"active": True}), 403)
    public = api_for(None).get("/api/v1/reward-levels").json()
    assert [lv["name"] for lv in public] == ["Ranger"]
    assert Level.objects.filter(active=False).count() == 1


def test_api_badges_public_list_and_staff_changes(api_for: Any, member: Any, brand_admin: Any) -> None:
    give(member, 30, "idea:1")
    staff = api_for(brand_admin)
    body = {"name": "Thirty", "criterion": "points_earned", "threshold": 30, "description": "Earned 30"}
    assert_error_shape(api_for(member).post("/api/v1/badges", body), 403)
    made = staff.post("/api/v1/badges", body)
    assert made.status_code == 201 and made.json()["slug"] == "thirty"
    badge_id = made.json()["id"]
    url = f"/api/v1/badges/{badge_id}"
    assert BadgeAward.objects.filter(badge_id=badge_id, user=member).exists()
    assert_error_shape(staff.post("/api/v1/badges", {**body, "criterion": "action_count"}), 400, "action")
    assert_error_shape(
        staff.patch(f"/api/v1/badges/{badge_id}", {"criterion": "action_count"}), 400, "action"
    )
    changed = staff.patch(
        f"/api/v1/badges/{badge_id}",
        {"criterion": "action_count", "action": "idea_published", "threshold": 1},
    )
    assert changed.status_code == 200
    assert (changed.json()["criterion"], changed.json()["action"], changed.json()["name"]) == (
        "action_count",
        "idea_published",
        "Thirty",
    )
    assert staff.patch(f"/api/v1/badges/{badge_id}", {"active": False}).json()["active"] is False
    assert api_for(None).get("/api/v1/badges").json() == []
    assert staff.patch(url, {"active": True}).json()["active"] is True
    assert [b["name"] for b in api_for(None).get("/api/v1/badges").json()] == ["Thirty"]
    assert_error_shape(staff.patch(f"/api/v1/badges/{2**70}", {"active": True}), 404)
