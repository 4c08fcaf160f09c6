"""The challenges and ideas API (cocreate/challenges/api.py): public reads that show each caller only what
they may see, idempotent supports with the milestone ladder, and every refusal in the one error shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate

from cocreate.accounts.models import Role, User
from cocreate.brand.models import Product
from cocreate.challenges.models import (
    Challenge,
    Idea,
    IdeaRevision,
    IdeaStatus,
    MilestoneEvent,
    Support,
    Visibility,
)
from cocreate.challenges.services import ideas as idea_services
from cocreate.challenges.services import supports as support_services
from cocreate.core.pagination import encode_cursor
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db

LADDER = [
    {"at": 0, "days": 60},
    {"at": 2, "days": 30},
    {"at": 4, "days": 10},
    {"at": 5, "days": 0, "qualifies": True},
]
DESCRIPTION = "A tall lighthouse with a light brick, a keeper's cottage and rocks to build on."


@pytest.fixture
def challenge(brand_admin: User) -> Challenge:
    return idea_services.challenge_create(actor=brand_admin, title="Harbour sets", ladder=LADDER)


def _idea(author: User, challenge: Challenge, title: str, **kw: Any) -> Idea:
    return idea_services.idea_create(
        actor=author, challenge=challenge, title=title, description=kw.pop("description", DESCRIPTION), **kw
    )


@pytest.fixture
def idea(member: User, challenge: Challenge) -> Idea:
    return _idea(member, challenge, "A lighthouse with a working lamp", tags="harbour, light")


def _support(idea: Idea, count: int, make_user: Callable[..., User]) -> list[User]:
    fans = [make_user() for _ in range(count)]
    for fan in fans:
        support_services.support_add(actor=fan, idea=idea)
    return fans


# --- Reading: lists, sorts, filters, search and pages ----------------------------------------------------
@pytest.fixture
def many_ideas(
    member: User, other_member: User, challenge: Challenge, make_user: Callable[..., User]
) -> list[Idea]:
    ideas = [
        _idea(member if i % 2 else other_member, challenge, f"Harbour idea number {i}", tags="harbour")
        for i in range(7)
    ]
    # Ties on support counts and trending scores: the id breaks them, so no idea is seen twice or skipped.
    fans = [make_user() for _ in range(3)]
    for n, target in enumerate(ideas[:3]):
        for fan in fans[: n + 1]:
            support_services.support_add(actor=fan, idea=target)
    Idea.objects.filter(pk__in=[ideas[4].pk, ideas[5].pk]).update(trending_score=2.5)
    return ideas


@pytest.mark.parametrize("sort", ["trending", "most_supported", "newest", "ending_soon"])
def test_every_sort_walks_every_visible_idea_exactly_once(
    sort: str, many_ideas: list[Idea], member: User, challenge: Challenge, django_assert_max_num_queries: Any
) -> None:
    _idea(member, challenge, "A draft nobody else sees yet", submit=False)
    client = Client()
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"sort": sort, "limit": 3}
        if cursor:
            params["cursor"] = cursor
        with django_assert_max_num_queries(4):
            response = client.get("/api/v1/ideas", params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["items"]) <= 3
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(i.pk for i in many_ideas)
    assert len(seen) == len(set(seen)) == 7 and pages == 3
    if sort == "most_supported":
        assert seen[:3] == [many_ideas[2].pk, many_ideas[1].pk, many_ideas[0].pk]
    if sort == "trending":
        assert seen[:2] == [many_ideas[5].pk, many_ideas[4].pk]
    if sort == "newest":
        assert seen == sorted(seen, reverse=True)


def test_list_items_carry_progress_and_the_list_query_count_is_bounded(
    many_ideas: list[Idea], api_for: Any, member: User, django_assert_max_num_queries: Any
) -> None:
    api = api_for(member)
    with django_assert_max_num_queries(6):  # token, idea page, tags
        response = api.get("/api/v1/ideas", {"sort": "most_supported", "limit": 100})
    assert response.status_code == 200
    top = response.json()["items"][0]
    assert top["id"] == many_ideas[2].pk
    assert top["support_count"] == 3 and top["next_milestone"] == 4 and top["tags"] == ["harbour"]
    assert top["author"]["name"] == many_ideas[2].author.public_name
    assert "@" not in json.dumps(response.json())  # no email address ever leaks


def test_filters_by_challenge_tag_product_and_status(
    many_ideas: list[Idea], member: User, brand_admin: User, challenge: Challenge, api_for: Any
) -> None:
    other = idea_services.challenge_create(actor=brand_admin, title="Space sets")
    product = Product.objects.create(name="Harbour line", slug="harbour-line")
    rocket = _idea(member, other, "A rocket with a launch tower", tags="space", product=product)
    idea_services.idea_withdraw(actor=many_ideas[6].author, idea=many_ideas[6])
    client = Client()

    def ids(**params: Any) -> set[int]:
        response = client.get("/api/v1/ideas", {"limit": 100, **params})
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    everything = {i.pk for i in many_ideas[:6]} | {rocket.pk}
    assert ids() == everything  # the withdrawn idea is private
    assert ids(challenge=other.pk) == {rocket.pk}
    assert ids(tag="space") == {rocket.pk}
    assert ids(product=product.pk) == {rocket.pk}
    assert ids(status="published") == everything
    # A member asking for private statuses gets the public ones; staff get what they asked for.
    assert ids(status="withdrawn") == everything
    staff = api_for(brand_admin).get("/api/v1/ideas", {"status": "withdrawn"}).json()
    assert [item["id"] for item in staff["items"]] == [many_ideas[6].pk]
    assert_error_shape(client.get("/api/v1/ideas", {"status": "bogus"}), 422, "status")
    assert_error_shape(client.get("/api/v1/ideas", {"sort": "random"}), 422, "sort")
    assert_error_shape(client.get("/api/v1/ideas", {"limit": 101}), 422, "limit")
    assert_error_shape(client.get("/api/v1/ideas", {"challenge": 999999}), 404, "challenge")


def test_search_is_ranked_paginated_and_shows_only_visible_ideas(
    member: User, other_member: User, challenge: Challenge, brand_admin: User
) -> None:
    hidden = idea_services.challenge_create(
        actor=brand_admin, title="Secret sets", visibility=Visibility.INVITE
    )
    found = [
        _idea(
            member, challenge, f"Lighthouse variant {n}", description=f"A lighthouse on a rock, number {n}."
        )
        for n in range(5)
    ]
    _idea(other_member, challenge, "A lighthouse draft", submit=False)
    _idea(brand_admin, hidden, "Invited lighthouse", description="A lighthouse only the invited may see.")
    _idea(
        member, challenge, "A windmill by the dunes", description="A windmill with turning sails and a mill."
    )
    client = Client()
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"q": "lighthouse", "limit": 2, "sort": "newest"}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/v1/ideas", params).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(i.pk for i in found) and len(seen) == len(set(seen))
    assert client.get("/api/v1/ideas", {"q": "windmill sails"}).json()["items"][0]["title"] == (
        "A windmill by the dunes"
    )
    assert client.get("/api/v1/ideas", {"q": "!!!"}).json() == {"items": [], "next_cursor": None}
    assert_error_shape(
        client.get("/api/v1/ideas", {"q": "lighthouse", "cursor": encode_cursor(["x"])}), 400, "cursor"
    )
    assert_error_shape(client.get("/api/v1/ideas", {"cursor": "not-a-cursor"}), 400, "cursor")


def test_challenges_are_listed_by_visibility(
    challenge: Challenge, brand_admin: User, member: User, api_for: Any
) -> None:
    members_only = idea_services.challenge_create(
        actor=brand_admin, title="Members' sets", visibility=Visibility.MEMBERS
    )
    invite = idea_services.challenge_create(actor=brand_admin, title="Invited", visibility=Visibility.INVITE)
    default = idea_services.challenge_default()
    anonymous = Client().get("/api/v1/challenges").json()
    assert [c["id"] for c in anonymous["items"]] == [default.pk, challenge.pk]
    assert anonymous["items"][1]["ladder"] == [{"qualifies": False, **rung} for rung in LADDER]
    mine = api_for(member).get("/api/v1/challenges").json()
    assert {c["id"] for c in mine["items"]} == {default.pk, challenge.pk, members_only.pk}
    assert_error_shape(Client().get(f"/api/v1/challenges/{members_only.pk}"), 404, "challenge_id")
    assert_error_shape(api_for(member).get(f"/api/v1/challenges/{invite.pk}"), 404, "challenge_id")
    assert api_for(brand_admin).get(f"/api/v1/challenges/{invite.pk}").json()["title"] == "Invited"
    page = Client().get("/api/v1/challenges", {"limit": 1}).json()
    second = Client().get("/api/v1/challenges", {"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [c["id"] for c in page["items"] + second["items"]] == [default.pk, challenge.pk]


# --- One idea ------------------------------------------------------------------------------------------
def test_an_idea_reports_its_ladder_progress_after_crossing_a_milestone(
    idea: Idea, make_user: Callable[..., User]
) -> None:
    client = Client()
    before = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert (before["support_count"], before["next_milestone"], before["days_left"]) == (0, 2, 59)
    _support(idea, 3, make_user)
    body = client.get(f"/api/v1/ideas/{idea.pk}").json()
    idea.refresh_from_db()
    assert body["id"] == idea.pk and body["title"] == "A lighthouse with a working lamp"
    assert body["status"] == "published"
    assert body["support_count"] == 3
    assert body["next_milestone"] == 4
    assert body["deadline"] is not None
    deadline = timezone.datetime.fromisoformat(body["deadline"])
    assert idea.deadline is not None and abs(deadline - idea.deadline) < timedelta(milliseconds=1)
    assert timedelta(days=29) < deadline - timezone.now() <= timedelta(days=30)
    assert body["days_left"] == 29
    assert body["qualified"] is False and body["milestone_index"] == 1
    assert body["description"] == DESCRIPTION
    assert body["description_html"].startswith("<p>A tall lighthouse")
    assert body["author"] == {"id": idea.author_id, "name": idea.author.public_name}
    assert body["challenge_id"] == idea.challenge_id
    assert sorted(body["tags"]) == ["harbour", "light"]
    assert body["product_id"] is None and body["published_at"] is not None
    assert body["supported"] is None  # anonymous
    assert "url" in body and (body["url"] is None or str(idea.pk) in body["url"])


def test_private_and_forged_ideas_are_the_same_404(
    member: User, other_member: User, challenge: Challenge, api_for: Any
) -> None:
    draft = _idea(member, challenge, "My secret draft idea", submit=False)
    for client, idea_id in (
        (Client(), draft.pk),
        (api_for(other_member), draft.pk),
        (Client(), 987654),
        (Client(), 2**70),
    ):
        assert_error_shape(client.get(f"/api/v1/ideas/{idea_id}"), 404, "idea_id")
    assert api_for(member).get(f"/api/v1/ideas/{draft.pk}").json()["status"] == "draft"
    bad = Client().get(f"/api/v1/ideas/{draft.pk}", headers={"Authorization": "Bearer cct_nope"})
    assert_error_shape(bad, 401)


def test_markup_is_returned_raw_and_sanitized_in_html(member: User, api_for: Any) -> None:
    title = '<script>alert("t")</script> Lamp'
    description = "Hello <img src=x onerror=alert(1)> and [a link](javascript:alert(2)) to **bold** text."
    created = api_for(member).post("/api/v1/ideas", {"title": title, "description": description})
    assert created.status_code == 201, created.content
    body = Client().get(f"/api/v1/ideas/{created.json()['id']}").json()
    assert body["title"] == title
    assert body["description"] == description
    html = body["description_html"]
    assert "<img" not in html and "onerror" not in html.replace("onerror=alert(1)&gt;", "")
    assert 'href="javascript' not in html and "<script" not in html
    assert "<strong>bold</strong>" in html


# --- Writing ideas -------------------------------------------------------------------------------------
def test_creating_an_idea_defaults_to_the_open_challenge(
    member: User, api_for: Any, brand_admin: User
) -> None:
    api = api_for(member)
    product = Product.objects.create(name="Harbour line", slug="harbour-line")
    response = api.post(
        "/api/v1/ideas",
        {
            "title": "A ferry",
            "description": DESCRIPTION,
            "tags": ["Boats", "harbour"],
            "product_id": product.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    default = Challenge.objects.get(is_default=True)
    assert body["challenge_id"] == default.pk and body["status"] == "published"
    assert sorted(body["tags"]) == ["boats", "harbour"] and body["product_id"] == product.pk
    assert body["supported"] is False and body["deadline"] is not None

    draft = api.post("/api/v1/ideas", {"title": "A tug", "description": DESCRIPTION, "draft": True})
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    submitted = api.post(f"/api/v1/ideas/{draft.json()['id']}/submit", {})
    assert submitted.status_code == 200 and submitted.json()["status"] == "published"
    assert_error_shape(api.post(f"/api/v1/ideas/{draft.json()['id']}/submit", {}), 409)

    withdrawn = api.post(f"/api/v1/ideas/{body['id']}/withdraw", {"message": "Changed my mind."})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert Idea.objects.get(pk=body["id"]).status == IdeaStatus.WITHDRAWN


def test_creating_an_idea_refuses_bad_input_in_the_error_shape(member: User, api_for: Any) -> None:
    api = api_for(member)
    assert_error_shape(
        api.post("/api/v1/ideas", {"title": "Short", "description": "Too short"}), 400, "description"
    )
    assert_error_shape(api.post("/api/v1/ideas", {"title": "  ", "description": DESCRIPTION}), 400, "title")
    assert_error_shape(api.post("/api/v1/ideas", {"description": DESCRIPTION}), 422, "title")
    assert_error_shape(
        api.post("/api/v1/ideas", {"title": "A ferry", "description": DESCRIPTION, "challenge_id": 424242}),
        404,
        "challenge_id",
    )
    assert_error_shape(
        api.post("/api/v1/ideas", {"title": "A ferry", "description": DESCRIPTION, "product_id": 424242}),
        404,
        "product_id",
    )
    assert_error_shape(
        api.post("/api/v1/ideas", {"title": "A\x00", "description": DESCRIPTION}), 422, "title"
    )
    assert Idea.objects.count() == 0


def test_only_creators_and_moderators_edit(
    idea: Idea, member: User, other_member: User, moderator: User, api_for: Any
) -> None:
    refused = api_for(other_member).patch(f"/api/v1/ideas/{idea.pk}", {"title": "Hijacked"})
    assert_error_shape(refused, 403)
    idea.refresh_from_db()
    assert idea.title == "A lighthouse with a working lamp"

    own = api_for(member).patch(f"/api/v1/ideas/{idea.pk}", {"title": "A lighthouse, lamp lit", "tags": []})
    assert own.status_code == 200, own.content
    assert own.json()["title"] == "A lighthouse, lamp lit" and own.json()["tags"] == []
    assert IdeaRevision.objects.get(idea=idea).title == "A lighthouse with a working lamp"

    moderated = api_for(moderator).patch(
        f"/api/v1/ideas/{idea.pk}", {"description": DESCRIPTION + " Edited."}
    )
    assert moderated.status_code == 200 and moderated.json()["description"].endswith("Edited.")
    assert_error_shape(api_for(member).patch(f"/api/v1/ideas/{idea.pk}", {"description": "short"}), 400)
    assert_error_shape(api_for(other_member).post(f"/api/v1/ideas/{idea.pk}/withdraw", {}), 403)


def test_anonymous_writes_are_401(idea: Idea) -> None:
    client = Client()
    for method, path, data in (
        ("post", "/api/v1/ideas", {"title": "A ferry", "description": DESCRIPTION}),
        ("patch", f"/api/v1/ideas/{idea.pk}", {"title": "Hijacked"}),
        ("post", f"/api/v1/ideas/{idea.pk}/submit", None),
        ("post", f"/api/v1/ideas/{idea.pk}/withdraw", None),
        ("post", f"/api/v1/ideas/{idea.pk}/support", None),
        ("delete", f"/api/v1/ideas/{idea.pk}/support", None),
        ("get", f"/api/v1/ideas/{idea.pk}/supporters", None),
    ):
        response = getattr(client, method)(
            path, json.dumps(data) if data else None, content_type="application/json"
        )
        assert_error_shape(response, 401)
    idea.refresh_from_db()
    assert idea.title == "A lighthouse with a working lamp" and idea.status == IdeaStatus.PUBLISHED
    assert Idea.objects.count() == 1 and Support.objects.count() == 0


# --- Supports ------------------------------------------------------------------------------------------
def test_support_is_idempotent_and_reports_milestones(
    idea: Idea, other_member: User, make_user: Callable[..., User], api_for: Any
) -> None:
    _support(idea, 1, make_user)
    api = api_for(other_member)
    first = api.post(f"/api/v1/ideas/{idea.pk}/support", {"would_buy": "yes", "price_band": "€30–€80"})
    assert first.status_code == 201, first.content
    body = first.json()
    idea.refresh_from_db()
    assert body == {
        "support_count": 2,
        "supported": True,
        "next_milestone": 4,
        "deadline": body["deadline"],
        "milestones_reached": [2],
    }
    assert idea.deadline is not None
    assert abs(timezone.datetime.fromisoformat(body["deadline"]) - idea.deadline) < timedelta(milliseconds=1)

    again = api.post(f"/api/v1/ideas/{idea.pk}/support", {"would_buy": "no"})
    assert again.status_code == 200
    assert again.json()["support_count"] == 2 and again.json()["milestones_reached"] == []
    assert again.json()["supported"] is True
    survey = Support.objects.get(idea=idea, user=other_member)
    assert (survey.would_buy, survey.price_band) == ("yes", "€30–€80")  # the second call changed nothing
    assert Idea.objects.get(pk=idea.pk).support_count == 2
    assert api.get(f"/api/v1/ideas/{idea.pk}").json()["supported"] is True

    removed = api.delete(f"/api/v1/ideas/{idea.pk}/support")
    assert removed.status_code == 200
    assert removed.json()["support_count"] == 1 and removed.json()["supported"] is False
    assert removed.json()["next_milestone"] == 4  # milestones reached stay reached
    twice = api.delete(f"/api/v1/ideas/{idea.pk}/support")
    assert twice.status_code == 200 and twice.json()["support_count"] == 1
    assert Support.objects.filter(idea=idea).count() == 1
    assert MilestoneEvent.objects.filter(idea=idea).count() == 1

    # Supporting again does not fire the milestone a second time; a body is optional.
    back = api.client.generic("POST", f"/api/v1/ideas/{idea.pk}/support", b"", headers=api.headers)
    assert back.status_code == 201 and back.json()["milestones_reached"] == []


def test_bad_survey_answers_are_refused(idea: Idea, other_member: User, api_for: Any) -> None:
    api = api_for(other_member)
    assert_error_shape(
        api.post(f"/api/v1/ideas/{idea.pk}/support", {"price_band": "free"}), 400, "price_band"
    )
    assert_error_shape(
        api.post(f"/api/v1/ideas/{idea.pk}/support", {"would_buy": "perhaps"}), 422, "would_buy"
    )
    assert Support.objects.count() == 0


def test_refused_supports_change_nothing(
    idea: Idea, member: User, other_member: User, moderator: User, challenge: Challenge, api_for: Any
) -> None:
    def assert_refused(client: Any, idea_id: int, status: int) -> None:
        before = Support.objects.count()
        assert_error_shape(client.post(f"/api/v1/ideas/{idea_id}/support", {}), status)
        assert Support.objects.count() == before

    # Own idea.
    assert_refused(api_for(member), idea.pk, 409)
    # Forged id, and a draft the supporter cannot see.
    assert_refused(api_for(other_member), 987654, 404)
    draft = _idea(member, challenge, "A draft not yet shared", submit=False)
    assert_refused(api_for(other_member), draft.pk, 404)
    # Withdrawn: private again, so hidden from members; staff see it but cannot support it.
    withdrawn = _idea(member, challenge, "Withdrawn idea here")
    idea_services.idea_withdraw(actor=member, idea=withdrawn)
    assert_refused(api_for(other_member), withdrawn.pk, 404)
    assert_refused(api_for(moderator), withdrawn.pk, 409)
    # After the deadline (not yet expired by the task).
    Idea.objects.filter(pk=idea.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert_refused(api_for(other_member), idea.pk, 409)
    assert_error_shape(api_for(other_member).delete(f"/api/v1/ideas/{idea.pk}/support"), 409)
    assert Idea.objects.get(pk=idea.pk).support_count == 0


def test_supporters_are_for_staff(
    idea: Idea, make_user: Callable[..., User], member: User, api_for: Any, django_assert_max_num_queries: Any
) -> None:
    fans = _support(idea, 3, make_user)
    support_services.support_remove(actor=fans[0], idea=idea)
    support_services.support_add(actor=fans[0], idea=idea, would_buy="maybe", audience="As a gift")
    assert_error_shape(api_for(member).get(f"/api/v1/ideas/{idea.pk}/supporters"), 403)
    staff = api_for(make_user(Role.ANALYST))
    first = staff.get(f"/api/v1/ideas/{idea.pk}/supporters", {"limit": 2}).json()
    with django_assert_max_num_queries(6):
        rest = staff.get(
            f"/api/v1/ideas/{idea.pk}/supporters", {"limit": 2, "cursor": first["next_cursor"]}
        ).json()
    rows = first["items"] + rest["items"]
    assert [r["user"]["id"] for r in rows] == [fans[0].pk, fans[2].pk, fans[1].pk]
    assert (rows[0]["would_buy"], rows[0]["audience"]) == ("maybe", "As a gift")
    assert rest["next_cursor"] is None
    assert_error_shape(staff.get("/api/v1/ideas/987654/supporters"), 404, "idea_id")


# --- The document --------------------------------------------------------------------------------------
def test_the_openapi_schema_still_validates() -> None:
    from cocreate.api import api

    schema = json.loads(json.dumps(api.get_openapi_schema()))  # as served: JSON keys are strings
    validate(schema)
    for path in (
        "/api/v1/challenges",
        "/api/v1/challenges/{challenge_id}",
        "/api/v1/ideas",
        "/api/v1/ideas/{idea_id}",
        "/api/v1/ideas/{idea_id}/support",
        "/api/v1/ideas/{idea_id}/supporters",
        "/api/v1/ideas/{idea_id}/comments",
        "/api/v1/ideas/{idea_id}/reviews",
        "/api/v1/ideas/{idea_id}/decision",
        "/api/v1/royalties/statements",
    ):
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/ideas/{idea_id}/support"]) == {"post", "delete"}


# --- Comments ------------------------------------------------------------------------------------------
def test_comments_thread_and_replies(
    idea: Idea, member: User, other_member: User, challenge: Challenge, api_for: Any
) -> None:
    fan = api_for(other_member)
    first = fan.post(f"/api/v1/ideas/{idea.pk}/comments", {"body": "Love it! <script>x()</script> **Bold**"})
    assert first.status_code == 201, first.content
    comment = first.json()
    assert comment["body"] == "Love it! <script>x()</script> **Bold**"
    assert "<script" not in comment["body_html"] and "<strong>Bold</strong>" in comment["body_html"]
    assert comment["author"] == {"id": other_member.pk, "name": other_member.public_name}
    reply = api_for(member).post(
        f"/api/v1/ideas/{idea.pk}/comments", {"body": "Thank you!", "parent_id": comment["id"]}
    )
    assert reply.status_code == 201 and reply.json()["parent_id"] == comment["id"]
    update = api_for(member).post(
        f"/api/v1/ideas/{idea.pk}/comments", {"body": "Now with a lamp.", "is_update": True}
    )
    assert update.status_code == 201 and update.json()["is_update"] is True

    page = Client().get(f"/api/v1/ideas/{idea.pk}/comments").json()
    assert [c["id"] for c in page["items"]] == [update.json()["id"], comment["id"]]
    assert [r["body"] for r in page["items"][1]["replies"]] == ["Thank you!"]
    assert page["items"][1]["reactions"][0]["count"] == 0 and page["next_cursor"] is None

    assert_error_shape(
        fan.post(f"/api/v1/ideas/{idea.pk}/comments", {"body": "An update", "is_update": True}), 403
    )
    assert_error_shape(fan.post(f"/api/v1/ideas/{idea.pk}/comments", {"body": "   "}), 400, "body")
    assert_error_shape(
        fan.post(f"/api/v1/ideas/{idea.pk}/comments", {"body": "Hi", "parent_id": 987654}), 404, "parent_id"
    )
    assert_error_shape(Client().post(f"/api/v1/ideas/{idea.pk}/comments", {"body": "Hi"}), 401)
    draft = _idea(member, challenge, "A draft with comments", submit=False)
    assert_error_shape(Client().get(f"/api/v1/ideas/{draft.pk}/comments"), 404, "idea_id")
    assert_error_shape(fan.post(f"/api/v1/ideas/{draft.pk}/comments", {"body": "Hi"}), 404, "idea_id")
    assert len(Client().get(f"/api/v1/ideas/{idea.pk}/comments").json()["items"]) == 2


# --- Reviews, decisions and royalty statements -----------------------------------------------------------
@pytest.fixture
def in_review(idea: Idea, brand_admin: User, challenge: Challenge) -> Idea:
    from cocreate.challenges.models import Criterion

    Criterion.objects.create(challenge=challenge, name="Fun", weight=2)
    Criterion.objects.create(challenge=challenge, name="Fit", weight=1)
    return idea_services.idea_transition(actor=brand_admin, idea=idea, to_status=IdeaStatus.IN_REVIEW)


def test_reviews_are_for_reviewers_and_decisions_for_administrators(
    in_review: Idea, member: User, brand_admin: User, make_user: Callable[..., User], api_for: Any
) -> None:
    from cocreate.challenges.models import CreatorAgreement, Decision
    from cocreate.challenges.services import reviews as review_services

    reviewer = make_user(Role.REVIEWER)
    fun, fit = in_review.challenge.criteria.all()
    review_services.review_submit(
        actor=reviewer, idea=in_review, scores={str(fun.pk): 5, str(fit.pk): 2}, notes="Strong, off-brand."
    )
    assert_error_shape(api_for(member).get(f"/api/v1/ideas/{in_review.pk}/reviews"), 403)
    body = api_for(reviewer).get(f"/api/v1/ideas/{in_review.pk}/reviews").json()
    assert body["status"] == "in_review" and [c["name"] for c in body["criteria"]] == ["Fun", "Fit"]
    (review,) = body["reviews"]
    assert review["scores"] == {str(fun.pk): 5, str(fit.pk): 2} and review["notes"] == "Strong, off-brand."
    assert review["weighted_score"] == "4.00" and body["average"] == "4.00"
    assert body["decisions"] == []

    decide = f"/api/v1/ideas/{in_review.pk}/decision"
    approve = {"outcome": "approved", "rationale": "A fine set for the harbour line."}
    assert_error_shape(api_for(reviewer).post(decide, approve), 403)
    assert_error_shape(api_for(brand_admin).post(decide, approve), 400, "product")
    assert_error_shape(api_for(brand_admin).post(decide, {**approve, "rationale": " "}), 400, "rationale")
    assert_error_shape(api_for(brand_admin).post(decide, {**approve, "outcome": "maybe"}), 422, "outcome")
    assert Decision.objects.count() == 0 and Idea.objects.get(pk=in_review.pk).status == IdeaStatus.IN_REVIEW

    product = Product.objects.create(name="Lighthouse", slug="lighthouse")
    made = api_for(brand_admin).post(decide, {**approve, "product_id": product.pk})
    assert made.status_code == 201, made.content
    assert made.json()["outcome"] == "approved" and made.json()["idea_status"] == "approved"
    assert made.json()["decided_by"]["id"] == brand_admin.pk
    agreement = CreatorAgreement.objects.get(idea=in_review)
    assert agreement.creator_id == in_review.author_id and agreement.product_id == product.pk
    assert_error_shape(api_for(brand_admin).post(decide, {**approve, "product_id": product.pk}), 409)
    assert Client().get(f"/api/v1/ideas/{in_review.pk}").json()["status"] == "approved"
    decisions = api_for(brand_admin).get(f"/api/v1/ideas/{in_review.pk}/reviews").json()["decisions"]
    assert [d["rationale"] for d in decisions] == ["A fine set for the harbour line."]


def test_royalty_statements_are_the_callers_own(
    in_review: Idea, member: User, other_member: User, brand_admin: User, api_for: Any
) -> None:
    from decimal import Decimal

    from cocreate.challenges.models import CreatorAgreement, RoyaltyEntry, RoyaltyKind
    from cocreate.challenges.services import reviews as review_services
    from cocreate.challenges.services import royalties as royalty_services

    product = Product.objects.create(name="Lighthouse", slug="lighthouse")
    review_services.decision_record(
        actor=brand_admin, idea=in_review, outcome="approved", rationale="Yes.", product=product
    )
    agreement = CreatorAgreement.objects.get(idea=in_review)
    for period, amount in (("2025-02", "12.50"), ("2025-03", "20.00")):
        RoyaltyEntry.objects.create(
            agreement=agreement,
            period=period,
            kind=RoyaltyKind.ACCRUED,
            amount=Decimal(amount),
            currency="EUR",
        )
    royalty_services.royalty_pay(
        actor=brand_admin, agreement=agreement, period="2025-02", currency="EUR", amount="10"
    )

    mine = api_for(member).get("/api/v1/royalties/statements").json()
    assert mine["creator_id"] == member.pk
    assert [s["period"] for s in mine["statements"]] == ["2025-03", "2025-02"]
    feb = mine["statements"][1]["rows"][0]
    assert (feb["currency"], feb["accrued"], feb["paid"], feb["balance"]) == ("EUR", "12.50", "10.00", "2.50")
    assert mine["balance"][0]["balance"] == "22.50"
    one = api_for(member).get("/api/v1/royalties/statements", {"period": "2025-03"}).json()
    assert [s["period"] for s in one["statements"]] == ["2025-03"]

    assert api_for(other_member).get("/api/v1/royalties/statements").json()["statements"] == []
    assert_error_shape(
        api_for(other_member).get("/api/v1/royalties/statements", {"creator_id": member.pk}), 403
    )
    as_admin = api_for(brand_admin).get("/api/v1/royalties/statements", {"creator_id": member.pk}).json()
    assert as_admin == mine
    assert_error_shape(api_for(brand_admin).get("/api/v1/royalties/statements", {"creator_id": 987654}), 404)
    assert_error_shape(
        api_for(member).get("/api/v1/royalties/statements", {"period": "March"}), 400, "period"
    )
    assert_error_shape(Client().get("/api/v1/royalties/statements"), 401)


def test_a_cursor_at_the_edge_of_the_calendar_is_a_400(idea: Idea) -> None:
    # Shifted to UTC, these fall outside year 1…9999: the database adapter used to overflow (500).
    client = Client()
    for edge in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        response = client.get("/api/v1/ideas", {"sort": "newest", "cursor": encode_cursor([edge, 1])})
        assert_error_shape(response, 400, "cursor")
    assert_error_shape(
        client.get("/api/v1/challenges", {"cursor": encode_cursor([True, "0001-01-01T00:00:00+01:00", 1])}),
        400,
        "cursor",
    )
    later = (timezone.now() + timedelta(days=1)).isoformat()
    page = client.get("/api/v1/ideas", {"sort": "newest", "cursor": encode_cursor([later, idea.pk + 1])})
    assert [i["id"] for i in page.json()["items"]] == [idea.pk]
