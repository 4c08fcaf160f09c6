"""Reads for the forum: the board index with unread counts, a board's page (pinned first, then latest
activity, keyset-paginated on the `thread_board_page` index), a thread's page (replies oldest first, as a
forum reads) and product reviews with their star distribution. Each read costs a fixed number of queries
whatever the board or thread holds; nothing counts a board's threads row by row (`Board.thread_count`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cocreate.core.errors import DomainError
from cocreate.core.pagination import paginate
from cocreate.core.text import plain_text, render_markdown
from cocreate.discussions import selectors as discussion_selectors
from cocreate.discussions.models import Comment
from cocreate.discussions.selectors import CommentNode

from ..models import Attachment, Board, FeedbackStatus, ForumTag, Thread, ThreadKind, ThreadRead
from ..policies import can_view_thread, is_board_moderator

PAGE_SIZE = 25
REPLY_PAGE_SIZE = 30
EXCERPT_LENGTH = 220
VISIBLE = Q(hidden_at__isnull=True, deleted_at__isnull=True)


def _unread_since(user: Any) -> Any:
    """Threads quieter than this are not called unread: a new member does not face years of history."""
    days = int(getattr(settings, "COCREATE_FORUM_UNREAD_DAYS", 14))
    since = timezone.now() - timedelta(days=days)
    joined = getattr(user, "date_joined", None)
    return max(since, joined) if joined else since


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- Boards -------------------------------------------------------------------------------------------
@dataclass
class BoardRow:
    board: Board
    unread: int


# Unread counts stop here ("99+"): the index shows that there is news, not an exact tally of it.
UNREAD_CAP = 99
# How many of a board's latest threads are looked at for it.
UNREAD_WINDOW = 400


def board_list(user: Any = None, *, include_archived: bool = False) -> list[BoardRow]:
    """Every board in its set order, with how many of its recently active threads the viewer has not read
    up to date. Per board, the latest UNREAD_WINDOW threads are read off the `thread_board_page` index and
    matched with the viewer's read marks (three small queries); boards quiet since the cut-off cost none."""
    boards = list(
        Board.objects.select_related("product").filter(Q(archived=False) | Q(archived=include_archived))
    )
    unread: dict[int, int] = {}
    if _authenticated(user) and boards:
        since = _unread_since(user)
        for b in boards:
            if b.last_activity_at is None or b.last_activity_at < since:
                continue
            recent = (
                Thread.objects.filter(VISIBLE, board=b, last_activity_at__gte=since)
                .exclude(author=user)
                .order_by("-last_activity_at", "-id")
                .values_list("id", "discussion__comment_count")
            )
            # Pinned and the rest apart: each is then a range scan of the index, not a scan of the board.
            latest = [
                *recent.filter(pinned=True)[:UNREAD_WINDOW],
                *recent.filter(pinned=False)[:UNREAD_WINDOW],
            ]
            if not latest:
                continue
            marks = dict(
                ThreadRead.objects.filter(user=user, thread_id__in=[pk for pk, _n in latest]).values_list(
                    "thread_id", "read_count"
                )
            )
            count = sum(1 for pk, replies in latest if marks.get(pk, -1) < replies)
            unread[b.pk] = min(count, UNREAD_CAP + 1)
    return [BoardRow(board=b, unread=unread.get(b.pk, 0)) for b in boards]


def board_get(slug: str) -> Board | None:
    if not isinstance(slug, str) or len(slug) > 140 or "\x00" in slug:
        return None
    return Board.objects.select_related("product").filter(slug=slug).first()


def board_moderators(board: Board) -> list[Any]:
    return list(board.moderators.order_by("display_name", "id"))


def tag_get(slug: str) -> ForumTag | None:
    return ForumTag.objects.filter(slug=slug).first() if slug and len(slug) <= 50 else None


# --- A board's page -------------------------------------------------------------------------------------
@dataclass
class ThreadRow:
    thread: Thread
    excerpt: str
    replies: int
    # Never opened by the viewer (and active lately), or opened with `new_replies` since.
    unread: bool = False
    new_replies: int = 0
    tags: list[ForumTag] = field(default_factory=list)
    url: str = ""

    @property
    def stars(self) -> str:
        rating = self.thread.rating or 0
        return "★" * rating + "☆" * (5 - rating) if rating else ""

    @property
    def status_badge(self) -> str:
        """The public triage status, shown on feedback once staff moved it on from "new"."""
        t = self.thread
        return t.get_status_display() if t.in_triage and t.status != FeedbackStatus.NEW else ""


@dataclass
class BoardPage:
    board: Board
    rows: list[ThreadRow]
    next_cursor: str | None


def _clean_filter(value: str | None, choices: list[str], field_name: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in choices:
        raise DomainError(message="Choose one of the offered values.", field=field_name)
    return value


def board_threads(
    board: Board, *, kind: str | None = None, tag: str | None = None, status: str | None = None
) -> QuerySet[Thread]:
    qs = Thread.objects.filter(VISIBLE, board=board)
    kind = _clean_filter(kind, list(ThreadKind.values), "kind")
    status = _clean_filter(status, list(FeedbackStatus.values), "status")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status, in_triage=True)
    if tag:
        if len(tag) > 50 or "\x00" in tag:
            raise DomainError(message="No such tag.", field="tag")
        qs = qs.filter(tags__slug=tag)
    return qs


