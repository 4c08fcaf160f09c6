from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cocreate.core import schedule

# However long the next task waits, look again at least this often (a clock change, a stop request).
MAX_SLEEP_SECONDS = 60.0


class Command(BaseCommand):
    help = (
        "Enqueue every app's periodic tasks at their intervals (expiring ideas past their deadline every "
        "10 minutes, refreshing trending scores every 15, …). This only puts tasks on the queue: "
        "`cocreate worker` runs them. Every periodic task is idempotent, so a restarted or second "
        "scheduler does no harm. Runs until stopped, unless --once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue every periodic task once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        tasks = schedule.periodic_tasks()
        if not tasks:
            self.stdout.write("No periodic tasks are registered.")
            return
        last_runs: dict[str, datetime] = {}
        if options["once"]:
            self._enqueue_due(last_runs, timezone.now())
            return
        for periodic in tasks:
            self.stdout.write(f"{periodic.name}: every {periodic.every}")
        try:
            while True:
                self._enqueue_due(last_runs, timezone.now())
                time.sleep(min(MAX_SLEEP_SECONDS, schedule.seconds_until_next(last_runs, timezone.now())))
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")

    def _enqueue_due(self, last_runs: dict[str, datetime], now: datetime) -> None:
        for periodic in schedule.due(last_runs, now):
            try:
                result = periodic.task().enqueue()
            except Exception as exc:  # one broken task must not stop the others from being scheduled
                self.stderr.write(f"{periodic.name}: not enqueued ({exc})")
                continue
            last_runs[periodic.name] = now
            self.stdout.write(f"{now:%Y-%m-%d %H:%M:%S} enqueued {periodic.name} ({result.id})")
