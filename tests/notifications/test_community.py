"""Notifications of the community: authors follow their threads, status changes reach the author and the
followers, an accepted answer reaches its author, and “you said, we did” reaches each contributor once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from cocreate.community.models import Board, FeedbackStatus, ImprovementCredit, Thread, ThreadKind
from cocreate.community.services import forum, improvements, triage
from cocreate.core.errors import DomainError
from cocreate.notifications import community, services
from cocreate.notifications.models import Follow, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db: None) -> Board:
    return Board.objects.create(name="Lamps", slug="lamps", description="All about lamps")


@pytest.fixture
def post(board: Board, django_capture_on_commit_callbacks: Any) -> Callable[..., Thread]:
    """Post through the real service with its after-commit reactions (the author's follow)."""

    def make(author: Any, kind: str = ThreadKind.SUGGESTION, **fields: Any) -> Thread:
        fields.setdefault("title", "Dim the lamp slowly")
        fields.setdefault("body", "It flickers when the battery is low.")
        with django_capture_on_commit_callbacks(execute=True):
            return forum.thread_create(actor=author, board=board, kind=kind, rate_limited=False, **fields)

    return make


def set_status(actor: Any, thread: Thread, status: str, capture: Any, message: str = "") -> None:
    with capture(execute=True):
        triage.feedback_set_status(actor=actor, thread=thread, status=status, message=message)


def test_the_author_follows_their_own_thread(member: Any, post: Callable[..., Thread]) -> None:
    thread = post(member)
    assert Follow.objects.filter(user=member, target_type="thread", target_id=thread.pk).exists()


def test_members_follow_visible_threads_only(
    member: Any, other_member: Any, post: Callable[..., Thread]
) -> None:
    thread = post(member)
    services.follow(user=other_member, target_type="thread", target_id=thread.pk)
    assert Follow.objects.filter(user=other_member, target_type="thread").count() == 1
    Thread.objects.filter(pk=thread.pk).update(deleted_at=timezone.now())
    with pytest.raises(DomainError) as exc:
        services.follow(user=member, target_type="thread", target_id=thread.pk)
    assert exc.value.status == 404
    with pytest.raises(DomainError):
        services.follow(user=member, target_type="thread", target_id=2**70)


def test_a_status_change_reaches_the_author_and_followers_once(
    member: Any,
    other_member: Any,
    moderator: Any,
    make_user: Any,
    post: Callable[..., Thread],
    django_capture_on_commit_callbacks: Any,
) -> None:
    thread = post(member)
    services.follow(user=other_member, target_type="thread", target_id=thread.pk)
    services.follow(user=moderator, target_type="thread", target_id=thread.pk)
    bystander = make_user()
    set_status(
        moderator,
        thread,
        FeedbackStatus.PLANNED,
        django_capture_on_commit_callbacks,
        "In the **spring** update.",
    )
    rows = Notification.objects.filter(verb="feedback")
    # The staff member who made the change is not told about it.
    assert sorted(rows.values_list("user_id", flat=True)) == sorted([member.pk, other_member.pk])
    assert bystander.pk not in rows.values_list("user_id", flat=True)
    mine = rows.get(user=member)
    assert mine.title == "“Dim the lamp slowly” is now Planned"
    assert mine.body == "In the spring update."
    assert mine.url.endswith(f"/t/{thread.pk}/")

    # The task runs again (a retry, a second worker): nobody hears twice.
    community.notify_feedback_status.call(thread.pk, "planned", "again", mine.key, moderator.pk)
    assert Notification.objects.filter(verb="feedback").count() == 2

    # A later change is a new event; an update on the same status with a message too.
    set_status(moderator, thread, FeedbackStatus.IN_PROGRESS, django_capture_on_commit_callbacks)
    set_status(
        moderator, thread, FeedbackStatus.IN_PROGRESS, django_capture_on_commit_callbacks, "Half done."
    )
    titles = list(
        Notification.objects.filter(user=member, verb="feedback")
        .order_by("id")
        .values_list("title", flat=True)
    )
    assert titles == [
        "“Dim the lamp slowly” is now Planned",
        "“Dim the lamp slowly” is now In progress",
        "Update on “Dim the lamp slowly” (In progress)",
    ]


def test_a_hidden_post_tells_only_its_author(
    member: Any,
    other_member: Any,
    moderator: Any,
    post: Callable[..., Thread],
    django_capture_on_commit_callbacks: Any,
) -> None:
    thread = post(member)
    services.follow(user=other_member, target_type="thread", target_id=thread.pk)
    Thread.objects.filter(pk=thread.pk).update(hidden_at=timezone.now())
    thread.refresh_from_db()
    set_status(moderator, thread, FeedbackStatus.WONT_DO, django_capture_on_commit_callbacks, "Not for us.")
    assert list(Notification.objects.filter(verb="feedback").values_list("user_id", flat=True)) == [member.pk]


def test_an_accepted_answer_reaches_its_author(
    member: Any, other_member: Any, post: Callable[..., Thread], django_capture_on_commit_callbacks: Any
) -> None:
    question = post(member, kind=ThreadKind.QUESTION, title="How long does the battery last?")
    with django_capture_on_commit_callbacks(execute=True):
        answer = forum.reply_post(actor=other_member, thread=question, body="About 12 hours on low.")
        own = forum.reply_post(actor=member, thread=question, body="Thanks, I found it too.")
    with django_capture_on_commit_callbacks(execute=True):
        forum.answer_accept(actor=member, thread=question, comment=answer)
    told = Notification.objects.get(user=other_member, verb="answer")
    assert told.title == "Your answer to “How long does the battery last?” was accepted"
    assert told.url.endswith(f"#comment-{answer.pk}")
    # Accepting one's own reply is no news to oneself.
    with django_capture_on_commit_callbacks(execute=True):
        forum.answer_accept(actor=member, thread=question, comment=own)
    assert not Notification.objects.filter(user=member, verb="answer").exists()


def test_each_contributor_hears_of_the_improvement_exactly_once(
    member: Any,
    other_member: Any,
    moderator: Any,
    make_user: Any,
    post: Callable[..., Thread],
    django_capture_on_commit_callbacks: Any,
) -> None:
    year = timezone.localdate().year
    first = post(member, title="Dim slowly")
    Thread.objects.filter(pk=first.pk).update(created_at=timezone.make_aware(dt.datetime(year, 3, 3, 10)))
    second = post(member, kind=ThreadKind.BUG, title="Flicker")
    gone_author = make_user()
    gone = post(gone_author, title="Me too")
    gone_author.is_active = False
    gone_author.save(update_fields=["is_active"])
    entry = improvements.improvement_create(
        actor=moderator, title="Gradual dimming", released_on=timezone.localdate()
    )
    for thread in (first, second, gone):
        improvements.improvement_link(actor=moderator, improvement=entry, thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        improvements.improvement_publish(actor=moderator, improvement=entry)
    # Run again, as a retry would: nobody is told twice.
    community.notify_improvement_credits.call(entry.pk)
    ImprovementCredit.objects.update(notified_at=None)
    community.notify_improvement_credits.call(entry.pk)
    rows = Notification.objects.filter(verb="improvement")
    assert list(rows.values_list("user_id", flat=True)) == [member.pk]  # not the deactivated member
    assert rows.get().title == "Your suggestion of 3 March led to this: Gradual dimming"

    late = post(other_member, title="Please dim it")
    with django_capture_on_commit_callbacks(execute=True):
        improvements.improvement_link(actor=moderator, improvement=entry, thread=late)
    assert sorted(rows.values_list("user_id", flat=True)) == sorted([member.pk, other_member.pk])
    assert ImprovementCredit.objects.get(user=other_member).notified_at is not None


def test_the_digest_carries_community_notifications(
    member: Any, moderator: Any, post: Callable[..., Thread], django_capture_on_commit_callbacks: Any
) -> None:
    thread = post(member)
    set_status(moderator, thread, FeedbackStatus.PLANNED, django_capture_on_commit_callbacks, "Next month.")
    assert services.send_digests("daily") == 1
    message = mail.outbox[-1]
    assert "ideas and posts" in message.subject
    assert "“Dim the lamp slowly” is now Planned" in message.body and "Next month." in message.body
    html = message.alternatives[0][0]
    assert "is now Planned" in str(html)
