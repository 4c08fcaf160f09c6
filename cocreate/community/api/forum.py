"""Boards, threads, replies and product reviews as JSON.

Reads are public (what the site shows the caller: a token or a session adds unread marks and the caller's
own hidden posts); writes need a token or a session and the services check every rule themselves. Errors
answer `{"detail", "errors": [{"field", "message"}]}`: a second review of a product is a 409, a reply in a
locked thread a 409, an oversized post a 413, a flood a 429.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError

from cocreate.accounts.api_auth import TokenAuth
from cocreate.brand import selectors as brand_selectors
from cocreate.core.addresses import MAX_ID
from cocreate.core.api import ERROR_RESPONSES, ErrorOut, InputSchema, api_actor
from cocreate.core.errors import DomainError, NotFound
from cocreate.core.text import render_markdown
from cocreate.discussions.selectors import CommentNode
from cocreate.journeys.services import attribution_from_session

from ..models import Board, Thread
from ..selectors import forum as selectors
from ..services import forum as services

router = Router(tags=["forum"])
_token_auth = TokenAuth()


def _viewer(request: HttpRequest) -> Any:
    """The caller of a public read; a token that is sent but not valid is refused, not read as anonymous."""
    if request.headers.get("Authorization"):
        user = _token_auth(request)
        if user is None:
            raise AuthenticationError()
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return user
    return AnonymousUser()


# --- Schemas ------------------------------------------------------------------------------------------
class BoardPageFilters(InputSchema):
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=settings.COCREATE_API_PAGE_SIZE, ge=1, le=settings.COCREATE_API_MAX_PAGE_SIZE)


class ThreadFilters(BoardPageFilters):
    kind: str | None = Field(default=None, max_length=20)
    tag: str | None = Field(default=None, max_length=50)
    status: str | None = Field(default=None, max_length=20)


class ForumAuthorOut(Schema):
    id: int
    name: str


class BoardOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    product_id: int | None
    archived: bool
    thread_count: int
    post_count: int
    last_activity_at: datetime | None
    unread: int = Field(default=0, description="Recently active threads the caller has not read up to date.")


class ThreadSummaryOut(Schema):
    id: int
    board: str = Field(description="The board's slug.")
    kind: str
    title: str
    excerpt: str
    author: ForumAuthorOut
    rating: int | None
    product_id: int | None
    status: str | None = Field(description="The public triage status (feedback kinds only).")
    pinned: bool
    locked: bool
    answered: bool
    reply_count: int
    tags: list[str]
    created_at: datetime
    last_activity_at: datetime
    unread: bool = Field(description="Never opened by the caller and active lately.")
    new_replies: int = Field(description="Replies since the caller last opened the thread.")


class ThreadOut(ThreadSummaryOut):
    body: str = Field(description="The markdown as written.")
    body_html: str
    accepted_answer_id: int | None
    edited_at: datetime | None
    hidden: bool
    deleted: bool
    attachments: list[AttachmentOut] = []


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    is_image: bool
    url: str


ThreadOut.model_rebuild()


class ThreadPage(Schema):
    items: list[ThreadSummaryOut]
    next_cursor: str | None = None


class ThreadIn(InputSchema):
    kind: str = Field(max_length=20, description="discussion, question, suggestion, bug or review")
    title: str = Field(max_length=1000)
    # Not bounded here: the service answers an oversized post with a clear 413.
    body: str
    product_id: int | None = Field(
        default=None, description="The product reviewed (defaults to the board's)."
    )
    rating: int | None = Field(default=None, description="1–5 stars, for a review.")
    tags: list[str] = Field(default=[], max_length=20)


class ThreadPatch(InputSchema):
    title: str | None = Field(default=None, max_length=1000)
    body: str | None = None
    tags: list[str] | None = Field(default=None, max_length=20)
    rating: int | None = None
    pinned: bool | None = Field(default=None, description="Moderators.")
    locked: bool | None = Field(default=None, description="Moderators.")
    hidden: bool | None = Field(default=None, description="Moderators.")


class ForumReplyOut(Schema):
    id: int
    author: ForumAuthorOut | None = Field(description="Null once the reply is deleted or hidden.")
    body: str
    body_html: str
    parent_id: int | None
    depth: int
    removed: bool
    accepted: bool
    created_at: datetime
    edited_at: datetime | None
    reactions: dict[str, int]


class ReplyPage(Schema):
    items: list[ForumReplyOut]
    next_cursor: str | None = None


class ReplyIn(InputSchema):
    body: str
    parent_id: int | None = Field(default=None, description="The reply this answers (nested under it).")


class AcceptIn(InputSchema):
    comment_id: int | None = Field(description="The reply that answers the question; null takes it back.")


class ReviewSummaryOut(Schema):
    counts: dict[str, int] = Field(description='Reviews per number of stars, "1" to "5".')
    total: int
    average: float | None


class ProductReviewsOut(Schema):
    product_id: int
    summary: ReviewSummaryOut
    items: list[ThreadSummaryOut]
    next_cursor: str | None = None


# --- Helpers ------------------------------------------------------------------------------------------
def _board(slug: str) -> Board:
    found = selectors.board_get(slug)
    if found is None:
        raise NotFound(_("No board with this address."), field="slug")
    return found


def _thread(user: Any, thread_id: int) -> Thread:
    found = selectors.thread_get_for_viewer(user, thread_id) if 0 < thread_id <= MAX_ID else None
    if found is None:
        raise NotFound(_("No thread with this id."), field="thread_id")
    return found


def _summary(row: selectors.ThreadRow) -> dict[str, Any]:
    t = row.thread
    return {
        "id": t.pk,
        "board": t.board.slug,
        "kind": t.kind,
        "title": t.title,
        "excerpt": row.excerpt,
        "author": {"id": t.author_id, "name": t.author.public_name},
        "rating": t.rating,
        "product_id": t.product_id,
        "status": t.status if t.in_triage else None,
        "pinned": t.pinned,
        "locked": t.discussion.locked,
        "answered": t.accepted_answer_id is not None,
        "reply_count": row.replies,
        "tags": [tag.name for tag in row.tags],
        "created_at": t.created_at,
        "last_activity_at": t.last_activity_at,
        "unread": row.unread,
        "new_replies": row.new_replies,
    }


def _detail(user: Any, thread: Thread) -> dict[str, Any]:
    (row,) = selectors.rows_for([thread], user)
    files = selectors.opening_attachments(thread)
    return {
        **_summary(row),
        "body": thread.body,
        "body_html": render_markdown(thread.body),
        "accepted_answer_id": thread.accepted_answer_id,
        "edited_at": thread.edited_at,
        "hidden": thread.hidden_at is not None,
        "deleted": thread.deleted_at is not None,
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "is_image": a.is_image,
                "url": reverse("community:attachment", args=[a.pk]),
            }
            for a in files
        ],
    }


def _reply(node: CommentNode, accepted_id: int | None) -> dict[str, Any]:
    c = node.comment
    removed = c.is_removed
    return {
        "id": c.pk,
        "author": None if removed else {"id": c.author_id, "name": c.author.public_name},
        "body": "" if removed else c.body,
        "body_html": node.html,
        "parent_id": c.parent_id,
        "depth": c.depth,
        "removed": removed,
        "accepted": c.pk == accepted_id,
        "created_at": c.created_at,
        "edited_at": c.edited_at,
        "reactions": {r.emoji: r.count for r in node.reactions if r.count},
    }


def _flatten(nodes: list[CommentNode]) -> list[CommentNode]:
    out: list[CommentNode] = []
    for node in nodes:
        out.append(node)
        out.extend(_flatten(node.replies))
    return out


# --- Boards -------------------------------------------------------------------------------------------
@router.get(
    "/boards", auth=None, response={200: list[BoardOut], **ERROR_RESPONSES}, summary="The forum's boards"
)
def boards(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.board_list(_viewer(request))
    return [{**BoardOut.from_orm(r.board).model_dump(), "unread": r.unread} for r in rows]


@router.get("/boards/{slug}", auth=None, response={200: BoardOut, **ERROR_RESPONSES}, summary="One board")
def board(request: HttpRequest, slug: str) -> Board:
    return _board(slug)


@router.get(
    "/boards/{slug}/threads",
    auth=None,
    response={200: ThreadPage, **ERROR_RESPONSES},
    summary="A board's threads: pinned first, then the latest activity, a cursor page at a time",
)
def board_threads(request: HttpRequest, slug: str, filters: Query[ThreadFilters]) -> dict[str, Any]:
    found = _board(slug)
    page = selectors.board_page(
        found,
        _viewer(request),
        cursor=filters.cursor,
        kind=filters.kind,
        tag=filters.tag,
        status=filters.status,
        limit=filters.limit,
    )
    for row in page.rows:
        row.thread.board = found
    return {"items": [_summary(r) for r in page.rows], "next_cursor": page.next_cursor}


@router.post(
    "/boards/{slug}/threads",
    response={201: ThreadOut, **ERROR_RESPONSES, 413: ErrorOut, 429: ErrorOut},
    summary="Post a thread: a discussion, question, suggestion, bug report or product review",
)
def thread_create(request: HttpRequest, slug: str, payload: ThreadIn) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    found = _board(slug)
    product = None
    if payload.product_id is not None:
        product = (
            brand_selectors.product_get(product_id=payload.product_id)
            if 0 < payload.product_id <= MAX_ID
            else None
        )
        if product is None:
            raise NotFound(_("No product with this id."), field="product_id")
    thread = services.thread_create(
        actor=actor,
        board=found,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        product=product,
        rating=payload.rating,
        tags=payload.tags,
        attribution=attribution_from_session(getattr(request, "session", None)),
    )
    return Status(201, _detail(actor, _thread(actor, thread.pk)))


# --- Threads ------------------------------------------------------------------------------------------
@router.get(
    "/threads/{thread_id}", auth=None, response={200: ThreadOut, **ERROR_RESPONSES}, summary="One thread"
)
def thread(request: HttpRequest, thread_id: int) -> dict[str, Any]:
    user = _viewer(request)
    return _detail(user, _thread(user, thread_id))


@router.patch(
    "/threads/{thread_id}",
    response={200: ThreadOut, **ERROR_RESPONSES},
    summary="Edit a thread (author or moderator); pin, lock or hide it (moderators)",
)
def thread_update(request: HttpRequest, thread_id: int, payload: ThreadPatch) -> dict[str, Any]:
    actor = api_actor(request)
    found = _thread(actor, thread_id)
    data = payload.model_dump(exclude_unset=True)
    if not data:
        raise DomainError(message=_("Send at least one field to change."), field=None)
    edits = {k: data[k] for k in ("title", "body", "tags", "rating") if k in data and data[k] is not None}
    if edits:
        services.thread_edit(actor=actor, thread=found, **edits)
    if data.get("pinned") is not None:
        services.thread_pin(actor=actor, thread=found, pinned=data["pinned"])
    if data.get("locked") is not None:
        services.thread_lock(actor=actor, thread=found, locked=data["locked"])
    if data.get("hidden") is not None:
        services.thread_hide(actor=actor, thread=found, hidden=data["hidden"])
    return _detail(actor, _thread(actor, thread_id))


@router.delete(
    "/threads/{thread_id}", response={204: None, **ERROR_RESPONSES}, summary="Delete a thread (its author)"
)
def thread_delete(request: HttpRequest, thread_id: int) -> Status[None]:
    actor = api_actor(request)
    services.thread_delete(actor=actor, thread=_thread(actor, thread_id))
    return Status(204, None)


@router.get(
    "/threads/{thread_id}/posts",
    auth=None,
    response={200: ReplyPage, **ERROR_RESPONSES},
    summary="A thread's replies, oldest first (each top-level reply followed by its answers)",
)
def posts(request: HttpRequest, thread_id: int, filters: Query[BoardPageFilters]) -> dict[str, Any]:
    user = _viewer(request)
    found = _thread(user, thread_id)
    page = selectors.reply_page(found, user, cursor=filters.cursor, limit=filters.limit)
    return {
        "items": [_reply(n, found.accepted_answer_id) for n in _flatten(page.nodes)],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/threads/{thread_id}/posts",
    response={201: ForumReplyOut, **ERROR_RESPONSES, 413: ErrorOut, 429: ErrorOut},
    summary="Reply in a thread (a locked thread answers 409)",
)
def post_reply(request: HttpRequest, thread_id: int, payload: ReplyIn) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    found = _thread(actor, thread_id)
    parent = None
    if payload.parent_id is not None:
        parent = selectors.comment_in_thread(found, payload.parent_id)
        if parent is None:
            raise NotFound(_("No such reply in this thread."), field="parent_id")
    comment = services.reply_post(
        actor=actor,
        thread=found,
        body=payload.body,
        parent=parent,
        attribution=attribution_from_session(getattr(request, "session", None)),
    )
    node = CommentNode(comment=comment, html=render_markdown(comment.body), reactions=[])
    return Status(201, _reply(node, found.accepted_answer_id))


@router.post(
    "/threads/{thread_id}/accept",
    response={200: ThreadOut, **ERROR_RESPONSES},
    summary="Mark the reply that answers a question (the asker or a moderator); null takes it back",
)
def accept(request: HttpRequest, thread_id: int, payload: AcceptIn) -> dict[str, Any]:
    actor = api_actor(request)
    found = _thread(actor, thread_id)
    comment = None
    if payload.comment_id is not None:
        comment = selectors.comment_in_thread(found, payload.comment_id)
        if comment is None:
            raise NotFound(_("No such reply in this thread."), field="comment_id")
    services.answer_accept(actor=actor, thread=found, comment=comment)
    return _detail(actor, _thread(actor, thread_id))


# --- Reviews ------------------------------------------------------------------------------------------
@router.get(
    "/products/{slug}/reviews",
    auth=None,
    response={200: ProductReviewsOut, **ERROR_RESPONSES},
    summary="A product's reviews: the 1–5 star distribution, the average and the reviews, newest first",
)
def product_reviews(request: HttpRequest, slug: str, filters: Query[BoardPageFilters]) -> dict[str, Any]:
    product = brand_selectors.product_get(slug=slug) if len(slug) <= 180 else None
    if product is None:
        raise NotFound(_("No product with this address."), field="slug")
    summary = selectors.review_summary(product)
    rows, next_cursor = selectors.product_reviews(
        product, _viewer(request), cursor=filters.cursor, limit=filters.limit
    )
    return {
        "product_id": product.pk,
        "summary": {
            "counts": {str(k): v for k, v in summary.counts.items()},
            "total": summary.total,
            "average": summary.average,
        },
        "items": [_summary(r) for r in rows],
        "next_cursor": next_cursor,
    }
