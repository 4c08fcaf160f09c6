"""Workshops as JSON: the programme, registering and cancelling, a member's places, the survey, and for
staff and facilitators attendance, outputs and the satisfaction summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from cocreate.accounts.policies import check_authenticated
from cocreate.core.api import ERROR_RESPONSES, InputSchema, api_actor
from cocreate.core.errors import NotFound
from cocreate.journeys.services import attribution_from_session

from . import selectors, services
from .models import Registration, Workshop, WorkshopOutput
from .policies import check_can_run_workshop

router = Router(tags=["workshops"])


class CentreOut(Schema):
    id: int
    name: str
    address: str
    city: str


class WorkshopOut(Schema):
    id: int
    slug: str
    title: str
    goal: str
    status: str
    format: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    registered: int = Field(description="Places taken.")
    waitlisted: int
    invite_only: bool
    waitlist_open: bool
    centre: CentreOut | None
    room: str


class WorkshopDetailOut(WorkshopOut):
    agenda: str
    meeting_url: str | None = Field(description="Shown to registered members and facilitators only.")
    my_status: str | None = Field(description="registered, waitlisted, cancelled or null.")
    my_waitlist_position: int | None


class RegistrationOut(Schema):
    workshop_id: int
    workshop_slug: str
    workshop_title: str
    starts_at: datetime
    status: str
    attendance: str
    waitlist_position: int | None


class ListFilters(InputSchema):
    past: bool = False


class MarkIn(InputSchema):
    user_id: int
    attendance: str = Field(description="present, absent or no_show")


class AttendanceIn(InputSchema):
    marks: list[MarkIn] = Field(max_length=2000)


class AttendanceRowOut(Schema):
    user_id: int
    display_name: str
    attendance: str


class AttendanceOut(Schema):
    recorded: int
    withdrawn: int
    sheet: list[AttendanceRowOut]


class OutputIn(InputSchema):
    kind: str = Field(description="note or idea")
    title: str
    body: str = ""
    co_creator_ids: list[int] = Field(default_factory=list, max_length=10)


class OutputOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    idea_id: int | None
    idea_status: str | None
    co_creator_ids: list[int]


class SurveyIn(InputSchema):
    csat: int = Field(description="1 to 5")
    nps: int = Field(description="0 to 10")
    comment: str = ""


class SurveyOut(Schema):
    workshop_id: int
    csat: int
    nps: int
    comment: str
    created_at: datetime


class SessionOut(Schema):
    workshop_id: int
    title: str
    starts_at: datetime
    centre: str | None
    attendees: int
    responses: int
    response_rate: int | None
    csat: float | None
    nps: int | None
    ideas: list[dict[str, Any]]


class GroupOut(Schema):
    name: str
    sessions: int
    responses: int
    csat: float | None
    nps: int | None


class SatisfactionOut(Schema):
    sessions: list[SessionOut]
    centres: list[GroupOut]
    overall: GroupOut


def _workshop(request: HttpRequest, workshop_id: int) -> Workshop:
    workshop = selectors.workshop_get(actor=api_actor(request), workshop_id=workshop_id)
    if workshop is None:
        raise NotFound("No such workshop.", field="workshop")
    return workshop


def _out(w: Workshop) -> dict[str, Any]:
    return {
        "id": w.pk,
        "slug": w.slug,
        "title": w.title,
        "goal": w.goal,
        "status": w.status,
        "format": w.format,
        "starts_at": w.starts_at,
        "ends_at": w.ends_at,
        "capacity": w.capacity,
        "registered": getattr(w, "registered_count", 0),
        "waitlisted": getattr(w, "waitlist_count", 0),
        "invite_only": w.invite_only,
        "waitlist_open": w.waitlist_open,
        "centre": w.centre,
        "room": w.room,
    }


def _detail(request: HttpRequest, w: Workshop) -> dict[str, Any]:
    user = api_actor(request)
    place = selectors.my_place(user=user, workshop=w)
    return {
        **_out(w),
        "agenda": w.agenda,
        "meeting_url": w.meeting_url if selectors.may_see_meeting_link(user=user, workshop=w) else None,
        "my_status": place.registration.status if place.registration else None,
        "my_waitlist_position": place.waitlist_position,
    }


@router.get(
    "/workshops", response={200: list[WorkshopOut], **ERROR_RESPONSES}, summary="Upcoming (or past) workshops"
)
def workshop_list(request: HttpRequest, filters: Query[ListFilters]) -> list[dict[str, Any]]:
    return [_out(w) for w in selectors.workshop_list(actor=api_actor(request), past=filters.past)]


@router.get(
    "/workshops/satisfaction",
    response={200: SatisfactionOut, **ERROR_RESPONSES},
    summary="CSAT, NPS and response rate per session, per centre and overall, with each session's ideas",
)
def satisfaction(request: HttpRequest) -> dict[str, Any]:
    figures = selectors.satisfaction()
    return {
        "sessions": [
            {
                "workshop_id": s.workshop.pk,
                "title": s.workshop.title,
                "starts_at": s.workshop.starts_at,
                "centre": s.workshop.centre.name if s.workshop.centre else None,
                "attendees": s.attendees,
                "responses": s.responses,
                "response_rate": s.response_rate,
                "csat": s.csat,
                "nps": s.nps,
                "ideas": [
                    {"idea_id": i.idea.pk if i.idea else None, "title": i.title, "status": i.status}
                    for i in s.ideas
                ],
            }
            for s in figures.sessions
        ],
        "centres": [c.__dict__ for c in figures.centres],
        "overall": figures.overall.__dict__,
    }


@router.get(
    "/members/me/workshops",
    response={200: list[RegistrationOut], **ERROR_RESPONSES},
    summary="Your registrations and waitlist places",
)
def my_registrations(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_actor(request)
    check_authenticated(user)
    rows = selectors.my_registrations(user=user)
    positions = selectors.waitlist_positions(user=user, registrations=rows)
    return [_registration(r, positions.get(r.pk)) for r in rows]


def _registration(r: Registration, position: int | None) -> dict[str, Any]:
    return {
        "workshop_id": r.workshop_id,
        "workshop_slug": r.workshop.slug,
        "workshop_title": r.workshop.title,
        "starts_at": r.workshop.starts_at,
        "status": r.status,
        "attendance": r.attendance,
        "waitlist_position": position,
    }


@router.get(
    "/workshops/{workshop_id}", response={200: WorkshopDetailOut, **ERROR_RESPONSES}, summary="One workshop"
)
def workshop_detail(request: HttpRequest, workshop_id: int) -> dict[str, Any]:
    return _detail(request, _workshop(request, workshop_id))


@router.post(
    "/workshops/{workshop_id}/registration",
    response={201: RegistrationOut, **ERROR_RESPONSES},
    summary="Register (status `waitlisted` when full; 409 when already registered, closed or full)",
)
def register(request: HttpRequest, workshop_id: int) -> Status[dict[str, Any]]:
    workshop = _workshop(request, workshop_id)
    user = api_actor(request)
    registration = services.registration_create(
        actor=user, workshop=workshop, attribution=attribution_from_session(getattr(request, "session", None))
    )
    registration.workshop = workshop
    place = selectors.my_place(user=user, workshop=workshop)
    return Status(201, _registration(registration, place.waitlist_position))


@router.delete(
    "/workshops/{workshop_id}/registration",
    response={200: RegistrationOut, **ERROR_RESPONSES},
    summary="Cancel your registration or leave the waitlist (the first in line takes the place)",
)
def cancel(request: HttpRequest, workshop_id: int) -> dict[str, Any]:
    workshop = _workshop(request, workshop_id)
    registration = services.registration_cancel(actor=api_actor(request), workshop=workshop)
    registration.workshop = workshop
    return _registration(registration, None)


def _sheet(workshop: Workshop) -> list[dict[str, Any]]:
    return [
        {"user_id": r.user_id, "display_name": r.user.display_name, "attendance": r.attendance}
        for r in selectors.attendance_sheet(workshop=workshop)
    ]


@router.get(
    "/workshops/{workshop_id}/attendance",
    response={200: list[AttendanceRowOut], **ERROR_RESPONSES},
    summary="The attendance sheet (facilitators and staff)",
)
def attendance_get(request: HttpRequest, workshop_id: int) -> list[dict[str, Any]]:
    workshop = _workshop(request, workshop_id)
    check_can_run_workshop(api_actor(request), workshop)
    return _sheet(workshop)


@router.put(
    "/workshops/{workshop_id}/attendance",
    response={200: AttendanceOut, **ERROR_RESPONSES},
    summary="Mark registered members present, absent or no-show (facilitators and staff)",
)
def attendance_put(request: HttpRequest, workshop_id: int, payload: AttendanceIn) -> dict[str, Any]:
    workshop = _workshop(request, workshop_id)
    marks = {m.user_id: m.attendance for m in payload.marks}
    counts = services.attendance_take(actor=api_actor(request), workshop=workshop, marks=marks)
    return {**counts, "sheet": _sheet(workshop)}


def _output(o: WorkshopOutput) -> dict[str, Any]:
    return {
        "id": o.pk,
        "kind": o.kind,
        "title": o.title,
        "body": o.body,
        "idea_id": o.idea_id,
        "idea_status": o.idea.status if o.idea else None,
        "co_creator_ids": sorted(u.pk for u in o.idea.co_creators.all()) if o.idea else [],
    }


@router.get(
    "/workshops/{workshop_id}/outputs",
    response={200: list[OutputOut], **ERROR_RESPONSES},
    summary="Notes and ideas the session produced, with the ideas' current status",
)
def outputs_get(request: HttpRequest, workshop_id: int) -> list[dict[str, Any]]:
    workshop = _workshop(request, workshop_id)
    return [_output(o) for o in selectors.outputs_of(workshop=workshop)]


@router.post(
    "/workshops/{workshop_id}/outputs",
    response={201: OutputOut, **ERROR_RESPONSES},
    summary="Capture a note or an idea (co-created by participants) — facilitators and staff",
)
def outputs_post(request: HttpRequest, workshop_id: int, payload: OutputIn) -> Status[dict[str, Any]]:
    workshop = _workshop(request, workshop_id)
    actor = api_actor(request)
    check_can_run_workshop(actor, workshop)
    output = services.output_add(
        actor=actor,
        workshop=workshop,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        co_creators=services.users_by_ids(payload.co_creator_ids, "co_creator_ids"),
    )
    return Status(201, _output(output))


@router.post(
    "/workshops/{workshop_id}/survey",
    response={201: SurveyOut, **ERROR_RESPONSES},
    summary="Answer the satisfaction survey (attendees, once, after the end)",
)
def survey_post(request: HttpRequest, workshop_id: int, payload: SurveyIn) -> Status[dict[str, Any]]:
    workshop = _workshop(request, workshop_id)
    response = services.survey_answer(
        actor=api_actor(request),
        workshop=workshop,
        csat=payload.csat,
        nps=payload.nps,
        comment=payload.comment,
    )
    return Status(
        201,
        {
            "workshop_id": workshop.pk,
            "csat": response.csat,
            "nps": response.nps,
            "comment": response.comment,
            "created_at": response.created_at,
        },
    )
