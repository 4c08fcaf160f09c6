"""Reactions to prototype-test events: the work is queued, never done in the request."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from . import tasks
from .events import invitations_requested


@receiver(invitations_requested, dispatch_uid="insights-send-invitations")
def _send_invitations(sender: Any, test_id: int, persona_ids: list[int], **kwargs: Any) -> None:
    tasks.send_invitations.enqueue(test_id, list(persona_ids))
