"""The contests API: reads, submitting, voting, scoring and the staff's calls, with the one error shape."""

from __future__ import annotations

from typing import Any

import pytest

from cocreate.contests import services
from cocreate.contests.models import ContestStatus, Entry, Visibility, Vote
from tests.conftest import assert_error_shape

from .conftest import at_round, png

pytestmark = pytest.mark.django_db


def test_list_detail_and_rounds(make_contest: Any, api_for: Any, fans: list[Any]) -> None:
    contest = make_contest()
    api = api_for(fans[0])
    listed = api.get("/api/v1/contests").json()
    assert [c["slug"] for c in listed] == [contest.slug]
    detail = api.get(f"/api/v1/contests/{contest.slug}").json()
    assert detail["current_round_id"] == contest.rounds.get(position=1).pk
    assert "<strong>the</strong>" in detail["brief_html"]
    assert [r["name"] for r in api.get(f"/api/v1/contests/{contest.slug}/rounds").json()] == [
        "Concepts",
        "Final designs",
    ]
    assert_error_shape(api.get("/api/v1/contests/no-such-contest"), 404, "contest")
    anonymous = api_for(None)
    assert [c["slug"] for c in anonymous.get("/api/v1/contests").json()] == [contest.slug]
    assert anonymous.get(f"/api/v1/contests/{contest.slug}").json()["you"]["juror"] is False
    anonymous.headers["Authorization"] = "Bearer cct_forged"
    assert_error_shape(anonymous.get("/api/v1/contests"), 401)


