"""Triage through the API: staff tokens act; any other token gets 403 in the error shape and nothing
changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.community.models import SavedReply, Thread, TriageEvent, TriageNote
from cocreate.community.services import triage as services
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.fixture
def bug(member: User, post_thread: Callable[..., Thread]) -> Thread:
    return post_thread(member, kind="bug", title="The lamp flickers")


def test_a_member_token_is_refused_everywhere_and_nothing_changes(
    api_for: Callable[[User | None], Any], member: User, moderator: User, bug: Thread
) -> None:
    saved = services.saved_reply_create(actor=moderator, title="Thanks", body="Thank you!")
    api = api_for(member)
    calls = [
        api.get("/api/v1/triage/inbox"),
        api.get("/api/v1/triage/inbox/counts"),
        api.get("/api/v1/triage/metrics"),
        api.get(f"/api/v1/threads/{bug.pk}/triage"),
        api.get(f"/api/v1/threads/{bug.pk}/triage/notes"),
        api.post(f"/api/v1/threads/{bug.pk}/triage/status", {"status": "done", "message": "x"}),
        api.post(f"/api/v1/threads/{bug.pk}/triage/assign", {"assignee_id": moderator.pk}),
        api.post(f"/api/v1/threads/{bug.pk}/triage/labels", {"sentiment": "negative"}),
        api.post(f"/api/v1/threads/{bug.pk}/triage/notes", {"body": "Sneaky"}),
        api.post(f"/api/v1/threads/{bug.pk}/triage/reply", {"saved_reply_id": saved.pk}),
        api.post("/api/v1/triage/bulk", {"thread_ids": [bug.pk], "action": "status", "value": "done"}),
        api.post("/api/v1/triage/saved-replies", {"title": "Mine", "body": "Mine"}),
        api.patch(f"/api/v1/triage/saved-replies/{saved.pk}", {"title": "Mine"}),
        api.delete(f"/api/v1/triage/saved-replies/{saved.pk}"),
        # A post that does not exist is refused the same way: the answer tells nothing.
        api.post("/api/v1/threads/999999/triage/status", {"status": "done"}),
    ]
    for answer in calls:
        assert_error_shape(answer, 403)
    assert_error_shape(api_for(None).post(f"/api/v1/threads/{bug.pk}/triage/status", {"status": "done"}), 401)
    bug.refresh_from_db()
    assert (bug.status, bug.assignee_id, bug.sentiment) == ("new", None, "")
    assert not TriageEvent.objects.exists() and not TriageNote.objects.exists()
    saved.refresh_from_db()
    assert (saved.title, saved.use_count, SavedReply.objects.count()) == ("Thanks", 0, 1)


def test_staff_set_status_assign_label_and_note(
    api_for: Callable[[User | None], Any], moderator: User, brand_admin: User, other_member: User, bug: Thread
) -> None:
    api = api_for(moderator)
    answer = api.post(
        f"/api/v1/threads/{bug.pk}/triage/status", {"status": "planned", "message": "Coming in **May**."}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "planned" and body["status_label"] == "Planned" and body["first_response_at"]
    assert body["history"][0]["message_html"] == "<p>Coming in <strong>May</strong>.</p>\n"
    assert_error_shape(
        api.post(f"/api/v1/threads/{bug.pk}/triage/status", {"status": "closed"}), 422, "status"
    )
    assert_error_shape(
        api.post(f"/api/v1/threads/{bug.pk}/triage/status", {"status": "planned"}), 409, "status"
    )

    team = services.team_create(actor=brand_admin, name="Lighting")
    answer = api.post(
        f"/api/v1/threads/{bug.pk}/triage/assign", {"assignee_id": moderator.pk, "team_id": team.pk}
    )
    assert answer.json()["assignee"]["id"] == moderator.pk and answer.json()["team"]["name"] == "Lighting"
    answer = api.post(f"/api/v1/threads/{bug.pk}/triage/assign", {"team_id": None})
    assert answer.json()["assignee"]["id"] == moderator.pk and answer.json()["team"] is None
    assert_error_shape(
        api.post(f"/api/v1/threads/{bug.pk}/triage/assign", {"assignee_id": other_member.pk}), 400, "assignee"
    )
    assert_error_shape(
        api.post(f"/api/v1/threads/{bug.pk}/triage/assign", {"team_id": 987654}), 404, "team_id"
    )

    area = services.area_create(actor=brand_admin, name="Battery")
    answer = api.post(
        f"/api/v1/threads/{bug.pk}/triage/labels", {"area_id": area.pk, "sentiment": "negative"}
    )
    assert answer.json()["area"]["name"] == "Battery" and answer.json()["sentiment_by_staff"] is True

    answer = api.post(f"/api/v1/threads/{bug.pk}/triage/notes", {"body": "Batch 42."})
    assert answer.status_code == 201 and answer.json()["body_html"] == "<p>Batch 42.</p>\n"
    assert_error_shape(api.post(f"/api/v1/threads/{bug.pk}/triage/notes", {"body": "  "}), 400, "body")
    assert [n["body"] for n in api.get(f"/api/v1/threads/{bug.pk}/triage/notes").json()] == ["Batch 42."]
    assert_error_shape(api.get("/api/v1/threads/999999/triage"), 404)
    bug.refresh_from_db()
    assert (bug.status, bug.assignee_id, bug.team_id, bug.area_id) == ("planned", moderator.pk, None, area.pk)


def test_the_public_thread_api_never_carries_notes(
    api_for: Callable[[User | None], Any], moderator: User, bug: Thread
) -> None:
    services.note_add(actor=moderator, thread=bug, body="Internal: batch 42")
    answer = api_for(None).get(f"/api/v1/threads/{bug.pk}")
    assert answer.status_code == 200 and "batch 42" not in answer.content.decode()


def test_inbox_bulk_and_metrics(
    api_for: Callable[[User | None], Any], moderator: User, member: User, post_thread: Callable[..., Thread]
) -> None:
    threads = [post_thread(member, kind="suggestion", title=f"Suggestion {i}") for i in range(3)]
    api = api_for(moderator)
    page = api.get("/api/v1/triage/inbox", {"limit": 2}).json()
    assert [t["id"] for t in page["items"]] == [threads[2].pk, threads[1].pk] and page["next_cursor"]
    rest = api.get("/api/v1/triage/inbox", {"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [t["id"] for t in rest["items"]] == [threads[0].pk] and rest["next_cursor"] is None
    assert_error_shape(api.get("/api/v1/triage/inbox", {"view": "bogus"}), 422, "view")
    assert_error_shape(api.get("/api/v1/triage/inbox", {"cursor": "garbage"}), 400, "cursor")
    assert api.get("/api/v1/triage/inbox/counts").json()["new"] == 3

    ids = [t.pk for t in threads]
    answer = api.post("/api/v1/triage/bulk", {"thread_ids": ids, "action": "status", "value": "done"})
    assert answer.json() == {"changed": 3}
    assert api.post(
        "/api/v1/triage/bulk", {"thread_ids": ids, "action": "status", "value": "done"}
    ).json() == {"changed": 0}
    assert_error_shape(
        api.post("/api/v1/triage/bulk", {"thread_ids": [], "action": "status", "value": "x"}), 422
    )
    assert_error_shape(
        api.post("/api/v1/triage/bulk", {"thread_ids": ids, "action": "assign", "value": member.pk}),
        400,
        "assignee",
    )
    assert api.get("/api/v1/triage/inbox", {"view": "open"}).json()["items"] == []

    # Resolved two hours after posting: the figures say so.
    now = timezone.now()
    Thread.objects.filter(pk__in=ids).update(
        created_at=now - timedelta(hours=2), first_response_at=now - timedelta(hours=1), resolved_at=now
    )
    rows = api.get("/api/v1/triage/metrics", {"days": 7}).json()
    total = next(r for r in rows if r["total"])
    assert (total["received"], total["handled"], total["resolved"], total["open_now"]) == (3, 3, 3, 0)
    assert total["first_response_median_seconds"] == pytest.approx(3600, abs=1)
    assert total["resolution_p90_seconds"] == pytest.approx(7200, abs=1)
    assert_error_shape(api.get("/api/v1/triage/metrics", {"days": 0}), 422, "days")


def test_saved_replies_through_the_api(
    api_for: Callable[[User | None], Any],
    moderator: User,
    bug: Thread,
    django_capture_on_commit_callbacks: Any,
) -> None:
    api = api_for(moderator)
    created = api.post("/api/v1/triage/saved-replies", {"title": "Thanks", "body": "Thanks for telling us!"})
    assert created.status_code == 201, created.content
    reply_id = created.json()["id"]
    assert_error_shape(api.post("/api/v1/triage/saved-replies", {"title": " ", "body": "x"}), 400, "title")
    patched = api.patch(f"/api/v1/triage/saved-replies/{reply_id}", {"title": "Thank you"})
    assert patched.json()["title"] == "Thank you" and patched.json()["body"] == "Thanks for telling us!"
    with django_capture_on_commit_callbacks(execute=True):
        used = api.post(f"/api/v1/threads/{bug.pk}/triage/reply", {"saved_reply_id": reply_id})
    assert used.status_code == 201 and used.json()["thread_id"] == bug.pk
    assert api.get("/api/v1/triage/saved-replies").json()[0]["use_count"] == 1
    bug.refresh_from_db()
    assert bug.first_response_at is not None
    assert api.delete(f"/api/v1/triage/saved-replies/{reply_id}").status_code == 204
    assert_error_shape(api.delete(f"/api/v1/triage/saved-replies/{reply_id}"), 404)
