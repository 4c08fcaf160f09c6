"""Ideas similar to a text (the idea a member is typing, or an idea staff suspect is a duplicate).

The TF-IDF index (cocreate.intelligence.similarity) lives in this process's memory. It is built on first
use from the public ideas and kept current cheaply: at most every REFRESH_SECONDS one aggregate query reads
a version (the latest `updated_at` of any idea, and the number of public ideas); when it moved, the ideas
changed since the last look are re-indexed or dropped (every status change and edit bumps `updated_at`).
If the counts still disagree afterwards (an idea deleted outright), the index is rebuilt.

The index only proposes candidates; who may see them is decided here, by the usual visibility rules.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Count, Max, Q
from django.urls import NoReverseMatch, reverse

from cocreate.discussions.models import Discussion
from cocreate.intelligence.similarity import SimilarityIndex, build_index, idea_document, tokenize

from ..models import Challenge, Idea, IdeaStatus, Support
from ..models.ideas import PUBLIC_STATUSES
from .ideas import idea_queryset

# Measured on tests/intelligence/data/near_duplicates.json (69 pairs, 112 distractors): at 0.27 about 87%
# of the ideas shown are true duplicates and about 90% of true duplicates are shown (best F1). Below it the
# list fills with ideas that merely share a theme ("tram depot" for "city tram").
THRESHOLD = 0.27
REFRESH_SECONDS = 5.0
# Rows committed late can carry an `updated_at` older than the newest one already seen: look back a little.
OVERLAP = timedelta(seconds=60)
# Texts shorter than this, or with fewer meaningful words, find nothing worth showing.
MIN_CHARS = 12
MIN_WORDS = 2
FOLLOW_TYPE = "idea"  # Follow.target_type for ideas


@dataclass
class SimilarIdea:
    idea: Idea
    score: float
    url: str | None = None

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass
class _Cache:
    index: SimilarityIndex
    latest: datetime | None
    public: int
    checked_at: float = field(default_factory=time.monotonic)


_cache: _Cache | None = None
_lock = threading.Lock()


def _version() -> tuple[datetime | None, int]:
    row = Idea.objects.aggregate(
        latest=Max("updated_at"), public=Count("id", filter=Q(status__in=PUBLIC_STATUSES))
    )
    return row["latest"], int(row["public"] or 0)


def _build() -> _Cache:
    latest, public = _version()
    rows = (
        Idea.objects.filter(status__in=PUBLIC_STATUSES)
        .values_list("pk", "title", "description")
        .iterator(chunk_size=2000)
    )
    index = build_index((pk, idea_document(title, description)) for pk, title, description in rows)
    return _Cache(index=index, latest=latest, public=public)


def _refresh(cache: _Cache) -> _Cache:
    latest, public = _version()
    if (latest, public) == (cache.latest, cache.public):
        cache.checked_at = time.monotonic()
        return cache
    changed = Idea.objects.all()
    if cache.latest is not None:
        changed = changed.filter(updated_at__gte=cache.latest - OVERLAP)
    upserts, removals = [], []
    for pk, status, title, description in changed.values_list("pk", "status", "title", "description"):
        if status in PUBLIC_STATUSES:
            upserts.append((pk, idea_document(title, description)))
        else:
            removals.append(pk)
    index = cache.index.updated(upserts, removals)
    if len(index) != public:
        return _build()
    if index.pending > max(500, len(index) // 20):
        index = index.compacted()
    return _Cache(index=index, latest=latest, public=public)


# Above this many public ideas the first build (seconds) runs in a background thread: suggestions are
# empty until it is ready rather than one request waiting for it.
BACKGROUND_BUILD_ABOVE = 20_000
_building = threading.Event()


def _build_in_background() -> None:
    global _cache
    try:
        built = _build()
        with _lock:
            if _cache is None:
                _cache = built
    finally:
        _building.clear()
        connection.close()  # the thread's own connection


def current_index() -> SimilarityIndex:
    """The process's index, refreshed if it is due. While one thread refreshes, others use the index as
    it was rather than wait."""
    global _cache
    cache = _cache
    if cache is None:
        if Idea.objects.filter(status__in=PUBLIC_STATUSES).count() > BACKGROUND_BUILD_ABOVE:
            if not _building.is_set():
                _building.set()
                threading.Thread(target=_build_in_background, name="similarity-index", daemon=True).start()
            return build_index([])
        with _lock:
            if _cache is None:
                _cache = _build()
            return _cache.index
    if time.monotonic() - cache.checked_at < REFRESH_SECONDS:
        return cache.index
    if _lock.acquire(blocking=False):
        try:
            _cache = _refresh(cache)
        finally:
            _lock.release()
    return (_cache or cache).index


def invalidate() -> None:
    """Forget the index (tests, or after bulk changes made outside the services)."""
    global _cache
    with _lock:
        _cache = None


def idea_url(idea: Idea) -> str | None:
    # The idea page is its own feature; until its route exists the link is simply absent.
    try:
        return reverse("challenges:idea-detail", args=[idea.pk, idea.slug])
    except NoReverseMatch:
        return None


def worth_matching(text: str) -> bool:
    return len((text or "").strip()) >= MIN_CHARS and len(set(tokenize(text))) >= MIN_WORDS


def similar_ideas(
    *,
    user: Any,
    text: str,
    limit: int = 5,
    exclude_id: int | None = None,
    challenge: Challenge | None = None,
    threshold: float = THRESHOLD,
) -> list[SimilarIdea]:
    """Public ideas `user` may see whose title and description resemble `text`, most similar first.

    `text` is what the index compares: for an idea, `idea_document(title, description)`. Two queries at
    most (the version check, every few seconds, and the visible candidates)."""
    if limit <= 0 or not worth_matching(text):
        return []
    # More candidates than shown: some may be hidden from this user or belong to another challenge.
    wanted = max(50, limit * 10) if challenge is None else max(200, limit * 40)
    candidates = [
        (pk, score)
        for pk, score in current_index().query(
            text, k=wanted, exclude=() if exclude_id is None else (exclude_id,)
        )
        if score >= threshold
    ]
    if not candidates:
        return []
    visible = {
        idea.pk: idea
        for idea in idea_queryset(user=user, challenge=challenge)
        .filter(pk__in=[pk for pk, _ in candidates])
        .select_related("challenge")
    }
    found = []
    for pk, score in candidates:
        idea = visible.get(pk)
        if idea is not None:
            found.append(SimilarIdea(idea=idea, score=score, url=idea_url(idea)))
            if len(found) == limit:
                break
    return found


def similar_to_idea(*, user: Any, idea: Idea, limit: int = 5) -> list[SimilarIdea]:
    """Likely duplicates of `idea` in its own challenge (ideas are merged within a challenge)."""
    return similar_ideas(
        user=user,
        text=idea_document(idea.title, idea.description),
        limit=limit,
        exclude_id=idea.pk,
        challenge=idea.challenge,
    )


@dataclass
class MergePreview:
    """What merging `source` into `target` would move, for the confirmation page."""

    source: Idea
    target: Idea
    supporters: int
    duplicates: int  # members supporting both: they will count once
    comments: int
    followers: int | None  # None: following ideas is not available yet

    @property
    def new_supporters(self) -> int:
        return self.supporters - self.duplicates


def comment_model() -> Any | None:
    """The discussions app's Comment model, when it exists and hangs comments off a discussion."""
    try:
        model = apps.get_model("discussions", "Comment")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    return model if "discussion" in names else None