def test_submit_and_revise_multipart(make_contest: Any, api_for: Any, designers: list[Any]) -> None:
    contest = make_contest()
    api = api_for(designers[0])
    made = api.client.post(
        f"/api/v1/contests/{contest.slug}/entries",
        {"title": "Amber", "description": "A *warm* bottle.", "files": [png()]},
        headers=api.headers,
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["revisions"][0]["files"][0]["is_image"]
    assert "<em>warm</em>" in body["revisions"][0]["description_html"]
    revised = api.client.post(
        f"/api/v1/contests/{contest.slug}/entries/{body['id']}/revisions",
        {"note": "Better label", "title": "Amber 2"},
        headers=api.headers,
    )
    assert revised.status_code == 200 and revised.json()["title"] == "Amber 2"
    other = api_for(designers[1])
    refused = other.client.post(
        f"/api/v1/contests/{contest.slug}/entries/{body['id']}/revisions",
        {"title": "Mine now"},
        headers=other.headers,
    )
    assert refused.status_code == 404  # sealed: the other designer cannot even see it
    blank = api.client.post(f"/api/v1/contests/{contest.slug}/entries", {"title": ""}, headers=api.headers)
    assert_error_shape(blank, 422, "title")


def test_a_multipart_body_without_a_boundary_is_a_400_and_saves_nothing(
    make_contest: Any, api_for: Any, designers: list[Any]
) -> None:
    contest = make_contest()
    api = api_for(designers[0])
    response = api.client.post(
        f"/api/v1/contests/{contest.slug}/entries",
        b"title=Amber",
        content_type="multipart/form-data",
        headers=api.headers,
    )
    body = assert_error_shape(response, 400)
    assert "multipart" in body["detail"]
    assert not contest.entries.exists()


def test_vote_unvote_and_closed_round(
    make_contest: Any, submit: Any, api_for: Any, designers: list[Any], fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    entry = submit(contest, designers[0])
    api = api_for(fans[0])
    url = f"/api/v1/contests/{contest.slug}/entries/{entry.pk}/vote"
    voted = api.post(url, {})
    assert voted.status_code == 200 and voted.json()["entry_round_votes"] == 1
    assert api.delete(url).json()["entry_round_votes"] == 0
    assert_error_shape(api_for(designers[0]).post(url, {}), 403, "entry")
    assert_error_shape(api_for(None).post(url, {}), 401)
    assert_error_shape(api.post(f"/api/v1/contests/{contest.slug}/entries/999999999/vote", {}), 404, "entry")
    assert_error_shape(api.post(f"/api/v1/contests/{contest.slug}/entries/{2**70}/vote", {}), 404)

    api.post(url, {})
    first = contest.rounds.get(position=1)
    at_round(contest, contest.rounds.get(position=2))
    closed = api_for(fans[1]).post(url, {"round_id": first.pk})
    body = assert_error_shape(closed, 409, "round")
    assert "closed" in body["detail"]
    assert_error_shape(api.delete(f"{url}?round_id={first.pk}"), 409, "round")
    assert Vote.objects.count() == 1 and Entry.objects.get(pk=entry.pk).votes == 1


def test_scores_shortlist_winners_and_results(
    make_contest: Any,
    submit: Any,
    api_for: Any,
    designers: list[Any],
    fans: list[Any],
    staff: Any,
    make_user: Any,
) -> None:
    contest = make_contest()
    entry = submit(contest, designers[0])
    juror = make_user(email="juror@example.com")
    services.jurors_appoint(actor=staff, contest=contest, emails=[juror.email])
    (looks,) = services.criteria_set(actor=staff, contest=contest, criteria=[{"name": "Looks", "weight": 2}])
    jury = api_for(juror)
    scored = jury.put(
        f"/api/v1/contests/{contest.slug}/entries/{entry.pk}/scores", {"scores": {str(looks.pk): 9}}
    )
    assert scored.json() == [{"criterion_id": looks.pk, "score": 9}]
    bad = jury.put(
        f"/api/v1/contests/{contest.slug}/entries/{entry.pk}/scores", {"scores": {str(looks.pk): 0}}
    )
    assert_error_shape(bad, 400, f"scores.{looks.pk}")
    assert_error_shape(
        api_for(fans[0]).put(f"/api/v1/contests/{contest.slug}/entries/{entry.pk}/scores", {"scores": {}}),
        404,
    )

    admin = api_for(staff)
    short = admin.post(f"/api/v1/contests/{contest.slug}/entries/{entry.pk}/shortlist", {"shortlisted": True})
    assert short.json()["shortlisted"] is True
    assert_error_shape(
        api_for(designers[0]).post(
            f"/api/v1/contests/{contest.slug}/entries/{entry.pk}/shortlist", {"shortlisted": True}
        ),
        403,
    )
    assert_error_shape(admin.put(f"/api/v1/contests/{contest.slug}/winners", {"place_1": entry.pk}), 409)
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.JUDGING)
    assert_error_shape(
        admin.put(f"/api/v1/contests/{contest.slug}/winners", {"place_1": 987654}), 404, "place_1"
    )
    won = admin.put(f"/api/v1/contests/{contest.slug}/winners", {"place_1": entry.pk})
    assert won.json()[0]["place"] == 1
    assert_error_shape(api_for(fans[0]).get(f"/api/v1/contests/{contest.slug}/results"), 403)
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.CLOSED)
    results = api_for(fans[0]).get(f"/api/v1/contests/{contest.slug}/results").json()
    assert results["jury"][0] == {
        "entry_id": entry.pk,
        "title": entry.title,
        "designer": entry.designer.public_name,
        "score": 9.0,
    }
    assert results["winners"][0]["id"] == entry.pk


def test_invitation_answer(
    make_contest: Any, api_for: Any, staff: Any, make_user: Any, fans: list[Any]
) -> None:
    contest = make_contest()
    guest = make_user(email="guest@example.com")
    services.designers_invite(actor=staff, contest=contest, emails=[guest.email])
    url = f"/api/v1/contests/{contest.slug}/invitation"
    assert api_for(guest).post(url, {"accept": True}).json() == {"status": "accepted"}
    assert_error_shape(api_for(fans[0]).post(url, {"accept": True}), 404)
    assert_error_shape(api_for(guest).post(url, {}), 422, "accept")
