"""Writes for themes: sentiment and the nearest theme of a new post, re-clustering, and staff edits.

Invariants guarded here:
- the corpus is the visible feedback (suggestions, bug reports, reviews and questions, neither hidden nor
  deleted): the kinds staff triage and turn into product work; discussions are chatter and would fill the
  themes with greetings and off-topic talk;
- a run's model (vocabulary, idf, projection) is stored on the run row in the same transaction that marks
  it done, and the centroids live on the Theme rows of that run, so any process on any host that sees a
  run as done can load what it needs; the latest done run is the current model;
- one run is queued or running at a time; a run left queued or running for longer than `STALE_AFTER`
  (a worker that died) no longer blocks the next;
- a new post joins a theme once (only while it has none) and the theme's size moves by UPDATE … F();
  each run recounts every size exactly;
- a run keeps what staff decided: a new cluster that mostly holds an old theme's posts *is* that theme
  (same row, same custom name, same idea link); old themes matched by no cluster are deactivated;
- a staff-corrected sentiment (`sentiment_by_staff`) is never overwritten;
- only staff change themes (`policies.check_can_manage_themes`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.errors import Conflict, DomainError
from cocreate.intelligence import clustering
from cocreate.intelligence.sentiment import sentiment

from ..models import FEEDBACK_KINDS, ClusterRun, RunStatus, Theme, Thread
from ..policies import check_can_manage_themes

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=2)
REFRESH_SECONDS = 5.0
MAX_NAME = 160
MIN_PARTS, MAX_PARTS = 2, 5
# A new cluster is an old theme when that share of the larger of the two is common to both.
MATCH_OVERLAP = 0.3
BATCH = 1000


# --- The model of the current run, loaded once per process -------------------------------------------------
@dataclass
class LoadedModel:
    run_id: int
    model: clustering.ThemeModel
    centroids: np.ndarray[Any, np.dtype[np.float32]]
    theme_ids: list[int]  # the active theme each centroid row sends a post to
    version: tuple[Any, ...]
    checked_at: float = field(default_factory=time.monotonic)

    def nearest(self, title: str, body: str) -> tuple[int, float] | None:
        vector, coverage = self.model.embed(clustering.feedback_document(title, body))
        found = clustering.assign(vector, self.centroids, coverage=coverage)
        if found is None:
            return None
        return self.theme_ids[found[0]], found[1]


_cache: LoadedModel | None = None
_files: dict[int, clustering.ThemeModel] = {}
_lock = threading.Lock()


def _version() -> tuple[Any, ...]:
    run = ClusterRun.objects.filter(status=RunStatus.DONE).order_by("-id").only("id", "created_at").first()
    themes = Theme.objects.aggregate(
        latest=Max("updated_at"), n=Count("id"), active=Count("id", Q(active=True))
    )
    return run, themes["latest"], themes["n"], themes["active"]


def _load(version: tuple[Any, ...]) -> LoadedModel | None:
    run = version[0]
    if run is None:
        return None
    run_id = run.pk
    model = _files.get(run_id)
    if model is None:
        blob = ClusterRun.objects.filter(pk=run_id).values_list("model", flat=True).first()
        if not blob:
            logger.warning("run %s has no stored model; new posts are not sorted into themes", run_id)
            return None
        model = clustering.ThemeModel.from_bytes(bytes(blob))
        _files.clear()  # one run's model at a time is enough
        _files[run_id] = model
    rows = list(
        Theme.objects.filter(run_id=run_id, centroid__isnull=False)
        .filter(Q(active=True) | Q(merged_into__isnull=False))
        .values_list("id", "active", "merged_into_id", "centroid")
    )
    targets = _merge_targets()
    centroids, theme_ids = [], []
    for theme_id, active, merged_into, blob in rows:
        target = theme_id if active else targets.get(merged_into)
        if blob is None:
            continue
        vector = np.frombuffer(bytes(blob), dtype=np.float32)
        if target is None or len(vector) != model.dimensions:
            continue
        centroids.append(vector)
        theme_ids.append(target)
    matrix = (
        np.asarray(centroids, dtype=np.float32)
        if centroids
        else np.zeros((0, model.dimensions), dtype=np.float32)
    )
    return LoadedModel(run_id=run_id, model=model, centroids=matrix, theme_ids=theme_ids, version=version)


def _merge_targets() -> dict[int, int]:
    """Theme id → the active theme it ends in (itself when active), following merges."""
    rows = dict(Theme.objects.values_list("id", "merged_into_id"))
    active = set(Theme.objects.filter(active=True).values_list("id", flat=True))
    out: dict[int, int] = {}
    for start in rows:
        seen: set[int] = set()
        current: int | None = start
        while current is not None and current not in active and current not in seen:
            seen.add(current)
            current = rows.get(current)
        if current in active:
            out[start] = current
    return out


def current_model() -> LoadedModel | None:
    """The current run's model with the centroids of its live themes; re-read when a run finishes or staff
    change themes (checked at most every `REFRESH_SECONDS`)."""
    global _cache
    cached = _cache
    if cached is not None and time.monotonic() - cached.checked_at < REFRESH_SECONDS:
        return cached
    with _lock:
        version = _version()
        if _cache is not None and _cache.version == version:
            _cache.checked_at = time.monotonic()
            return _cache
        _cache = _load(version)
        return _cache


def invalidate() -> None:
    """Forget the loaded model (after a change in this process, and in tests)."""
    global _cache
    with _lock:
        _cache = None
        _files.clear()


# --- A new post ---------------------------------------------------------------------------------------------
def thread_analyse(*, thread_id: int) -> None:
    """Sentiment (unless staff set it) and the nearest theme of a post. Running it twice changes nothing
    more: a post that already has a theme keeps it."""
    thread = (
        Thread.objects.filter(pk=thread_id)
        .only("id", "kind", "title", "body", "sentiment_by_staff", "theme_id", "hidden_at", "deleted_at")
        .first()
    )
    if thread is None:
        return
    if not thread.sentiment_by_staff:
        label, score = sentiment(f"{thread.title}\n{thread.body}")
        Thread.objects.filter(pk=thread.pk, sentiment_by_staff=False).update(
            sentiment=label, sentiment_score=score
        )
    if thread.kind not in FEEDBACK_KINDS or thread.theme_id is not None or thread.is_removed:
        return
    loaded = current_model()
    if loaded is None:
        return
    found = loaded.nearest(thread.title, thread.body)
    if found is None:
        return
    theme_id, score = found
    with transaction.atomic():
        live = Theme.objects.filter(pk=theme_id, active=True)
        joined = (
            Thread.objects.filter(pk=thread.pk, theme__isnull=True)
            .filter(Exists(live))
            .update(theme_id=theme_id, theme_similarity=round(score, 4))
        )
        if joined:
            live.update(size=F("size") + 1)


# --- Re-clustering ------------------------------------------------------------------------------------
def _expire_stale() -> None:
    cutoff = timezone.now() - STALE_AFTER
    ClusterRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING], created_at__lt=cutoff).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), error="Abandoned: no worker finished it."
    )


def recluster_request(*, actor: Any) -> ClusterRun:
    """Queue a re-clustering (staff). The caller enqueues the task for the returned run after commit."""
    check_can_manage_themes(actor)
    with transaction.atomic():
        _expire_stale()
        if ClusterRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            raise Conflict(_("A re-clustering is already queued or running; wait for it to finish."))
        return ClusterRun.objects.create(requested_by=actor, status=RunStatus.QUEUED)


def recluster_scheduled() -> ClusterRun | None:
    """The nightly run: queued and run here, unless one is already queued or running."""
    with transaction.atomic():
        _expire_stale()
        if ClusterRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            return None
        run = ClusterRun.objects.create(status=RunStatus.QUEUED)
    return recluster(run=run)


def _corpus() -> Any:
    return Thread.objects.filter(kind__in=FEEDBACK_KINDS, hidden_at__isnull=True, deleted_at__isnull=True)


def recluster(*, run: ClusterRun | None = None) -> ClusterRun:
    """Cluster the whole feedback corpus again and bring themes and posts in line with the result."""
    now = timezone.now()
    if run is None:
        run = ClusterRun.objects.create(status=RunStatus.RUNNING, started_at=now)
    else:
        running = ClusterRun.objects.filter(status=RunStatus.RUNNING).exclude(pk=run.pk)
        claimed = (
            ClusterRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED)
            .exclude(Exists(running))
            .update(status=RunStatus.RUNNING, started_at=now)
        )
        run.refresh_from_db()
        if not claimed:
            return run  # done, failed or taken by another worker already
    try:
        _recluster(run)
    except Exception as exc:
        logger.exception("re-clustering run %s failed", run.pk)
        ClusterRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000] or type(exc).__name__
        )
    run.refresh_from_db()
    return run


def _recluster(run: ClusterRun) -> None:
    ids: list[int] = []
    texts: list[str] = []
    old_theme: list[int | None] = []
    old_score: list[float | None] = []
    rows = _corpus().order_by("id").values_list("id", "title", "body", "theme_id", "theme_similarity")
    for pk, title, body, theme_id, score in rows.iterator(chunk_size=2000):
        ids.append(pk)
        texts.append(clustering.feedback_document(title, body))
        old_theme.append(theme_id)
        old_score.append(score)
    del rows
    result = clustering.cluster(texts, seed=0)
    del texts
    blob = result.model.to_bytes()
    labels = result.labels
    with transaction.atomic():
        active = {t.pk: t for t in Theme.objects.select_for_update().filter(active=True).order_by("id")}
        themes = _match_themes(run, result, labels, old_theme, active)
        _move_posts(ids, labels, result.similarities, list(zip(old_theme, old_score, strict=True)), themes)
        matched = {t.pk for t in themes}
        Theme.objects.filter(pk__in=[pk for pk in active if pk not in matched]).update(active=False, size=0)
        _recount(themes)
        ClusterRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            finished_at=timezone.now(),
            documents=len(ids),
            themes=len(themes),
            model=blob,
        )
        # Older models are no longer read; keep the one before (a process may be loading it right now).
        keep = (
            ClusterRun.objects.filter(status=RunStatus.DONE).order_by("-id").values_list("pk", flat=True)[:2]
        )
        ClusterRun.objects.exclude(pk__in=list(keep)).filter(model__isnull=False).update(model=None)
    invalidate()
    # Posts that arrived while the run worked were sorted with the old model: sort them with this one.
    last = ids[-1] if ids else 0
    for pk in _corpus().filter(pk__gt=last).values_list("pk", flat=True).iterator():
        _resort(pk)


def _match_themes(
    run: ClusterRun,
    result: clustering.Clustering,
    labels: Any,
    old_theme: Sequence[int | None],
    active: dict[int, Theme],
) -> list[Theme]:
    """One Theme row per new cluster: the old theme it mostly is, or a new one."""
    old_sizes = Counter(t for t in old_theme if t in active)
    overlap: Counter[tuple[int, int]] = Counter(
        (int(c), t) for c, t in zip(labels.tolist(), old_theme, strict=True) if c >= 0 and t in active
    )
    pairs = sorted(overlap.items(), key=lambda item: (-item[1], item[0]))
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for (c, t), common in pairs:
        if c in chosen or t in used:
            continue
        if common >= MATCH_OVERLAP * max(result.clusters[c].size, old_sizes[t]):
            chosen[c] = t
            used.add(t)
    themes = []
    for c, found in enumerate(result.clusters):
        fields = {
            "label": found.label[:MAX_NAME],
            "key_terms": found.key_terms,
            "centroid": found.centroid.astype(np.float32).tobytes(),
            "run": run,
            "active": True,
            "merged_into": None,
        }
        if c in chosen:
            theme = active[chosen[c]]
            for name, value in fields.items():
                setattr(theme, name, value)
            theme.save(update_fields=[*fields, "updated_at"])
        else:
            theme = Theme.objects.create(**fields)
        themes.append(theme)
    return themes


def _move_posts(
    ids: Sequence[int],
    labels: Any,
    similarities: Any,
    before: Sequence[tuple[int | None, float | None]],
    themes: list[Theme],
) -> None:
    """Write each post's theme and similarity, touching only the rows that change."""
    changed: list[tuple[int, int | None, float | None]] = []
    for pk, c, score, old in zip(ids, labels.tolist(), similarities.tolist(), before, strict=True):
        theme_id = themes[c].pk if c >= 0 else None
        now = (theme_id, round(score, 4) if theme_id else None)
        if now != old:
            changed.append((pk, *now))
    if connection.vendor == "postgresql":
        # One UPDATE … FROM unnest(arrays) per 10,000 rows: a hundred thousand posts in a few statements.
        table = Thread._meta.db_table
        sql = (
            f"UPDATE {table} AS t SET theme_id = v.theme_id, theme_similarity = v.score "  # noqa: S608
            "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::bigint[]) AS theme_id, "
            "unnest(%s::float8[]) AS score) AS v WHERE t.id = v.id"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(changed), 10 * BATCH):
                chunk = changed[start : start + 10 * BATCH]
                cursor.execute(sql, [[r[0] for r in chunk], [r[1] for r in chunk], [r[2] for r in chunk]])
        return
    rows = [Thread(pk=pk, theme_id=theme_id, theme_similarity=score) for pk, theme_id, score in changed]
    Thread.objects.bulk_update(rows, ["theme", "theme_similarity"], batch_size=BATCH)


