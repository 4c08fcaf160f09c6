"""Talent as JSON: the skills taxonomy (search resolves synonyms), a member's own skills and availability,
opportunities, ranked matches with their reasons (both ways), and applications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from cocreate.accounts.policies import check_authenticated
from cocreate.core.api import ERROR_RESPONSES, InputSchema, api_actor
from cocreate.core.errors import NotAllowed, NotFound

from . import selectors, services
from .models import Application, Opportunity, OpportunityKind, Skill
from .policies import check_can_manage_opportunity

router = Router(tags=["talent"])


# --- Schemas ------------------------------------------------------------------------------------------
class SkillOut(Schema):
    id: int
    name: str
    slug: str
    category: str
    description: str
    synonyms: list[str]

    @staticmethod
    def resolve_synonyms(obj: Skill) -> list[str]:
        return [s.alias for s in obj.synonyms.all()]


class SkillFilters(InputSchema):
    q: str = Field(
        "", max_length=80, description="Part of a skill's name or synonym; an exact synonym comes first."
    )


class MemberSkillIn(InputSchema):
    skill: str = Field(max_length=80, description="A skill's name or synonym, as the member types it.")
    level: int = Field(3, ge=1, le=5)
    years: int | None = Field(None, ge=0, le=60)


class AvailabilityIn(InputSchema):
    hours_per_week: int = Field(0, ge=0, le=80)
    available_from: date | None = None
    available_until: date | None = None


class MySkillsIn(InputSchema):
    skills: list[MemberSkillIn] = Field(max_length=40)
    availability: AvailabilityIn | None = None


class MemberSkillOut(Schema):
    skill_id: int
    skill: str
    level: int
    years: int | None


class AvailabilityOut(Schema):
    hours_per_week: int
    available_from: date | None
    available_until: date | None


class MySkillsOut(Schema):
    skills: list[MemberSkillOut]
    availability: AvailabilityOut


class RequirementIn(InputSchema):
    skill: str = Field(max_length=80)
    weight: int = Field(1, ge=1, le=5)
    min_level: int = Field(1, ge=1, le=5)


class RequirementOut(Schema):
    skill_id: int
    skill: str
    weight: int
    min_level: int


class OpportunityIn(InputSchema):
    kind: OpportunityKind
    title: str = Field(max_length=160)
    description: str = Field("", max_length=10_000)
    requirements: list[RequirementIn] = Field(min_length=1, max_length=15)
    hours_per_week: int = Field(0, ge=0, le=80)
    starts_on: date | None = None
    ends_on: date | None = None
    seats: int = Field(1, ge=1, le=500)
    idea_id: int | None = Field(None, ge=1)
    workshop_id: int | None = Field(None, ge=1)


class OpportunityPatchIn(InputSchema):
    """Only the fields sent change; `requirements`, when sent, replaces the skills needed as a whole; a
    date sent as null is cleared."""

    title: str | None = Field(None, max_length=160)
    description: str | None = Field(None, max_length=10_000)
    requirements: list[RequirementIn] | None = Field(None, min_length=1, max_length=15)
    hours_per_week: int | None = Field(None, ge=0, le=80)
    starts_on: date | None = None
    ends_on: date | None = None
    seats: int | None = Field(None, ge=1, le=500)


class OpportunityOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    status: str
    hours_per_week: int
    starts_on: date | None
    ends_on: date | None
    seats: int
    seats_taken: int
    owner_id: int
    idea_id: int | None
    workshop_id: int | None
    requirements: list[RequirementOut]
    created_at: datetime

    @staticmethod
    def resolve_requirements(obj: Opportunity) -> list[dict[str, Any]]:
        return [
            {"skill_id": r.skill_id, "skill": r.skill.name, "weight": r.weight, "min_level": r.min_level}
            for r in obj.requirements.all()
        ]


class OpportunityFilters(InputSchema):
    status: str = Field("open", pattern="^(open|filled|closed|all)$")
    kind: OpportunityKind | None = None


class ReasonOut(Schema):
    required: str = Field(description="The skill the opportunity needs.")
    matched: str | None = Field(description="The member's skill that covers it best; null when none does.")
    percent: int = Field(description="How well it is covered, 0–100 (similarity × level fit).")
    exact: bool
    level: int
    min_level: int


class ParticipationOut(Schema):
    ideas: int
    contributions: int
    workshops: int
    accepted: int
    total: int


class MatchOut(Schema):
    user_id: int
    display_name: str
    percent: int
    score: float
    skills_percent: int
    availability_percent: int
    participation: ParticipationOut
    reasons: list[ReasonOut]
    application_status: str


class MatchFilters(InputSchema):
    limit: int = Field(20, ge=1, le=100)
    exclude_applied: bool = False


class OpportunityMatchOut(Schema):
    opportunity: OpportunityOut
    percent: int
    score: float
    skills_percent: int
    availability_percent: int
    reasons: list[ReasonOut]


class ApplyIn(InputSchema):
    note: str = Field("", max_length=2000)


class ApplicationOut(Schema):
    id: int
    opportunity_id: int
    user_id: int
    note: str
    status: str
    created_at: datetime
    decided_at: datetime | None


# --- Helpers --------------------------------------------------------------------------------------------
def _opportunity(opportunity_id: int) -> Opportunity:
    opportunity = selectors.opportunity_get(opportunity_id=opportunity_id)
    if opportunity is None:
        raise NotFound("No such opportunity.", field="opportunity_id")
    return opportunity


def _application(application_id: int) -> Application:
    application = selectors.application_get(application_id=application_id)
    if application is None:
        raise NotFound("No such application.", field="application_id")
    return application


def _my_skills(user: Any) -> dict[str, Any]:
    profile = selectors.profile_of(user=user)
    return {
        "skills": [
            {"skill_id": s.skill_id, "skill": s.skill.name, "level": s.level, "years": s.years}
            for s in selectors.member_skills(user=user)
        ],
        "availability": {
            "hours_per_week": profile.hours_per_week if profile else 0,
            "available_from": profile.available_from if profile else None,
            "available_until": profile.available_until if profile else None,
        },
    }


# --- Skills -------------------------------------------------------------------------------------------
@router.get(
    "/skills",
    auth=None,
    response={200: list[SkillOut], **ERROR_RESPONSES},
    summary="Skills of the taxonomy (search by name or synonym)",
)
def skill_list(request: HttpRequest, filters: Query[SkillFilters]) -> list[Skill]:
    return selectors.skill_list(query=filters.q)


@router.get(
    "/skills/resolve",
    auth=None,
    response={200: SkillOut, **ERROR_RESPONSES},
    summary="The skill a free text names (400 with suggestions when none)",
)
def skill_resolve(request: HttpRequest, text: str = Query(..., max_length=80)) -> Skill:
    return selectors.skill_resolve(text=text, field="text")


@router.get(
    "/members/me/skills",
    response={200: MySkillsOut, **ERROR_RESPONSES},
    summary="Your skills and availability",
)
def my_skills(request: HttpRequest) -> dict[str, Any]:
    user = api_actor(request)
    check_authenticated(user)
    return _my_skills(user)


@router.put(
    "/members/me/skills",
    response={200: MySkillsOut, **ERROR_RESPONSES},
    summary="Replace your skills (and availability, when given); unknown skills are a 400 on `skills`",
)
def my_skills_put(request: HttpRequest, payload: MySkillsIn) -> dict[str, Any]:
    user = api_actor(request)
    check_authenticated(user)
    with transaction.atomic():
        services.member_skills_set(actor=user, user=user, skills=[s.model_dump() for s in payload.skills])
        if payload.availability is not None:
            services.availability_set(actor=user, user=user, **payload.availability.model_dump())
    return _my_skills(user)


# --- Opportunities ------------------------------------------------------------------------------------
@router.get(
    "/opportunities",
    auth=None,
    response={200: list[OpportunityOut], **ERROR_RESPONSES},
    summary="Opportunities (open by default)",
)
def opportunity_list(request: HttpRequest, filters: Query[OpportunityFilters]) -> list[Opportunity]:
    status = None if filters.status == "all" else filters.status
    return selectors.opportunity_list(status=status, kind=filters.kind)


@router.get(
    "/opportunities/{opportunity_id}",
    auth=None,
    response={200: OpportunityOut, **ERROR_RESPONSES},
    summary="One opportunity",
)
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> Opportunity:
    return _opportunity(opportunity_id)


@router.post(
    "/opportunities",
    response={201: OpportunityOut, **ERROR_RESPONSES},
    summary="Open an opportunity (staff; an idea's author for its development team)",
)
def opportunity_create(request: HttpRequest, payload: OpportunityIn) -> Status[Opportunity]:
    from cocreate.challenges.models import Idea
    from cocreate.workshops.models import Workshop

    actor = api_actor(request)
    check_authenticated(actor)
    idea = Idea.objects.filter(pk=payload.idea_id).first() if payload.idea_id else None
    if payload.idea_id and idea is None:
        raise NotFound("No such idea.", field="idea_id")
    workshop = Workshop.objects.filter(pk=payload.workshop_id).first() if payload.workshop_id else None
    if payload.workshop_id and workshop is None:
        raise NotFound("No such workshop.", field="workshop_id")
    opportunity = services.opportunity_create(
        actor=actor,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        requirements=[r.model_dump() for r in payload.requirements],
        hours_per_week=payload.hours_per_week,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        seats=payload.seats,
        idea=idea,
        workshop=workshop,
    )
    return Status(201, _opportunity(opportunity.pk))


@router.patch(
    "/opportunities/{opportunity_id}",
    response={200: OpportunityOut, **ERROR_RESPONSES},
    summary="Change an opportunity (its owner and staff); seats never below those taken (409 on `seats`)",
)
def opportunity_update(request: HttpRequest, opportunity_id: int, payload: OpportunityPatchIn) -> Opportunity:
    opportunity = _opportunity(opportunity_id)
    actor = api_actor(request)
    check_authenticated(actor)
    sent = payload.model_dump(exclude_unset=True)
    # A null for a field that cannot be empty means "leave it"; for a date it clears the date.
    changes = {k: v for k, v in sent.items() if v is not None or k in ("starts_on", "ends_on")}
    return services.opportunity_update(actor=actor, opportunity=opportunity, **changes)


@router.get(
    "/opportunities/{opportunity_id}/matches",
    response={200: list[MatchOut], **ERROR_RESPONSES},
    summary="Members ranked for an opportunity, with the reasons (its owner and staff)",
)
def opportunity_matches(request: HttpRequest, opportunity_id: int, filters: Query[MatchFilters]) -> list[Any]:
    opportunity = _opportunity(opportunity_id)
    actor = api_actor(request)
    check_authenticated(actor)
    check_can_manage_opportunity(actor, opportunity)
    return [
        {**m.__dict__, "participation": {**m.participation.__dict__, "total": m.participation.total}}
        for m in selectors.match_for_opportunity(
            opportunity=opportunity, limit=filters.limit, exclude_applied=filters.exclude_applied
        )
    ]


@router.get(
    "/members/me/opportunities",
    response={200: list[OpportunityMatchOut], **ERROR_RESPONSES},
    summary="Open opportunities that fit you, best first, with the reasons",
)
def my_opportunities(request: HttpRequest) -> list[Any]:
    user = api_actor(request)
    check_authenticated(user)
    return [m.__dict__ for m in selectors.match_for_member(user=user, limit=20)]


@router.get(
    "/opportunities/{opportunity_id}/applications",
    response={200: list[ApplicationOut], **ERROR_RESPONSES},
    summary="Applications to an opportunity (its owner and staff)",
)
def application_list(request: HttpRequest, opportunity_id: int) -> list[Application]:
    opportunity = _opportunity(opportunity_id)
    actor = api_actor(request)
    check_authenticated(actor)
    check_can_manage_opportunity(actor, opportunity)
    return selectors.applications_for(opportunity=opportunity)


@router.post(
    "/opportunities/{opportunity_id}/applications",
    response={201: ApplicationOut, **ERROR_RESPONSES},
    summary="Apply (409 when you already applied or it is not open)",
)
def application_submit(request: HttpRequest, opportunity_id: int, payload: ApplyIn) -> Status[Application]:
    opportunity = _opportunity(opportunity_id)
    actor = api_actor(request)
    check_authenticated(actor)
    return Status(201, services.application_submit(actor=actor, opportunity=opportunity, note=payload.note))


@router.post(
    "/opportunities/{opportunity_id}/applications/mine/withdraw",
    response={200: ApplicationOut, **ERROR_RESPONSES},
    summary="Withdraw your application (an accepted place frees its seat)",
)
def application_withdraw(request: HttpRequest, opportunity_id: int) -> Application:
    opportunity = _opportunity(opportunity_id)
    actor = api_actor(request)
    check_authenticated(actor)
    application = selectors.application_of(user=actor, opportunity=opportunity)
    if application is None:
        raise NotFound("You have not applied to this opportunity.", field="opportunity_id")
    return services.application_withdraw(actor=actor, application=application)


def _decide(request: HttpRequest, application_id: int, accept: bool) -> Application:
    application = _application(application_id)
    actor = api_actor(request)
    check_authenticated(actor)
    try:
        return services.application_decide(actor=actor, application=application, accept=accept)
    except NotAllowed:
        # Someone who may not decide learns nothing about the application.
        raise NotFound("No such application.", field="application_id") from None


@router.post(
    "/applications/{application_id}/accept",
    response={200: ApplicationOut, **ERROR_RESPONSES},
    summary="Accept an application (its opportunity's owner and staff; 409 when the seats are taken)",
)
def application_accept(request: HttpRequest, application_id: int) -> Application:
    return _decide(request, application_id, True)


@router.post(
    "/applications/{application_id}/decline",
    response={200: ApplicationOut, **ERROR_RESPONSES},
    summary="Decline an application (its opportunity's owner and staff)",
)
def application_decline(request: HttpRequest, application_id: int) -> Application:
    return _decide(request, application_id, False)
