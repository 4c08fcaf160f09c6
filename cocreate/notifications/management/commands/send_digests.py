from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cocreate.notifications import services


class Command(BaseCommand):
    help = "Email the daily or weekly notification digest to the members who chose it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("frequency", choices=["daily", "weekly"])

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_digests(options["frequency"])
        self.stdout.write(f"{sent} digests sent")
