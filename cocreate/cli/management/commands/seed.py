from __future__ import annotations

import argparse
import random
import sqlite3
import sys
from datetime import date
from time import perf_counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, DjangoHelpFormatter
from django.db import IntegrityError, connection
from django.utils import timezone
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from cocreate.demo import generate
from cocreate.demo.generate import Context, Generator, TableCount

from .serve import pending_migrations

DEFAULT_SEED = 20261123

HELP = """Fill the database with generated, deterministic data for benchmarks.

Scale N sets every size: N=1 is a small community, N=1000 a large one (a million members). Running it
again adds only what is missing, so `--scale 10` after `--scale 1` brings the data up to scale 10, and
the same --seed always makes the same rows. Rows are marked (emails @seed.northbrick.example, SKUs NBS-)
and never collide with `cocreate demo` data. Seeded members have verified email addresses and no
password: reset one to log in as that member.
"""


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of the description and the epilog (the per-scale table)."""


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")


def _database() -> str:
    if connection.vendor == "postgresql":
        version = getattr(connection, "pg_version", 0)
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    return str(connection.display_name)


def _parse_limits(values: list[str], known: list[str]) -> dict[str, int]:
    limits = {}
    for value in values:
        name, _, count = value.partition("=")
        if name not in known or not count.isdigit():
            raise CommandError(f"--rows takes NAME=COUNT with NAME one of: {', '.join(known)}.")
        limits[name] = int(count)
    return limits


def _analyze(tables: list[str]) -> None:
    """Fresh planner statistics, so benchmarks right after seeding see realistic query plans."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Sample instead of reading every row: a million-row ANALYZE would take longer than the seed.
            cursor.execute("PRAGMA analysis_limit=1000")
        if connection.vendor in {"postgresql", "sqlite"}:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")  # table names from models


def _table_rows(table: str) -> int:
    with connection.cursor() as cursor:
        # The table name comes from model metadata, never from input.
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        generate.load_app_generators()
        lines = ["What --scale N makes (in this order):"]
        lines += [f"  {g.name:<12} {g.rows}" for g in generate.registered()]
        lines += ["", "Example: cocreate seed --scale 100   (100,000 members, 120 products)"]
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs.setdefault("epilog", "\n".join(lines))
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            metavar="N",
            help="Size of the data: 1,000 × N members, 20 + N products, … (default 1).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed; the same seed gives the same data (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="Date the generated history ends on (default: today, UTC). Fix it for identical data.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Rows per transaction (default 50,000 on PostgreSQL, 20,000 otherwise).",
        )
        # Lets tests and experiments set one generator's row count directly, e.g. --rows members=300.
        parser.add_argument("--rows", action="append", default=[], help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        scale: int = options["scale"]
        if scale < 0:
            raise CommandError("--scale must be 0 or more.")
        generate.load_app_generators()
        generators = generate.registered()
        limits = _parse_limits(options["rows"], [g.name for g in generators])
        if pending_migrations():
            raise CommandError("The database has unapplied migrations. Run `cocreate migrate` first.")
        batch_size = options["batch_size"] or generate.DEFAULT_BATCH_SIZE.get(connection.vendor, 20_000)
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        today: date = options["today"] or timezone.now().date()
        verbosity: int = options["verbosity"]

        # Rich must write to the real stream: Django's OutputWrapper adds a newline to every write.
        console = Console(file=getattr(self.stdout, "_out", sys.stdout))
        interactive = console.is_terminal
        if not interactive:
            console.width = max(console.width, 110)
        database = _database()
        ids: dict[str, Any] = {}
        results: list[tuple[Generator, int, float, dict[str, TableCount]]] = []
        started = perf_counter()
        progress = Progress(
            TextColumn("[bold]{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not interactive or verbosity == 0,
        )
        with progress:
            for generator in generators:
                task = progress.add_task(generator.name, total=None)

                def report(done: int, total: int, task: Any = task) -> None:
                    progress.update(task, completed=done, total=max(total, done))

                ctx = Context(
                    generator=generator.name,
                    seed=options["seed"],
                    scale=scale,
                    vendor=connection.vendor,
                    rng=random.Random(f"{options['seed']}/{generator.name}"),
                    today=today,
                    progress=report,
                    ids=ids,
                    batch_size=batch_size,
                    limits=limits,
                )
                t0 = perf_counter()
                try:
                    added = generator.run(ctx)
                except IntegrityError as exc:
                    raise CommandError(
                        f"{generator.name}: a generated row collides with one already in the database "
                        f"({str(exc).strip().splitlines()[0]}). Seeded rows were probably changed or "
                        "deleted by hand, so the run cannot tell which ones are missing. Delete the seeded "
                        "rows of this kind, or seed a fresh database."
                    ) from exc
                seconds = perf_counter() - t0
                results.append((generator, added, seconds, ctx.tables))
                if verbosity and not interactive:
                    noun = "row" if added == 1 else "rows"
                    console.print(f"{generator.name}: {added:,} {noun} added in {seconds:.1f} s")
        tables = [table for *_rest, counts in results for table in counts]
        _analyze(tables)
        elapsed = perf_counter() - started
        if verbosity:
            console.print(self._summary(results, scale, options["seed"], database, elapsed))

    def _summary(
        self,
        results: list[tuple[Generator, int, float, dict[str, TableCount]]],
        scale: int,
        seed: int,
        database: str,
        elapsed: float,
    ) -> Table:
        table = Table(
            title=f"cocreate seed --scale {scale} --seed {seed} on {database}: {elapsed:.1f} s",
            title_justify="left",
        )
        table.add_column("Generator")
        table.add_column("Table")
        table.add_column("Added", justify="right")
        table.add_column("Already there", justify="right")
        table.add_column("Rows in table", justify="right")
        table.add_column("Seconds", justify="right")
        table.add_column("Rows/s", justify="right")
        total_added = 0
        total_seconds = 0.0
        for generator, _added, seconds, counts in results:
            written = sum(c.added for c in counts.values())
            total_added += written
            total_seconds += seconds
            for n, (name, count) in enumerate(counts.items()):
                first = n == 0
                table.add_row(
                    generator.name if first else "",
                    name,
                    f"{count.added:,}",
                    f"{count.existing:,}",
                    f"{_table_rows(name):,}",
                    f"{seconds:.2f}" if first else "",
                    f"{written / seconds:,.0f}" if first and written and seconds > 0 else "",
                )
        table.add_section()
        table.add_row(
            "total",
            "",
            f"{total_added:,}",
            "",
            "",
            f"{total_seconds:.2f}",
            f"{total_added / total_seconds:,.0f}" if total_added and total_seconds > 0 else "",
        )
        return table
