"""The forum's JSON API: boards, threads (cursor pages), replies oldest first, accepted answers, reviews with
their distribution, and clear errors for every refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cocreate.accounts.models import User
from cocreate.community.models import Board, Thread
from cocreate.community.services import forum
from cocreate.discussions.models import Comment
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


def test_boards_and_one_board(
    api_for: Callable[..., Any], board: Board, member: User, post_thread: Callable[..., Thread]
) -> None:
    post_thread(member)
    listed = api_for(None).get("/api/v1/boards").json()
    assert [(b["slug"], b["thread_count"]) for b in listed] == [("trail-lamp", 1)]
    assert api_for(None).get("/api/v1/boards/trail-lamp").json()["name"] == "Trail Lamp"
    assert_error_shape(api_for(None).get("/api/v1/boards/nope"), 404, "slug")


def test_posting_each_kind_and_reading_it_back(
    api_for: Callable[..., Any], member: User, product: Any, board: Board
) -> None:
    api = api_for(member)
    for kind in ("discussion", "question", "suggestion", "bug"):
        response = api.post(
            "/api/v1/boards/trail-lamp/threads",
            {"kind": kind, "title": f"A {kind}", "body": "Hi **there**", "tags": ["lamp"]},
        )
        assert response.status_code == 201, response.content
        assert response.json()["kind"] == kind and response.json()["tags"] == ["lamp"]
        forum_settings_reset()
    review = api.post(
        "/api/v1/boards/trail-lamp/threads",
        {"kind": "review", "title": "Good", "body": "Bright", "rating": 5, "product_id": product.pk},
    )
    assert review.status_code == 201 and review.json()["rating"] == 5
    body = api_for(None).get(f"/api/v1/threads/{review.json()['id']}").json()
    assert body["body"] == "Bright" and body["body_html"] == "<p>Bright</p>\n"


def forum_settings_reset() -> None:
    # Each test has its own cache; clearing it here lets one test post more than the burst limit.
    from django.core.cache import cache

    cache.clear()


def test_a_second_review_is_a_409_and_changes_nothing(
    api_for: Callable[..., Any], member: User, product: Any, board: Board
) -> None:
    api = api_for(member)
    payload = {"kind": "review", "title": "Good", "body": "Bright", "rating": 5}
    assert api.post("/api/v1/boards/trail-lamp/threads", payload).status_code == 201
    body = assert_error_shape(
        api.post("/api/v1/boards/trail-lamp/threads", {**payload, "rating": 1}), 409, "product"
    )
    assert "already reviewed" in body["detail"]
    assert Thread.objects.get().rating == 5


def test_a_megabyte_post_is_a_clear_413(api_for: Callable[..., Any], member: User, board: Board) -> None:
    response = api_for(member).post(
        "/api/v1/boards/trail-lamp/threads", {"kind": "discussion", "title": "Long", "body": "x" * 1_000_000}
    )
    assert_error_shape(response, 413, "body")
    assert not Thread.objects.exists()


def test_a_flood_is_a_429(api_for: Callable[..., Any], member: User, board: Board, settings: Any) -> None:
    settings.COCREATE_THREADS_PER_MINUTE = 2
    api = api_for(member)
    for n in range(2):
        assert (
            api.post(
                "/api/v1/boards/trail-lamp/threads",
                {"kind": "discussion", "title": f"Post {n}", "body": "Hi"},
            ).status_code
            == 201
        )
    assert_error_shape(
        api.post(
            "/api/v1/boards/trail-lamp/threads", {"kind": "discussion", "title": "Post 3", "body": "Hi"}
        ),
        429,
    )
    assert Thread.objects.count() == 2


def test_writes_need_a_token(api_for: Callable[..., Any], board: Board) -> None:
    assert_error_shape(
        api_for(None).post(
            "/api/v1/boards/trail-lamp/threads", {"kind": "bug", "title": "x y z", "body": "b"}
        ),
        401,
    )


def test_thread_pages_use_a_cursor(
    api_for: Callable[..., Any], member: User, post_thread: Callable[..., Thread]
) -> None:
    made = [post_thread(member, title=f"Thread {i}") for i in range(3)]
    first = api_for(None).get("/api/v1/boards/trail-lamp/threads?limit=2").json()
    second = (
        api_for(None)
        .get("/api/v1/boards/trail-lamp/threads", {"limit": 2, "cursor": first["next_cursor"]})
        .json()
    )
    ids = [t["id"] for t in first["items"] + second["items"]]
    assert ids == [t.pk for t in reversed(made)] and second["next_cursor"] is None
    assert_error_shape(api_for(None).get("/api/v1/boards/trail-lamp/threads?cursor=garbage"), 400, "cursor")
    assert_error_shape(api_for(None).get("/api/v1/boards/trail-lamp/threads?kind=poem"), 400, "kind")


def test_replies_oldest_first_and_locked_threads_refuse(
    api_for: Callable[..., Any],
    member: User,
    other_member: User,
    moderator: User,
    post_thread: Callable[..., Thread],
) -> None:
    thread = post_thread(member)
    api = api_for(other_member)
    first = api.post(f"/api/v1/threads/{thread.pk}/posts", {"body": "first"})
    assert first.status_code == 201
    api.post(f"/api/v1/threads/{thread.pk}/posts", {"body": "nested", "parent_id": first.json()["id"]})
    api_for(member).post(f"/api/v1/threads/{thread.pk}/posts", {"body": "second"})
    items = api_for(None).get(f"/api/v1/threads/{thread.pk}/posts").json()["items"]
    assert [i["body"] for i in items] == ["first", "nested", "second"]
    locked = api_for(moderator).patch(f"/api/v1/threads/{thread.pk}", {"locked": True})
    assert locked.status_code == 200 and locked.json()["locked"] is True
    body = assert_error_shape(api.post(f"/api/v1/threads/{thread.pk}/posts", {"body": "more"}), 409, "body")
    assert "locked" in body["detail"]
    assert Comment.objects.count() == 3


def test_edit_delete_and_moderation_permissions(
    api_for: Callable[..., Any],
    member: User,
    other_member: User,
    moderator: User,
    post_thread: Callable[..., Thread],
) -> None:
    thread = post_thread(member)
    url = f"/api/v1/threads/{thread.pk}"
    assert_error_shape(api_for(other_member).patch(url, {"title": "Not yours"}), 403)
    assert_error_shape(api_for(other_member).patch(url, {"pinned": True}), 403)
    assert_error_shape(api_for(member).patch(url, {"hidden": True}), 403)
    assert_error_shape(api_for(other_member).delete(url), 403)
    edited = api_for(member).patch(url, {"title": "Clearer title", "tags": ["usb"]})
    assert edited.status_code == 200 and edited.json()["title"] == "Clearer title"
    assert api_for(moderator).patch(url, {"pinned": True}).json()["pinned"] is True
    assert api_for(member).delete(url).status_code == 204
    assert_error_shape(api_for(other_member).get(url), 404, "thread_id")
    assert api_for(moderator).get(url).json()["deleted"] is True


def test_accepting_an_answer(
    api_for: Callable[..., Any], member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    question = post_thread(member, kind="question")
    answer = forum.reply_post(actor=other_member, thread=question, body="Use USB-C")
    assert_error_shape(
        api_for(other_member).post(f"/api/v1/threads/{question.pk}/accept", {"comment_id": answer.pk}), 403
    )
    accepted = api_for(member).post(f"/api/v1/threads/{question.pk}/accept", {"comment_id": answer.pk})
    assert accepted.status_code == 200 and accepted.json()["accepted_answer_id"] == answer.pk
    posts = api_for(None).get(f"/api/v1/threads/{question.pk}/posts").json()["items"]
    assert posts[0]["accepted"] is True
    assert_error_shape(
        api_for(member).post(f"/api/v1/threads/{question.pk}/accept", {"comment_id": 999999}),
        404,
        "comment_id",
    )
    cleared = api_for(member).post(f"/api/v1/threads/{question.pk}/accept", {"comment_id": None})
    assert cleared.json()["accepted_answer_id"] is None


def test_product_reviews_with_the_distribution(
    api_for: Callable[..., Any],
    make_user: Callable[..., User],
    product: Any,
    post_thread: Callable[..., Thread],
) -> None:
    for stars in (5, 3, 3):
        post_thread(make_user(), kind="review", rating=stars)
    body = api_for(None).get(f"/api/v1/products/{product.slug}/reviews").json()
    assert body["summary"] == {
        "counts": {"1": 0, "2": 0, "3": 2, "4": 0, "5": 1},
        "total": 3,
        "average": 3.67,
    }
    assert len(body["items"]) == 3 and {i["rating"] for i in body["items"]} == {3, 5}
    assert_error_shape(api_for(None).get("/api/v1/products/no-such-thing/reviews"), 404, "slug")
    # The brand's product route is untouched.
    assert api_for(None).get(f"/api/v1/products/{product.pk}").json()["slug"] == product.slug


def test_unread_marks_for_a_token(
    api_for: Callable[..., Any], member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(other_member)
    api = api_for(member)
    assert api.get("/api/v1/boards").json()[0]["unread"] == 1
    assert api.get("/api/v1/boards/trail-lamp/threads").json()["items"][0]["unread"] is True
    forum.thread_mark_read(user=member, thread=thread)
    forum.reply_post(actor=other_member, thread=thread, body="news")
    item = api.get("/api/v1/boards/trail-lamp/threads").json()["items"][0]
    assert item["unread"] is False and item["new_replies"] == 1
