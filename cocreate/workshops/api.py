"""Workshops as JSON: the programme, registering and cancelling, a member's places, the survey, and for
staff and facilitators attendance, outputs and the satisfaction summary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from cocreate.accounts.policies import check_authenticated
from cocreate.brand.models import Product
from cocreate.challenges.models import Challenge
from cocreate.core.addresses import MAX_ID
from cocreate.core.api import ERROR_RESPONSES, InputSchema, api_actor
from cocreate.core.errors import DomainError, NotFound
from cocreate.journeys.models import ParticipationPoint, Persona
from cocreate.journeys.services import attribution_from_session

from . import selectors, services
from .models import Centre, Registration, Workshop, WorkshopOutput
from .policies import check_can_manage_workshops, check_can_run_workshop

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


# --- Staff: centres, planning workshops, invitations ------------------------------------------------
class CentreDetailOut(CentreOut):
    capacity: int
    timezone: str


class CentreIn(InputSchema):
    name: str = Field(max_length=120)
    address: str = Field("", max_length=300)
    city: str = Field("", max_length=120)
    capacity: int = Field(0, description="Seats in the centre, 0 to 10,000.")
    timezone: str = Field("", max_length=64)


# Statuses a workshop can be set to by editing; `completed` goes through POST …/complete, which checks
# that the session has ended.
EditableStatus = Literal["draft", "published", "cancelled"]


class WorkshopIn(InputSchema):
    title: str
    goal: str = ""
    agenda: str = Field("", description="Markdown.")
    starts_at: datetime = Field(description="ISO 8601; without an offset the site's time zone is assumed.")
    ends_at: datetime
    format: str = Field("venue", description="venue or online")
    centre_id: int | None = Field(None, description="Required for venue workshops.")
    room: str = ""
    meeting_url: str = Field("", description="Required for online workshops (https://…).")
    capacity: int
    waitlist_open: bool = True
    invite_only: bool = False
    status: EditableStatus = "draft"
    facilitator_ids: list[int] = Field(default_factory=list, max_length=50)
    persona_ids: list[int] = Field(default_factory=list, max_length=100)
    product_id: int | None = None
    challenge_id: int | None = None
    participation_point_id: int | None = None


class WorkshopPatch(InputSchema):
    """Only the fields sent change; `null` clears the centre, product, challenge or participation point."""

    title: str | None = None
    goal: str | None = None
    agenda: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    format: str | None = None
    centre_id: int | None = None
    room: str | None = None
    meeting_url: str | None = None
    capacity: int | None = None
    waitlist_open: bool | None = None
    invite_only: bool | None = None
    status: EditableStatus | None = None
    facilitator_ids: list[int] | None = Field(None, max_length=50)
    persona_ids: list[int] | None = Field(None, max_length=100)
    product_id: int | None = None
    challenge_id: int | None = None
    participation_point_id: int | None = None


class WorkshopStaffOut(WorkshopDetailOut):
    facilitator_ids: list[int]
    persona_ids: list[int]
    product_id: int | None
    challenge_id: int | None
    participation_point_id: int | None


class WorkshopInvitationsIn(InputSchema):
    persona_ids: list[int] = Field(default_factory=list, max_length=100)
    member_ids: list[int] = Field(default_factory=list, max_length=5000)
    emails: list[str] = Field(default_factory=list, max_length=500)


class WorkshopInvitationsOut(Schema):
    invited: int = Field(description="Members invited by this call (those already invited are skipped).")
    total: int = Field(description="Members invited to the workshop so far.")


# Input names for the service's field names, so an error points at what the client sent.
_FIELD_NAMES = {
    "centre": "centre_id",
    "facilitators": "facilitator_ids",
    "personas": "persona_ids",
    "product": "product_id",
    "challenge": "challenge_id",
    "participation_point": "participation_point_id",
    "users": "member_ids",
}
# Nullable foreign keys: API name → (service name, model).
_REFERENCES: dict[str, tuple[str, Any]] = {
    "centre_id": ("centre", Centre),
    "product_id": ("product", Product),
    "challenge_id": ("challenge", Challenge),
    "participation_point_id": ("participation_point", ParticipationPoint),
}
_NOT_NULL = ("title", "goal", "agenda", "starts_at", "ends_at", "format", "room", "meeting_url", "capacity")


@contextmanager
def _input_names() -> Iterator[None]:
    try:
        yield
    except DomainError as exc:
        for error in exc.errors:
            error.field = _FIELD_NAMES.get(error.field or "", error.field)
        exc.field = _FIELD_NAMES.get(exc.field or "", exc.field)
        raise


def _pick(model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if found is None:
        raise NotFound(_("No such %(thing)s.") % {"thing": model._meta.verbose_name}, field=field)
    return found


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _workshop_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Service keyword arguments for the fields sent; unknown ids answer 404 with the field."""
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name in _REFERENCES:
            target, model = _REFERENCES[name]
            fields[target] = _pick(model, value, name)
        elif name == "facilitator_ids":
            fields["facilitators"] = services.users_by_ids(value, "facilitator_ids")
        elif name == "persona_ids":
            fields["personas"] = [_pick(Persona, pk, "persona_ids") for pk in dict.fromkeys(value)]
        elif value is None:
            raise DomainError(message=_("This field cannot be null."), field=name)
        elif name in ("starts_at", "ends_at"):
            fields[name] = _aware(value)
        elif isinstance(value, str) and name != "title":
            fields[name] = value.strip()
        else:
            fields[name] = value
    return fields


