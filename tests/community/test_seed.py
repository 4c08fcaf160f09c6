"""`cocreate seed` for the forum: boards, threads of every kind and replies, with every counter equal to
its rows, one review per member and product, the same rows for the same seed, and re-runs that add only
what is missing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from cocreate.community.models import Board, FeedbackStatus, Thread, ThreadKind
from cocreate.community.seed import recount, seeded_boards, seeded_threads
from cocreate.discussions.models import Comment, Discussion

pytestmark = pytest.mark.django_db

TODAY = "2026-06-01"
# Small sizes: the other generators make nothing beyond the members and products the forum needs.
SMALL = ["--rows", "ideas=0", "--rows", "supports=0", "--rows", "challenges=0", "--rows", "products=8"]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed", "--today", TODAY, *SMALL, *args, stdout=out)
    return out.getvalue()


def assert_counters_match_rows() -> None:
    drift = (
        Discussion.objects.filter(thread__in=seeded_threads())
        .annotate(rows=Count("comments"))
        .exclude(rows=F("comment_count"))
    )
    assert list(drift.values_list("pk", "comment_count", "rows")) == []
    for board in seeded_boards():
        threads = Thread.objects.filter(board=board)
        replies = Comment.objects.filter(discussion__thread__board=board).count()
        assert board.thread_count == threads.count(), board.name
        assert board.post_count == threads.count() + replies, board.name
        latest = threads.order_by("-last_activity_at").first()
        assert board.last_activity_at == (latest.last_activity_at if latest else None)


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        seeded_threads()
        .order_by("pk")
        .values_list("board__slug", "author__email", "kind", "title", "rating", "status", "created_at")
    )


def test_a_small_forum_has_every_kind_of_post_and_exact_counters() -> None:
    out = seed("--rows", "members=300", "--rows", "threads=600")
    assert "community_thread" in out and "discussions_comment" in out
    boards = list(seeded_boards())
    assert len(boards) == 5 + 8  # topic boards, and one per product
    threads = seeded_threads()
    assert threads.count() == 600
    assert {t for t in threads.values_list("kind", flat=True)} == set(ThreadKind.values)
    replies = Comment.objects.filter(discussion__thread__in=threads).count()
    assert replies > 300  # long-tailed, about 1.5 per thread
    assert_counters_match_rows()

    # Reviews carry stars on a product board about their product, one per member and product.
    reviews = threads.filter(kind=ThreadKind.REVIEW)
    assert reviews.exists()
    assert not reviews.filter(Q(rating__isnull=True) | Q(product__isnull=True)).exists()
    assert not reviews.exclude(board__product=F("product")).exists()
    pairs = reviews.values("author", "product").annotate(n=Count("id")).filter(n__gt=1)
    assert not pairs.exists()
    # Feedback is in the inbox with a spread of statuses; a discussion is not.
    assert not threads.filter(kind=ThreadKind.DISCUSSION, in_triage=True).exists()
    statuses = set(threads.filter(in_triage=True).values_list("status", flat=True))
    assert {FeedbackStatus.NEW, FeedbackStatus.DONE} <= statuses
    # Some questions have an accepted answer: the first reply, from someone else.
    answered = threads.filter(kind=ThreadKind.QUESTION, accepted_answer__isnull=False)
    assert answered.exists()
    for thread in answered:
        first = Comment.objects.filter(discussion=thread.discussion).order_by("id").first()
        assert thread.accepted_answer == first and first.author_id != thread.author_id
    # Each board opens with a pinned welcome post.
    assert threads.filter(pinned=True).count() == len(boards)
    # Threads are ordered by their latest reply.
    for thread in threads.filter(discussion__comment_count__gt=0)[:50]:
        last = Comment.objects.filter(discussion=thread.discussion).order_by("-created_at").first()
        assert thread.last_activity_at == last.created_at


def test_same_seed_same_rows_and_a_rerun_adds_only_what_is_missing() -> None:
    small = ["--rows", "members=200", "--rows", "threads=150"]
    seed(*small, "--rows", "replies=40", "--batch-size", "30")
    first_replies = Comment.objects.count()
    assert first_replies == 40
    seed(*small, "--batch-size", "30")  # the rest of the planned replies, then the counters
    assert_counters_match_rows()
    full = snapshot()
    replies = list(
        Comment.objects.order_by("id").values_list("discussion__thread__title", "body", "created_at")
    )
    again = seed(*small)
    assert snapshot() == full and Comment.objects.count() == len(replies)
    assert "community_thread" in again

    # Growing the seed keeps the threads there and adds the new ones after them.
    seed("--rows", "members=200", "--rows", "threads=220")
    assert snapshot()[:150] == full and seeded_threads().count() == 220
    assert_counters_match_rows()


def test_recount_repairs_drifted_counters_only() -> None:
    seed("--rows", "members=120", "--rows", "threads=60")
    assert recount() == 0
    board = seeded_boards().order_by("-thread_count").first()
    assert board is not None
    Board.objects.filter(pk=board.pk).update(thread_count=9999, post_count=1)
    thread = seeded_threads().filter(discussion__comment_count__gt=0).first()
    assert thread is not None
    Discussion.objects.filter(pk=thread.discussion_id).update(comment_count=0)
    assert recount() == 2
    assert_counters_match_rows()


def test_scale_zero_makes_nothing() -> None:
    seed("--scale", "0")
    assert not seeded_boards().exists() and not Thread.objects.exists()
