from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console

from cocreate.demo.seeding import seed_demo

from .serve import prepare, run_server


class Command(BaseCommand):
    help = "Prepare a populated demo platform (safe to re-run; keeps existing data) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Only prepare the data; do not start a server."
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("COCREATE_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        with console.status("Preparing the database…"):
            prepare()
        with console.status("Seeding the demo brand…"):
            logins = seed_demo()
        url = f"http://{options['host']}:{options['port']}"
        console.print(f"\n[bold]Cocreate demo is ready[/bold] at {url}\n")
        for login in logins:
            console.print(
                f"  {login.role:<8} log-in: [bold]{login.email}[/bold]   "
                f"password: [bold]{login.password}[/bold]"
            )
        console.print(
            "\n  Emails (sign-up confirmations, resets) are written to the data folder's mail/ directory.\n"
        )
        if not options["no_serve"]:
            run_server(options["host"], options["port"], options["workers"], 4)
