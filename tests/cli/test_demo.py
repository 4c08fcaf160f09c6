"""`cocreate demo` prepares a believable brand, and running it again keeps what is there."""

from __future__ import annotations

from typing import Any

import pytest

from cocreate.challenges.models import Idea, IdeaStatus, MilestoneEvent
from cocreate.demo.seeding import seed_demo
from cocreate.journeys import selectors as journey_selectors
from cocreate.journeys.models import Journey, Persona

pytestmark = pytest.mark.django_db


def test_the_demo_is_complete_and_safe_to_run_twice(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path
    logins = seed_demo()
    assert {login.role for login in logins} == {"admin", "member"}
    assert Persona.objects.count() == 4
    journey = Journey.objects.get()
    matrix = journey_selectors.coverage_matrix(journey)
    assert any("at Purchase" in gap for gap in matrix.gaps)
    thresholds = set(MilestoneEvent.objects.values_list("threshold", flat=True))
    assert thresholds == {100, 1000, 5000, 10000}
    statuses = set(Idea.objects.values_list("status", flat=True))
    assert {IdeaStatus.PUBLISHED, IdeaStatus.EXPIRED, IdeaStatus.IN_REVIEW, IdeaStatus.LAUNCHED} <= statuses
    ideas = Idea.objects.count()

    again = seed_demo()
    assert [(x.email, x.password) for x in again] == [(x.email, x.password) for x in logins]
    assert Idea.objects.count() == ideas and Persona.objects.count() == 4
