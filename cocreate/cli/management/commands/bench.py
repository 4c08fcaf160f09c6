from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run a benchmark from the bench/ folder of a Cocreate checkout: `cocreate bench NAME [options]`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="Benchmark name (a file in bench/ without .py).")
        parser.add_argument("--dir", default="bench", help="The benchmark folder (default ./bench).")
        parser.add_argument("options", nargs=argparse.REMAINDER, help="Options passed to the benchmark.")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["dir"]).resolve()
        if not folder.is_dir():
            raise CommandError(
                f"No benchmark folder at {folder}; run from a Cocreate checkout or pass --dir."
            )
        available = sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_"))
        name = options["name"]
        if not name:
            self.stdout.write("Benchmarks: " + ", ".join(available))
            return
        if name not in available:
            raise CommandError(f"No benchmark {name!r}. Available: {', '.join(available)}")
        sys.argv = [f"bench/{name}.py", *options["options"]]
        runpy.run_path(str(folder / f"{name}.py"), run_name="__main__")
