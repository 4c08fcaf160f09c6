"""Forum pages: posting each kind with errors in place, a thread page, quotes, moderation, following,
attachments served safely, board management, and the reviews on a product page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from PIL import Image

from cocreate.accounts.models import User
from cocreate.community.models import Attachment, Board, Thread, ThreadRead
from cocreate.community.services import forum
from cocreate.community.views.forum import register_slots
from cocreate.discussions.models import Comment
from cocreate.notifications.models import Follow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _slots() -> None:
    register_slots()
    register_slots()  # registering again replaces the same entry


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def new_url(board: Board, **query: str) -> str:
    url = reverse("community:thread-new", args=[board.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("kind", ["discussion", "question", "suggestion", "bug"])
def test_posting_each_kind_through_the_form(member_client: Client, board: Board, kind: str) -> None:
    response = member_client.post(
        new_url(board),
        {"kind": kind, "title": f"My {kind} post", "body": "Some **text**", "tags": "battery, glow"},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "community:thread", args=[thread.pk]
    )
    assert thread.kind == kind and sorted(t.slug for t in thread.tags.all()) == ["battery", "glow"]
    page = member_client.get(response["Location"])
    assert b"<strong>text</strong>" in page.content and f"My {kind} post".encode() in page.content


def test_posting_a_review_with_stars(member_client: Client, board: Board, product: Any) -> None:
    form = member_client.get(new_url(board, kind="review"))
    assert b'value="review" selected' in form.content
    response = member_client.post(
        new_url(board),
        {
            "kind": "review",
            "title": "Bright and light",
            "body": "Love it",
            "product": product.pk,
            "rating": "4",
        },
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert (thread.kind, thread.rating, thread.product_id) == ("review", 4, product.pk)


def test_errors_show_in_place_and_keep_the_text(member_client: Client, board: Board) -> None:
    response = member_client.post(
        new_url(board), {"kind": "review", "title": "No stars here", "body": "My long text"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Give the product from 1 to 5 stars." in html
        and "My long text" in html
        and 'value="No stars here"' in html
    )
    missing = member_client.post(new_url(board), {"kind": "bug", "title": "", "body": ""})
    assert missing.status_code == 400 and b"field-errors" in missing.content
    assert not Thread.objects.exists()


def test_a_second_review_is_answered_409_and_changes_nothing(
    member: User, member_client: Client, board: Board, product: Any, post_thread: Callable[..., Thread]
) -> None:
    post_thread(member, kind="review", rating=5)
    response = member_client.post(
        new_url(board),
        {"kind": "review", "title": "Again", "body": "Twice", "product": product.pk, "rating": "1"},
    )
    assert response.status_code == 409
    assert "already reviewed this product" in response.content.decode()
    assert Thread.objects.count() == 1
    board.refresh_from_db()
    assert board.thread_count == 1


def test_an_attachment_lying_about_its_type_is_refused_in_place(member_client: Client, board: Board) -> None:
    fake = SimpleUploadedFile("holiday.png", b"#!/bin/sh\nrm -rf /\n", content_type="image/png")
    response = member_client.post(
        new_url(board), {"kind": "bug", "title": "Broken", "body": "See the picture", "attachments": [fake]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "holiday.png" in html and "See the picture" in html and "choose them again" in html
    assert not Thread.objects.exists() and not Attachment.objects.exists()


def test_the_thread_page_shows_replies_oldest_first_and_marks_read(
    member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member, kind="bug")
    forum.reply_post(actor=other_member, thread=thread, body="First reply")
    forum.reply_post(actor=member, thread=thread, body="Second reply")
    response = client_for(other_member).get(reverse("community:thread", args=[thread.pk]))
    html = response.content.decode()
    assert html.index("First reply") < html.index("Second reply")
    assert "feedback-status" in html  # the public triage status badge
    assert f'action="/discussions/comments/{thread.discussion.comments.first().pk}/react/"' in html
    assert ThreadRead.objects.get(user=other_member, thread=thread).read_count == 2


def test_the_thread_page_costs_a_fixed_number_of_queries(
    member: User, make_user: Callable[..., User], post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member, kind="question")
    viewer = client_for(member)
    url = reverse("community:thread", args=[thread.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert viewer.get(url).status_code == 200
        return len(ctx.captured_queries)

    forum.reply_post(actor=make_user(), thread=thread, body="one")
    count()  # the first visit records the read mark and the site's settings row
    few = count()
    for i in range(6):
        forum.reply_post(actor=make_user(), thread=thread, body=f"reply {i}")
    assert count() <= few


def test_the_board_page_costs_a_fixed_number_of_queries(
    member: User, make_user: Callable[..., User], board: Board, post_thread: Callable[..., Thread]
) -> None:
    viewer = client_for(member)
    url = reverse("community:board", args=[board.slug])
    post_thread(make_user(), tags=["alpha"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert viewer.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first visit creates the site's settings row
    few = count()
    for i in range(6):
        post_thread(make_user(), kind="bug", title=f"Bug {i}", tags=["beta", f"tag{i}"])
    assert count() <= few


def test_quote_pre_fills_the_reply_box(
    member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member, body="The lamp flickers\nat night")
    reply = forum.reply_post(actor=other_member, thread=thread, body="Mine too")
    c = client_for(other_member)
    html = c.get(reverse("community:thread", args=[thread.pk]) + "?quote=op").content.decode()
    assert "&gt; The lamp flickers\n&gt; at night\n&gt;\n&gt; — @Member 1" in html
    html = c.get(reverse("community:thread", args=[thread.pk]) + f"?quote={reply.pk}").content.decode()
    assert "&gt; Mine too" in html


def test_a_reply_through_the_page_and_a_locked_thread_refused(
    member: User, other_member: User, moderator: User, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member)
    c = client_for(other_member)
    url = reverse("community:thread-reply", args=[thread.pk])
    response = c.post(url, {"body": "Thanks @Member 1"})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    client_for(moderator).post(reverse("community:thread-moderate", args=[thread.pk]), {"action": "lock"})
    refused = c.post(url, {"body": "Still talking"})
    assert refused.status_code == 409 and "locked" in refused.content.decode()
    assert Comment.objects.count() == 1


def test_moderation_controls_are_for_moderators(
    member: User, other_member: User, moderator: User, board: Board, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member)
    url = reverse("community:thread-moderate", args=[thread.pk])
    page = client_for(other_member).get(reverse("community:thread", args=[thread.pk]))
    assert b'name="action"' not in page.content
    assert client_for(other_member).post(url, {"action": "pin"}).status_code == 403
    assert client_for(member).post(url, {"action": "hide"}).status_code == 403
    thread.refresh_from_db()
    assert not thread.pinned and thread.hidden_at is None
    mod = client_for(moderator)
    assert b'name="action"' in mod.get(reverse("community:thread", args=[thread.pk])).content
    mod.post(url, {"action": "pin"})
    mod.post(url, {"action": "hide"})
    thread.refresh_from_db()
    assert thread.pinned and thread.hidden_at is not None
    assert client_for(other_member).get(reverse("community:thread", args=[thread.pk])).status_code == 404
    board_html = client_for(other_member).get(reverse("community:board", args=[board.slug])).content.decode()
    assert thread.title not in board_html


def test_edit_and_delete_are_for_the_author(
    member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member)
    edit = reverse("community:thread-edit", args=[thread.pk])
    assert client_for(other_member).post(edit, {"title": "Taken over", "body": "x"}).status_code == 403
    assert (
        client_for(other_member).post(reverse("community:thread-delete", args=[thread.pk])).status_code == 302
    )
    thread.refresh_from_db()
    assert thread.deleted_at is None and thread.title != "Taken over"
    author = client_for(member)
    assert author.post(edit, {"title": "A better title", "body": "Edited *text*"}).status_code == 302
    thread.refresh_from_db()
    assert thread.title == "A better title" and thread.body == "Edited *text*"
    author.post(reverse("community:thread-delete", args=[thread.pk]))
    thread.refresh_from_db()
    assert thread.deleted_at is not None
    assert client_for(other_member).get(reverse("community:thread", args=[thread.pk])).status_code == 404


def test_accepting_an_answer_shows_it_first(
    member: User, other_member: User, make_user: Callable[..., User], post_thread: Callable[..., Thread]
) -> None:
    question = post_thread(member, kind="question", title="How to charge?")
    forum.reply_post(actor=make_user(), thread=question, body="Try the sun")
    answer = forum.reply_post(actor=other_member, thread=question, body="Use the USB-C port")
    c = client_for(member)
    response = c.post(reverse("community:thread-accept", args=[question.pk]), {"comment": answer.pk})
    assert response.status_code == 302
    html = c.get(reverse("community:thread", args=[question.pk])).content.decode()
    assert html.index("Accepted answer") < html.index("Try the sun")
    assert html.index("Use the USB-C port") < html.index("Try the sun")


def test_following_and_unfollowing_a_thread(
    member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member)
    c = client_for(other_member)
    url = reverse("community:thread-follow", args=[thread.pk])
    c.post(url, {"follow": "1"})
    assert Follow.objects.filter(user=other_member, target_type="thread", target_id=thread.pk).exists()
    assert b"Unfollow" in c.get(reverse("community:thread", args=[thread.pk])).content
    c.post(url, {"follow": "0"})
    assert not Follow.objects.filter(user=other_member, target_type="thread").exists()


def test_attachments_are_served_with_a_safe_type(member: User, board: Board, client: Client) -> None:
    thread = forum.thread_create(
        actor=member,
        board=board,
        kind="bug",
        title="Files",
        body="x",
        rate_limited=False,
        attachments=[
            SimpleUploadedFile("a.png", png(), content_type="image/png"),
            SimpleUploadedFile("notes.txt", b"<script>alert(1)</script>", content_type="text/plain"),
        ],
    )
    image, text = Attachment.objects.filter(thread=thread).order_by("id")
    shown = client.get(reverse("community:attachment", args=[image.pk]))
    assert shown["Content-Type"] == "image/png" and shown["X-Content-Type-Options"] == "nosniff"
    download = client.get(reverse("community:attachment", args=[text.pk]))
    assert download["Content-Type"].startswith("text/plain") and download["Content-Disposition"].startswith(
        "attachment"
    )
    thread.hidden_at = thread.created_at
    thread.save(update_fields=["hidden_at"])
    assert client.get(reverse("community:attachment", args=[image.pk])).status_code == 404


def test_unread_counts_on_the_index(
    member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(other_member)
    c = client_for(member)
    assert "1 unread" in c.get(reverse("community:boards")).content.decode()
    c.get(reverse("community:thread", args=[thread.pk]))
    assert "1 unread" not in c.get(reverse("community:boards")).content.decode()


def test_board_filters_and_new_post_button(
    member: User, board: Board, post_thread: Callable[..., Thread]
) -> None:
    post_thread(member, kind="bug", title="Buggy lamp")
    post_thread(member, kind="question", title="Which battery")
    c = client_for(member)
    html = c.get(reverse("community:board", args=[board.slug]) + "?kind=bug").content.decode()
    assert "Buggy lamp" in html and "Which battery" not in html
    assert reverse("community:thread-new", args=[board.slug]) in html
    assert c.get(reverse("community:board", args=[board.slug]) + "?kind=bogus").status_code == 400


def test_board_management_is_for_the_brand_team(
    admin_client_: Client, member_client: Client, other_member: User, product: Any
) -> None:
    url = reverse("community:board-create")
    assert member_client.get(url).status_code == 403
    bad = admin_client_.post(url, {"name": "Lamp talk", "moderators": "nobody@example.com", "position": 0})
    assert bad.status_code == 400 and "nobody@example.com" in bad.content.decode()
    ok = admin_client_.post(
        url, {"name": "Lamp talk", "product": product.pk, "moderators": other_member.email, "position": 1}
    )
    made = Board.objects.get(slug="lamp-talk")
    assert ok.status_code == 302 and list(made.moderators.all()) == [other_member]
    edit = reverse("community:board-edit", args=[made.slug])
    admin_client_.post(edit, {"name": "Lamp chat", "position": 2, "moderators": ""})
    made.refresh_from_db()
    assert made.name == "Lamp chat" and made.moderators.count() == 0


def test_the_product_page_shows_the_review_distribution(
    make_user: Callable[..., User],
    member: User,
    board: Board,
    product: Any,
    post_thread: Callable[..., Thread],
) -> None:
    for stars in (5, 4, 4):
        post_thread(make_user(), kind="review", rating=stars, title=f"{stars} stars from me")
    url = reverse("brand:product-detail", args=[product.slug])
    html = client_for(member).get(url).content.decode()
    assert "Reviews" in html and "4.3" in html and "3 reviews" in html
    assert 'value="67"' in html and 'value="33"' in html  # 4 stars: 2 of 3; 5 stars: 1 of 3
    assert reverse("community:thread-new", args=[board.slug]) + "?kind=review" in html
    post_thread(member, kind="review", rating=3)
    assert "You reviewed this product." in client_for(member).get(url).content.decode()


def test_reserved_words_fall_through_to_other_pages() -> None:
    # /community/triage/ is never read as a board: it reaches the page that owns it.
    assert resolve("/community/triage/").url_name != "board"
    assert resolve("/community/lamp-talk/").url_name == "board"
