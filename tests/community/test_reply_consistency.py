"""Replies keep their board's counts whichever page they are removed from, and only the thread page takes
them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import User
from cocreate.community.models import Board, Thread
from cocreate.community.services import forum
from cocreate.discussions import services as discussions
from cocreate.discussions.models import Comment

pytestmark = pytest.mark.django_db


def test_the_generic_comment_form_refuses_a_thread_and_posts_nothing(
    member: User, board: Board, post_thread: Callable[..., Thread], client: Client
) -> None:
    thread = post_thread(member)
    client.force_login(member)
    url = reverse("discussions:comment-post", args=[thread.discussion_id])
    response = client.post(url, {"body": "Round the side"})
    assert response.status_code == 404
    assert not Comment.objects.exists()
    board.refresh_from_db()
    assert board.post_count == 1


def test_deleting_or_hiding_a_reply_lowers_the_boards_post_count_once(
    member: User,
    other_member: User,
    moderator: User,
    board: Board,
    post_thread: Callable[..., Thread],
    django_capture_on_commit_callbacks: Any,
) -> None:
    thread = post_thread(member)
    with django_capture_on_commit_callbacks(execute=True):
        first = forum.reply_post(actor=other_member, thread=thread, body="Same here")
        second = forum.reply_post(actor=other_member, thread=thread, body="And with the new firmware")
    board.refresh_from_db()
    assert board.post_count == 3
    with django_capture_on_commit_callbacks(execute=True):
        discussions.comment_delete(actor=other_member, comment=first)
        discussions.comment_delete(actor=other_member, comment=first)  # twice: counted once
        discussions.flag_resolve(actor=moderator, comment=second, action="hide")
        discussions.flag_resolve(actor=moderator, comment=second, action="hide")
    board.refresh_from_db()
    thread.discussion.refresh_from_db()
    assert board.post_count == 1 and thread.discussion.comment_count == 0