def _recount(themes: Sequence[Theme]) -> None:
    counts = dict(
        Thread.objects.filter(theme__in=themes)
        .values("theme")
        .annotate(n=Count("id"))
        .values_list("theme", "n")
    )
    for theme in themes:
        theme.size = counts.get(theme.pk, 0)
    Theme.objects.bulk_update(list(themes), ["size"], batch_size=BATCH)


def _resort(thread_id: int) -> None:
    Thread.objects.filter(pk=thread_id, theme__active=False).update(theme=None, theme_similarity=None)
    thread_analyse(thread_id=thread_id)


# --- Staff edits ----------------------------------------------------------------------------------------
def _live(theme: Theme, field: str = "theme") -> Theme:
    fresh = Theme.objects.select_for_update().filter(pk=theme.pk).first()
    if fresh is None or not fresh.active:
        raise DomainError(message=_("This theme is no longer active."), field=field, status=409)
    return fresh


def theme_rename(*, actor: Any, theme: Theme, name: str) -> Theme:
    """Name a theme; later runs keep the name. An empty name goes back to the generated label."""
    check_can_manage_themes(actor)
    text = " ".join((name or "").replace("\x00", "").split())
    if len(text) > MAX_NAME:
        raise DomainError(message=_("A theme name has at most 160 characters."), field="name")
    with transaction.atomic():
        fresh = _live(theme)
        fresh.custom_label = text
        fresh.save(update_fields=["custom_label", "updated_at"])
    invalidate()
    return fresh


