"""Prototype tests in the JSON API: tests, versions, invitations, responses and results.

Staff list every test; a member lists the tests they are invited to (and those open to all). Creating,
changing, adding versions and inviting need the brand team; results need a staff role; a response needs
an invitation (or a test open to all). The services check every rule themselves.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile as NinjaUploadedFile

from cocreate.brand.models import Product
from cocreate.core.api import ERROR_RESPONSES, api_actor
from cocreate.core.errors import NotFound
from cocreate.journeys.models import ParticipationPoint, Persona
from cocreate.journeys.services import attribution_from_session

from . import selectors, services
from .models import PrototypeResponse, PrototypeTest, PrototypeVersion
from .policies import check_can_view_results
from .schemas import (
    InviteIn,
    InviteOut,
    PrototypePageFilters,
    ResponseIn,
    ResponseOut,
    ResultsOut,
    TestDetailOut,
    TestIn,
    TestPageOut,
    TestPatch,
    VersionIn,
    VersionOut,
)

router = Router(tags=["prototype tests"])


def _test_for(request: HttpRequest, test_id: int) -> PrototypeTest:
    return selectors.prototype_get_for_viewer(api_actor(request), test_id)


def _get(model: type[Any], pk: int | None, field: str, label: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if found is None:
        raise NotFound(f"No {label} with this id.", field=field)
    return found


def _personas(ids: list[int]) -> list[Persona]:
    found = list(Persona.objects.filter(pk__in=[i for i in ids if 0 < i < 2**63]))
    if len(found) != len(set(ids)):
        raise NotFound("One of the personas does not exist.", field="persona_ids")
    return found


def _relations(data: dict[str, Any]) -> dict[str, Any]:
    """Turn the ids of a body into the objects the services take (only those present)."""
    kwargs: dict[str, Any] = {}
    if "product_id" in data:
        kwargs["product"] = _get(Product, data.pop("product_id"), "product_id", "product")
    if "point_id" in data:
        kwargs["point"] = _get(ParticipationPoint, data.pop("point_id"), "point_id", "participation point")
    if "persona_ids" in data:
        ids = data.pop("persona_ids")
        kwargs["personas"] = _personas(ids or [])
    return kwargs


def _detail(request: HttpRequest, test: PrototypeTest) -> PrototypeTest:
    test.responded_version_ids = sorted(selectors.responded_versions(api_actor(request), test))  # type: ignore[attr-defined]
    return test


@router.get(
    "/prototype-tests",
    response={200: TestPageOut, **ERROR_RESPONSES},
    summary="Prototype tests: all of them for staff, the ones you may take part in for members",
)
def test_list(request: HttpRequest, filters: Query[PrototypePageFilters]) -> dict[str, Any]:
    page = selectors.prototype_page_for(api_actor(request), cursor=filters.cursor, limit=filters.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/prototype-tests", response={201: TestDetailOut, **ERROR_RESPONSES}, summary="Create a prototype test"
)
def test_create(request: HttpRequest, payload: TestIn) -> Status[PrototypeTest]:
    data = payload.model_dump()
    kwargs = _relations(data)
    test = services.prototype_test_create(actor=api_actor(request), **kwargs, **data)
    return Status(201, _detail(request, selectors.prototype_get(test.pk) or test))


@router.get(
    "/prototype-tests/{test_id}",
    response={200: TestDetailOut, **ERROR_RESPONSES},
    summary="A prototype test with its versions (and which ones you responded to)",
)
def test_get(request: HttpRequest, test_id: int) -> PrototypeTest:
    return _detail(request, _test_for(request, test_id))


@router.patch(
    "/prototype-tests/{test_id}",
    response={200: TestDetailOut, **ERROR_RESPONSES},
    summary="Change a prototype test",
)
def test_update(request: HttpRequest, test_id: int, payload: TestPatch) -> PrototypeTest:
    test = _test_for(request, test_id)
    data = payload.model_dump(exclude_unset=True)
    kwargs = _relations(data)
    services.prototype_test_update(actor=api_actor(request), test=test, **kwargs, **data)
    return _detail(request, selectors.prototype_get(test.pk) or test)


@router.post(
    "/prototype-tests/{test_id}/versions",
    response={201: VersionOut, **ERROR_RESPONSES},
    summary="Add a version (multipart form: label, description, link, image_alts; files: images, file)",
)
def version_create(
    request: HttpRequest,
    test_id: int,
    payload: Form[VersionIn],
    images: File[list[NinjaUploadedFile]] = None,  # type: ignore[assignment]
    file: File[NinjaUploadedFile] = None,  # type: ignore[assignment]
) -> Status[PrototypeVersion]:
    test = _test_for(request, test_id)
    uploads: list[UploadedFile] = list(images or [])
    version = services.version_create(
        actor=api_actor(request),
        test=test,
        label=payload.label,
        description=payload.description,
        link=payload.link,
        images=uploads,
        image_alts=payload.image_alts,
        file=file,
    )
    return Status(201, version)


@router.post(
    "/prototype-tests/{test_id}/invitations",
    response={202: InviteOut, **ERROR_RESPONSES},
    summary="Invite members by email now, and every member of some personas in the background",
)
def invitations(request: HttpRequest, test_id: int, payload: InviteIn) -> Status[dict[str, Any]]:
    test = _test_for(request, test_id)
    result = services.invitations_send(
        actor=api_actor(request), test=test, personas=_personas(payload.persona_ids), emails=payload.emails
    )
    return Status(
        202,
        {
            "invited": result.invited,
            "already_invited": result.already,
            "personas_queued": [p.pk for p in result.personas],
        },
    )


def _response_out(response: PrototypeResponse) -> dict[str, Any]:
    criteria = response.test.criteria
    return {
        "id": response.pk,
        "version_id": response.version_id,
        "ratings": {
            criteria[r.criterion]: r.score for r in response.ratings.all() if r.criterion < len(criteria)
        },
        "answers": list(response.answers or []),
        "purchase_intent": response.purchase_intent,
        "created_at": response.created_at,
    }


@router.post(
    "/prototype-tests/{test_id}/responses",
    response={201: ResponseOut, **ERROR_RESPONSES},
    summary="Respond to one version: a 1–5 score per criterion, open answers, purchase intent (1–5)",
)
def respond(request: HttpRequest, test_id: int, payload: ResponseIn) -> Status[dict[str, Any]]:
    test = _test_for(request, test_id)
    version = services.version_get_for_response(test=test, version_id=payload.version_id)
    response = services.response_submit(
        actor=api_actor(request),
        version=version,
        ratings=payload.ratings,
        answers=payload.answers,
        purchase_intent=payload.purchase_intent,
        attribution=attribution_from_session(getattr(request, "session", None)),
    )
    return Status(201, _response_out(response))


def _version_out(v: selectors.VersionResult, with_answers: bool) -> dict[str, Any]:
    def dist(d: selectors.Distribution) -> dict[str, Any]:
        return {"counts": d.counts, "shares": d.shares, "mean": d.mean, "top2": d.top2}

    return {
        "version_id": v.version.pk,
        "label": v.version.label,
        "responses": v.responses,
        "criteria": [{"name": c.name, "distribution": dist(c.distribution)} for c in v.criteria],
        "purchase_intent": dist(v.intent),
        "open_answers": [a.__dict__ for a in v.answers] if with_answers else [],
    }


@router.get(
    "/prototype-tests/{test_id}/results",
    response={200: ResultsOut, **ERROR_RESPONSES},
    summary="Results per version and per persona, and the versions side by side (staff)",
)
def results(request: HttpRequest, test_id: int, persona_ids: Query[list[int]] = None) -> dict[str, Any]:  # type: ignore[assignment]
    check_can_view_results(api_actor(request))
    test = _test_for(request, test_id)
    personas = _personas(persona_ids) if persona_ids else None
    data = selectors.prototype_results(test, personas=personas)
    return {
        "test_id": test.pk,
        "versions": [_version_out(v, True) for v in data.versions],
        "comparison": [
            {"label": r.label, "means": r.means, "differences": r.differences} for r in data.comparison
        ],
        "personas": [
            {
                "persona_id": p.persona.pk,
                "persona": p.persona.name,
                "versions": [_version_out(v, False) for v in p.versions],
            }
            for p in data.personas
        ],
        "purchase_intent_scale": data.intent_labels,
    }
