"""The brand team's design screens: a journey with its stages, touchpoints and feelings, and the
participation points placed on it.

Reading needs a staff role, changing needs the brand team. Every change goes through one service and a
DomainError comes back in place on the form. Each action answers the whole page, or for htmx only the part
it changed: one stage, or the list of stages when their order or number changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment

from .. import selectors, services
from ..forms import (
    ConfirmDeleteForm,
    EmotionForm,
    JourneyCreateForm,
    JourneyForm,
    PointForm,
    StageAddForm,
    StageDeleteForm,
    StageForm,
    TouchpointForm,
)
from ..models import Contribution, Journey, ParticipationPoint, PointKind, Stage, Touchpoint
from ..policies import can_design_journeys, can_view_journeys
from .widget import widget_snippet

View = Callable[..., HttpResponse]


# --- Shared by the design and persona screens ---------------------------------------------------------
def staff_only(*, design: bool) -> Callable[[View], View]:
    """Anonymous visitors log in first; staff may look; only the brand team may change things."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            allowed = can_design_journeys(request.user) if design else can_view_journeys(request.user)
            if not allowed:
                raise PermissionDenied(
                    _("Only administrators and analysts can change personas, journeys and points.")
                    if design
                    else _("Journeys and personas are for staff.")
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def show_errors(form: forms.Form, exc: DomainError, rename: dict[str, str] | None = None) -> None:
    """Put a service's errors on the fields they name, or above the form."""
    for err in exc.errors:
        name = (rename or {}).get(err.field or "", err.field)
        form.add_error(name if name in form.fields else None, err.message)


def form_status(request: HttpRequest) -> int:
    # htmx only swaps successful answers, so a fragment carrying errors answers 200.
    return 200 if wants_fragment(request) else 400


# --- Lookups ------------------------------------------------------------------------------------------
def _journey(journey_id: int) -> Journey:
    journey = selectors.journey_get(journey_id)
    if journey is None:
        raise Http404(_("No such journey."))
    return journey


def _stage(stage_id: int) -> Stage:
    stage = Stage.objects.select_related("journey").filter(pk=stage_id).first()
    if stage is None:
        raise Http404(_("No such stage."))
    return stage


def _point(point_id: int) -> ParticipationPoint:
    point = selectors.point_get(point_id)
    if point is None:
        raise Http404(_("No such participation point."))
    return point


def _edit_url(journey_id: int, stage_id: int | None = None) -> str:
    url = reverse("journeys:journey-edit", args=[journey_id])
    return f"{url}#stage-{stage_id}" if stage_id else url


# --- The journey edit page ----------------------------------------------------------------------------
Bound = dict[tuple[Any, str], forms.Form]


def _panels(journey: Journey, bound: Bound | None = None, only: int | None = None) -> list[dict[str, Any]]:
    """One panel per stage: the stage with its forms (a bound one where a post just failed)."""
    bound = bound or {}
    stages = selectors.stages_of(journey)
    personas = selectors.persona_list()
    points: dict[int, list[ParticipationPoint]] = defaultdict(list)
    for point in selectors.points_of(journey):
        points[point.stage_id].append(point)
    panels = []
    for i, stage in enumerate(stages):
        if only is not None and stage.pk != only:
            continue
        pk = stage.pk
        panels.append(
            {
                "stage": stage,
                "number": i + 1,
                "first": i == 0,
                "last": i == len(stages) - 1,
                "points": points[pk],
                "personas": personas,
                "form": bound.get((pk, "stage")) or StageForm.for_stage(stage, auto_id=f"stage-{pk}-%s"),
                "touchpoint_form": bound.get((pk, "touchpoint")) or TouchpointForm(auto_id=f"tp-{pk}-%s"),
                "emotion_form": bound.get((pk, "emotion"))
                or EmotionForm(personas=personas, stage=stage, auto_id=f"emo-{pk}-%s"),
                "add_form": bound.get((pk, "add"))
                or StageAddForm(initial={"after": pk}, auto_id=f"add-{pk}-%s"),
            }
        )
    return panels


def _edit_context(
    journey: Journey,
    *,
    bound: Bound | None = None,
    journey_form: JourneyForm | None = None,
    delete_form: ConfirmDeleteForm | None = None,
) -> dict[str, Any]:
    bound = bound or {}
    contributions = Contribution.objects.filter(stage__journey=journey).count()
    return {
        "journey": journey,
        "journey_form": journey_form
        or JourneyForm(initial={"name": journey.name, "description": journey.description}),
        "panels": _panels(journey, bound),
        "end_form": bound.get(("end", "add")) or StageAddForm(auto_id="add-end-%s"),
        "delete_form": delete_form or _journey_delete_form(contributions),
        "contributions": contributions,
    }


def _journey_delete_form(contributions: int, data: Any = None) -> ConfirmDeleteForm:
    label = _("Also delete the %(n)s contributions made through its points") % {"n": contributions}
    return ConfirmDeleteForm(data, label=label, auto_id="delete-journey-%s")


def _stage_answer(request: HttpRequest, stage: Stage, bound: Bound | None = None) -> HttpResponse:
    """After a change to one stage: that stage's panel for htmx, else the page (with errors, or moved on)."""
    if wants_fragment(request):
        panel = _panels(stage.journey, bound, only=stage.pk)[0]
        return render(
            request, "journeys/partials/design_stage.html", {"journey": stage.journey, "panel": panel}
        )
    if bound:
        return render(
            request, "journeys/journey_edit.html", _edit_context(stage.journey, bound=bound), status=400
        )
    return redirect(_edit_url(stage.journey_id, stage.pk))


def _stages_answer(
    request: HttpRequest, journey: Journey, bound: Bound | None = None, focus: int | None = None
) -> HttpResponse:
    """After a change to the order or number of stages: the whole list for htmx, else the page."""
    if wants_fragment(request):
        context = {"journey": journey, "panels": _panels(journey, bound)}
        context["end_form"] = (bound or {}).get(("end", "add")) or StageAddForm(auto_id="add-end-%s")
        return render(request, "journeys/partials/design_stages.html", context)
    if bound:
        return render(request, "journeys/journey_edit.html", _edit_context(journey, bound=bound), status=400)
    return redirect(_edit_url(journey.pk, focus))


@staff_only(design=True)
@require_http_methods(["GET", "POST"])
def journey_create(request: HttpRequest) -> HttpResponse:
    form = JourneyCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            journey = services.journey_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                from_template=form.cleaned_data["from_template"],
            )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The journey is created. Shape its stages below."))
            return redirect("journeys:journey-edit", journey.pk)
    status = 400 if form.is_bound else 200
    return render(request, "journeys/journey_form.html", {"form": form}, status=status)


