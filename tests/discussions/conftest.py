from __future__ import annotations

from typing import Any

import pytest

from cocreate.challenges.models import Idea
from cocreate.challenges.services import ideas as idea_services

LADDER = [{"at": 0, "days": 60}, {"at": 2, "days": 30}, {"at": 3, "days": 0, "qualifies": True}]


@pytest.fixture
def idea(brand_admin: Any, member: Any, django_capture_on_commit_callbacks: Any) -> Idea:
    challenge = idea_services.challenge_create(actor=brand_admin, title="Harbour sets", ladder=LADDER)
    with django_capture_on_commit_callbacks(execute=True):
        return idea_services.idea_create(
            actor=member,
            challenge=challenge,
            title="A lighthouse with a working lamp",
            description="A tall lighthouse with a light brick, a keeper's cottage and rocks.",
        )