def _staff_out(request: HttpRequest, workshop_id: int) -> dict[str, Any]:
    w = _workshop(request, workshop_id)
    return {
        **_detail(request, w),
        "facilitator_ids": sorted(w.facilitators.values_list("pk", flat=True)),
        "persona_ids": sorted(w.personas.values_list("pk", flat=True)),
        "product_id": w.product_id,
        "challenge_id": w.challenge_id,
        "participation_point_id": w.participation_point_id,
    }


@router.get(
    "/centres", response={200: list[CentreDetailOut], **ERROR_RESPONSES}, summary="Innovation centres"
)
def centre_list(request: HttpRequest) -> list[Centre]:
    return selectors.centre_list()


@router.post("/centres", response={201: CentreDetailOut, **ERROR_RESPONSES}, summary="Add a centre (staff)")
def centre_post(request: HttpRequest, payload: CentreIn) -> Status[Centre]:
    centre = services.centre_create(
        actor=api_actor(request),
        name=payload.name,
        address=payload.address,
        city=payload.city,
        capacity=payload.capacity,
        timezone_name=payload.timezone,
    )
    return Status(201, centre)


@router.post(
    "/workshops",
    response={201: WorkshopStaffOut, **ERROR_RESPONSES},
    summary="Plan a workshop (staff); it starts as a draft unless `status` says otherwise",
)
def workshop_post(request: HttpRequest, payload: WorkshopIn) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    check_can_manage_workshops(actor)
    with _input_names(), transaction.atomic():
        fields = _workshop_fields(payload.model_dump())
        workshop = services.workshop_create(
            actor=actor,
            title=fields.pop("title"),
            starts_at=fields.pop("starts_at"),
            ends_at=fields.pop("ends_at"),
            capacity=fields.pop("capacity"),
            **fields,
        )
    return Status(201, _staff_out(request, workshop.pk))


@router.patch(
    "/workshops/{workshop_id}",
    response={200: WorkshopStaffOut, **ERROR_RESPONSES},
    summary="Change a workshop (staff): only the fields sent; a larger capacity lets the waitlist in",
)
def workshop_patch(request: HttpRequest, workshop_id: int, payload: WorkshopPatch) -> dict[str, Any]:
    actor = api_actor(request)
    workshop = _workshop(request, workshop_id)
    check_can_manage_workshops(actor)
    with _input_names(), transaction.atomic():
        fields = _workshop_fields(payload.model_dump(exclude_unset=True))
        services.workshop_update(actor=actor, workshop=workshop, **fields)
    return _staff_out(request, workshop.pk)


@router.post(
    "/workshops/{workshop_id}/complete",
    response={200: WorkshopStaffOut, **ERROR_RESPONSES},
    summary="Mark a session that has ended as held (staff and its facilitators)",
)
def workshop_complete(request: HttpRequest, workshop_id: int) -> dict[str, Any]:
    workshop = _workshop(request, workshop_id)
    services.workshop_complete(actor=api_actor(request), workshop=workshop)
    return _staff_out(request, workshop.pk)


def _users_by_email(emails: list[str]) -> list[Any]:
    # Addresses are stored lower-cased.
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    found = {u.email: u for u in get_user_model().objects.filter(is_active=True, email__in=wanted)}
    for address in wanted:
        if address not in found:
            raise NotFound(_("No member has the address %(e)s.") % {"e": address}, field="emails")
    return [found[a] for a in wanted]


@router.post(
    "/workshops/{workshop_id}/invitations",
    response={201: WorkshopInvitationsOut, **ERROR_RESPONSES},
    summary="Invite the members of personas and hand-picked members, by id or email (staff)",
)
def invitations_post(
    request: HttpRequest, workshop_id: int, payload: WorkshopInvitationsIn
) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    workshop = _workshop(request, workshop_id)
    check_can_manage_workshops(actor)
    with _input_names(), transaction.atomic():
        personas = [_pick(Persona, pk, "persona_ids") for pk in dict.fromkeys(payload.persona_ids)]
        users = services.users_by_ids(payload.member_ids, "member_ids") + _users_by_email(payload.emails)
        invited = services.invitations_send(actor=actor, workshop=workshop, personas=personas, users=users)
    return Status(201, {"invited": invited, "total": selectors.invitation_count(workshop=workshop)})
