from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the starter skills taxonomy (skills missing by slug, with synonyms and related skills)."

    def handle(self, *args: Any, **options: Any) -> None:
        from cocreate.talent import services

        created = services.taxonomy_seed()
        self.stdout.write(f"{created} starter skills added.")
