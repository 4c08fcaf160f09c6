"""Workshops pages: the programme, a workshop with registration and the survey, a member's places, the
staff's management screens (edit, invite, attendance, outputs) and the satisfaction trend."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.brand.models import Product
from cocreate.challenges.models import Challenge
from cocreate.core import slots
from cocreate.core.errors import DomainError
from cocreate.core.text import render_markdown
from cocreate.journeys.models import ParticipationPoint, Persona
from cocreate.journeys.services import attribution_from_session

from . import ics, selectors, services
from .models import Attendance, Centre, OutputKind, WorkshopFormat, WorkshopStatus
from .policies import can_manage_workshops, can_run_workshop


def _workshop_or_404(request: HttpRequest, slug: str) -> Any:
    workshop = selectors.workshop_get(actor=request.user, slug=slug)
    if workshop is None:
        raise Http404(_("No such workshop."))
    return workshop


def _detail_url(workshop: Any) -> str:
    return reverse("workshops:workshop-detail", args=[workshop.slug])


# --- Public pages -------------------------------------------------------------------------------------
@require_GET
def workshop_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workshops/workshop_list.html",
        {
            "upcoming": selectors.workshop_list(actor=request.user),
            "past": selectors.workshop_list(actor=request.user, past=True),
            "can_manage": can_manage_workshops(request.user),
        },
    )


def _detail_context(request: HttpRequest, workshop: Any) -> dict[str, Any]:
    now = timezone.now()
    place = selectors.my_place(user=request.user, workshop=workshop)
    attended = place.registration is not None and place.registration.attendance == Attendance.PRESENT
    return {
        "w": workshop,
        "agenda_html": render_markdown(workshop.agenda),
        "place": place,
        "show_link": selectors.may_see_meeting_link(user=request.user, workshop=workshop),
        "can_run": can_run_workshop(request.user, workshop),
        "started": workshop.starts_at <= now,
        "ended": workshop.ends_at <= now,
        "survey_open": workshop.ends_at <= now and attended and not place.answered_survey,
        "outputs": _outputs(request, workshop),
        "facilitators": list(workshop.facilitators.all()),
        "personas": list(workshop.personas.all()),
        "full": workshop.registered_count >= workshop.capacity,
    }


def _outputs(request: HttpRequest, workshop: Any) -> list[dict[str, Any]]:
    """Each output with its rendered text, and for an idea the link to it when the visitor may see it."""
    from cocreate.challenges.policies import can_view_idea
    from cocreate.challenges.views.ideas import idea_url

    rows = []
    for output in selectors.outputs_of(workshop=workshop):
        idea = output.idea
        rows.append(
            {
                "o": output,
                "html": render_markdown(output.body) if idea is None else "",
                "idea_url": idea_url(idea) if idea is not None and can_view_idea(request.user, idea) else "",
            }
        )
    return rows


@require_GET
def workshop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _workshop_or_404(request, slug)
    return render(request, "workshops/workshop_detail.html", _detail_context(request, workshop))


def _detail_with_error(request: HttpRequest, workshop: Any, error: DomainError) -> HttpResponse:
    context = _detail_context(request, workshop)
    context["error"] = error
    return render(request, "workshops/workshop_detail.html", context, status=error.status)


@login_required
@require_POST
def workshop_register(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _workshop_or_404(request, slug)
    try:
        registration = services.registration_create(
            actor=request.user, workshop=workshop, attribution=attribution_from_session(request.session)
        )
    except DomainError as exc:
        return _detail_with_error(request, workshop, exc)
    if registration.status == "registered":
        messages.success(request, _("You are registered. See you there!"))
    else:
        messages.info(
            request, _("The workshop is full: you are on the waitlist and will be told if a place opens up.")
        )
    return redirect(_detail_url(workshop))


@login_required
@require_POST
def workshop_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _workshop_or_404(request, slug)
    try:
        services.registration_cancel(actor=request.user, workshop=workshop)
    except DomainError as exc:
        return _detail_with_error(request, workshop, exc)
    messages.success(request, _("Your registration is cancelled."))
    return redirect(_detail_url(workshop))


@login_required
@require_http_methods(["GET", "POST"])
def workshop_survey(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _workshop_or_404(request, slug)
    values = {"csat": "", "nps": "", "comment": ""}
    error: DomainError | None = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            services.survey_answer(
                actor=request.user,
                workshop=workshop,
                csat=values["csat"],
                nps=values["nps"],
                comment=values["comment"],
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Thank you for your answers!"))
            return redirect(_detail_url(workshop))
    else:
        try:
            services.survey_accepting(user=request.user, workshop=workshop)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "workshops/survey_form.html",
        {
            "w": workshop,
            "values": values,
            "error": error,
            "fields": {e.field for e in error.errors} if error else set(),
            "csat_range": range(1, 6),
            "nps_range": range(0, 11),
        },
        status=error.status if error and request.method == "POST" else 200,
    )


@login_required
@require_GET
def workshop_mine(request: HttpRequest) -> HttpResponse:
    registrations = selectors.my_registrations(user=request.user)
    positions = selectors.waitlist_positions(user=request.user, registrations=registrations)
    return render(
        request,
        "workshops/workshop_mine.html",
        {"rows": [(r, positions.get(r.pk)) for r in registrations], "now": timezone.now()},
    )


def _ics_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def workshop_ics(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _workshop_or_404(request, slug)
    link = selectors.may_see_meeting_link(user=request.user, workshop=workshop)
    body = ics.calendar([(workshop, request.build_absolute_uri(_detail_url(workshop)), link)])
    return _ics_response(body, f"{workshop.slug}.ics")


@login_required
@require_GET
def workshop_mine_ics(request: HttpRequest) -> HttpResponse:
    rows = [
        r.workshop
        for r in selectors.my_registrations(user=request.user)
        if r.status == "registered" and r.workshop.status != WorkshopStatus.DRAFT
    ]
    body = ics.calendar(
        [(w, request.build_absolute_uri(_detail_url(w)), bool(w.meeting_url)) for w in rows],
        name=_("My workshops"),
    )
    return _ics_response(body, "my-workshops.ics")


@require_GET
def satisfaction(request: HttpRequest) -> HttpResponse:
    figures = selectors.satisfaction()
    return render(
        request,
        "workshops/satisfaction.html",
        {
            "figures": figures,
            "chart": selectors.trend_chart(figures.sessions),
            # Comments are the members' own words: the team reads them, the public sees the figures.
            "comments": selectors.recent_comments() if can_manage_workshops(request.user) else [],
        },
    )


# --- Staff --------------------------------------------------------------------------------------------
def _staff_only(request: HttpRequest) -> None:
    if not can_manage_workshops(request.user):
        raise Http404(_("No such page."))


def _runner_only(request: HttpRequest, workshop: Any) -> None:
    if not can_run_workshop(request.user, workshop):
        raise Http404(_("No such page."))


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    error = None
    values: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("name", "address", "city", "capacity", "timezone")}
        try:
            services.centre_create(
                actor=request.user,
                name=values["name"],
                address=values["address"],
                city=values["city"],
                capacity=_int(values["capacity"], "capacity"),
                timezone_name=values["timezone"],
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The centre is added."))
            return redirect(reverse("workshops:manage"))
    return render(
        request,
        "workshops/manage.html",
        {
            "upcoming": selectors.workshop_list(actor=request.user),
            "past": selectors.workshop_list(actor=request.user, past=True),
            "centres": list(Centre.objects.all()),
            "error": error,
            "values": values,
        },
        status=error.status if error else 200,
    )


def _int(value: str, field: str) -> int:
    try:
        return int((value or "").strip() or "0")
    except ValueError:
        raise DomainError(message=_("Enter a whole number."), field=field) from None


def _datetime(value: str, field: str) -> datetime:
    parsed = parse_datetime((value or "").strip())
    if parsed is None:
        raise DomainError(message=_("Enter a date and time."), field=field)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _pick(model: Any, raw: str, field: str) -> Any:
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError:
        raise DomainError(message=_("Choose from the list."), field=field) from None
    found = model.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if found is None:
        raise DomainError(message=_("Choose from the list."), field=field)
    return found


FORM_FIELDS = (
    "title",
    "goal",
    "agenda",
    "starts_at",
    "ends_at",
    "format",
    "centre",
    "room",
    "meeting_url",
    "capacity",
    "status",
    "product",
    "challenge",
    "participation_point",
)


def _form_values(workshop: Any) -> dict[str, Any]:
    if workshop is None:
        return {
            "format": WorkshopFormat.VENUE,
            "status": WorkshopStatus.DRAFT,
            "capacity": "12",
            "waitlist_open": True,
            "personas": [],
            "facilitators": [],
        }
    local = timezone.localtime
    return {
        "title": workshop.title,
        "goal": workshop.goal,
        "agenda": workshop.agenda,
        "starts_at": local(workshop.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(workshop.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "format": workshop.format,
        "centre": str(workshop.centre_id or ""),
        "room": workshop.room,
        "meeting_url": workshop.meeting_url,
        "capacity": str(workshop.capacity),
        "status": workshop.status,
        "product": str(workshop.product_id or ""),
        "challenge": str(workshop.challenge_id or ""),
        "participation_point": str(workshop.participation_point_id or ""),
        "waitlist_open": workshop.waitlist_open,
        "invite_only": workshop.invite_only,
        "personas": [str(p.pk) for p in workshop.personas.all()],
        "facilitators": [str(u.pk) for u in workshop.facilitators.all()],
    }


def _parse_form(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    post = request.POST
    values: dict[str, Any] = {k: post.get(k, "") for k in FORM_FIELDS}
    values["waitlist_open"] = post.get("waitlist_open") == "on"
    values["invite_only"] = post.get("invite_only") == "on"
    values["personas"] = post.getlist("personas")
    values["facilitators"] = post.getlist("facilitators")
    fields: dict[str, Any] = {
        "title": values["title"],
        "goal": values["goal"].strip(),
        "agenda": values["agenda"].strip(),
        "starts_at": _datetime(values["starts_at"], "starts_at"),
        "ends_at": _datetime(values["ends_at"], "ends_at"),
        "format": values["format"],
        "centre": _pick(Centre, values["centre"], "centre"),
        "room": values["room"].strip(),
        "meeting_url": values["meeting_url"].strip(),
        "capacity": _int(values["capacity"], "capacity"),
        "status": values["status"],
        "product": _pick(Product, values["product"], "product"),
        "challenge": _pick(Challenge, values["challenge"], "challenge"),
        "participation_point": _pick(
            ParticipationPoint, values["participation_point"], "participation_point"
        ),
        "waitlist_open": values["waitlist_open"],
        "invite_only": values["invite_only"],
        "personas": [_pick(Persona, p, "personas") for p in values["personas"]],
        "facilitators": services.users_by_ids(values["facilitators"], "facilitators"),
    }
    return values, fields


def _staff_choices() -> list[Any]:
    from django.contrib.auth import get_user_model

    from cocreate.accounts.models import STAFF_ROLES

    return list(
        get_user_model()
        .objects.filter(role__in=list(STAFF_ROLES), is_active=True)
        .order_by("display_name")[:200]
    )


def _edit_page(request: HttpRequest, workshop: Any) -> HttpResponse:
    _staff_only(request)
    error = None
    values = _form_values(workshop)
    if request.method == "POST":
        try:
            values, fields = _parse_form(request)
            if workshop is None:
                title = fields.pop("title")
                saved = services.workshop_create(
                    actor=request.user,
                    title=title,
                    starts_at=fields.pop("starts_at"),
                    ends_at=fields.pop("ends_at"),
                    capacity=fields.pop("capacity"),
                    **fields,
                )
            else:
                saved = services.workshop_update(actor=request.user, workshop=workshop, **fields)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The workshop is saved."))
            return redirect(_detail_url(saved))
    return render(
        request,
        "workshops/workshop_form.html",
        {
            "w": workshop,
            "values": values,
            "error": error,
            "fields": {e.field for e in error.errors} if error else set(),
            "formats": WorkshopFormat.choices,
            "statuses": WorkshopStatus.choices,
            "centres": list(Centre.objects.all()),
            "products": list(Product.objects.order_by("name")[:200]),
            "challenges": list(Challenge.objects.order_by("title")[:200]),
            "points": list(ParticipationPoint.objects.order_by("title")[:200]),
            "personas": list(Persona.objects.all()),
            "staff": _staff_choices(),
        },
        status=error.status if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def workshop_create(request: HttpRequest) -> HttpResponse:
    return _edit_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def workshop_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _edit_page(request, _workshop_or_404(request, slug))


@login_required
@require_http_methods(["GET", "POST"])
def workshop_invite(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _workshop_or_404(request, slug)
    _staff_only(request)
    error = None
    if request.method == "POST":
        try:
            personas = [_pick(Persona, p, "personas") for p in request.POST.getlist("personas")]
            emails = [
                e.strip() for e in request.POST.get("emails", "").replace(",", "\n").splitlines() if e.strip()
            ]
            users = _users_by_email(emails)
            count = services.invitations_send(
                actor=request.user, workshop=workshop, personas=personas, users=users
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("%(n)s members invited.") % {"n": count})
            return redirect(reverse("workshops:workshop-invite", args=[workshop.slug]))
    return render(
        request,
        "workshops/workshop_invite.html",
        {
            "w": workshop,
            "personas": list(Persona.objects.all()),
            "invited": selectors.invitation_count(workshop=workshop),
            "error": error,
        },
        status=error.status if error else 200,
    )


def _users_by_email(emails: list[str]) -> list[Any]:
    from django.contrib.auth import get_user_model

    found = []
    User = get_user_model()
    for address in emails[:500]:
        user = User.objects.filter(email__iexact=address, is_active=True).first()
        if user is None:
            raise DomainError(message=_("No member has the address %(e)s.") % {"e": address}, field="emails")
        found.append(user)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def workshop_attendance(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _workshop_or_404(request, slug)
    _runner_only(request, workshop)
    error = None
    if request.method == "POST":
        marks: dict[int, str] = {}
        for key in request.POST:
            value = request.POST.get(key, "")
            if key.startswith("attendance-") and value:
                try:
                    marks[int(key.removeprefix("attendance-"))] = value
                except ValueError:
                    continue
        try:
            counts = services.attendance_take(actor=request.user, workshop=workshop, marks=marks)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Attendance saved: %(r)s newly present, %(w)s corrected.")
                % {"r": counts["recorded"], "w": counts["withdrawn"]},
            )
            return redirect(reverse("workshops:workshop-attendance", args=[workshop.slug]))
    return render(
        request,
        "workshops/workshop_attendance.html",
        {
            "w": workshop,
            "sheet": selectors.attendance_sheet(workshop=workshop),
            "waiting": selectors.waitlist(workshop=workshop),
            "choices": [c for c in Attendance.choices if c[0]],
            "error": error,
        },
        status=error.status if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def workshop_outputs(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _workshop_or_404(request, slug)
    _runner_only(request, workshop)
    error = None
    values: dict[str, Any] = {"kind": OutputKind.NOTE, "co_creators": []}
    if request.method == "POST":
        if request.POST.get("form") == "complete":
            try:
                services.workshop_complete(actor=request.user, workshop=workshop)
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _("The workshop is marked completed."))
                return redirect(reverse("workshops:workshop-outputs", args=[workshop.slug]))
        else:
            values = {k: request.POST.get(k, "") for k in ("kind", "title", "body")}
            values["co_creators"] = request.POST.getlist("co_creators")
            try:
                services.output_add(
                    actor=request.user,
                    workshop=workshop,
                    kind=values["kind"],
                    title=values["title"],
                    body=values["body"],
                    co_creators=services.users_by_ids(values["co_creators"], "co_creators"),
                )
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _("The output is saved."))
                return redirect(reverse("workshops:workshop-outputs", args=[workshop.slug]))
    return render(
        request,
        "workshops/workshop_outputs.html",
        {
            "w": workshop,
            "outputs": selectors.outputs_of(workshop=workshop),
            "participants": selectors.attendance_sheet(workshop=workshop),
            "kinds": OutputKind.choices,
            "values": values,
            "error": error,
            "fields": {e.field for e in error.errors} if error else set(),
        },
        status=error.status if error else 200,
    )


# --- The member's profile -----------------------------------------------------------------------------
def render_member_workshops(request: HttpRequest, member: Any) -> str:
    """The profile's section for the member themselves and staff: the workshops they attended."""
    own = bool(request.user.is_authenticated and request.user.pk == member.pk)
    if not (own or can_manage_workshops(request.user)):
        return ""
    attended = selectors.attended_by(user=member, limit=5)
    if not attended:
        return ""
    return render_to_string(
        "workshops/partials/member_workshops.html",
        {"member": member, "attended": attended, "own": own},
        request=request,
    )


