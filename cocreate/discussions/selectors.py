"""Reads for the conversation engine: a page of top-level comments with their replies, reaction counts and
the viewer's own reactions, in a fixed number of queries whatever the page holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from cocreate.core.pagination import paginate
from cocreate.core.text import render_markdown

from .models import REACTIONS, Comment, CommentRevision, Discussion, Flag, Reaction

PAGE_SIZE = 20
_VISIBLE = Q(deleted_at__isnull=True, hidden_at__isnull=True)


@dataclass
class ReactionCount:
    emoji: str
    label: str
    count: int
    mine: bool


@dataclass
class CommentNode:
    comment: Comment
    html: str
    reactions: list[ReactionCount]
    replies: list[CommentNode] = field(default_factory=list)

    @property
    def removed(self) -> bool:
        return self.comment.is_removed


@dataclass
class Thread:
    discussion: Discussion
    nodes: list[CommentNode]
    next_cursor: str | None


def discussion_get(discussion_id: int) -> Discussion | None:
    return Discussion.objects.filter(pk=discussion_id).first()


def comment_get(comment_id: int) -> Comment | None:
    return Comment.objects.select_related("discussion", "author").filter(pk=comment_id).first()


def _reactions(comment_ids: list[int], user: Any) -> dict[int, list[ReactionCount]]:
    counts: dict[tuple[int, str], int] = {}
    rows = (
        Reaction.objects.filter(comment_id__in=comment_ids)
        .values_list("comment_id", "emoji")
        .annotate(n=Count("id"))
        .order_by()
    )
    for comment_id, emoji, n in rows:
        counts[(comment_id, emoji)] = n
    mine: set[tuple[int, str]] = set()
    if getattr(user, "is_authenticated", False):
        mine = set(
            Reaction.objects.filter(comment_id__in=comment_ids, user=user).values_list("comment_id", "emoji")
        )
    return {
        cid: [
            ReactionCount(emoji=e, label=label, count=counts.get((cid, e), 0), mine=(cid, e) in mine)
            for e, label in REACTIONS.items()
        ]
        for cid in comment_ids
    }


def _node(comment: Comment, reactions: dict[int, list[ReactionCount]]) -> CommentNode:
    html = "" if comment.is_removed else render_markdown(comment.body)
    return CommentNode(comment=comment, html=html, reactions=reactions.get(comment.pk, []))


def top_level(discussion: Discussion) -> QuerySet[Comment]:
    """Top-level comments worth showing: visible ones, and removed ones that still have visible replies
    (shown as "deleted" in place so the replies keep their context)."""
    live_reply = Comment.objects.filter(_VISIBLE, root=OuterRef("pk"))
    return Comment.objects.filter(discussion=discussion, depth=0).filter(_VISIBLE | Q(Exists(live_reply)))


def thread(
    *,
    discussion: Discussion,
    user: Any,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    order: str = "newest",
) -> Thread:
    """Top-level comments newest first (an idea's comments), or oldest first (`order="oldest"`, as a forum
    thread reads); replies under them always oldest first."""
    if order not in ("newest", "oldest"):
        raise ValueError(f"unknown order {order!r}")
    page = paginate(
        top_level(discussion).select_related("author"),
        order=["-id"] if order == "newest" else ["id"],
        cursor=cursor,
        limit=limit,
    )
    roots = list(page.items)
    replies = list(
        Comment.objects.filter(root__in=[c.pk for c in roots]).select_related("author").order_by("id")
    )
    reactions = _reactions([c.pk for c in roots + replies], user)
    nodes = {c.pk: _node(c, reactions) for c in roots + replies}
    for reply in replies:
        parent = nodes.get(reply.parent_id or 0)
        if parent is not None:
            parent.replies.append(nodes[reply.pk])
    for root in roots:
        # A removed reply disappears unless it has visible replies of its own.
        nodes[root.pk].replies = [
            n for n in nodes[root.pk].replies if not n.removed or any(not r.removed for r in n.replies)
        ]
        for child in nodes[root.pk].replies:
            child.replies = [n for n in child.replies if not n.removed]
    return Thread(discussion=discussion, nodes=[nodes[c.pk] for c in roots], next_cursor=page.next_cursor)


def revisions(comment: Comment) -> list[CommentRevision]:
    return list(comment.revisions.select_related("editor").order_by("-created_at", "-id")[:100])


@dataclass
class QueueItem:
    comment: Comment
    html: str
    flags: list[Flag]


def flag_queue(*, cursor: str | None = None, limit: int = 25) -> tuple[list[QueueItem], str | None]:
    """Comments with open flags, most recently flagged first, with their open flags."""
    open_flags = Flag.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    qs = Comment.objects.filter(Exists(open_flags)).select_related("author", "discussion")
    page = paginate(qs, order=["-id"], cursor=cursor, limit=limit)
    by_comment: dict[int, list[Flag]] = {}
    for flag in (
        Flag.objects.filter(comment__in=page.items, resolved_at__isnull=True)
        .select_related("reporter")
        .order_by("id")
    ):
        by_comment.setdefault(flag.comment_id, []).append(flag)
    items = [
        QueueItem(comment=c, html=render_markdown(c.body), flags=by_comment.get(c.pk, [])) for c in page.items
    ]
    return items, page.next_cursor
