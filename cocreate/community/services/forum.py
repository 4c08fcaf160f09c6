"""Writes for the forum.

Invariants guarded here:
- a thread's opening post is the thread row; its replies live in the conversation engine (`discussions`),
  created with the thread in one transaction;
- a product review carries 1–5 stars and a product, one per member per product (a partial unique
  constraint; a second attempt is answered 409 and changes nothing);
- feedback kinds (suggestion, bug, review, question) enter the triage inbox with status "new";
- board counters (`thread_count`, `post_count`, `last_activity_at`) change only by UPDATE … F() in the
  transaction of the post;
- posting is rate-limited per member (threads per minute and per hour), text is bounded (20,000
  characters) and stored as written: it is rendered through the markdown allow-list on the way out;
- `thread_posted` is sent after commit; sentiment and the nearest theme are found by a task then.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core import ratelimit
from cocreate.core.errors import DomainError
from cocreate.discussions import services as discussions
from cocreate.journeys import services as journeys

from .. import events
from ..models import FEEDBACK_KINDS, Board, FeedbackStatus, Thread, ThreadKind
from ..policies import check_can_post

MAX_TITLE = 160
MAX_BODY = 20_000

# The journey contribution kind each post kind records.
_CONTRIBUTION_KIND = {
    ThreadKind.DISCUSSION: "post",
    ThreadKind.QUESTION: "post",
    ThreadKind.SUGGESTION: "suggestion",
    ThreadKind.BUG: "suggestion",
    ThreadKind.REVIEW: "review",
}


def clean_title(title: str) -> str:
    text = " ".join((title or "").replace("\x00", "").split())
    if len(text) < 3:
        raise DomainError(message=_("Give your post a title of at least 3 characters."), field="title")
    if len(text) > MAX_TITLE:
        raise DomainError(message=_("A title has at most 160 characters."), field="title")
    return text


def clean_body(body: str) -> str:
    text = (body or "").replace("\x00", "").strip()
    if not text:
        raise DomainError(message=_("Write something first."), field="body")
    if len(text) > MAX_BODY:
        raise DomainError(message=_("A post has at most 20,000 characters."), field="body", status=413)
    return text


def rate_limit_posts(actor: Any) -> None:
    """Threads per member: a burst limit per minute and a flood limit per hour (shared cache)."""
    per_minute = int(getattr(settings, "COCREATE_THREADS_PER_MINUTE", 3))
    per_hour = int(getattr(settings, "COCREATE_THREADS_PER_HOUR", 30))
    key = str(actor.pk)
    if not ratelimit.hit("thread-min", key, limit=per_minute, window_seconds=60) or not ratelimit.hit(
        "thread-hour", key, limit=per_hour, window_seconds=3600
    ):
        raise DomainError(
            message=_("You are posting very fast; wait a little and try again."), field="body", status=429
        )


def thread_create(
    *,
    actor: Any,
    board: Board,
    kind: str,
    title: str,
    body: str,
    product: Any = None,
    rating: int | None = None,
    tags: list[Any] | None = None,
    attribution: Any = None,
    rate_limited: bool = True,
) -> Thread:
    """Open a thread. `product` defaults to the board's; a review needs a product and 1–5 stars."""
    check_can_post(actor, board)
    if kind not in ThreadKind.values:
        raise DomainError(message=_("Choose what kind of post this is."), field="kind")
    title_text = clean_title(title)
    text = clean_body(body)
    product = product if product is not None else board.product
    if kind == ThreadKind.REVIEW:
        if product is None:
            raise DomainError(message=_("Choose the product you are reviewing."), field="product")
        if rating is None or not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
            raise DomainError(message=_("Give the product from 1 to 5 stars."), field="rating")
        if Thread.objects.filter(
            author=actor, product=product, kind=ThreadKind.REVIEW, deleted_at__isnull=True
        ).exists():
            raise _already_reviewed()
    else:
        rating = None
    if rate_limited:
        rate_limit_posts(actor)
    now = timezone.now()
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                board=board,
                author=actor,
                kind=kind,
                title=title_text,
                body=text,
                product=product,
                rating=rating,
                discussion=discussions.discussion_create(),
                last_activity_at=now,
                in_triage=kind in FEEDBACK_KINDS,
                status=FeedbackStatus.NEW,
            )
            if tags:
                thread.tags.set(tags)
            Board.objects.filter(pk=board.pk).update(
                thread_count=F("thread_count") + 1, post_count=F("post_count") + 1, last_activity_at=now
            )
            journeys.contribution_record(
                attribution=attribution,
                kind=_CONTRIBUTION_KIND[ThreadKind(kind)],
                user=actor,
                target=("community.thread", thread.pk),
                title=title_text,
                rating=rating,
            )
            transaction.on_commit(lambda: events.thread_posted.send(sender=Thread, thread=thread))
    except IntegrityError as exc:
        # Two reviews sent at the same moment: the partial unique constraint keeps one.
        if kind == ThreadKind.REVIEW:
            raise _already_reviewed() from exc
        raise
    return thread


def _already_reviewed() -> DomainError:
    return DomainError(
        message=_("You have already reviewed this product; edit your review instead."),
        field="product",
        status=409,
    )
