"""Background work of the community: thin; each task calls a service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django_tasks import task

# Registered with `cocreate.core.schedule` in CommunityConfig.ready(): themes are found again every night.
SCHEDULE = [("cocreate.community.tasks.recluster_nightly", timedelta(days=1))]


@task()
def analyse_thread(thread_id: int) -> None:
    """Sentiment and the nearest theme of a new post."""
    from .services import themes

    themes.thread_analyse(thread_id=thread_id)


@task()
def recluster(run_id: int) -> str:
    """Run a queued re-clustering; a run already taken, finished or failed is left as it is."""
    from .models import ClusterRun
    from .services import themes

    run = ClusterRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    return str(themes.recluster(run=run).status)


@task()
def recluster_nightly() -> str:
    """The nightly re-clustering of the whole feedback corpus (skipped while another run is pending)."""
    from .services import themes

    run = themes.recluster_scheduled()
    return "skipped" if run is None else str(run.status)


def request_recluster(*, actor: Any) -> Any:
    """Queue a re-clustering for `actor` (staff) and hand it to a worker once the request commits."""
    from .services import themes

    run = themes.recluster_request(actor=actor)
    transaction.on_commit(lambda: recluster.enqueue(run.pk))
    return run
