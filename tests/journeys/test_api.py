"""The journeys API: staff read, the brand team writes, every failure answers the error shape."""

from __future__ import annotations

from typing import Any

import pytest

from cocreate.accounts.models import ProfileAnswer, ProfileQuestion, QuestionKind
from cocreate.journeys import services
from cocreate.journeys.models import Contribution, ContributionKind, ParticipationPoint, Stage
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.fixture
def question() -> ProfileQuestion:
    return ProfileQuestion.objects.create(
        text="How often do you build?",
        kind=QuestionKind.CHOICE,
        choices=["Every weekend", "A few times a year", "Rarely"],
    )


def _journey(api: Any) -> dict[str, Any]:
    response = api.post("/api/v1/journeys", {"name": "Fan journey", "description": "From first set to fan"})
    assert response.status_code == 201, response.content
    return response.json()


def test_a_brand_admin_builds_a_journey_and_sees_coverage(
    api_for: Any, brand_admin: Any, member: Any, question: ProfileQuestion
) -> None:
    api = api_for(brand_admin)
    journey = _journey(api)
    assert [s["name"] for s in journey["stages"]] == [
        "Awareness",
        "Consideration",
        "Purchase",
        "Development",
        "Usage",
        "Advocacy",
    ]
    persona = api.post("/api/v1/personas", {"name": "Weekend builders", "colour": "#2a6f3e"}).json()
    rules = api.put(
        f"/api/v1/personas/{persona['id']}/rules",
        [{"question_id": question.pk, "operator": "any_of", "values": ["Every weekend"]}],
    )
    assert rules.status_code == 200, rules.content
    ProfileAnswer.objects.create(user=member, question=question, choice="Every weekend")
    assert api.get(f"/api/v1/personas/{persona['id']}").json()["member_count"] == 1

    awareness = journey["stages"][0]
    touchpoint = api.post(
        f"/api/v1/stages/{awareness['id']}/touchpoints", {"name": "Product page", "channel": "website"}
    ).json()
    point = api.post(
        f"/api/v1/journeys/{journey['id']}/points",
        {
            "stage_id": awareness["id"],
            "touchpoint_id": touchpoint["id"],
            "persona_ids": [persona["id"]],
            "kind": "idea",
            "title": "What should we build next?",
            "goal": 10,
            "goal_unit": "ideas",
            "allowed_origins": ["https://shop.example.com/some/page"],
        },
    )
    assert point.status_code == 201, point.content
    body = point.json()
    assert body["allowed_origins"] == ["https://shop.example.com"]
    assert body["figures"] == {"contributions": 0, "participants": 0, "pending": 0, "progress": 0}

    services.contribution_record(
        attribution=services.Attribution(
            point=ParticipationPoint.objects.get(pk=body["id"]), touchpoint=None
        ),
        kind=ContributionKind.IDEA,
        user=member,
        title="A lighthouse",
    )
    figures = api.get(f"/api/v1/points/{body['id']}").json()["figures"]
    assert figures["contributions"] == 1 and figures["participants"] == 1 and figures["progress"] == 10

    coverage = api.get(f"/api/v1/journeys/{journey['id']}/coverage").json()
    cell = next(c for c in coverage["cells"] if c["stage"] == "Awareness")
    assert cell["participants"] == 1 and cell["points"] == 1 and cell["level"] >= 1
    assert "No participation point reaches ‘Weekend builders’ at Usage." in coverage["gaps"]


def test_members_and_moderators_cannot_design(
    api_for: Any, member: Any, moderator: Any, brand_admin: Any
) -> None:
    journey = _journey(api_for(brand_admin))
    assert_error_shape(api_for(member).get("/api/v1/journeys"), 403)
    assert api_for(moderator).get(f"/api/v1/journeys/{journey['id']}").status_code == 200
    assert_error_shape(api_for(moderator).post("/api/v1/journeys", {"name": "Mine"}), 403)
    assert_error_shape(api_for(None).get("/api/v1/journeys"), 401)