def theme_merge(*, actor: Any, source: Theme, target: Theme) -> Theme:
    """Move every post of `source` into `target`; `source` stays as a pointer to `target`."""
    check_can_manage_themes(actor)
    if source.pk == target.pk:
        raise DomainError(message=_("Choose another theme to merge into."), field="target")
    with transaction.atomic():
        # Lock both rows in id order so two opposite merges cannot deadlock.
        locked = {
            t.pk: t
            for t in Theme.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("id")
        }
        src, dst = locked.get(source.pk), locked.get(target.pk)
        if src is None or not src.active:
            raise DomainError(message=_("This theme is no longer active."), field="theme", status=409)
        if dst is None or not dst.active:
            raise DomainError(message=_("The theme to merge into is not active."), field="target", status=409)
        moved = Thread.objects.filter(theme=src).update(theme=dst)
        Theme.objects.filter(pk=dst.pk).update(size=F("size") + moved)
        Theme.objects.filter(merged_into=src).update(merged_into=dst)
        src.active, src.merged_into, src.size = False, dst, 0
        src.save(update_fields=["active", "merged_into", "size", "updated_at"])
        if dst.idea_id is None and src.idea_id is not None:
            Theme.objects.filter(pk=dst.pk).update(idea_id=src.idea_id)
        dst.refresh_from_db()
    invalidate()
    return dst


