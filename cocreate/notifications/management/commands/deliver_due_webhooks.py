from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cocreate.notifications import webhooks


class Command(BaseCommand):
    help = "Attempt every webhook delivery that is due (first tries and retries after back-off)."

    def handle(self, *args: Any, **options: Any) -> None:
        attempted = webhooks.deliver_due()
        self.stdout.write(f"{attempted} deliveries attempted")
