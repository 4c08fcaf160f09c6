"""Staff triage: statuses and their public history, first-response and resolution times, assignment, labels,
internal notes, bulk actions, teams and the response-time figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from cocreate.accounts.models import Role, User
from cocreate.community import events
from cocreate.community.models import (
    Area,
    FeedbackStatus,
    Team,
    Thread,
    TriageAction,
    TriageEvent,
    TriageNote,
)
from cocreate.community.selectors import triage as selectors
from cocreate.community.services import triage as services
from cocreate.core.errors import DomainError, NotAllowed
from cocreate.journeys.models import Journey, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def bug(member: User, post_thread: Callable[..., Thread]) -> Thread:
    return post_thread(member, kind="bug", title="The lamp flickers")


@pytest.fixture
def team(brand_admin: User, moderator: User) -> Team:
    return services.team_create(actor=brand_admin, name="Lighting", members=[moderator])


def _set_created(thread: Thread, when: Any) -> None:
    Thread.objects.filter(pk=thread.pk).update(created_at=when)
    thread.refresh_from_db()


# --- Statuses -----------------------------------------------------------------------------------------
def test_a_status_change_is_recorded_sent_and_shown_publicly(
    moderator: User, bug: Thread, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        sent.append(kwargs)

    events.feedback_status_changed.connect(listen, dispatch_uid="test-listen")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.feedback_set_status(
                actor=moderator, thread=bug, status="planned", message="We will fix it in **May**."
            )
    finally:
        events.feedback_status_changed.disconnect(dispatch_uid="test-listen")
    bug.refresh_from_db()
    assert bug.status == FeedbackStatus.PLANNED and bug.status_changed_at is not None
    assert [(s["old"], s["new"], s["message"]) for s in sent] == [
        ("new", "planned", "We will fix it in **May**.")
    ]
    history = selectors.public_history(bug)
    assert [(e.old_value, e.new_value) for e in history] == [("new", "planned")]
    assert "<strong>May</strong>" in history[0].message_html  # type: ignore[attr-defined]
    html = render_to_string("community/partials/triage_history.html", {"triage_history": history})
    assert "Planned" in html and "<strong>May</strong>" in html and moderator.public_name in html
    badge = render_to_string("community/partials/triage_status.html", {"thread": bug})
    assert "status-planned" in badge and "Planned" in badge


def test_the_public_history_escapes_scripts_and_leaves_out_every_other_action(
    moderator: User, bug: Thread, team: Team
) -> None:
    services.feedback_set_status(
        actor=moderator, thread=bug, status="acknowledged", message="<script>x()</script>hi"
    )
    services.feedback_assign(actor=moderator, thread=bug, assignee=moderator, team=team)
    services.note_add(actor=moderator, thread=bug, body="Secret: the supplier changed the LED.")
    history = selectors.public_history(bug)
    assert [e.action for e in history] == [TriageAction.STATUS]
    html = render_to_string("community/partials/triage_history.html", {"triage_history": history})
    assert "<script>" not in html and "supplier" not in html and "hi" in html


def test_a_discussion_shows_no_badge_until_staff_triage_it(
    member: User, moderator: User, post_thread: Callable[..., Thread]
) -> None:
    chat = post_thread(member, kind="discussion")
    assert render_to_string("community/partials/triage_status.html", {"thread": chat}).strip() == ""
    services.feedback_set_status(actor=moderator, thread=chat, status="acknowledged")
    assert chat.in_triage
    assert "Acknowledged" in render_to_string("community/partials/triage_status.html", {"thread": chat})
    assert render_to_string("community/partials/triage_history.html", {"triage_history": []}).strip() == ""


def test_setting_the_same_status_needs_a_message(moderator: User, bug: Thread) -> None:
    services.feedback_set_status(actor=moderator, thread=bug, status="planned")
    with pytest.raises(DomainError) as err:
        services.feedback_set_status(actor=moderator, thread=bug, status="planned")
    assert err.value.status == 409 and err.value.field == "status"
    services.feedback_set_status(actor=moderator, thread=bug, status="planned", message="Still on track.")
    assert TriageEvent.objects.filter(thread=bug, action="status").count() == 2


@pytest.mark.parametrize("status", ["closed", "", "NEW", None])
def test_an_unknown_status_is_refused(moderator: User, bug: Thread, status: Any) -> None:
    with pytest.raises(DomainError) as err:
        services.feedback_set_status(actor=moderator, thread=bug, status=status)
    assert err.value.field == "status"
    bug.refresh_from_db()
    assert bug.status == "new" and not TriageEvent.objects.exists()


def test_a_message_is_bounded(moderator: User, bug: Thread) -> None:
    with pytest.raises(DomainError) as err:
        services.feedback_set_status(actor=moderator, thread=bug, status="planned", message="x" * 5001)
    assert err.value.field == "message"
    bug.refresh_from_db()
    assert bug.status == "new"


def test_members_cannot_triage_and_nothing_changes(
    member: User, other_member: User, moderator: User, bug: Thread, team: Team
) -> None:
    calls: list[Callable[[], Any]] = [
        lambda: services.feedback_set_status(actor=member, thread=bug, status="done"),
        lambda: services.feedback_assign(actor=member, thread=bug, assignee=moderator),
        lambda: services.feedback_label(actor=member, thread=bug, sentiment="negative"),
        lambda: services.note_add(actor=member, thread=bug, body="Mine"),
        lambda: services.bulk_apply(actor=other_member, thread_ids=[bug.pk], action="status", value="done"),
        lambda: services.saved_reply_create(actor=member, title="Hi", body="Hello"),
        lambda: services.team_create(actor=moderator, name="Sneaky"),
        lambda: services.area_create(actor=moderator, name="Battery"),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    bug.refresh_from_db()
    assert (bug.status, bug.assignee_id, bug.sentiment_by_staff) == ("new", None, False)
    assert not TriageEvent.objects.exists() and not TriageNote.objects.exists()
    assert list(Team.objects.values_list("name", flat=True)) == ["Lighting"] and not Area.objects.exists()


# --- First response and resolution --------------------------------------------------------------------
def test_moving_on_from_new_is_the_first_response_once(moderator: User, bug: Thread) -> None:
    services.feedback_set_status(actor=moderator, thread=bug, status="acknowledged")
    first = bug.first_response_at
    assert first is not None
    services.feedback_set_status(actor=moderator, thread=bug, status="in_progress")
    bug.refresh_from_db()
    assert bug.first_response_at == first and bug.resolved_at is None


def test_done_resolves_and_reopening_clears_it(moderator: User, bug: Thread) -> None:
    services.feedback_set_status(actor=moderator, thread=bug, status="done")
    bug.refresh_from_db()
    assert bug.resolved_at is not None and bug.first_response_at is not None
    resolved = bug.resolved_at
    services.feedback_set_status(actor=moderator, thread=bug, status="wont_do")
    bug.refresh_from_db()
    assert bug.resolved_at == resolved  # still resolved since then
    services.feedback_set_status(actor=moderator, thread=bug, status="planned")
    bug.refresh_from_db()
    assert bug.resolved_at is None


def test_a_members_status_like_reply_is_not_a_first_response(
    member: User, other_member: User, moderator: User, bug: Thread
) -> None:
    from cocreate.discussions.models import Comment

    comment = Comment.objects.create(discussion=bug.discussion, author=other_member, body="Same here")
    assert services.staff_replied(comment=comment) is False
    staff_comment = Comment.objects.create(discussion=bug.discussion, author=moderator, body="Looking")
    assert services.staff_replied(comment=staff_comment) is True
    assert services.staff_replied(comment=staff_comment) is False
    bug.refresh_from_db()
    assert bug.first_response_at == staff_comment.created_at


# --- Assignment and labels ----------------------------------------------------------------------------
def test_the_assignee_must_be_staff(member: User, other_member: User, moderator: User, bug: Thread) -> None:
    with pytest.raises(DomainError) as err:
        services.feedback_assign(actor=moderator, thread=bug, assignee=other_member)
    assert err.value.field == "assignee"
    bug.refresh_from_db()
    assert bug.assignee_id is None and not TriageEvent.objects.exists()


def test_assign_and_clear_leave_a_history(
    moderator: User, make_user: Callable[..., User], bug: Thread, team: Team
) -> None:
    analyst = make_user(Role.ANALYST, display_name="Ana Lyst")
    services.feedback_assign(actor=moderator, thread=bug, assignee=analyst)
    services.feedback_assign(actor=moderator, thread=bug, team=team)
    bug.refresh_from_db()
    assert bug.assignee_id == analyst.pk and bug.team_id == team.pk  # the team left the assignee alone
    services.feedback_assign(actor=moderator, thread=bug, assignee=None)
    bug.refresh_from_db()
    assert bug.assignee_id is None and bug.team_id == team.pk
    history = [(e.action, e.old_value, e.new_value) for e in selectors.triage_history(thread=bug)]
    assert history == [("assign", "", "Ana Lyst"), ("team", "", "Lighting"), ("assign", "Ana Lyst", "")]


def test_labels_change_only_what_is_given(brand_admin: User, moderator: User, bug: Thread) -> None:
    area = services.area_create(actor=brand_admin, name="Battery")
    stage = Stage.objects.create(journey=Journey.objects.create(name="Owning"), name="Daily use")
    Thread.objects.filter(pk=bug.pk).update(sentiment="positive", sentiment_score=0.4)
    bug.refresh_from_db()
    services.feedback_label(actor=moderator, thread=bug, area=area, stage=stage)
    bug.refresh_from_db()
    assert (bug.area_id, bug.stage_id, bug.sentiment, bug.sentiment_by_staff) == (
        area.pk,
        stage.pk,
        "positive",
        False,
    )
    services.feedback_label(actor=moderator, thread=bug, sentiment="negative")
    bug.refresh_from_db()
    assert (bug.area_id, bug.sentiment, bug.sentiment_by_staff) == (area.pk, "negative", True)
    with pytest.raises(DomainError) as err:
        services.feedback_label(actor=moderator, thread=bug, sentiment="furious")
    assert err.value.field == "sentiment"
    services.feedback_label(actor=moderator, thread=bug, area=None, sentiment="")
    bug.refresh_from_db()
    # Handed back to the automatic analysis: "flickers when the battery is low" reads as a complaint.
    assert (bug.area_id, bug.sentiment, bug.sentiment_by_staff) == (None, "negative", False)
    assert bug.sentiment_score is not None
    events = TriageEvent.objects.filter(thread=bug, action="sentiment").count()
    services.feedback_label(actor=moderator, thread=bug, sentiment="")  # already automatic: nothing to do
    assert TriageEvent.objects.filter(thread=bug, action="sentiment").count() == events


def test_notes_are_internal_and_bounded(moderator: User, bug: Thread) -> None:
    with pytest.raises(DomainError) as err:
        services.note_add(actor=moderator, thread=bug, body="   ")
    assert err.value.field == "body"
    note = services.note_add(actor=moderator, thread=bug, body="Call the *supplier*")
    assert [n.pk for n in selectors.notes_of(thread=bug)] == [note.pk]
    assert "<em>supplier</em>" in selectors.notes_of(thread=bug)[0].body_html  # type: ignore[attr-defined]


# --- Bulk ---------------------------------------------------------------------------------------------
def test_bulk_status_applies_the_same_rules_and_counts_changes(
    member: User, moderator: User, post_thread: Callable[..., Thread]
) -> None:
    threads = [post_thread(member, kind="suggestion", title=f"Idea number {i}") for i in range(3)]
    services.feedback_set_status(actor=moderator, thread=threads[0], status="done")
    changed = services.bulk_apply(
        actor=moderator, thread_ids=[t.pk for t in threads] + [999_999], action="status", value="done"
    )
    assert changed == 2
    for thread in threads:
        thread.refresh_from_db()
        assert thread.status == "done" and thread.resolved_at and thread.first_response_at
    assert TriageEvent.objects.filter(action="status").count() == 3


def test_bulk_assign_refuses_a_member_and_changes_nothing(
    member: User, other_member: User, moderator: User, post_thread: Callable[..., Thread], team: Team
) -> None:
    threads = [post_thread(member, kind="bug", title=f"Bug number {i}") for i in range(2)]
    ids = [t.pk for t in threads]
    with pytest.raises(DomainError) as err:
        services.bulk_apply(actor=moderator, thread_ids=ids, action="assign", value=other_member.pk)
    assert err.value.field == "assignee"
    with pytest.raises(DomainError) as err:
        services.bulk_apply(actor=moderator, thread_ids=ids, action="explode", value="1")
    assert err.value.field == "action"
    with pytest.raises(DomainError) as err:
        services.bulk_apply(actor=moderator, thread_ids=[], action="team", value=team.pk)
    assert err.value.field == "thread_ids"
    with pytest.raises(DomainError) as err:
        services.bulk_apply(actor=moderator, thread_ids=ids, action="team", value="nope")
    assert err.value.field == "value"
    assert not Thread.objects.filter(assignee__isnull=False).exists()
    assert services.bulk_apply(actor=moderator, thread_ids=ids, action="team", value=str(team.pk)) == 2
    assert services.bulk_apply(actor=moderator, thread_ids=ids, action="assign", value=moderator.pk) == 2
    assert services.bulk_apply(actor=moderator, thread_ids=ids, action="team", value="") == 2
    assert set(Thread.objects.values_list("assignee_id", "team_id")) == {(moderator.pk, None)}


# --- Saved replies ------------------------------------------------------------------------------------
def test_saved_replies_belong_to_their_author(
    moderator: User, make_user: Callable[..., User], brand_admin: User
) -> None:
    reviewer = make_user(Role.REVIEWER)
    saved = services.saved_reply_create(actor=moderator, title=" Thanks ", body="Thanks for the report!")
    assert saved.title == "Thanks"
    with pytest.raises(NotAllowed):
        services.saved_reply_update(actor=reviewer, saved_reply=saved, title="Mine", body="Mine")
    services.saved_reply_update(actor=brand_admin, saved_reply=saved, title="Thanks", body="Thank you!")
    saved.refresh_from_db()
    assert saved.body == "Thank you!"
    with pytest.raises(DomainError) as err:
        services.saved_reply_create(actor=moderator, title="", body="x")
    assert err.value.field == "title"
    services.saved_reply_delete(actor=moderator, saved_reply=saved)
    assert not selectors.saved_reply_list().exists()


# --- Teams and areas ----------------------------------------------------------------------------------
def test_teams_take_staff_only_and_unique_names(
    brand_admin: User, member: User, moderator: User, team: Team
) -> None:
    with pytest.raises(DomainError) as err:
        services.team_create(actor=brand_admin, name="Support", members=[member])
    assert err.value.field == "members"
    with pytest.raises(DomainError) as err:
        services.team_create(actor=brand_admin, name="lighting")
    assert err.value.status == 409
    services.team_update(actor=brand_admin, team=team, name="Light and power", members=[])
    team.refresh_from_db()
    assert team.name == "Light and power" and team.slug == "light-and-power" and not team.members.exists()
    with pytest.raises(DomainError):
        services.area_create(actor=brand_admin, name="!!!")


# --- The inbox ----------------------------------------------------------------------------------------
def test_inbox_views_and_counts(
    member: User,
    moderator: User,
    make_user: Callable[..., User],
    post_thread: Callable[..., Thread],
    team: Team,
) -> None:
    now = timezone.now()
    fresh = post_thread(member, kind="bug", title="Fresh bug")
    week_old = post_thread(member, kind="suggestion", title="Week-old idea")
    _set_created(week_old, now - timedelta(days=3))
    ancient = post_thread(member, kind="question", title="Ancient question")
    _set_created(ancient, now - timedelta(days=20))
    review = post_thread(member, kind="review", title="Nice lamp", rating=5)
    post_thread(member, kind="discussion", title="Just chatting")
    services.feedback_assign(actor=moderator, thread=fresh, assignee=moderator, team=team)
    services.feedback_set_status(actor=moderator, thread=review, status="done")

    def ids(view: str, **filters: Any) -> list[int]:
        return [t.pk for t in selectors.inbox(user=moderator, view=view, filters=filters).items]

    assert ids("open") == [fresh.pk, week_old.pk, ancient.pk]  # newest first, done and chat left out
    assert ids("all") == [review.pk, fresh.pk, week_old.pk, ancient.pk]
    assert ids("new") == [fresh.pk, week_old.pk, ancient.pk]
    assert ids("mine") == [fresh.pk] and ids("team") == [fresh.pk]
    assert ids("unassigned") == [week_old.pk, ancient.pk]
    assert ids("unanswered") == [ancient.pk]
    assert ids("today") == [fresh.pk] and ids("week") == [week_old.pk] and ids("older") == [ancient.pk]
    assert ids("all", kind="review") == [review.pk] and ids("all", status="done") == [review.pk]
    assert ids("open", team=team.pk) == [fresh.pk]
    counts = selectors.inbox_counts(user=moderator)
    assert counts["open"] == 3 and "all" not in counts and counts["mine"] == 1 and counts["team"] == 1
    assert counts["unanswered"] == 1 and counts["older"] == 1
    other = make_user(Role.REVIEWER)
    assert selectors.inbox_counts(user=other)["mine"] == 0
    assert ids("unanswered") == [ancient.pk]
    services.feedback_set_status(actor=moderator, thread=ancient, status="acknowledged")
    assert ids("unanswered") == []


def test_the_inbox_pages_with_a_cursor(
    member: User, moderator: User, post_thread: Callable[..., Thread], django_assert_max_num_queries: Any
) -> None:
    made = [post_thread(member, kind="bug", title=f"Bug number {i}") for i in range(5)]
    first = selectors.inbox(user=moderator, limit=2)
    assert len(first.items) == 2 and first.next_cursor
    with django_assert_max_num_queries(1):
        second = selectors.inbox(user=moderator, cursor=first.next_cursor, limit=2)
    third = selectors.inbox(user=moderator, cursor=second.next_cursor, limit=2)
    seen = [t.pk for t in first.items + second.items + third.items]
    assert seen == [t.pk for t in reversed(made)] and third.next_cursor is None
    with django_assert_max_num_queries(2):
        selectors.inbox_counts(user=moderator)


# --- Response and resolution times --------------------------------------------------------------------
def test_response_times_per_team(
    member: User, moderator: User, brand_admin: User, post_thread: Callable[..., Thread], team: Team
) -> None:
    now = timezone.now()
    support = services.team_create(actor=brand_admin, name="Support")
    hours = [1, 2, 4, 10]  # first-response times of the Lighting posts
    for i, h in enumerate(hours):
        thread = post_thread(member, kind="bug", title=f"Lighting bug {i}")
        created = now - timedelta(days=2)
        Thread.objects.filter(pk=thread.pk).update(
            created_at=created,
            team=team,
            first_response_at=created + timedelta(hours=h),
            resolved_at=created + timedelta(hours=24 * (i + 1)) if i < 2 else None,
            status="done" if i < 2 else "acknowledged",
        )
    waiting = post_thread(member, kind="bug", title="Support bug")
    Thread.objects.filter(pk=waiting.pk).update(team=support)
    old = post_thread(member, kind="bug", title="Outside the window")
    Thread.objects.filter(pk=old.pk).update(
        created_at=now - timedelta(days=60), team=team, first_response_at=now - timedelta(days=59)
    )
    rows = {
        (r.team.name if r.team else ("total" if r.total else "none")): r
        for r in selectors.response_times(days=30)
    }
    lighting = rows["Lighting"]
    assert (lighting.received, lighting.handled, lighting.resolved, lighting.open_now) == (4, 4, 2, 3)
    assert lighting.first_response_median == timedelta(hours=3)  # between 2 and 4
    assert lighting.first_response_p90 == timedelta(hours=4 + 0.7 * 6)
    assert lighting.resolution_median == timedelta(hours=36)
    assert lighting.resolution_p90 == timedelta(hours=24 + 0.9 * 24)
    assert (rows["Support"].received, rows["Support"].handled, rows["Support"].first_response_median) == (
        1,
        0,
        None,
    )
    assert rows["total"].received == 5 and rows["total"].open_now == 4
    assert "none" not in rows
    only = selectors.response_times(team=team, days=90)
    assert len(only) == 1 and only[0].received == 5 and only[0].handled == 5
