"""The trending score: how fast an idea is gathering support now, not how much it has gathered in total."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..models import Idea, IdeaStatus, Support

BATCH = 500
# Beyond this many half-lives a support weighs under 0.4 % of a new one: it is no longer "recent".
WINDOW_HALF_LIVES = 8


# Σ 0.5 ** (age_in_hours / half_life) per idea, for one batch of ideas in id order. The age is computed
# with each backend's own date arithmetic: PostgreSQL's epoch, SQLite's julianday() on its UTC text (Django
# registers POWER on SQLite).
SCORE_SQL = {
    "postgresql": (
        "SELECT s.idea_id, SUM(POWER(0.5, "
        "(EXTRACT(EPOCH FROM (CAST(%s AS timestamptz) - s.created_at)) / 3600.0)::float8 / %s)) "
        "FROM challenges_support s JOIN challenges_idea i ON i.id = s.idea_id "
        "WHERE i.status = %s AND s.created_at >= %s AND s.created_at <= %s AND s.idea_id > %s "
        "GROUP BY s.idea_id ORDER BY s.idea_id LIMIT %s"
    ),
    "sqlite": (
        "SELECT s.idea_id, SUM(POWER(0.5, "
        "((julianday(%s) - julianday(s.created_at)) * 24.0) / %s)) "
        "FROM challenges_support s JOIN challenges_idea i ON i.id = s.idea_id "
        "WHERE i.status = %s AND s.created_at >= %s AND s.created_at <= %s AND s.idea_id > %s "
        "GROUP BY s.idea_id ORDER BY s.idea_id LIMIT %s"
    ),
}


def _score_batch(
    after_id: int, now: datetime, cutoff: datetime, half_life_hours: float
) -> list[tuple[int, float]]:
    db_now = connection.ops.adapt_datetimefield_value(now)
    db_cutoff = connection.ops.adapt_datetimefield_value(cutoff)
    params = [db_now, float(half_life_hours), IdeaStatus.PUBLISHED.value, db_cutoff, db_now, after_id, BATCH]
    with connection.cursor() as cursor:
        cursor.execute(SCORE_SQL[connection.vendor], params)
        return [(int(idea_id), float(score or 0.0)) for idea_id, score in cursor.fetchall()]


def trending_refresh(*, now: datetime | None = None, half_life_hours: float = 72) -> int:
    """Recompute `Idea.trending_score` for every idea gathering support; returns how many ideas scored.

    The score is a time-decayed support velocity: every support counts 1 when it is given and half as
    much each `half_life_hours` after, so

        score = Σ over the idea's recent supports of 0.5 ** (age_in_hours / half_life_hours)

    Ten supports today outrank ten supports last month, and an idea's score falls smoothly as its
    supporters stop coming. Supports older than WINDOW_HALF_LIVES half-lives are left out (they weigh
    almost nothing); an idea with no recent support, or no longer gathering support, scores 0.

    The sums are SQL aggregates over the (idea, created_at) index, BATCH ideas at a time in id order, and
    each batch is written with one bulk UPDATE. Safe to run at any time and as often as wanted: the
    result depends only on the supports and `now`.
    """
    if half_life_hours <= 0:
        raise ValueError("The half-life must be positive.")
    now = now or timezone.now()
    cutoff = now - timedelta(hours=half_life_hours * WINDOW_HALF_LIVES)
    recent = Support.objects.filter(idea=OuterRef("pk"), created_at__gte=cutoff, created_at__lte=now)
    Idea.objects.filter(~Q(trending_score=0)).filter(
        ~Q(status=IdeaStatus.PUBLISHED) | ~Q(Exists(recent))
    ).update(trending_score=0.0)
    scored, after_id = 0, 0
    while True:
        rows = _score_batch(after_id, now, cutoff, half_life_hours)
        if not rows:
            return scored
        with transaction.atomic():
            Idea.objects.bulk_update(
                [Idea(pk=idea_id, trending_score=score) for idea_id, score in rows], ["trending_score"]
            )
        scored += len(rows)
        after_id = rows[-1][0]
        if len(rows) < BATCH:
            return scored
