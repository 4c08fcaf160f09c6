"""Periodic tasks: each app registers its own in `AppConfig.ready()`; `cocreate scheduler` enqueues them at
their intervals and `cocreate worker` runs them.

Every registered task must be idempotent: a scheduler restarted early, or two schedulers running at once,
only enqueue a task more often than needed, never do its work twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Periodic:
    # A dotted path, so registering in ready() never imports the task module (and its models) early.
    task_path: str
    every: timedelta

    @property
    def name(self) -> str:
        return self.task_path

    def task(self) -> Any:
        return import_string(self.task_path)


_registry: dict[str, Periodic] = {}


def register(task_path: str, *, every: timedelta) -> None:
    """Run the task at `task_path` every `every`. Registering the same path again replaces it."""
    if every <= timedelta(0):
        raise ValueError("A periodic task needs a positive interval.")
    _registry[task_path] = Periodic(task_path=task_path, every=every)


def periodic_tasks() -> list[Periodic]:
    return sorted(_registry.values(), key=lambda p: p.task_path)


def due(last_runs: dict[str, datetime], now: datetime) -> list[Periodic]:
    """The tasks never enqueued by this scheduler, or whose interval has passed since they last were."""
    return [p for p in periodic_tasks() if p.name not in last_runs or now - last_runs[p.name] >= p.every]


def seconds_until_next(last_runs: dict[str, datetime], now: datetime) -> float:
    waits = [
        (last_runs[p.name] + p.every - now).total_seconds() if p.name in last_runs else 0.0
        for p in periodic_tasks()
    ]
    return max(0.0, min(waits)) if waits else 60.0
