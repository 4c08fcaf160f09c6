"""Forum services and selectors: boards, edits, soft deletes, moderation, replies, locks, accepted answers,
read marks, attachments checked by content, and the review distribution."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cocreate.accounts.models import Role, User
from cocreate.community import events
from cocreate.community.models import Attachment, Board, Thread, ThreadRead
from cocreate.community.selectors import forum as selectors
from cocreate.community.services import forum
from cocreate.core.errors import DomainError
from cocreate.discussions.models import Comment, Discussion

pytestmark = pytest.mark.django_db


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user(Role.ANALYST)


# --- Boards -------------------------------------------------------------------------------------------
def test_the_brand_team_opens_boards_and_names_moderators(
    brand_admin: User, member: User, product: Any
) -> None:
    made = forum.board_create(actor=brand_admin, name="Trail Lamp help", product=product, moderators=[member])
    assert made.slug == "trail-lamp-help" and list(made.moderators.all()) == [member]
    again = forum.board_create(actor=brand_admin, name="Trail Lamp help")
    assert again.slug == "trail-lamp-help-2"
    forum.board_update(actor=brand_admin, board=made, name="Lamp help", moderators=[], archived=True)
    made.refresh_from_db()
    assert (made.name, made.archived, made.moderators.count()) == ("Lamp help", True, 0)


def test_a_board_never_takes_a_reserved_address(brand_admin: User) -> None:
    assert forum.board_create(actor=brand_admin, name="Inbox").slug == "inbox-2"


def test_members_cannot_create_or_change_boards(member: User, board: Board) -> None:
    with pytest.raises(DomainError) as err:
        forum.board_create(actor=member, name="Mine")
    assert err.value.status == 403
    with pytest.raises(DomainError):
        forum.board_update(actor=member, board=board, name="Taken")
    board.refresh_from_db()
    assert board.name == "Trail Lamp" and Board.objects.count() == 1


# --- Editing, deleting, moderation ----------------------------------------------------------------------
def test_the_author_edits_the_text_as_written_and_a_review_its_stars(
    member: User, post_thread: Callable[..., Thread]
) -> None:
    review = post_thread(member, kind="review", rating=2)
    forum.thread_edit(
        actor=member, thread=review, body="It is **better** <script>x</script>", rating=4, tags=["Battery"]
    )
    review.refresh_from_db()
    assert review.body == "It is **better** <script>x</script>" and review.rating == 4 and review.edited_at
    assert [t.name for t in review.tags.all()] == ["Battery"]
    with pytest.raises(DomainError) as err:
        forum.thread_edit(actor=member, thread=review, rating=9)
    assert err.value.field == "rating"


def test_a_non_moderator_cannot_edit_someone_elses_post(
    member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member)
    with pytest.raises(DomainError) as err:
        forum.thread_edit(actor=other_member, thread=thread, title="Hijacked title")
    assert err.value.status == 403
    thread.refresh_from_db()
    assert thread.title != "Hijacked title"


def test_a_board_moderator_edits_and_pins_but_only_on_their_board(
    member: User, other_member: User, board: Board, brand_admin: User, post_thread: Callable[..., Thread]
) -> None:
    board.moderators.add(other_member)
    thread = post_thread(member)
    forum.thread_edit(actor=other_member, thread=thread, title="A clearer title")
    forum.thread_pin(actor=other_member, thread=thread, pinned=True)
    elsewhere = Board.objects.create(name="Other", slug="other")
    foreign = post_thread(member, board=elsewhere)
    with pytest.raises(DomainError):
        forum.thread_pin(actor=other_member, thread=foreign, pinned=True)
    thread.refresh_from_db()
    foreign.refresh_from_db()
    assert thread.title == "A clearer title" and thread.pinned and not foreign.pinned


@pytest.mark.parametrize("action", ["pin", "lock", "hide"])
def test_a_member_cannot_pin_lock_or_hide(
    member: User, other_member: User, post_thread: Callable[..., Thread], action: str
) -> None:
    thread = post_thread(member)
    call = {
        "pin": lambda: forum.thread_pin(actor=other_member, thread=thread, pinned=True),
        "lock": lambda: forum.thread_lock(actor=other_member, thread=thread, locked=True),
        "hide": lambda: forum.thread_hide(actor=other_member, thread=thread, hidden=True),
    }[action]
    with pytest.raises(DomainError) as err:
        call()
    assert err.value.status == 403
    thread.refresh_from_db()
    thread.discussion.refresh_from_db()
    assert not thread.pinned and not thread.discussion.locked and thread.hidden_at is None


def test_deleting_a_review_frees_the_place_and_counts_once(
    member: User, board: Board, post_thread: Callable[..., Thread]
) -> None:
    review = post_thread(member, kind="review", rating=3)
    forum.thread_delete(actor=member, thread=review)
    forum.thread_delete(actor=member, thread=review)
    board.refresh_from_db()
    assert board.thread_count == 0 and board.post_count == 0
    again = post_thread(member, kind="review", rating=5, title="Second look")
    assert again.pk != review.pk
    assert selectors.thread_get_for_viewer(member, review.pk) is None


def test_hidden_and_deleted_threads_are_invisible_to_others(
    member: User, other_member: User, moderator: User, board: Board, post_thread: Callable[..., Thread]
) -> None:
    hidden = post_thread(member, title="Hidden one")
    gone = post_thread(member, title="Deleted one")
    kept = post_thread(member, title="Still here")
    forum.thread_hide(actor=moderator, thread=hidden, hidden=True)
    forum.thread_delete(actor=member, thread=gone)
    page = selectors.board_page(board, other_member)
    assert [r.thread.pk for r in page.rows] == [kept.pk]
    assert selectors.thread_get_for_viewer(other_member, hidden.pk) is None
    assert selectors.thread_get_for_viewer(member, hidden.pk) is not None  # the author still sees it
    assert selectors.thread_get_for_viewer(moderator, gone.pk) is not None
    board.refresh_from_db()
    assert board.thread_count == 1
    forum.thread_hide(actor=moderator, thread=hidden, hidden=False)
    board.refresh_from_db()
    assert board.thread_count == 2


# --- Replies and locks --------------------------------------------------------------------------------
def test_a_reply_moves_the_thread_up_and_counts_on_the_board(
    member: User, other_member: User, board: Board, post_thread: Callable[..., Thread]
) -> None:
    older = post_thread(member, title="Older thread")
    newer = post_thread(member, title="Newer thread")
    assert [r.thread.pk for r in selectors.board_page(board, None).rows] == [newer.pk, older.pk]
    comment = forum.reply_post(actor=other_member, thread=older, body="Same here, @Member 1")
    assert comment.discussion_id == older.discussion_id
    assert [r.thread.pk for r in selectors.board_page(board, None).rows] == [older.pk, newer.pk]
    board.refresh_from_db()
    assert board.post_count == 3


def test_posting_in_a_locked_thread_is_refused_and_changes_nothing(
    member: User, other_member: User, moderator: User, board: Board, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member)
    forum.thread_lock(actor=moderator, thread=thread, locked=True)
    thread = Thread.objects.select_related("discussion", "board").get(pk=thread.pk)
    before = thread.last_activity_at
    with pytest.raises(DomainError) as err:
        forum.reply_post(actor=other_member, thread=thread, body="Let me in")
    assert err.value.status == 409 and "locked" in err.value.message
    thread.refresh_from_db()
    board.refresh_from_db()
    assert Comment.objects.count() == 0 and thread.last_activity_at == before and board.post_count == 1
    assert Discussion.objects.get(pk=thread.discussion_id).comment_count == 0


def test_a_board_moderator_locks_their_boards_threads(
    member: User, other_member: User, board: Board, post_thread: Callable[..., Thread]
) -> None:
    board.moderators.add(other_member)
    thread = post_thread(member)
    forum.thread_lock(actor=other_member, thread=thread, locked=True)
    assert Discussion.objects.get(pk=thread.discussion_id).locked


def test_replies_are_rate_limited(
    member: User, other_member: User, settings: Any, post_thread: Callable[..., Thread]
) -> None:
    settings.COCREATE_COMMENTS_PER_MINUTE = 2
    thread = post_thread(member)
    forum.reply_post(actor=other_member, thread=thread, body="one")
    forum.reply_post(actor=other_member, thread=thread, body="two")
    with pytest.raises(DomainError) as err:
        forum.reply_post(actor=other_member, thread=thread, body="three")
    assert err.value.status == 429
    assert Comment.objects.count() == 2


def test_replies_read_oldest_first(
    member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member)
    first = forum.reply_post(actor=other_member, thread=thread, body="first")
    second = forum.reply_post(actor=member, thread=thread, body="second")
    page = selectors.thread_page(Thread.objects.get(pk=thread.pk), member)
    assert [n.comment.pk for n in page.replies] == [first.pk, second.pk]


# --- Accepted answers ---------------------------------------------------------------------------------
def test_the_asker_accepts_an_answer_and_can_take_it_back(
    member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    question = post_thread(member, kind="question")
    answer = forum.reply_post(actor=other_member, thread=question, body="Charge it fully first.")
    seen: list[Any] = []

    def receiver(sender: Any, thread: Thread, comment: Comment, **kw: Any) -> None:
        seen.append((thread.pk, comment.pk))

    events.answer_accepted.connect(receiver)
    try:
        with pytest.raises(DomainError) as err:
            forum.answer_accept(actor=other_member, thread=question, comment=answer)
        assert err.value.status == 403
        forum.answer_accept(actor=member, thread=question, comment=answer)
    finally:
        events.answer_accepted.disconnect(receiver)
    question.refresh_from_db()
    assert question.accepted_answer_id == answer.pk
    page = selectors.thread_page(Thread.objects.get(pk=question.pk), other_member)
    assert page.accepted is not None and page.accepted.comment.pk == answer.pk
    forum.answer_accept(actor=member, thread=question, comment=None)
    question.refresh_from_db()
    assert question.accepted_answer_id is None


def test_only_a_question_has_an_accepted_answer(member: User, post_thread: Callable[..., Thread]) -> None:
    chat = post_thread(member)
    reply = forum.reply_post(actor=member, thread=chat, body="Me too")
    with pytest.raises(DomainError) as err:
        forum.answer_accept(actor=member, thread=chat, comment=reply)
    assert err.value.field == "comment"
    other = post_thread(member, kind="question", title="Another question")
    with pytest.raises(DomainError) as err:
        forum.answer_accept(actor=member, thread=other, comment=reply)
    assert err.value.status == 404


# --- Unread -------------------------------------------------------------------------------------------
def test_unread_counts_follow_what_the_member_read(
    member: User, other_member: User, board: Board, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(other_member)
    (row,) = selectors.board_page(board, member).rows
    assert row.unread and row.new_replies == 0
    assert selectors.board_list(member)[0].unread == 1
    forum.thread_mark_read(user=member, thread=thread)
    forum.thread_mark_read(user=member, thread=thread)
    assert ThreadRead.objects.filter(user=member).count() == 1
    (row,) = selectors.board_page(board, member).rows
    assert not row.unread and row.new_replies == 0
    assert selectors.board_list(member)[0].unread == 0
    forum.reply_post(actor=other_member, thread=thread, body="one more")
    forum.reply_post(actor=other_member, thread=thread, body="and another")
    (row,) = selectors.board_page(board, member).rows
    assert row.new_replies == 2
    assert selectors.board_list(member)[0].unread == 1
    # The author's own thread is never unread for them.
    (own,) = selectors.board_page(board, other_member).rows
    assert not own.unread and own.new_replies == 0


# --- Attachments --------------------------------------------------------------------------------------
def test_images_are_re_encoded_and_pdfs_and_text_kept(member: User, board: Board) -> None:
    files = [
        SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png"),
        SimpleUploadedFile(
            "manual.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n", content_type="application/pdf"
        ),
        SimpleUploadedFile("log.txt", "Fehler: Lampe flackert ✓\n".encode(), content_type="text/plain"),
    ]
    thread = forum.thread_create(
        actor=member,
        board=board,
        kind="bug",
        title="Flicker",
        body="See files",
        attachments=files,
        rate_limited=False,
    )
    rows = list(Attachment.objects.filter(thread=thread).order_by("id"))
    assert [(a.content_type, a.is_image) for a in rows] == [
        ("image/png", True),
        ("application/pdf", False),
        ("text/plain", False),
    ]
    assert rows[0].name == "photo.png" and rows[0].file.name.startswith("forum/")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.png", b"MZ\x90\x00 this is an executable", "image/png"),
        ("photo.png", b"just some text pretending", "image/png"),
        ("notes.txt", b"%PDF-1.4 a pdf in disguise", "text/plain"),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04", "application/octet-stream"),
        ("report.pdf", b"not a pdf at all", "application/pdf"),
        ("picture.txt", png_bytes(), "text/plain"),
    ],
)
def test_a_file_that_lies_about_its_type_is_refused_and_nothing_is_written(
    member: User, board: Board, name: str, content: bytes, content_type: str
) -> None:
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    with pytest.raises(DomainError) as err:
        forum.thread_create(
            actor=member,
            board=board,
            kind="bug",
            title="Flicker",
            body="x",
            attachments=[upload],
            rate_limited=False,
        )
    assert err.value.field == "attachments" and name in err.value.message
    assert not Thread.objects.exists() and not Attachment.objects.exists()


def test_attachments_are_capped_in_count_and_size(member: User, board: Board, settings: Any) -> None:
    many = [SimpleUploadedFile(f"n{i}.txt", b"hello", content_type="text/plain") for i in range(6)]
    with pytest.raises(DomainError) as err:
        forum.thread_create(actor=member, board=board, kind="bug", title="Many", body="x", attachments=many)
    assert err.value.field == "attachments"
    settings.COCREATE_ATTACHMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("big.txt", b"a" * 101, content_type="text/plain")
    with pytest.raises(DomainError) as err:
        forum.thread_create(actor=member, board=board, kind="bug", title="Big", body="x", attachments=[big])
    assert "limit" in err.value.message or "larger" in err.value.message
    assert not Thread.objects.exists()


def test_a_reply_carries_attachments(
    member: User, other_member: User, post_thread: Callable[..., Thread]
) -> None:
    thread = post_thread(member)
    upload = SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png")
    comment = forum.reply_post(actor=other_member, thread=thread, body="Look", attachments=[upload])
    page = selectors.thread_page(Thread.objects.get(pk=thread.pk), member)
    assert [a.comment_id for a in page.reply_attachments[comment.pk]] == [comment.pk]


# --- Reviews ------------------------------------------------------------------------------------------
def test_the_review_summary_counts_each_star(
    make_user: Callable[..., User], product: Any, post_thread: Callable[..., Thread]
) -> None:
    for stars in (5, 5, 4, 1):
        post_thread(make_user(), kind="review", rating=stars)
    hidden = post_thread(make_user(), kind="review", rating=2)
    hidden.hidden_at = hidden.created_at
    hidden.save(update_fields=["hidden_at"])
    summary = selectors.review_summary(product)
    assert summary.counts == {1: 1, 2: 0, 3: 0, 4: 1, 5: 2}
    assert summary.total == 4 and summary.average == 3.75
    assert [b.percent for b in summary.bars] == [50, 25, 0, 0, 25]


def test_board_page_filters_and_paginates(
    member: User, board: Board, post_thread: Callable[..., Thread], moderator: User
) -> None:
    made = [
        post_thread(
            member, kind="bug" if i % 2 else "question", title=f"Post {i}", tags=["glow"] if i == 3 else []
        )
        for i in range(5)
    ]
    forum.thread_pin(actor=moderator, thread=made[0], pinned=True)
    first = selectors.board_page(board, member, limit=2)
    assert first.rows[0].thread.pk == made[0].pk and first.next_cursor
    second = selectors.board_page(board, member, cursor=first.next_cursor, limit=2)
    third = selectors.board_page(board, member, cursor=second.next_cursor, limit=2)
    seen = [r.thread.pk for p in (first, second, third) for r in p.rows]
    assert sorted(seen) == sorted(t.pk for t in made) and len(seen) == 5
    assert {r.thread.kind for r in selectors.board_page(board, member, kind="bug").rows} == {"bug"}
    assert [r.thread.pk for r in selectors.board_page(board, member, tag="glow").rows] == [made[3].pk]
    with pytest.raises(DomainError):
        selectors.board_page(board, member, kind="nonsense")


def test_a_board_moderator_sees_and_restores_what_they_hid(
    member: User,
    other_member: User,
    board: Board,
    make_user: Callable[..., User],
    post_thread: Callable[..., Thread],
) -> None:
    board.moderators.add(other_member)
    thread = post_thread(member)
    forum.thread_hide(actor=other_member, thread=thread, hidden=True)
    assert selectors.thread_get_for_viewer(make_user(), thread.pk) is None
    found = selectors.thread_get_for_viewer(other_member, thread.pk)
    assert found is not None
    forum.thread_hide(actor=other_member, thread=found, hidden=False)
    assert selectors.thread_get_for_viewer(make_user(), thread.pk) is not None
