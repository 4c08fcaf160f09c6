"""Background jobs for prototype tests: thin, they call services."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_invitations(test_id: int, persona_ids: list[int]) -> None:
    """Invite every member of the personas (in batches), then notify whoever is not notified yet."""
    services.invitations_expand(test_id=test_id, persona_ids=persona_ids)
    services.invitations_notify(test_id=test_id)