def theme_split(*, actor: Any, theme: Theme, parts: int = 2) -> list[Theme]:
    """Cluster one theme's posts again into `parts` new themes (2–5); the theme itself is retired."""
    check_can_manage_themes(actor)
    if isinstance(parts, bool) or not isinstance(parts, int) or not MIN_PARTS <= parts <= MAX_PARTS:
        raise DomainError(message=_("Split a theme into 2 to 5 parts."), field="parts")
    loaded = current_model()
    if loaded is None or theme.run_id != loaded.run_id:
        raise DomainError(
            message=_("This theme belongs to an older clustering; re-cluster before splitting it."),
            field="theme",
            status=409,
        )
    with transaction.atomic():
        fresh = _live(theme)
        posts = list(Thread.objects.filter(theme=fresh).order_by("id").values_list("id", "title", "body"))
        if len(posts) < parts * 2:
            raise DomainError(
                message=_("This theme has too few posts to split into %(n)d parts.") % {"n": parts},
                field="parts",
            )
        texts = [clustering.feedback_document(title, body) for _pk, title, body in posts]
        matrix = loaded.model.tfidf(texts)
        vectors = loaded.model.vectors(texts)
        centroids, labels, _sims = clustering.spherical_kmeans(vectors, parts, seed=0)
        key_terms = loaded.model.key_terms(matrix, labels, len(centroids))
        created = []
        for c in range(len(centroids)):
            members = [posts[i][0] for i in np.flatnonzero(labels == c).tolist()]
            if not members:
                continue
            new = Theme.objects.create(
                label=clustering.make_label(key_terms[c])[:MAX_NAME],
                key_terms=key_terms[c],
                centroid=centroids[c].astype(np.float32).tobytes(),
                run_id=fresh.run_id,
                idea_id=fresh.idea_id,
                size=0,
            )
            for start in range(0, len(members), BATCH):
                Thread.objects.filter(pk__in=members[start : start + BATCH], theme=fresh).update(theme=new)
            Theme.objects.filter(pk=new.pk).update(size=F("size") + len(members))
            new.refresh_from_db()
            created.append(new)
        Theme.objects.filter(pk=fresh.pk).update(active=False, size=0)
    invalidate()
    return created


def theme_link_idea(*, actor: Any, theme: Theme, idea: Any) -> Theme:
    """Link a theme to the idea it led to, or unlink it (idea=None)."""
    check_can_manage_themes(actor)
    with transaction.atomic():
        fresh = _live(theme)
        fresh.idea = idea
        fresh.save(update_fields=["idea", "updated_at"])
    return fresh
