"""The staff's contest API: creating and changing contests and rounds, people and criteria, with the one
error shape; members are refused, forged ids are not found, and a refused call changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cocreate.contests.models import Contest, ContestDesigner, ContestJuror, ContestStatus, Criterion, Round
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


def _when(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def test_staff_sets_up_a_contest_end_to_end(
    api_for: Any, staff: Any, designers: list[Any], fans: list[Any]
) -> None:
    api = api_for(staff)
    made = api.post(
        "/api/v1/contests", {"title": "Cap of the year", "brief": "A *cap*.", "voting_mode": "budget"}
    )
    assert made.status_code == 201, made.content
    body = made.json()
    slug = body["slug"]
    assert (
        body["status"] == "draft" and body["voting_mode"] == "budget" and "<em>cap</em>" in body["brief_html"]
    )

    patched = api.patch(f"/api/v1/contests/{slug}", {"prizes": "A trip", "vote_budget": 20})
    assert patched.status_code == 200, patched.content
    assert patched.json()["vote_budget"] == 20 and patched.json()["prizes"] == "A trip"
    assert patched.json()["title"] == "Cap of the year"

    first = api.post(
        f"/api/v1/contests/{slug}/rounds", {"name": "Ideas", "opens_at": _when(-1), "closes_at": _when(5)}
    )
    assert first.status_code == 201, first.content
    second = api.post(
        f"/api/v1/contests/{slug}/rounds", {"name": "Finals", "opens_at": _when(6), "closes_at": _when(9)}
    )
    assert second.status_code == 201
    renamed = api.patch(f"/api/v1/contests/{slug}/rounds/{second.json()['id']}", {"name": "Final designs"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Final designs"
    assert renamed.json()["opens_at"] == second.json()["opens_at"]

    opened = api.post(f"/api/v1/contests/{slug}/status", {"status": "open"})
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    assert opened.json()["current_round_id"] == first.json()["id"]

    invited = api.post(f"/api/v1/contests/{slug}/designers", {"emails": [d.email.upper() for d in designers]})
    assert invited.status_code == 200, invited.content
    assert invited.json()["added"] == 3 and {p["status"] for p in invited.json()["people"]} == {"invited"}
    again = api.post(f"/api/v1/contests/{slug}/designers", {"emails": [designers[0].email]})
    assert again.json()["added"] == 0 and len(again.json()["people"]) == 3

    jurors = api.post(f"/api/v1/contests/{slug}/jurors", {"emails": [fans[0].email, fans[1].email]})
    assert jurors.status_code == 200 and jurors.json()["added"] == 2
    removed = api.delete(f"/api/v1/contests/{slug}/jurors/{fans[1].pk}")
    assert removed.status_code == 204
    assert list(ContestJuror.objects.values_list("user_id", flat=True)) == [fans[0].pk]

    criteria = api.put(
        f"/api/v1/contests/{slug}/criteria",
        {"criteria": [{"name": "Originality", "weight": 2}, {"name": "Feasibility"}]},
    )
    assert criteria.status_code == 200, criteria.content
    assert [(c["name"], c["weight"]) for c in criteria.json()] == [("Originality", 2), ("Feasibility", 1)]
    detail = api_for(fans[2]).get(f"/api/v1/contests/{slug}").json()
    assert [r["name"] for r in detail["rounds"]] == ["Ideas", "Final designs"]
    assert [c["name"] for c in detail["criteria"]] == ["Originality", "Feasibility"]


def test_members_are_refused_and_nothing_changes(
    api_for: Any, make_contest: Any, fans: list[Any], designers: list[Any]
) -> None:
    contest = make_contest()
    rnd = contest.rounds.get(position=1)
    api = api_for(designers[0])
    slug = contest.slug
    calls = [
        ("post", "/api/v1/contests", {"title": "Mine"}),
        ("patch", f"/api/v1/contests/{slug}", {"title": "Taken over"}),
        ("post", f"/api/v1/contests/{slug}/status", {"status": "closed"}),
        (
            "post",
            f"/api/v1/contests/{slug}/rounds",
            {"name": "X", "opens_at": _when(20), "closes_at": _when(21)},
        ),
        ("patch", f"/api/v1/contests/{slug}/rounds/{rnd.pk}", {"name": "Renamed"}),
        ("post", f"/api/v1/contests/{slug}/designers", {"emails": [fans[0].email]}),
        ("post", f"/api/v1/contests/{slug}/jurors", {"emails": [fans[0].email]}),
        ("delete", f"/api/v1/contests/{slug}/jurors/{fans[0].pk}", None),
        ("put", f"/api/v1/contests/{slug}/criteria", {"criteria": [{"name": "Mine"}]}),
        # A member learns nothing about ids either: the refusal comes first.
        ("patch", f"/api/v1/contests/no-such/rounds/{2**63}", {"name": "Renamed"}),
    ]
    for method, path, data in calls:
        assert_error_shape(getattr(api, method)(path, data), 403)
    assert_error_shape(api_for(None).post("/api/v1/contests", {"title": "Anon"}), 401)
    contest.refresh_from_db()
    assert (contest.title, contest.status) == ("Bottle of the future", ContestStatus.OPEN)
    assert Contest.objects.count() == 1
    assert list(contest.rounds.values_list("name", flat=True).order_by("position")) == [
        "Concepts",
        "Final designs",
    ]
    assert not ContestJuror.objects.exists() and not Criterion.objects.exists()
    assert ContestDesigner.objects.filter(user=fans[0]).count() == 0


@pytest.mark.parametrize("forged", [2**63, -1, 0])
def test_forged_ids_are_not_found(api_for: Any, staff: Any, make_contest: Any, forged: int) -> None:
    contest = make_contest()
    api = api_for(staff)
    assert_error_shape(
        api.patch(f"/api/v1/contests/{contest.slug}/rounds/{forged}", {"name": "Renamed"}), 404, "round_id"
    )
    assert_error_shape(api.delete(f"/api/v1/contests/{contest.slug}/jurors/{forged}"), 404)
    assert_error_shape(
        api.post("/api/v1/contests", {"title": "With product", "product_id": forged}), 404, "product_id"
    )
    assert_error_shape(api.patch(f"/api/v1/contests/{contest.slug}", {"point_id": forged}), 404, "point_id")
    assert Contest.objects.count() == 1


def test_a_round_of_another_contest_is_not_found(api_for: Any, staff: Any, make_contest: Any) -> None:
    one, other = make_contest(), make_contest(title="Another contest")
    foreign = other.rounds.get(position=1)
    api = api_for(staff)
    assert_error_shape(
        api.patch(f"/api/v1/contests/{one.slug}/rounds/{foreign.pk}", {"name": "Hijacked"}), 404, "round_id"
    )
    assert_error_shape(api.patch("/api/v1/contests/no-such-contest", {"title": "Nope"}), 404, "contest")
    assert Round.objects.filter(name="Hijacked").count() == 0


def test_bad_input_names_the_field_and_changes_nothing(api_for: Any, staff: Any, make_contest: Any) -> None:
    contest = make_contest()
    api = api_for(staff)
    slug = contest.slug
    first, second = contest.rounds.order_by("position")
    before = list(Round.objects.order_by("pk").values_list("name", "opens_at", "closes_at"))

    # Dates overlapping the next round, closing before opening, or out of order are refused.
    overlap = api.patch(
        f"/api/v1/contests/{slug}/rounds/{first.pk}", {"name": "Moved", "closes_at": _when(10)}
    )
    assert_error_shape(overlap, overlap.status_code, "opens_at")
    assert overlap.status_code in (400, 409, 422)
    backwards = api.patch(f"/api/v1/contests/{slug}/rounds/{second.pk}", {"closes_at": _when(1)})
    assert_error_shape(backwards, backwards.status_code, "closes_at")
    added = api.post(
        f"/api/v1/contests/{slug}/rounds", {"name": "Late", "opens_at": _when(3), "closes_at": _when(4)}
    )
    assert_error_shape(added, added.status_code, "opens_at")
    assert list(Round.objects.order_by("pk").values_list("name", "opens_at", "closes_at")) == before

    assert_error_shape(api.patch(f"/api/v1/contests/{slug}", {"title": "ab", "prizes": "Gold"}), 400, "title")
    assert_error_shape(
        api.patch(f"/api/v1/contests/{slug}", {"vote_budget": 0, "prizes": "Gold"}), 400, "vote_budget"
    )
    assert_error_shape(api.post(f"/api/v1/contests/{slug}/status", {"status": "paused"}), 400, "status")
    assert_error_shape(api.post("/api/v1/contests", {"brief": "No title"}), 422, "title")
    unknown = api.post(f"/api/v1/contests/{slug}/jurors", {"emails": ["nobody@example.com"]})
    assert_error_shape(unknown, 400, "emails")
    dupes = api.put(f"/api/v1/contests/{slug}/criteria", {"criteria": [{"name": "Fit"}, {"name": "fit"}]})
    assert_error_shape(dupes, 400, "criteria.1.name")
    assert_error_shape(
        api.put(f"/api/v1/contests/{slug}/criteria", {"criteria": [{"name": "X", "weight": 0}]}), 422
    )

    contest.refresh_from_db()
    assert (contest.title, contest.prizes, contest.vote_budget) == ("Bottle of the future", "", 10)
    assert contest.status == ContestStatus.OPEN
    assert not ContestJuror.objects.exists() and not Criterion.objects.exists()


def test_opening_needs_a_round(api_for: Any, staff: Any) -> None:
    api = api_for(staff)
    slug = api.post("/api/v1/contests", {"title": "Empty contest"}).json()["slug"]
    assert_error_shape(api.post(f"/api/v1/contests/{slug}/status", {"status": "open"}), 400, "status")
    assert Contest.objects.get(slug=slug).status == ContestStatus.DRAFT
