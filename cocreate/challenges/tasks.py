"""Background jobs for challenges: thin, idempotent, scheduled by `cocreate scheduler` (see apps.py)."""

from __future__ import annotations

from django_tasks import task

from .services import supports, trending


@task()
def expire_ideas() -> int:
    """Expire ideas whose support deadline has passed; running it twice expires nothing more."""
    return supports.ideas_expire()


@task()
def refresh_trending() -> int:
    """Recompute every idea's trending score from its recent supports."""
    return trending.trending_refresh()