def test_rules_that_can_never_match_are_refused_and_change_nothing(
    api_for: Any, brand_admin: Any, question: ProfileQuestion
) -> None:
    api = api_for(brand_admin)
    persona = api.post("/api/v1/personas", {"name": "Collectors"}).json()
    ok = [{"question_id": question.pk, "operator": "any_of", "values": ["Rarely"]}]
    assert api.put(f"/api/v1/personas/{persona['id']}/rules", ok).status_code == 200
    bad = [{"question_id": question.pk, "operator": "all_of", "values": ["Rarely", "Every weekend"]}]
    assert_error_shape(api.put(f"/api/v1/personas/{persona['id']}/rules", bad), 400, "rules.0.operator")
    unknown = [{"question_id": question.pk, "operator": "any_of", "values": ["Daily"]}]
    assert_error_shape(api.put(f"/api/v1/personas/{persona['id']}/rules", unknown), 400, "rules.0.values")
    rules = api.get(f"/api/v1/personas/{persona['id']}").json()["rules"]
    assert [r["values"] for r in rules] == [["Rarely"]]


def test_deleting_a_stage_with_points_needs_a_choice(api_for: Any, brand_admin: Any) -> None:
    api = api_for(brand_admin)
    journey = _journey(api)
    usage, advocacy = journey["stages"][4], journey["stages"][5]
    point = api.post(
        f"/api/v1/journeys/{journey['id']}/points",
        {"stage_id": usage["id"], "kind": "review", "title": "Rate your set"},
    ).json()
    assert_error_shape(api.delete(f"/api/v1/stages/{usage['id']}"), 409, "stage")
    assert Stage.objects.filter(pk=usage["id"]).exists()
    assert api.delete(f"/api/v1/stages/{usage['id']}?move_points_to={advocacy['id']}").status_code == 204
    assert ParticipationPoint.objects.get(pk=point["id"]).stage_id == advocacy["id"]
    positions = list(Stage.objects.filter(journey_id=journey["id"]).values_list("position", flat=True))
    assert positions == [1, 2, 3, 4, 5]


def test_forged_ids_and_bad_input_answer_the_error_shape(api_for: Any, brand_admin: Any) -> None:
    api = api_for(brand_admin)
    journey = _journey(api)
    other = _journey(api)
    assert_error_shape(api.get("/api/v1/journeys/999999"), 404, "journey_id")
    # A stage of another journey cannot carry this journey's point.
    response = api.post(
        f"/api/v1/journeys/{journey['id']}/points",
        {"stage_id": other["stages"][0]["id"], "kind": "idea", "title": "x"},
    )
    assert_error_shape(response, 404, "stage_id")
    response = api.post(
        f"/api/v1/journeys/{journey['id']}/points",
        {
            "stage_id": journey["stages"][0]["id"],
            "kind": "poll",
            "title": "Pick",
            "poll_options": ["Only one"],
        },
    )
    assert_error_shape(response, 400, "poll_options")
    response = api.put(f"/api/v1/stages/{journey['stages'][0]['id']}/emotions", {"persona_id": 1, "score": 5})
    assert_error_shape(response, 422, "score")
    assert Contribution.objects.count() == 0


def test_null_stage_texts_are_left_blank(api_for: Any, brand_admin: Any) -> None:
    # The text columns are NOT NULL: an explicit null used to reach the database (500).
    api = api_for(brand_admin)
    journey = _journey(api)
    blank = {"description": None, "customer_goals": None, "thoughts": None, "pain_points": None}
    response = api.post(f"/api/v1/journeys/{journey['id']}/stages", {"name": "Repair", **blank})
    assert response.status_code == 201, response.content
    stage = response.json()
    assert (stage["description"], stage["pain_points"], stage["position"]) == ("", "", 7)
    assert Stage.objects.get(pk=stage["id"]).thoughts == ""
