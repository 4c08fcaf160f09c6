"""Bad input to the workshops API is refused with the error shape and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cocreate.accounts.models import User
from cocreate.workshops import services
from cocreate.workshops.models import Registration, SurveyResponse, Workshop

from ..conftest import assert_error_shape
from .conftest import move_to_past

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("forged", [2**63, 2**70, -1, 0])
def test_attendance_for_an_id_no_member_can_have_is_a_404_and_saves_nothing(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User, api_for: Any, forged: int
) -> None:
    workshop = make_workshop(capacity=3)
    services.registration_create(actor=members[0], workshop=workshop)
    move_to_past(workshop)
    marks = [
        {"user_id": members[0].pk, "attendance": "present"},
        {"user_id": forged, "attendance": "present"},
    ]
    response = api_for(staff).put(f"/api/v1/workshops/{workshop.pk}/attendance", {"marks": marks})
    assert_error_shape(response, 404, "attendance")
    assert Registration.objects.get(user=members[0]).attendance == ""


def test_survey_answers_out_of_range_are_refused_by_field(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User, api_for: Any
) -> None:
    workshop = make_workshop(capacity=3)
    services.registration_create(actor=members[0], workshop=workshop)
    move_to_past(workshop)
    services.attendance_take(actor=staff, workshop=workshop, marks={members[0].pk: "present"})
    member = api_for(members[0])
    url = f"/api/v1/workshops/{workshop.pk}/survey"
    body = assert_error_shape(member.post(url, {"csat": 2**63, "nps": -(2**63)}), 400, "csat")
    assert "nps" in [e["field"] for e in body["errors"]]
    assert_error_shape(member.post(url, {"csat": "five", "nps": 3}), 422, "csat")
    assert_error_shape(member.post(url, {}), 422)
    assert not SurveyResponse.objects.exists()


def test_a_held_workshop_stays_completed_and_one_with_members_cannot_go_back_to_draft(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User
) -> None:
    from cocreate.core.errors import DomainError
    from cocreate.workshops.models import WorkshopStatus

    upcoming = make_workshop(capacity=3)
    services.registration_create(actor=members[0], workshop=upcoming)
    with pytest.raises(DomainError) as refused:
        services.workshop_update(actor=staff, workshop=upcoming, status=WorkshopStatus.DRAFT)
    assert refused.value.errors[0].field == "status"
    assert Workshop.objects.get(pk=upcoming.pk).status == WorkshopStatus.PUBLISHED

    held = make_workshop(capacity=3)
    move_to_past(held)
    services.workshop_complete(actor=staff, workshop=held)
    for status in (WorkshopStatus.DRAFT, WorkshopStatus.PUBLISHED):
        with pytest.raises(DomainError):
            services.workshop_update(actor=staff, workshop=held, status=status)
    assert Workshop.objects.get(pk=held.pk).status == WorkshopStatus.COMPLETED
