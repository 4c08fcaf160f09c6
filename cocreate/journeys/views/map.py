"""The journey map page, the coverage matrix, the journey list and the map's exports (CSV, SVG, PNG, PDF).

Staff only. Every figure comes from the selectors at read time, with a number of queries that does not
grow with the number of points or contributions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import policies, selectors
from .. import render as draw
from ..models import Journey, ParticipationPoint, Stage, Touchpoint
from ..selectors import CoverageMatrix, PointFigures

View = Callable[..., HttpResponse]


def staff_only(view: View) -> View:
    """Anonymous visitors are sent to log in; members get 403."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.can_view_journeys(request.user):
            raise PermissionDenied(_("Journeys and personas are for staff."))
        return view(request, *args, **kwargs)

    return wrapper


def url_or_none(name: str, *args: Any) -> str | None:
    """A link to a screen that may not be installed: a missing route hides the link, never the page."""
    try:
        return reverse(f"journeys:{name}", args=args)
    except NoReverseMatch:
        return None


def _journey_or_404(journey_id: int) -> Journey:
    journey = selectors.journey_get(journey_id)
    if journey is None:
        raise Http404(_("No such journey."))
    return journey


@dataclass
class PointCard:
    point: ParticipationPoint
    figures: PointFigures
    detail_url: str | None = None
    edit_url: str | None = None


@dataclass
class StageColumn:
    stage: Stage
    touchpoints: list[Touchpoint]
    cards: list[PointCard] = field(default_factory=list)


@dataclass
class MapData:
    journey: Journey
    stages: list[Stage]
    points: list[ParticipationPoint]
    figures: dict[int, PointFigures]
    matrix: CoverageMatrix
    series: list[draw.EmotionSeries]


def _map_data(journey: Journey) -> MapData:
    stages = selectors.stages_of(journey)
    points = selectors.points_of(journey)
    matrix = selectors.coverage_matrix(journey, stages)
    return MapData(
        journey=journey,
        stages=stages,
        points=points,
        figures=selectors.point_figures(points),
        matrix=matrix,
        series=draw.emotion_series(stages, matrix.personas),
    )


@require_GET
@staff_only
def journey_list(request: HttpRequest) -> HttpResponse:
    journeys = list(selectors.journey_list())
    can_design = policies.can_design_journeys(request.user)
    return render(
        request,
        "journeys/journey_list.html",
        {
            "journeys": journeys,
            "create_url": url_or_none("journey-create") if can_design else None,
        },
    )


@require_GET
@staff_only
def journey_map(request: HttpRequest, journey_id: int) -> HttpResponse:
    data = _map_data(_journey_or_404(journey_id))
    can_design = policies.can_design_journeys(request.user)
    columns = {s.pk: StageColumn(stage=s, touchpoints=list(s.touchpoints.all())) for s in data.stages}
    for point in data.points:
        column = columns.get(point.stage_id)
        if column is None:
            continue
        column.cards.append(
            PointCard(
                point=point,
                figures=data.figures[point.pk],
                detail_url=url_or_none("point-detail", point.pk),
                edit_url=url_or_none("point-edit", point.pk) if can_design else None,
            )
        )
    matrix = data.matrix
    emotion_rows = [
        {
            "series": s,
            "cells": [
                (stage, draw.signed(score) if score is not None else None, note)
                for stage, score, note in zip(data.stages, s.scores, s.notes, strict=False)
            ],
        }
        for s in data.series
    ]
    jid = data.journey.pk
    context = {
        "journey": data.journey,
        "columns": list(columns.values()),
        "stage_count": len(data.stages),
        "series": data.series,
        "emotion_rows": emotion_rows,
        # Both strings are built by the renderer, which escapes every name it writes.
        "emotion_svg": mark_safe(draw.emotion_svg(data.stages, data.series)) if data.series else "",
        "matrix": matrix,
        "matrix_svg": (mark_safe(draw.matrix_svg(matrix)) if matrix.personas and data.stages else ""),
        "matrix_rows": [{"persona": matrix.personas[i], "cells": row} for i, row in enumerate(matrix.rows)],
        "stage_totals": [matrix.stage_participants.get(s.pk, 0) for s in data.stages],
        "point_count": len(data.points),
        "links": {
            "list": url_or_none("journey-list"),
            "edit": url_or_none("journey-edit", jid) if can_design else None,
            "point_create": url_or_none("point-create", jid) if can_design else None,
            "csv": url_or_none("journey-export-csv", jid),
            "svg": url_or_none("journey-export-svg", jid),
            "png": url_or_none("journey-export-png", jid),
            "pdf": url_or_none("journey-export-pdf", jid),
        },
    }
    return render(request, "journeys/journey_map.html", context)


def _filename(journey: Journey, extension: str) -> str:
    slug = slugify(journey.name)[:60] or str(journey.pk)
    return f"journey-{slug}.{extension}"


def _download(body: str | bytes, content_type: str, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_only
def export_csv(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _journey_or_404(journey_id)
    stages = selectors.stages_of(journey)
    points = selectors.points_of(journey)
    body = draw.journey_csv(
        selectors.coverage_matrix(journey, stages), points, selectors.point_figures(points)
    )
    # The byte-order mark lets spreadsheet programs read the file as UTF-8.
    return _download("\ufeff" + body, "text/csv; charset=utf-8", _filename(journey, "csv"), attachment=True)


def _poster(journey: Journey) -> tuple[draw.Scene, str]:
    data = _map_data(journey)
    scene = draw.poster_scene(journey.name, data.stages, data.series, data.matrix, today=timezone.localdate())
    desc = " ".join(
        [draw.emotion_desc(data.stages, data.series), draw.matrix_desc(data.matrix), *data.matrix.gaps]
    )
    return scene, desc


@require_GET
@staff_only
def export_svg(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _journey_or_404(journey_id)
    scene, desc = _poster(journey)
    body = draw.poster_svg(scene, title=journey.name, desc=desc)
    return _download(body, "image/svg+xml; charset=utf-8", _filename(journey, "svg"), attachment=False)


@require_GET
@staff_only
def export_png(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _journey_or_404(journey_id)
    scene, _desc = _poster(journey)
    return _download(draw.poster_png(scene), "image/png", _filename(journey, "png"), attachment=False)


@require_GET
@staff_only
def export_pdf(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _journey_or_404(journey_id)
    scene, _desc = _poster(journey)
    body = draw.poster_pdf(scene, title=journey.name)
    return _download(body, "application/pdf", _filename(journey, "pdf"), attachment=False)


urlpatterns: list[URLPattern] = [
    path("journeys/", journey_list, name="journey-list"),
    path("journeys/<int:journey_id>/", journey_map, name="journey-map"),
    path("journeys/<int:journey_id>/export.csv", export_csv, name="journey-export-csv"),
    path("journeys/<int:journey_id>/map.svg", export_svg, name="journey-export-svg"),
    path("journeys/<int:journey_id>/map.png", export_png, name="journey-export-png"),
    path("journeys/<int:journey_id>/map.pdf", export_pdf, name="journey-export-pdf"),
]