def _excerpt(body: str) -> str:
    # Only the start is rendered: an excerpt never needs more, and a long post costs no more than a short.
    return plain_text(body[: EXCERPT_LENGTH * 2], EXCERPT_LENGTH)


def _read_marks(user: Any, threads: list[Thread]) -> dict[int, int]:
    if not _authenticated(user) or not threads:
        return {}
    return dict(
        ThreadRead.objects.filter(user=user, thread__in=[t.pk for t in threads]).values_list(
            "thread_id", "read_count"
        )
    )


def _excerpts(threads: list[Thread]) -> dict[int, str]:
    """Excerpts through the cache (one round trip for a page): rendering markdown 25 times is most of a
    board page's own work. The key changes with every edit, so an excerpt is never stale."""

    def key(t: Thread) -> str:
        edited = int(t.edited_at.timestamp() * 1000) if t.edited_at else 0
        return f"forum:excerpt:{t.pk}:{edited}"

    keys = {key(t): t for t in threads}
    found: dict[str, str] = cache.get_many(list(keys)) if keys else {}
    missing = {k: _excerpt(t.body) for k, t in keys.items() if k not in found}
    if missing:
        cache.set_many(missing, timeout=7 * 24 * 3600)
    return {t.pk: found.get(k) or missing.get(k, "") for k, t in keys.items()}


def rows_for(threads: list[Thread], user: Any, *, with_tags: bool = True) -> list[ThreadRow]:
    marks = _read_marks(user, threads)
    excerpts = _excerpts(threads)
    since = _unread_since(user) if _authenticated(user) else None
    tags: dict[int, list[ForumTag]] = {}
    if with_tags and threads:
        through = Thread.tags.through.objects.filter(thread_id__in=[t.pk for t in threads]).select_related(
            "forumtag"
        )
        for link in through.order_by("forumtag__name"):
            tags.setdefault(link.thread_id, []).append(link.forumtag)
    rows = []
    # One reverse() for the page: a thread's address only differs by its id.
    url_prefix = reverse("community:thread", args=[1]).removesuffix("1/")
    for t in threads:
        replies = t.discussion.comment_count
        row = ThreadRow(
            thread=t,
            excerpt=excerpts[t.pk],
            replies=replies,
            tags=tags.get(t.pk, []),
            url=f"{url_prefix}{t.pk}/",
        )
        if since is not None and t.author_id != user.pk:
            if t.pk in marks:
                row.new_replies = max(0, replies - marks[t.pk])
            else:
                row.unread = t.last_activity_at >= since
        rows.append(row)
    return rows


def board_page(
    board: Board,
    user: Any,
    cursor: str | None = None,
    kind: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    limit: int = PAGE_SIZE,
) -> BoardPage:
    """Pinned threads first, then the latest activity; a cursor page walks the `thread_board_page` index."""
    qs = board_threads(board, kind=kind, tag=tag, status=status).select_related("author", "discussion")
    page = paginate(qs, order=["-pinned", "-last_activity_at", "-id"], cursor=cursor, limit=limit)
    return BoardPage(board=board, rows=rows_for(page.items, user), next_cursor=page.next_cursor)