def follow_model() -> Any | None:
    """The notifications app's Follow model (user, target_type, target_id), when it exists."""
    try:
        model = apps.get_model("notifications", "Follow")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    return model if {"user", "target_type", "target_id"} <= names else None


def comment_count(idea: Idea) -> int:
    """The comments shown on the idea's discussion (its own denormalised counter)."""
    if idea.discussion_id is None:
        return 0
    return int(
        Discussion.objects.filter(pk=idea.discussion_id).values_list("comment_count", flat=True).first() or 0
    )


def followers_of(idea: Idea) -> Any | None:
    model = follow_model()
    return None if model is None else model.objects.filter(target_type=FOLLOW_TYPE, target_id=idea.pk)


def follower_count(idea: Idea) -> int | None:
    followers = followers_of(idea)
    return None if followers is None else int(followers.count())


def merge_preview(*, source: Idea, target: Idea) -> MergePreview:
    supporters = Support.objects.filter(idea=source)
    duplicates = supporters.filter(user__in=Support.objects.filter(idea=target).values("user_id"))
    return MergePreview(
        source=source,
        target=target,
        supporters=supporters.count(),
        duplicates=duplicates.count(),
        comments=comment_count(source),
        followers=follower_count(source),
    )


def merge_targets_status() -> tuple[str, ...]:
    """Statuses an idea may be merged into: public and still alive."""
    return tuple(s for s in PUBLIC_STATUSES if s not in (IdeaStatus.EXPIRED, IdeaStatus.NOT_APPROVED))