@staff_only(design=True)
@require_http_methods(["GET", "POST"])
def journey_edit(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _journey(journey_id)
    if request.method == "POST":
        form = JourneyForm(request.POST)
        if form.is_valid():
            try:
                services.journey_update(
                    actor=request.user,
                    journey=journey,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except DomainError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("The journey is saved."))
                return redirect("journeys:journey-edit", journey.pk)
        journey.refresh_from_db()
        return render(
            request, "journeys/journey_edit.html", _edit_context(journey, journey_form=form), status=400
        )
    return render(request, "journeys/journey_edit.html", _edit_context(journey))


@staff_only(design=True)
@require_POST
def journey_delete(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _journey(journey_id)
    contributions = Contribution.objects.filter(stage__journey=journey).count()
    form = _journey_delete_form(contributions, request.POST)
    if form.is_valid():
        try:
            services.journey_delete(actor=request.user, journey=journey, confirm=form.cleaned_data["confirm"])
        except DomainError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The journey “%(name)s” is deleted.") % {"name": journey.name})
            return redirect("journeys:journey-list")
    return render(request, "journeys/journey_edit.html", _edit_context(journey, delete_form=form), status=409)


# --- Stages -------------------------------------------------------------------------------------------
@staff_only(design=True)
@require_POST
def stage_add(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _journey(journey_id)
    try:
        after_id = int(request.POST.get("after") or 0)
    except ValueError:
        after_id = 0
    after = journey.stages.filter(pk=after_id).first() if after_id else None
    key = after.pk if after is not None else "end"
    form = StageAddForm(request.POST, auto_id=f"add-{key}-%s")
    if form.is_valid():
        try:
            stage = services.stage_add(
                actor=request.user, journey=journey, name=form.cleaned_data["name"], after=after
            )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            return _stages_answer(request, journey, focus=stage.pk)
    return _stages_answer(request, journey, bound={(key, "add"): form})


@staff_only(design=True)
@require_POST
def stage_update(request: HttpRequest, stage_id: int) -> HttpResponse:
    stage = _stage(stage_id)
    form = StageForm(request.POST, auto_id=f"stage-{stage.pk}-%s")
    if form.is_valid():
        try:
            services.stage_update(actor=request.user, stage=stage, **form.cleaned_data)
        except DomainError as exc:
            show_errors(form, exc)
        else:
            return _stage_answer(request, stage)
    stage.refresh_from_db()
    return _stage_answer(request, stage, {(stage.pk, "stage"): form})


@staff_only(design=True)
@require_POST
def stage_move(request: HttpRequest, stage_id: int) -> HttpResponse:
    stage = _stage(stage_id)
    offset = -1 if request.POST.get("offset") == "-1" else 1
    services.stage_move(actor=request.user, stage=stage, offset=offset)
    return _stages_answer(request, stage.journey, focus=stage.pk)


@staff_only(design=True)
@require_http_methods(["GET", "POST"])
def stage_delete(request: HttpRequest, stage_id: int) -> HttpResponse:
    """Deleting a stage that points or contributions sit on asks where they go; nothing goes silently."""
    stage = _stage(stage_id)
    contents = services.stage_contents(stage)
    others = [s for s in selectors.stages_of(stage.journey) if s.pk != stage.pk]
    form = StageDeleteForm(request.POST if request.method == "POST" else None, others=others)
    status = 200
    if request.method == "POST":
        if contents.empty:
            services.stage_delete(actor=request.user, stage=stage)
            return _deleted(request, stage)
        if form.is_valid():
            target = form.cleaned_data.get("target")
            try:
                services.stage_delete(
                    actor=request.user,
                    stage=stage,
                    move_points_to=target,
                    delete_points=target is None,
                )
            except DomainError as exc:
                show_errors(form, exc)
            else:
                return _deleted(request, stage)
        status = 400
    context = {"stage": stage, "journey": stage.journey, "contents": contents, "form": form, "others": others}
    return render(request, "journeys/stage_delete.html", context, status=status)


def _deleted(request: HttpRequest, stage: Stage) -> HttpResponse:
    messages.success(request, _("The stage “%(name)s” is deleted.") % {"name": stage.name})
    return redirect(_edit_url(stage.journey_id))


# --- Touchpoints and feelings -------------------------------------------------------------------------
@staff_only(design=True)
@require_POST
def touchpoint_add(request: HttpRequest, stage_id: int) -> HttpResponse:
    stage = _stage(stage_id)
    form = TouchpointForm(request.POST, auto_id=f"tp-{stage.pk}-%s")
    if form.is_valid():
        try:
            services.touchpoint_add(actor=request.user, stage=stage, **form.cleaned_data)
        except DomainError as exc:
            show_errors(form, exc)
        else:
            return _stage_answer(request, stage)
    return _stage_answer(request, stage, {(stage.pk, "touchpoint"): form})


@staff_only(design=True)
@require_POST
def touchpoint_delete(request: HttpRequest, touchpoint_id: int) -> HttpResponse:
    touchpoint = Touchpoint.objects.select_related("stage__journey").filter(pk=touchpoint_id).first()
    if touchpoint is None:
        raise Http404(_("No such touchpoint."))
    stage = touchpoint.stage
    services.touchpoint_delete(actor=request.user, touchpoint=touchpoint)
    return _stage_answer(request, stage)


@staff_only(design=True)
@require_POST
def emotions_set(request: HttpRequest, stage_id: int) -> HttpResponse:
    stage = _stage(stage_id)
    form = EmotionForm(
        request.POST, personas=selectors.persona_list(), stage=stage, auto_id=f"emo-{stage.pk}-%s"
    )
    if form.is_valid():
        try:
            for persona, score in form.scores():
                services.emotion_set(actor=request.user, stage=stage, persona=persona, score=score)
        except DomainError as exc:
            show_errors(form, exc)
        else:
            return _stage_answer(request, stage)
    return _stage_answer(request, stage, {(stage.pk, "emotion"): form})


# --- Participation points -----------------------------------------------------------------------------
def _point_form(journey: Journey, data: Any = None, initial: dict[str, Any] | None = None) -> PointForm:
    return PointForm(
        data,
        initial=initial,
        journey=journey,
        stages=selectors.stages_of(journey),
        personas=selectors.persona_list(),
        touchpoints_url=reverse("journeys:point-touchpoints", args=[journey.pk]),
    )


@staff_only(design=True)
@require_http_methods(["GET", "POST"])
def point_create(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _journey(journey_id)
    if request.method == "POST":
        form = _point_form(journey, request.POST)
        if form.is_valid():
            try:
                point = services.point_create(actor=request.user, journey=journey, **form.service_kwargs())
            except DomainError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("The participation point is placed."))
                return redirect("journeys:point-detail", point.pk)
        status = 400
    else:
        form = _point_form(journey, initial={"stage": request.GET.get("stage", ""), "owner": request.user.pk})
        status = 200
    return render(request, "journeys/point_form.html", {"form": form, "journey": journey}, status=status)


@staff_only(design=True)
@require_GET
def point_touchpoints(request: HttpRequest, journey_id: int) -> HttpResponse:
    """The touchpoint choice for the stage just picked on the point form."""
    journey = _journey(journey_id)
    stage = request.GET.get("stage", "")
    if not wants_fragment(request):
        query = urlencode({"stage": stage})
        return HttpResponseRedirect(f"{reverse('journeys:point-create', args=[journey.pk])}?{query}")
    form = _point_form(journey, initial={"stage": stage})
    return render(request, "journeys/partials/design_touchpoint_field.html", {"field": form["touchpoint"]})


def _point_delete_form(point: ParticipationPoint, data: Any = None) -> ConfirmDeleteForm:
    n = point.contributions.count()
    label = _("Also delete the %(n)s contributions that came through it") % {"n": n}
    form = ConfirmDeleteForm(data, label=label, auto_id="delete-point-%s")
    form.contributions = n  # type: ignore[attr-defined]
    return form


@staff_only(design=True)
@require_http_methods(["GET", "POST"])
def point_edit(request: HttpRequest, point_id: int) -> HttpResponse:
    point = _point(point_id)
    status = 200
    if request.method == "POST":
        form = _point_form(point.journey, request.POST)
        if form.is_valid():
            try:
                services.point_update(actor=request.user, point=point, **form.service_kwargs())
            except DomainError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("The participation point is saved."))
                return redirect("journeys:point-detail", point.pk)
        point = _point(point_id)
        status = 400
    else:
        form = _point_form(point.journey, initial=PointForm.initial_for(point))
    context = {
        "form": form,
        "journey": point.journey,
        "point": point,
        "delete_form": _point_delete_form(point),
    }
    return render(request, "journeys/point_form.html", context, status=status)


@staff_only(design=True)
@require_POST
def point_delete(request: HttpRequest, point_id: int) -> HttpResponse:
    point = _point(point_id)
    form = _point_delete_form(point, request.POST)
    if form.is_valid():
        try:
            services.point_delete(actor=request.user, point=point, confirm=form.cleaned_data["confirm"])
        except DomainError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The participation point “%(t)s” is deleted.") % {"t": point.title})
            return redirect(_edit_url(point.journey_id, point.stage_id))
    context = {
        "form": _point_form(point.journey, initial=PointForm.initial_for(point)),
        "journey": point.journey,
        "point": point,
        "delete_form": form,
    }
    return render(request, "journeys/point_form.html", context, status=409)


@staff_only(design=False)
@require_GET
def point_detail(request: HttpRequest, point_id: int) -> HttpResponse:
    point = _point(point_id)
    base = settings.PUBLIC_URL.rstrip("/")
    link = f"{base}/?pp={point.public_id}"
    snippet = widget_snippet(point, base)
    context = {
        "point": point,
        "journey": point.journey,
        "figures": selectors.point_figures([point])[point.pk],
        "contributions": selectors.contributions_for_point(point),
        "link": link,
        "touchpoint_links": [(tp, f"{link}&tp={tp.pk}") for tp in point.stage.touchpoints.all()],
        "snippet": snippet,
        "can_design": can_design_journeys(request.user),
        "poll": selectors.poll_results(point, by_persona=True) if point.kind == PointKind.POLL else None,
    }
    return render(request, "journeys/point_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("journeys/new/", journey_create, name="journey-create"),
    path("journeys/<int:journey_id>/edit/", journey_edit, name="journey-edit"),
    path("journeys/<int:journey_id>/delete/", journey_delete, name="journey-delete"),
    path("journeys/<int:journey_id>/stages/add/", stage_add, name="stage-add"),
    path("journeys/stages/<int:stage_id>/update/", stage_update, name="stage-update"),
    path("journeys/stages/<int:stage_id>/move/", stage_move, name="stage-move"),
    path("journeys/stages/<int:stage_id>/delete/", stage_delete, name="stage-delete"),
    path("journeys/stages/<int:stage_id>/touchpoints/", touchpoint_add, name="touchpoint-add"),
    path("journeys/stages/<int:stage_id>/emotions/", emotions_set, name="emotions-set"),
    path("journeys/touchpoints/<int:touchpoint_id>/delete/", touchpoint_delete, name="touchpoint-delete"),
    path("journeys/<int:journey_id>/points/new/", point_create, name="point-create"),
    path("journeys/<int:journey_id>/points/touchpoints/", point_touchpoints, name="point-touchpoints"),
    path("points/<int:point_id>/", point_detail, name="point-detail"),
    path("points/<int:point_id>/edit/", point_edit, name="point-edit"),
    path("points/<int:point_id>/delete/", point_delete, name="point-delete"),
]
