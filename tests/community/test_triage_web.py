"""The triage pages: staff only, the inbox with views, filters and bulk actions without JavaScript, the
panel's forms (full page and htmx), the public thread page showing the status but never the notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import Role, User
from cocreate.community.models import SavedReply, Team, Thread, TriageEvent, TriageNote
from cocreate.community.services import triage as services
from cocreate.discussions.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(moderator: User) -> Client:
    c = Client()
    c.force_login(moderator)
    return c


@pytest.fixture
def bug(member: User, post_thread: Callable[..., Thread]) -> Thread:
    return post_thread(member, kind="bug", title="The lamp flickers")


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_members_and_visitors_cannot_open_the_triage_pages(member_client: Client, bug: Thread) -> None:
    client = Client()
    pages = [
        reverse("community:inbox"),
        reverse("community:triage-thread", args=[bug.pk]),
        reverse("community:saved-replies"),
        reverse("community:triage-metrics"),
        reverse("community:triage-teams"),
    ]
    for url in pages:
        assert member_client.get(url).status_code == 403
        answer = client.get(url)
        assert answer.status_code == 302 and "login" in answer["Location"]
    answer = member_client.post(reverse("community:triage-status", args=[bug.pk]), {"status": "done"})
    assert answer.status_code == 403
    answer = member_client.post(
        reverse("community:triage-bulk"), {"threads": [bug.pk], "action": "status", "status": "done"}
    )
    assert answer.status_code == 403
    bug.refresh_from_db()
    assert bug.status == "new" and not TriageEvent.objects.exists()


def test_the_teams_page_is_for_administrators(staff_client: Client, admin_client_: Client) -> None:
    assert staff_client.get(reverse("community:triage-teams")).status_code == 403
    assert staff_client.post(reverse("community:team-create"), {"name": "Sneaky"}).status_code == 403
    assert admin_client_.get(reverse("community:triage-teams")).status_code == 200
    answer = admin_client_.post(reverse("community:team-create"), {"name": "Lighting"})
    assert answer.status_code == 302 and Team.objects.filter(name="Lighting").exists()
    answer = admin_client_.post(reverse("community:team-create"), {"name": "lighting"})
    assert answer.status_code == 400 and "already a team" in answer.content.decode()
    answer = admin_client_.post(reverse("community:area-create"), {"name": "Battery"})
    assert answer.status_code == 302
    assert "Battery" in admin_client_.get(reverse("community:triage-teams")).content.decode()


def test_the_inbox_lists_views_with_counts_and_filters(
    staff_client: Client, member: User, post_thread: Callable[..., Thread], bug: Thread
) -> None:
    post_thread(member, kind="discussion", title="Just chatting")
    review = post_thread(member, kind="review", title="Lovely lamp", rating=5)
    page = staff_client.get(reverse("community:inbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "The lamp flickers" in html and "Lovely lamp" in html and "Just chatting" not in html
    assert "Unanswered questions" in html and 'name="threads"' in html
    only_reviews = staff_client.get(reverse("community:inbox"), {"kind": "review"}).content.decode()
    assert "Lovely lamp" in only_reviews and "The lamp flickers" not in only_reviews
    mine = staff_client.get(reverse("community:inbox"), {"view": "mine"}).content.decode()
    assert "Lovely lamp" not in mine
    # A forged cursor or filter is ignored rather than answered with an error.
    assert staff_client.get(reverse("community:inbox"), {"cursor": "!!", "team": "x"}).status_code == 200
    assert review.pk


def test_bulk_actions_work_without_javascript(
    staff_client: Client, moderator: User, member: User, post_thread: Callable[..., Thread], bug: Thread
) -> None:
    other = post_thread(member, kind="suggestion", title="Add a red light")
    back = reverse("community:inbox") + "?view=new"
    answer = staff_client.post(
        reverse("community:triage-bulk"),
        {"threads": [bug.pk, other.pk], "action": "assign", "assignee": moderator.pk, "next": back},
    )
    assert answer.status_code == 302 and answer["Location"] == back
    assert set(Thread.objects.filter(in_triage=True).values_list("assignee_id", flat=True)) == {moderator.pk}
    answer = staff_client.post(
        reverse("community:triage-bulk"),
        {
            "threads": [bug.pk, other.pk],
            "action": "status",
            "status": "planned",
            "next": "https://evil.example/",
        },
        follow=True,
    )
    assert "2 posts changed." in answer.content.decode()
    assert answer.redirect_chain[-1][0] == reverse("community:inbox")
    assert set(Thread.objects.filter(in_triage=True).values_list("status", flat=True)) == {"planned"}
    answer = staff_client.post(
        reverse("community:triage-bulk"), {"action": "status", "status": "done"}, follow=True
    )
    assert "Tick at least one post." in answer.content.decode()
    assert not Thread.objects.filter(status="done").exists()


def test_the_panel_sets_a_status_and_the_public_page_shows_it_but_never_the_notes(
    staff_client: Client, client: Client, bug: Thread
) -> None:
    url = reverse("community:triage-thread", args=[bug.pk])
    assert staff_client.get(url).status_code == 200
    answer = staff_client.post(
        reverse("community:triage-status", args=[bug.pk]),
        {"status": "in_progress", "message": "A fix is **on its way**."},
    )
    assert answer.status_code == 302 and answer["Location"] == url
    staff_client.post(
        reverse("community:triage-note", args=[bug.pk]), {"body": "Supplier batch 42 is faulty."}
    )
    assert TriageNote.objects.filter(thread=bug).count() == 1
    panel = staff_client.get(url).content.decode()
    assert "Supplier batch 42 is faulty." in panel and "<strong>on its way</strong>" in panel
    public = client.get(reverse("community:thread", args=[bug.pk])).content.decode()
    assert "In progress" in public and "status-in_progress" in public
    assert "<strong>on its way</strong>" in public
    assert "Supplier batch 42" not in public


def test_the_panel_answers_htmx_with_the_panel_and_errors_in_place(staff_client: Client, bug: Thread) -> None:
    answer = staff_client.post(
        reverse("community:triage-status", args=[bug.pk]), {"status": "acknowledged"}, **HTMX
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and html.startswith('<div id="triage-panel"') and "<html" not in html
    assert "Status set to" in html
    again = staff_client.post(
        reverse("community:triage-status", args=[bug.pk]), {"status": "acknowledged"}, **HTMX
    )
    assert again.status_code == 200 and "add a message" in again.content.decode()
    full = staff_client.post(reverse("community:triage-status", args=[bug.pk]), {"status": "acknowledged"})
    assert full.status_code == 400 and "add a message" in full.content.decode()
    assert TriageEvent.objects.filter(thread=bug, action="status").count() == 1


def test_assigning_a_member_is_refused_in_place(
    staff_client: Client, other_member: User, bug: Thread
) -> None:
    answer = staff_client.post(
        reverse("community:triage-assign", args=[bug.pk]), {"assignee": other_member.pk}
    )
    assert answer.status_code == 400
    bug.refresh_from_db()
    assert bug.assignee_id is None


def test_labels_keep_the_automatic_sentiment_unless_staff_choose(
    staff_client: Client, brand_admin: User, bug: Thread
) -> None:
    area = services.area_create(actor=brand_admin, name="Battery")
    Thread.objects.filter(pk=bug.pk).update(sentiment="negative")
    staff_client.post(reverse("community:triage-labels", args=[bug.pk]), {"area": area.pk, "sentiment": ""})
    bug.refresh_from_db()
    assert (bug.area_id, bug.sentiment, bug.sentiment_by_staff) == (area.pk, "negative", False)
    staff_client.post(
        reverse("community:triage-labels", args=[bug.pk]), {"area": area.pk, "sentiment": "neutral"}
    )
    bug.refresh_from_db()
    assert (bug.sentiment, bug.sentiment_by_staff) == ("neutral", True)


def test_a_saved_reply_is_posted_publicly_and_counted(
    staff_client: Client, moderator: User, bug: Thread, django_capture_on_commit_callbacks: Any
) -> None:
    answer = staff_client.post(
        reverse("community:saved-replies"), {"title": "Thanks", "body": "Thanks, we are *looking into it*."}
    )
    assert answer.status_code == 302
    saved = SavedReply.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff_client.post(
            reverse("community:triage-reply", args=[bug.pk]), {"saved_reply": saved.pk}
        )
    assert answer.status_code == 302
    comment = Comment.objects.get(discussion=bug.discussion)
    assert comment.author_id == moderator.pk and comment.body == saved.body
    saved.refresh_from_db()
    bug.refresh_from_db()
    assert saved.use_count == 1 and bug.first_response_at is not None
    staff_client.post(
        reverse("community:triage-reply", args=[bug.pk]),
        {"saved_reply": saved.pk, "body": "Fixed in 2.1, thanks!"},
    )
    saved.refresh_from_db()
    assert saved.use_count == 2
    assert Comment.objects.filter(discussion=bug.discussion, body="Fixed in 2.1, thanks!").exists()


def test_saved_replies_are_edited_by_their_author_only(
    staff_client: Client, moderator: User, make_user: Callable[..., User]
) -> None:
    saved = services.saved_reply_create(actor=moderator, title="Thanks", body="Thank you!")
    reviewer = make_user(Role.REVIEWER)
    other = Client()
    other.force_login(reviewer)
    url = reverse("community:saved-reply-edit", args=[saved.pk])
    assert other.post(url, {"title": "Mine", "body": "Mine"}).status_code == 403
    assert other.post(reverse("community:saved-reply-delete", args=[saved.pk])).status_code == 403
    assert staff_client.post(url, {"title": "Thanks a lot", "body": "Thank you!"}).status_code == 302
    saved.refresh_from_db()
    assert saved.title == "Thanks a lot"


def test_the_metrics_page_shows_a_row_per_team(
    staff_client: Client, brand_admin: User, moderator: User, bug: Thread
) -> None:
    team = services.team_create(actor=brand_admin, name="Lighting", members=[moderator])
    services.feedback_assign(actor=moderator, thread=bug, team=team)
    services.feedback_set_status(actor=moderator, thread=bug, status="done")
    html = staff_client.get(reverse("community:triage-metrics"), {"days": 7}).content.decode()
    assert "Lighting" in html and "All posts" in html and "0 min" in html


def test_the_inbox_page_costs_the_same_with_more_posts(
    staff_client: Client, member: User, moderator: User, post_thread: Callable[..., Thread]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(reverse("community:inbox")).status_code == 200
        return len(ctx.captured_queries)

    first = post_thread(member, kind="bug", title="Bug number 0")
    services.feedback_assign(actor=moderator, thread=first, assignee=moderator)
    queries()  # the first page of a session also fills caches (brand, terms)
    few = queries()
    for i in range(1, 6):
        thread = post_thread(member, kind="bug", title=f"Bug number {i}")
        services.feedback_assign(actor=moderator, thread=thread, assignee=moderator)
    assert queries() <= few
