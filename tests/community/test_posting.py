"""Posting a thread: the rules every kind shares, reviews once per member and product."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cocreate.accounts.models import User
from cocreate.community.models import Board, FeedbackStatus, Thread
from cocreate.community.services import forum
from cocreate.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_feedback_enters_triage_and_counts_on_the_board(
    member: User, board: Board, post_thread: Callable[..., Thread]
) -> None:
    bug = post_thread(member, kind="bug")
    chat = post_thread(member, kind="discussion")
    assert bug.in_triage and bug.status == FeedbackStatus.NEW
    assert not chat.in_triage
    board.refresh_from_db()
    assert (board.thread_count, board.post_count) == (2, 2)
    assert bug.product == board.product and bug.discussion_id


def test_a_second_review_of_the_same_product_is_refused_and_changes_nothing(
    member: User, other_member: User, board: Board, post_thread: Callable[..., Thread]
) -> None:
    post_thread(member, kind="review", rating=4)
    with pytest.raises(DomainError) as err:
        post_thread(member, kind="review", rating=5, title="Again")
    assert err.value.status == 409 and err.value.field == "product"
    post_thread(other_member, kind="review", rating=2)
    assert Thread.objects.filter(kind="review").count() == 2
    board.refresh_from_db()
    assert board.thread_count == 2


@pytest.mark.parametrize("rating", [None, 0, 6, True, "5"])
def test_a_review_needs_one_to_five_stars(
    member: User, post_thread: Callable[..., Thread], rating: Any
) -> None:
    with pytest.raises(DomainError) as err:
        post_thread(member, kind="review", rating=rating)
    assert err.value.field == "rating"
    assert not Thread.objects.exists()


def test_a_megabyte_of_text_is_refused_with_a_clear_answer(member: User, board: Board) -> None:
    with pytest.raises(DomainError) as err:
        forum.thread_create(actor=member, board=board, kind="discussion", title="Long", body="x" * 1_000_000)
    assert err.value.status == 413 and err.value.field == "body"
    assert not Thread.objects.exists()


def test_a_flood_from_one_account_is_slowed_down(member: User, board: Board, settings: Any) -> None:
    settings.COCREATE_THREADS_PER_MINUTE = 2
    for n in range(2):
        forum.thread_create(actor=member, board=board, kind="discussion", title=f"Post {n}", body="Hello")
    with pytest.raises(DomainError) as err:
        forum.thread_create(actor=member, board=board, kind="discussion", title="Post 3", body="Hello")
    assert err.value.status == 429
    assert Thread.objects.count() == 2