# --- A thread -------------------------------------------------------------------------------------------
def thread_get_for_viewer(user: Any, thread_id: int) -> Thread | None:
    """The thread if the viewer may see it (deleted ones are staff-only, hidden ones staff and author)."""
    if not isinstance(thread_id, int) or not 0 < thread_id < 2**63:
        return None
    thread = (
        Thread.objects.select_related("board", "board__product", "author", "discussion", "product")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None or not can_view_thread(user, thread):
        return None
    return thread


def comment_in_thread(thread: Thread, comment_id: Any) -> Comment | None:
    if not isinstance(comment_id, int) or not 0 < comment_id < 2**63:
        return None
    return (
        Comment.objects.select_related("author", "discussion")
        .filter(pk=comment_id, discussion_id=thread.discussion_id)
        .first()
    )


@dataclass
class ThreadPage:
    thread: Thread
    html: str
    attachments: list[Attachment]
    reply_attachments: dict[int, list[Attachment]]
    replies: list[CommentNode]
    next_cursor: str | None
    accepted: CommentNode | None
    is_moderator: bool
    # How many replies the viewer had read before this visit (None: never opened, or a visitor).
    read_before: int | None


def thread_page(
    thread: Thread, user: Any, cursor: str | None = None, limit: int = REPLY_PAGE_SIZE
) -> ThreadPage:
    replies = discussion_selectors.thread(
        discussion=thread.discussion, user=user, cursor=cursor, limit=limit, order="oldest"
    )
    accepted = None
    if thread.accepted_answer_id:
        found = next((n for n in replies.nodes if n.comment.pk == thread.accepted_answer_id), None)
        if found is None:
            comment = Comment.objects.select_related("author").filter(pk=thread.accepted_answer_id).first()
            if comment is not None and not comment.is_removed:
                reactions = discussion_selectors._reactions([comment.pk], user)
                found = CommentNode(
                    comment=comment,
                    html=render_markdown(comment.body),
                    reactions=reactions.get(comment.pk, []),
                )
        accepted = found if found is not None and not found.removed else None
    shown_ids = [n.comment.pk for n in replies.nodes] + [
        r.comment.pk for n in replies.nodes for r in _walk(n)
    ]
    if accepted is not None:
        shown_ids.append(accepted.comment.pk)
    opening: list[Attachment] = []
    by_comment: dict[int, list[Attachment]] = {}
    for a in Attachment.objects.filter(Q(comment__isnull=True) | Q(comment_id__in=shown_ids), thread=thread):
        if a.comment_id is None:
            opening.append(a)
        else:
            by_comment.setdefault(a.comment_id, []).append(a)
    for node in [
        *replies.nodes,
        *(r for n in replies.nodes for r in _walk(n)),
        *([accepted] if accepted else []),
    ]:
        node.attachments = by_comment.get(node.comment.pk, [])  # type: ignore[attr-defined]
    read_before = None
    if _authenticated(user):
        read_before = (
            ThreadRead.objects.filter(user=user, thread=thread).values_list("read_count", flat=True).first()
        )
    return ThreadPage(
        thread=thread,
        html=render_markdown(thread.body),
        attachments=opening,
        reply_attachments=by_comment,
        replies=replies.nodes,
        next_cursor=replies.next_cursor,
        accepted=accepted,
        is_moderator=is_board_moderator(user, thread.board),
        read_before=read_before,
    )


def _walk(node: CommentNode) -> list[CommentNode]:
    out = []
    for child in node.replies:
        out.append(child)
        out.extend(_walk(child))
    return out


def reply_page(thread: Thread, user: Any, cursor: str | None = None, limit: int = REPLY_PAGE_SIZE) -> Any:
    """Replies oldest first, for the API (a cursor page of top-level replies with their answers)."""
    return discussion_selectors.thread(
        discussion=thread.discussion, user=user, cursor=cursor, limit=limit, order="oldest"
    )


def opening_attachments(thread: Thread) -> list[Attachment]:
    return list(Attachment.objects.filter(thread=thread, comment__isnull=True))


def attachment_get(user: Any, attachment_id: int) -> Attachment | None:
    """An attachment the viewer may open: its thread is visible to them and its reply not removed."""
    if not 0 < attachment_id < 2**63:
        return None
    attachment = (
        Attachment.objects.select_related("thread", "thread__board", "comment")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None or not can_view_thread(user, attachment.thread):
        return None
    if attachment.comment is not None and attachment.comment.is_removed:
        return None
    return attachment


# --- Reviews ----------------------------------------------------------------------------------------------
@dataclass
class StarBar:
    stars: int
    count: int
    percent: int


@dataclass
class ReviewSummary:
    counts: dict[int, int]
    total: int
    average: float | None
    bars: list[StarBar]


def _reviews(product: Any) -> QuerySet[Thread]:
    return Thread.objects.filter(VISIBLE, product=product, kind=ThreadKind.REVIEW)


def review_summary(product: Any) -> ReviewSummary:
    """How many reviews gave each of 1–5 stars, the total and the average (one grouped query)."""
    counts = {n: 0 for n in range(1, 6)}
    for rating, n in _reviews(product).values_list("rating").annotate(n=Count("id")).order_by():
        if rating in counts:
            counts[rating] = n
    total = sum(counts.values())
    average = round(sum(k * v for k, v in counts.items()) / total, 2) if total else None
    bars = [
        StarBar(stars=s, count=counts[s], percent=round(100 * counts[s] / total) if total else 0)
        for s in range(5, 0, -1)
    ]
    return ReviewSummary(counts=counts, total=total, average=average, bars=bars)


def product_reviews(product: Any, user: Any, cursor: str | None = None, limit: int = 10) -> Any:
    """A product's visible reviews, newest first, as thread rows (excerpt, stars, author)."""
    qs = _reviews(product).select_related("author", "discussion", "board")
    page = paginate(qs, order=["-created_at", "-id"], cursor=cursor, limit=limit)
    return rows_for(page.items, user, with_tags=False), page.next_cursor


def review_of(user: Any, product: Any) -> Thread | None:
    """The viewer's own review of the product, if they wrote one (deleted ones free the place)."""
    if not _authenticated(user):
        return None
    return Thread.objects.filter(
        author=user, product=product, kind=ThreadKind.REVIEW, deleted_at__isnull=True
    ).first()


def review_board(product: Any) -> Board | None:
    """Where a review of the product is written: the product's first open board."""
    return Board.objects.filter(product=product, archived=False).order_by("position", "id").first()