def register_slots() -> None:
    slots.register("member_detail", "workshops", render_member_workshops, order=45)


urlpatterns: list[URLPattern] = [
    path("workshops/", workshop_list, name="workshop-list"),
    path("workshops/mine/", workshop_mine, name="workshop-mine"),
    path("workshops/mine/calendar.ics", workshop_mine_ics, name="workshop-mine-ics"),
    path("workshops/satisfaction/", satisfaction, name="satisfaction"),
    path("workshops/manage/", manage, name="manage"),
    path("workshops/manage/new/", workshop_create, name="workshop-create"),
    path("workshops/<slug:slug>/", workshop_detail, name="workshop-detail"),
    path("workshops/<slug:slug>/register/", workshop_register, name="workshop-register"),
    path("workshops/<slug:slug>/cancel/", workshop_cancel, name="workshop-cancel"),
    path("workshops/<slug:slug>/survey/", workshop_survey, name="workshop-survey"),
    path("workshops/<slug:slug>/calendar.ics", workshop_ics, name="workshop-ics"),
    path("workshops/<slug:slug>/edit/", workshop_edit, name="workshop-edit"),
    path("workshops/<slug:slug>/invite/", workshop_invite, name="workshop-invite"),
    path("workshops/<slug:slug>/attendance/", workshop_attendance, name="workshop-attendance"),
    path("workshops/<slug:slug>/outputs/", workshop_outputs, name="workshop-outputs"),
]
