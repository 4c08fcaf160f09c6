"""Personas, journeys, stages, touchpoints, participation points and the coverage matrix as JSON.

Reading needs a staff role; changing needs the brand team (the services check it themselves).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from cocreate.accounts.models import ProfileQuestion
from cocreate.core.api import ERROR_RESPONSES, api_actor
from cocreate.core.errors import DomainError, NotFound

from . import selectors, services
from .models import Journey, ParticipationPoint, Persona, PointKind, Stage, Touchpoint
from .policies import check_can_view_journeys
from .schemas import (
    CoverageOut,
    EmotionIn,
    JourneyIn,
    JourneyOut,
    JourneyPatch,
    JourneySummary,
    PersonaIn,
    PersonaOut,
    PersonaPatch,
    PointIn,
    PointOut,
    PointPatch,
    PollOut,
    QuestionOut,
    RuleIn,
    StageIn,
    StageOut,
    StagePatch,
    TouchpointIn,
    TouchpointOut,
)

router = Router(tags=["journeys"])


def _viewer(request: HttpRequest) -> Any:
    actor = api_actor(request)
    check_can_view_journeys(actor)
    return actor


def _get(model: type[Any], pk: int, field: str, label: str) -> Any:
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"No {label} with this id.", field=field)
    return obj


def _personas(ids: list[int]) -> list[Persona]:
    found = list(Persona.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise NotFound("One of the personas does not exist.", field="persona_ids")
    return found


def _stage_of(journey: Journey, stage_id: int) -> Stage:
    stage = journey.stages.filter(pk=stage_id).first()
    if stage is None:
        raise NotFound("No stage with this id in this journey.", field="stage_id")
    return stage


def _touchpoint(touchpoint_id: int | None) -> Touchpoint | None:
    if touchpoint_id is None:
        return None
    return _get(Touchpoint, touchpoint_id, "touchpoint_id", "touchpoint")


# --- Personas -----------------------------------------------------------------------------------------
@router.get("/personas", response={200: list[PersonaOut], **ERROR_RESPONSES}, summary="Personas")
def personas(request: HttpRequest) -> list[Persona]:
    _viewer(request)
    return selectors.persona_list()


@router.get(
    "/personas/{persona_id}",
    response={200: PersonaOut, **ERROR_RESPONSES},
    summary="One persona, with how many members match it",
)
def persona(request: HttpRequest, persona_id: int) -> Persona:
    _viewer(request)
    found = selectors.persona_get(persona_id)
    if found is None:
        raise NotFound("No persona with this id.", field="persona_id")
    found.member_count = selectors.persona_member_count(found)  # type: ignore[attr-defined]
    return found


@router.post("/personas", response={201: PersonaOut, **ERROR_RESPONSES}, summary="Create a persona")
def persona_create(request: HttpRequest, payload: PersonaIn) -> Status[Persona]:
    data = payload.model_dump(exclude_unset=True)
    return Status(201, services.persona_create(actor=api_actor(request), name=data.pop("name"), **data))


@router.patch(
    "/personas/{persona_id}", response={200: PersonaOut, **ERROR_RESPONSES}, summary="Change a persona"
)
def persona_update(request: HttpRequest, persona_id: int, payload: PersonaPatch) -> Persona:
    target = _get(Persona, persona_id, "persona_id", "persona")
    return services.persona_update(
        actor=api_actor(request), persona=target, **payload.model_dump(exclude_unset=True)
    )


@router.put(
    "/personas/{persona_id}/rules",
    response={200: PersonaOut, **ERROR_RESPONSES},
    summary="Replace a persona's membership rules (all must hold)",
)
def persona_rules(request: HttpRequest, persona_id: int, payload: list[RuleIn]) -> Persona:
    target = _get(Persona, persona_id, "persona_id", "persona")
    services.persona_rules_set(
        actor=api_actor(request), persona=target, rules=[r.model_dump() for r in payload]
    )
    return selectors.persona_get(persona_id) or target


@router.get(
    "/profile-questions",
    response={200: list[QuestionOut], **ERROR_RESPONSES},
    summary="The profile questions persona rules are built on",
)
def questions(request: HttpRequest) -> list[ProfileQuestion]:
    _viewer(request)
    return list(ProfileQuestion.objects.order_by("position", "id"))


# --- Journeys and stages ------------------------------------------------------------------------------
@router.get("/journeys", response={200: list[JourneySummary], **ERROR_RESPONSES}, summary="Journeys")
def journeys(request: HttpRequest) -> list[Journey]:
    _viewer(request)
    return list(selectors.journey_list())


@router.post(
    "/journeys",
    response={201: JourneyOut, **ERROR_RESPONSES},
    summary="Create a journey (by default from the six-stage template)",
)
def journey_create(request: HttpRequest, payload: JourneyIn) -> Status[dict[str, Any]]:
    journey = services.journey_create(actor=api_actor(request), **payload.model_dump())
    return Status(201, _journey_dict(journey))


def _journey_dict(journey: Journey) -> dict[str, Any]:
    return {
        "id": journey.pk,
        "name": journey.name,
        "description": journey.description,
        "created_at": journey.created_at,
        "stages": selectors.stages_of(journey),
    }


@router.get(
    "/journeys/{journey_id}",
    response={200: JourneyOut, **ERROR_RESPONSES},
    summary="A journey with its stages, touchpoints and emotions",
)
def journey(request: HttpRequest, journey_id: int) -> dict[str, Any]:
    _viewer(request)
    return _journey_dict(_get(Journey, journey_id, "journey_id", "journey"))


@router.patch(
    "/journeys/{journey_id}",
    response={200: JourneyOut, **ERROR_RESPONSES},
    summary="Rename or describe a journey",
)
def journey_update(request: HttpRequest, journey_id: int, payload: JourneyPatch) -> dict[str, Any]:
    target = _get(Journey, journey_id, "journey_id", "journey")
    services.journey_update(
        actor=api_actor(request), journey=target, **payload.model_dump(exclude_unset=True)
    )
    return _journey_dict(target)


@router.post(
    "/journeys/{journey_id}/stages",
    response={201: StageOut, **ERROR_RESPONSES},
    summary="Add a stage (after another, or at the end)",
)
def stage_add(request: HttpRequest, journey_id: int, payload: StageIn) -> Status[Stage]:
    target = _get(Journey, journey_id, "journey_id", "journey")
    data = payload.model_dump(exclude_unset=True)
    after_id = data.pop("after_stage_id", None)
    after = _stage_of(target, after_id) if after_id is not None else None
    stage = services.stage_add(actor=api_actor(request), journey=target, after=after, **data)
    return Status(201, stage)


@router.patch(
    "/stages/{stage_id}",
    response={200: StageOut, **ERROR_RESPONSES},
    summary="Rename, describe or move a stage",
)
def stage_update(request: HttpRequest, stage_id: int, payload: StagePatch) -> Stage:
    stage = _get(Stage, stage_id, "stage_id", "stage")
    data = payload.model_dump(exclude_unset=True)
    move = data.pop("move", None)
    actor = api_actor(request)
    if data:
        services.stage_update(actor=actor, stage=stage, **data)
    if move:
        services.stage_move(actor=actor, stage=stage, offset=move)
        stage.refresh_from_db()
    return stage


@router.delete(
    "/stages/{stage_id}",
    response={204: None, **ERROR_RESPONSES},
    summary="Delete a stage; with points on it, say where they go or that they go too",
)
def stage_delete(
    request: HttpRequest, stage_id: int, move_points_to: int | None = None, delete_points: bool = False
) -> Status[None]:
    stage = _get(Stage, stage_id, "stage_id", "stage")
    target = None
    if move_points_to is not None:
        target = Stage.objects.filter(pk=move_points_to, journey_id=stage.journey_id).first()
        if target is None:
            raise NotFound("No stage with this id in this journey.", field="move_points_to")
    services.stage_delete(
        actor=api_actor(request), stage=stage, move_points_to=target, delete_points=delete_points
    )
    return Status(204, None)


@router.post(
    "/stages/{stage_id}/touchpoints",
    response={201: TouchpointOut, **ERROR_RESPONSES},
    summary="Add a touchpoint to a stage",
)
def touchpoint_add(request: HttpRequest, stage_id: int, payload: TouchpointIn) -> Status[Touchpoint]:
    stage = _get(Stage, stage_id, "stage_id", "stage")
    return Status(201, services.touchpoint_add(actor=api_actor(request), stage=stage, **payload.model_dump()))


@router.delete(
    "/touchpoints/{touchpoint_id}", response={204: None, **ERROR_RESPONSES}, summary="Remove a touchpoint"
)
def touchpoint_delete(request: HttpRequest, touchpoint_id: int) -> Status[None]:
    touchpoint = _get(Touchpoint, touchpoint_id, "touchpoint_id", "touchpoint")
    services.touchpoint_delete(actor=api_actor(request), touchpoint=touchpoint)
    return Status(204, None)


@router.put(
    "/stages/{stage_id}/emotions",
    response={200: StageOut, **ERROR_RESPONSES},
    summary="Set how a persona feels at a stage (-2…+2; null clears it)",
)
def emotion_set(request: HttpRequest, stage_id: int, payload: EmotionIn) -> Stage:
    stage = _get(Stage, stage_id, "stage_id", "stage")
    target = _get(Persona, payload.persona_id, "persona_id", "persona")
    services.emotion_set(
        actor=api_actor(request), stage=stage, persona=target, score=payload.score, note=payload.note
    )
    return stage


# --- Participation points -----------------------------------------------------------------------------
def _with_figures(points: list[ParticipationPoint]) -> list[ParticipationPoint]:
    figures = selectors.point_figures(points)
    for point in points:
        f = figures[point.pk]
        point.figures = {  # type: ignore[attr-defined]
            "contributions": f.contributions,
            "participants": f.participants,
            "pending": f.pending,
            "progress": f.progress,
        }
    return points


@router.get(
    "/journeys/{journey_id}/points",
    response={200: list[PointOut], **ERROR_RESPONSES},
    summary="A journey's participation points with live figures",
)
def points(request: HttpRequest, journey_id: int) -> list[ParticipationPoint]:
    _viewer(request)
    return _with_figures(selectors.points_of(_get(Journey, journey_id, "journey_id", "journey")))


@router.post(
    "/journeys/{journey_id}/points",
    response={201: PointOut, **ERROR_RESPONSES},
    summary="Place a participation point on a stage",
)
def point_create(request: HttpRequest, journey_id: int, payload: PointIn) -> Status[ParticipationPoint]:
    target = _get(Journey, journey_id, "journey_id", "journey")
    data = payload.model_dump()
    stage = _stage_of(target, data.pop("stage_id"))
    touchpoint = _touchpoint(data.pop("touchpoint_id"))
    persona_list = _personas(data.pop("persona_ids"))
    point = services.point_create(
        actor=api_actor(request),
        journey=target,
        stage=stage,
        touchpoint=touchpoint,
        personas=persona_list,
        **data,
    )
    return Status(201, _with_figures([point])[0])


@router.get(
    "/points/{point_id}",
    response={200: PointOut, **ERROR_RESPONSES},
    summary="One participation point with live figures",
)
def point(request: HttpRequest, point_id: int) -> ParticipationPoint:
    _viewer(request)
    found = selectors.point_get(point_id)
    if found is None:
        raise NotFound("No participation point with this id.", field="point_id")
    return _with_figures([found])[0]


@router.patch(
    "/points/{point_id}", response={200: PointOut, **ERROR_RESPONSES}, summary="Change a participation point"
)
def point_update(request: HttpRequest, point_id: int, payload: PointPatch) -> ParticipationPoint:
    found = selectors.point_get(point_id)
    if found is None:
        raise NotFound("No participation point with this id.", field="point_id")
    data = payload.model_dump(exclude_unset=True)
    kwargs: dict[str, Any] = {}
    if "stage_id" in data:
        stage_id = data.pop("stage_id")
        if stage_id is None:
            raise DomainError(message="A point must sit on a stage.", field="stage_id")
        kwargs["stage"] = _stage_of(found.journey, stage_id)
    if "touchpoint_id" in data:
        kwargs["touchpoint"] = _touchpoint(data.pop("touchpoint_id"))
    if "persona_ids" in data:
        kwargs["personas"] = _personas(data.pop("persona_ids") or [])
    updated = services.point_update(actor=api_actor(request), point=found, **kwargs, **data)
    return _with_figures([updated])[0]


@router.delete(
    "/points/{point_id}",
    response={204: None, **ERROR_RESPONSES},
    summary="Delete a participation point (confirm=true when contributions came through it)",
)
def point_delete(request: HttpRequest, point_id: int, confirm: bool = False) -> Status[None]:
    found = _get(ParticipationPoint, point_id, "point_id", "participation point")
    services.point_delete(actor=api_actor(request), point=found, confirm=confirm)
    return Status(204, None)


@router.get(
    "/points/{point_id}/poll",
    response={200: PollOut, **ERROR_RESPONSES},
    summary="A poll's results: votes and shares per option, overall and per persona",
)
def poll(request: HttpRequest, point_id: int) -> dict[str, Any]:
    _viewer(request)
    found = selectors.point_get(point_id)
    if found is None:
        raise NotFound("No participation point with this id.", field="point_id")
    if found.kind != PointKind.POLL:
        raise NotFound("This participation point is not a poll.", field="point_id")
    results = selectors.poll_results(found, by_persona=True)
    return {
        "point_id": found.pk,
        "multiple": results.multiple,
        "voters": results.total.voters,
        "options": results.total.options,
        "personas": [
            {
                "persona_id": row.persona.pk,
                "persona": row.persona.name,
                "voters": row.tally.voters,
                "options": row.tally.options,
            }
            for row in results.personas
        ],
    }


@router.get(
    "/journeys/{journey_id}/coverage",
    response={200: CoverageOut, **ERROR_RESPONSES},
    summary="Persona × stage coverage, measured from contributions, with the gaps in words",
)
def coverage(request: HttpRequest, journey_id: int) -> dict[str, Any]:
    _viewer(request)
    target = _get(Journey, journey_id, "journey_id", "journey")
    matrix = selectors.coverage_matrix(target)
    return {
        "journey_id": target.pk,
        "personas": [p.name for p in matrix.personas],
        "stages": [s.name for s in matrix.stages],
        "cells": [
            {
                "persona_id": c.persona.pk,
                "persona": c.persona.name,
                "stage_id": c.stage.pk,
                "stage": c.stage.name,
                "points": c.points,
                "participants": c.participants,
                "level": c.level,
            }
            for row in matrix.rows
            for c in row
        ],
        "gaps": matrix.gaps,
    }
