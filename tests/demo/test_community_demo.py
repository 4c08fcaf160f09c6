"""The demo's community: boards with months of posts of every kind, staff triage in progress shown on the
posts, themes found, and a changelog whose entries credit the members behind them. Running it again adds
nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from cocreate.community.models import (
    Board,
    ClusterRun,
    FeedbackStatus,
    Improvement,
    ImprovementCredit,
    ImprovementLink,
    SavedReply,
    Team,
    Theme,
    Thread,
    ThreadKind,
    TriageEvent,
    TriageNote,
)
from cocreate.demo.seeding import seed_demo
from cocreate.discussions.models import Comment, Reaction
from cocreate.notifications.models import Notification

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models: list[Any] = [
        Board,
        Thread,
        Comment,
        Reaction,
        TriageEvent,
        TriageNote,
        Team,
        SavedReply,
        ClusterRun,
        Theme,
        Improvement,
        ImprovementLink,
        ImprovementCredit,
    ]
    return {m.__name__: m.objects.count() for m in models}


def test_the_community_demo_is_alive_and_safe_to_run_twice(
    settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DATA_DIR = tmp_path
    # The demo's after-commit work (analysis, notifications) runs as it does outside a test transaction.
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    now = timezone.now()

    if connection.vendor == "postgresql":
        # Fresh tables have no statistics yet inside the test's transaction; without them the planner
        # picks nested sequential scans for the joins below.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    boards = Board.objects.all()
    assert 4 <= boards.count() <= 8
    assert {"Ideas & suggestions", "Help & questions"} <= set(boards.values_list("name", flat=True))
    assert all(b.moderators.exists() for b in boards)
    product_boards = boards.filter(product__isnull=False)
    assert product_boards.count() >= 3

    # A few thousand posts of every kind, spread over months, with counters equal to the rows.
    threads = Thread.objects.all()
    replies = Comment.objects.filter(discussion__thread__isnull=False)
    assert threads.count() + replies.count() >= 2000
    assert set(threads.values_list("kind", flat=True)) == set(ThreadKind.values)
    oldest = threads.order_by("created_at").first()
    assert oldest is not None and oldest.created_at < now - timedelta(days=150)
    assert threads.filter(created_at__gt=now - timedelta(days=7)).exists()
    for board in boards:
        visible = Thread.objects.filter(board=board, hidden_at__isnull=True, deleted_at__isnull=True)
        posts = visible.count() + Comment.objects.filter(discussion__thread__in=visible).count()
        assert (board.thread_count, board.post_count) == (visible.count(), posts), board.name
    # Replies come after their post; the thread's activity is its latest reply.
    assert not replies.filter(created_at__lt=F("discussion__thread__created_at")).exists()
    assert Reaction.objects.exists()

    # Reviews: stars that match the words, one per member and product.
    reviews = threads.filter(kind=ThreadKind.REVIEW)
    assert set(reviews.values_list("rating", flat=True)) == {1, 2, 3, 4, 5}
    assert not reviews.values("author", "product").annotate(n=Count("id")).filter(n__gt=1).exists()
    low = reviews.filter(rating=1).first()
    high = reviews.filter(rating=5).first()
    assert low is not None and high is not None
    negative = ("disappoint", "missing", "waste", "flimsy", "frustrat", "poor", "broke", "annoying", "slow")
    positive = ("love", "brilliant", "joy", "superb", "fantastic", "great", "perfect", "recommend")
    assert any(w in f"{low.title} {low.body}".lower() for w in negative)
    assert any(w in f"{high.title} {high.body}".lower() for w in positive)

    # Questions with answers, some accepted (from someone other than the asker).
    answered = threads.filter(kind=ThreadKind.QUESTION, accepted_answer__isnull=False)
    assert answered.exists()
    assert not answered.filter(accepted_answer__author=F("author")).exists()

    # Triage in progress: mostly new, every other status present, public messages, teams and notes.
    feedback = threads.filter(in_triage=True)
    statuses = dict(feedback.values_list("status").annotate(n=Count("id")))
    assert set(statuses) == set(FeedbackStatus.values)
    assert statuses[FeedbackStatus.NEW] == max(statuses.values())
    public = TriageEvent.objects.filter(action="status").exclude(message="")
    assert public.count() >= 50
    assert {"Product", "Support", "Logistics"} <= set(Team.objects.values_list("name", flat=True))
    assert feedback.filter(assignee__isnull=False, team__isnull=False).exists()
    assert feedback.filter(area__isnull=False).exists()
    assert TriageNote.objects.exists() and SavedReply.objects.count() >= 3
    handled = feedback.filter(first_response_at__isnull=False)
    assert handled.exists()
    assert not handled.filter(first_response_at__lt=F("created_at")).exists()

    # Themes found by re-clustering the corpus.
    assert ClusterRun.objects.exists()
    assert Theme.objects.filter(active=True).count() >= 3
    assert threads.filter(theme__isnull=False).exists()

    # A published changelog linked to posts (and themes or ideas), crediting and telling the members.
    published = Improvement.objects.filter(published_at__isnull=False)
    assert 4 <= published.count() <= 8
    assert ImprovementLink.objects.filter(thread__isnull=False).exists()
    assert ImprovementLink.objects.filter(theme__isnull=False).exists() or (
        ImprovementLink.objects.filter(idea__isnull=False).exists()
    )
    credits = ImprovementCredit.objects.all()
    assert credits.count() >= 8
    credited = set(credits.values_list("user_id", flat=True))
    assert Notification.objects.filter(user_id__in=credited, verb="improvement").exists()
    linked_posts = Thread.objects.filter(improvement_links__improvement__in=published)
    assert linked_posts.filter(status=FeedbackStatus.DONE).count() == linked_posts.count()

    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    assert counts() == before
