"""Reads for themes: the staff list (size, growth, sentiment mix, key terms, representative posts) and a
theme's page with its posts, in a bounded number of queries whatever the number of themes or posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from cocreate.core.pagination import Page, paginate

from ..models import ClusterRun, Sentiment, Theme, Thread

REPRESENTATIVES = 3
DETAIL_REPRESENTATIVES = 5
WINDOWS = (7, 30)


@dataclass
class Growth:
    days: int
    current: int  # posts that joined in the last `days` days
    previous: int  # … and in the `days` before those

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def percent(self) -> int | None:
        """Change against the previous window; None when there was nothing to compare with."""
        if not self.previous:
            return None
        return round(100 * (self.current - self.previous) / self.previous)


@dataclass
class SentimentMix:
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative + self.unknown

    def share(self, name: str) -> int:
        """Whole percent of the posts with that sentiment (for the bars)."""
        return round(100 * getattr(self, name) / self.total) if self.total else 0

    @property
    def segments(self) -> list[dict[str, Any]]:
        """The stacked bar: each sentiment's count, share and where its segment starts (0–100)."""
        out, start = [], 0.0
        for name in ("negative", "neutral", "positive", "unknown"):
            count = getattr(self, name)
            if not count:
                continue
            width = 100 * count / self.total
            out.append(
                {
                    "name": name,
                    "count": count,
                    "percent": round(width),
                    "x": round(start, 2),
                    "width": round(width, 2),
                }
            )
            start += width
        return out


@dataclass
class ThemeSummary:
    theme: Theme
    growth: list[Growth]
    sentiment: SentimentMix
    representatives: list[Thread] = field(default_factory=list)


def visible_posts() -> QuerySet[Thread]:
    return Thread.objects.filter(hidden_at__isnull=True, deleted_at__isnull=True)


def _growth(theme_ids: list[int]) -> dict[int, list[Growth]]:
    """Posts that joined each theme in the last 7 and 30 days and in the windows just before: one query.
    A post's arrival is when it was written (posts join their theme as they arrive)."""
    now = timezone.now()
    aggregates: dict[str, Any] = {}
    for days in WINDOWS:
        start, before = now - timedelta(days=days), now - timedelta(days=2 * days)
        aggregates[f"c{days}"] = Count("id", filter=Q(created_at__gte=start))
        aggregates[f"p{days}"] = Count("id", filter=Q(created_at__gte=before, created_at__lt=start))
    rows = (
        visible_posts()
        .filter(theme_id__in=theme_ids, created_at__gte=now - timedelta(days=2 * max(WINDOWS)))
        .values("theme_id")
        .annotate(**aggregates)
    )
    found: dict[int, dict[str, Any]] = {row["theme_id"]: dict(row) for row in rows}
    empty: dict[str, Any] = {}
    return {
        pk: [
            Growth(
                days=d,
                current=int(found.get(pk, empty).get(f"c{d}", 0)),
                previous=int(found.get(pk, empty).get(f"p{d}", 0)),
            )
            for d in WINDOWS
        ]
        for pk in theme_ids
    }


def _sentiments(theme_ids: list[int]) -> dict[int, SentimentMix]:
    mixes = {pk: SentimentMix() for pk in theme_ids}
    rows = (
        visible_posts().filter(theme_id__in=theme_ids).values("theme_id", "sentiment").annotate(n=Count("id"))
    )
    for row in rows:
        mix = mixes[row["theme_id"]]
        name = row["sentiment"] if row["sentiment"] in Sentiment.values else "unknown"
        setattr(mix, name, getattr(mix, name) + row["n"])
    return mixes


def _representatives(theme_ids: list[int], per_theme: int) -> dict[int, list[Thread]]:
    """The posts closest to each theme's centroid, `per_theme` each, in one query (a window function)."""
    out: dict[int, list[Thread]] = {pk: [] for pk in theme_ids}
    if not theme_ids:
        return out
    ranked = (
        visible_posts()
        .filter(theme_id__in=theme_ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("theme_id")],
                order_by=[F("theme_similarity").desc(nulls_last=True), F("id").asc()],
            )
        )
        .filter(rank__lte=per_theme)
        .select_related("author", "board")
        .order_by("theme_id", "rank")
    )
    for thread in ranked:
        if thread.theme_id is not None:
            out[thread.theme_id].append(thread)
    return out


def theme_list(*, cursor: str | None = None, limit: int = 50) -> tuple[Page[Theme], list[ThemeSummary]]:
    """Active themes, largest first, with their growth, sentiment mix and representative posts."""
    page = paginate(
        Theme.objects.filter(active=True).select_related("idea"),
        order=["-size", "id"],
        cursor=cursor,
        limit=limit,
    )
    ids = [t.pk for t in page.items]
    growth, mixes, reps = _growth(ids), _sentiments(ids), _representatives(ids, REPRESENTATIVES)
    summaries = [
        ThemeSummary(theme=t, growth=growth[t.pk], sentiment=mixes[t.pk], representatives=reps[t.pk])
        for t in page.items
    ]
    return page, summaries


def theme_get(*, theme_id: int) -> Theme | None:
    return Theme.objects.select_related("idea", "merged_into", "run").filter(pk=theme_id).first()


def theme_summary(*, theme: Theme) -> ThemeSummary:
    return ThemeSummary(
        theme=theme,
        growth=_growth([theme.pk])[theme.pk],
        sentiment=_sentiments([theme.pk])[theme.pk],
        representatives=_representatives([theme.pk], DETAIL_REPRESENTATIVES)[theme.pk],
    )


def theme_posts(*, theme: Theme, cursor: str | None = None, limit: int = 30) -> Page[Thread]:
    """The theme's posts, newest first (keyset on the theme index)."""
    qs = visible_posts().filter(theme=theme).select_related("author", "board")
    return paginate(qs, order=["-created_at", "-id"], cursor=cursor, limit=limit)


def merge_targets(*, theme: Theme) -> list[Theme]:
    """The other active themes, for the merge form (themes number in the tens)."""
    return list(Theme.objects.filter(active=True).exclude(pk=theme.pk).order_by("-size", "id")[:200])


def last_run() -> ClusterRun | None:
    return ClusterRun.objects.select_related("requested_by").order_by("-id").first()


def run_pending() -> bool:
    return ClusterRun.objects.filter(status__in=["queued", "running"]).exists()
