"""The demo's workshops: past sessions with surveys and ideas, upcoming ones with a waitlist; run twice,
the same."""

from __future__ import annotations

from typing import Any

import pytest

from cocreate.accounts import services as account_services
from cocreate.accounts.models import Role
from cocreate.demo.seeding import seed_members
from cocreate.demo.workshops import seed_workshops
from cocreate.workshops import selectors
from cocreate.workshops.models import (
    Centre,
    Registration,
    RegistrationStatus,
    SurveyResponse,
    Workshop,
    WorkshopOutput,
    WorkshopStatus,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Centre, Workshop, Registration, SurveyResponse, WorkshopOutput)
    }


def test_the_workshops_demo(django_capture_on_commit_callbacks: Any) -> None:
    staff = account_services.user_create_verified(
        actor=None, email="staff@northbrick.example", role=Role.ADMIN, display_name="Mara"
    )
    seed_members(count=80)
    with django_capture_on_commit_callbacks(execute=True):
        seed_workshops(staff)
    assert Centre.objects.count() == 2
    past = Workshop.objects.filter(status=WorkshopStatus.COMPLETED)
    assert past.count() == 2
    figures = selectors.satisfaction()
    assert len(figures.sessions) == 2
    for session in figures.sessions:
        assert session.responses >= 5 and session.csat is not None and session.nps is not None
        assert session.ideas and all(i.status for i in session.ideas)
        assert session.response_rate is not None and session.response_rate < 100
    assert len({s.csat for s in figures.sessions}) == 2  # the sessions were not rated alike
    assert SurveyResponse.objects.exclude(comment="").exists()
    idea_outputs = WorkshopOutput.objects.filter(kind="idea")
    assert all(o.idea is not None and o.idea.co_creators.count() >= 2 for o in idea_outputs)
    assert {o.idea.status for o in idea_outputs} >= {"in_review", "published"}
    upcoming = Workshop.objects.filter(status=WorkshopStatus.PUBLISHED)
    assert upcoming.count() == 2
    assert Registration.objects.filter(workshop__in=upcoming, status=RegistrationStatus.WAITLISTED).exists()
    for w in upcoming:
        assert (
            Registration.objects.filter(workshop=w, status=RegistrationStatus.REGISTERED).count()
            <= w.capacity
        )
    before = counts()
    seed_workshops(staff)
    assert counts() == before
