"""Reads for workshops: lists, a member's places, the attendance sheet, the satisfaction figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.addresses import MAX_ID

from .models import (
    Attendance,
    Centre,
    Invitation,
    OutputKind,
    Registration,
    RegistrationStatus,
    SurveyResponse,
    Workshop,
    WorkshopOutput,
    WorkshopStatus,
)
from .policies import can_manage_workshops, can_run_workshop, can_view_workshop

MAX_CENTRES = 500
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def _count(qs: QuerySet[Any]) -> Subquery:
    return Subquery(
        qs.order_by().values("workshop_id").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def _with_places(qs: QuerySet[Workshop]) -> QuerySet[Workshop]:
    registered = Registration.objects.filter(workshop=OuterRef("pk"), status=RegistrationStatus.REGISTERED)
    waiting = Registration.objects.filter(workshop=OuterRef("pk"), status=RegistrationStatus.WAITLISTED)
    return qs.annotate(
        registered_count=Coalesce(_count(registered), Value(0)),
        waitlist_count=Coalesce(_count(waiting), Value(0)),
    )


def workshop_list(*, actor: Any, past: bool = False, now: datetime | None = None) -> list[Workshop]:
    """Published (and, for staff, draft) workshops: upcoming soonest first, or past most recent first."""
    now = now or timezone.now()
    qs = Workshop.objects.select_related("centre")
    if not can_manage_workshops(actor):
        qs = qs.exclude(status=WorkshopStatus.DRAFT)
    if past:
        qs = qs.filter(ends_at__lte=now).order_by("-starts_at", "-id")
    else:
        qs = qs.filter(ends_at__gt=now).order_by("starts_at", "id")
    return list(_with_places(qs)[:100])


def workshop_get(*, actor: Any, slug: str = "", workshop_id: int | None = None) -> Workshop | None:
    """The workshop if it exists and the actor may see it (drafts are for staff and facilitators)."""
    qs = _with_places(Workshop.objects.select_related("centre", "product", "participation_point"))
    if workshop_id is not None:
        if not 0 < workshop_id <= MAX_ID:
            return None
        workshop = qs.filter(pk=workshop_id).first()
    else:
        workshop = qs.filter(slug=slug).first()
    if workshop is None or not can_view_workshop(actor, workshop):
        return None
    return workshop


@dataclass
class MyPlace:
    registration: Registration | None
    waitlist_position: int | None = None
    invited: bool = False
    answered_survey: bool = False


def my_place(*, user: Any, workshop: Workshop) -> MyPlace:
    if not getattr(user, "is_authenticated", False):
        return MyPlace(registration=None)
    registration = Registration.objects.filter(workshop=workshop, user=user).first()
    place = MyPlace(
        registration=registration,
        invited=Invitation.objects.filter(workshop=workshop, user=user).exists(),
        answered_survey=SurveyResponse.objects.filter(workshop=workshop, user=user).exists(),
    )
    if registration is not None and registration.status == RegistrationStatus.WAITLISTED:
        place.waitlist_position = Registration.objects.filter(
            workshop=workshop, status=RegistrationStatus.WAITLISTED, position__lte=registration.position
        ).count()
    return place


def may_see_meeting_link(*, user: Any, workshop: Workshop) -> bool:
    """The link is for registered members and the people running the session."""
    if not workshop.meeting_url or not getattr(user, "is_authenticated", False):
        return False
    if can_run_workshop(user, workshop):
        return True
    return Registration.objects.filter(
        workshop=workshop, user=user, status=RegistrationStatus.REGISTERED
    ).exists()


def my_registrations(*, user: Any) -> list[Registration]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Registration.objects.filter(user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("workshop", "workshop__centre")
        .order_by("-workshop__starts_at", "-id")[:200]
    )


def waitlist_positions(*, user: Any, registrations: list[Registration]) -> dict[int, int]:
    """Position in line for each waiting registration of the member (1 = next to get a place)."""
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    out: dict[int, int] = {}
    for r in waiting:
        out[r.pk] = Registration.objects.filter(
            workshop_id=r.workshop_id, status=RegistrationStatus.WAITLISTED, position__lte=r.position
        ).count()
    return out


def attended_by(*, user: Any, limit: int = 5) -> list[Workshop]:
    """Workshops the member was marked present at, most recent first."""
    return list(
        Workshop.objects.filter(
            registrations__user=user, registrations__attendance=Attendance.PRESENT
        ).order_by("-starts_at", "-id")[:limit]
    )


def survey_invitations_due(*, now: datetime | None = None) -> list[tuple[Workshop, list[int]]]:
    """Sessions that ended in the last week, with their attendees who have not answered the survey yet."""
    from datetime import timedelta

    now = now or timezone.now()
    out: list[tuple[Workshop, list[int]]] = []
    for workshop in Workshop.objects.filter(ends_at__lte=now, ends_at__gt=now - timedelta(days=7)).exclude(
        status__in=[WorkshopStatus.CANCELLED, WorkshopStatus.DRAFT]
    ):
        answered = SurveyResponse.objects.filter(workshop=workshop).values("user_id")
        ids = list(
            Registration.objects.filter(workshop=workshop, attendance=Attendance.PRESENT)
            .exclude(user_id__in=answered)
            .values_list("user_id", flat=True)
        )
        if ids:
            out.append((workshop, ids))
    return out


def attendance_sheet(*, workshop: Workshop) -> list[Registration]:
    return list(
        Registration.objects.filter(workshop=workshop, status=RegistrationStatus.REGISTERED)
        .select_related("user")
        .order_by("position", "id")
    )


def waitlist(*, workshop: Workshop) -> list[Registration]:
    return list(
        Registration.objects.filter(workshop=workshop, status=RegistrationStatus.WAITLISTED)
        .select_related("user")
        .order_by("position", "id")
    )


def invitation_count(*, workshop: Workshop) -> int:
    return Invitation.objects.filter(workshop=workshop).count()


def outputs_of(*, workshop: Workshop) -> list[WorkshopOutput]:
    return list(
        WorkshopOutput.objects.filter(workshop=workshop)
        .select_related("idea", "idea__challenge")
        .prefetch_related("idea__co_creators")
        .order_by("created_at", "id")
    )


def reminders_due(*, now: datetime | None = None, ahead: Any = None) -> list[tuple[Workshop, list[int]]]:
    """Published workshops starting within `ahead` (24 h), with the members registered for them."""
    from datetime import timedelta

    now = now or timezone.now()
    ahead = ahead or timedelta(hours=24)
    out: list[tuple[Workshop, list[int]]] = []
    for workshop in Workshop.objects.filter(
        status=WorkshopStatus.PUBLISHED, starts_at__gt=now, starts_at__lte=now + ahead
    ).select_related("centre"):
        ids = list(
            Registration.objects.filter(workshop=workshop, status=RegistrationStatus.REGISTERED).values_list(
                "user_id", flat=True
            )
        )
        if ids:
            out.append((workshop, ids))
    return out


# --- Satisfaction -------------------------------------------------------------------------------------
def nps_of(promoters: int, detractors: int, responses: int) -> int | None:
    """Net promoter score: % promoters (9–10) minus % detractors (0–6), rounded; None without answers."""
    if not responses:
        return None
    return round(100 * (promoters - detractors) / responses)


@dataclass
class IdeaOutcome:
    title: str
    status: str
    status_label: str
    idea: Any


@dataclass
class SessionFigures:
    workshop: Workshop
    attendees: int
    responses: int
    csat: float | None
    nps: int | None
    response_rate: int | None
    ideas: list[IdeaOutcome] = field(default_factory=list)
    notes: int = 0


@dataclass
class GroupFigures:
    name: str
    sessions: int
    responses: int
    csat: float | None
    nps: int | None


@dataclass
class Satisfaction:
    sessions: list[SessionFigures]
    centres: list[GroupFigures]
    overall: GroupFigures


def _survey_aggregates() -> dict[str, Any]:
    return {
        "responses": Count("id"),
        "csat_avg": Avg("csat"),
        "promoters": Count("id", filter=Q(nps__gte=PROMOTER_MIN)),
        "detractors": Count("id", filter=Q(nps__lte=DETRACTOR_MAX)),
    }


def satisfaction(*, now: datetime | None = None, limit: int = 24) -> Satisfaction:
    """Per session (oldest first, the last `limit` that ended), per centre and overall. Every figure is a
    database aggregate over the survey answers and the attendance taken."""
    now = now or timezone.now()
    attendees = Registration.objects.filter(workshop=OuterRef("pk"), attendance=Attendance.PRESENT)
    sessions_qs = (
        Workshop.objects.filter(ends_at__lte=now)
        .exclude(status__in=[WorkshopStatus.CANCELLED, WorkshopStatus.DRAFT])
        .select_related("centre")
        .annotate(
            attendee_count=Coalesce(_count(attendees), Value(0)),
            response_count=Count("survey_responses"),
            csat_avg=Avg("survey_responses__csat"),
            promoters=Count("survey_responses", filter=Q(survey_responses__nps__gte=PROMOTER_MIN)),
            detractors=Count("survey_responses", filter=Q(survey_responses__nps__lte=DETRACTOR_MAX)),
        )
        .order_by("-ends_at", "-id")[:limit]
    )
    rows = list(sessions_qs)[::-1]
    outputs = (
        WorkshopOutput.objects.filter(workshop__in=[w.pk for w in rows])
        .select_related("idea")
        .order_by("created_at", "id")
    )
    ideas: dict[int, list[IdeaOutcome]] = defaultdict(list)
    notes: dict[int, int] = defaultdict(int)
    for output in outputs:
        if output.kind == OutputKind.IDEA and output.idea is not None:
            ideas[output.workshop_id].append(
                IdeaOutcome(
                    title=output.idea.title,
                    status=output.idea.status,
                    status_label=str(output.idea.get_status_display()),
                    idea=output.idea,
                )
            )
        elif output.kind == OutputKind.IDEA:
            ideas[output.workshop_id].append(
                IdeaOutcome(title=output.title, status="", status_label="", idea=None)
            )
        else:
            notes[output.workshop_id] += 1
    sessions = []
    for w in rows:
        responses = int(w.response_count)
        attendees_n = int(w.attendee_count)
        sessions.append(
            SessionFigures(
                workshop=w,
                attendees=attendees_n,
                responses=responses,
                csat=round(float(w.csat_avg), 2) if w.csat_avg is not None else None,
                nps=nps_of(w.promoters, w.detractors, responses),
                response_rate=round(100 * responses / attendees_n) if attendees_n else None,
                ideas=ideas.get(w.pk, []),
                notes=notes.get(w.pk, 0),
            )
        )
    answers = SurveyResponse.objects.filter(workshop__ends_at__lte=now).exclude(
        workshop__status=WorkshopStatus.CANCELLED
    )
    grouped: Any = (
        answers.values("workshop__centre__name")
        .annotate(sessions=Count("workshop", distinct=True), **_survey_aggregates())
        .order_by("workshop__centre__name")
    )
    by_centre: list[dict[str, Any]] = list(grouped)
    centres = [
        GroupFigures(
            name=row["workshop__centre__name"] or str(_("Online")),
            sessions=row["sessions"],
            responses=row["responses"],
            csat=round(float(row["csat_avg"]), 2) if row["csat_avg"] is not None else None,
            nps=nps_of(row["promoters"], row["detractors"], row["responses"]),
        )
        for row in by_centre
    ]
    total = answers.aggregate(sessions=Count("workshop", distinct=True), **_survey_aggregates())
    overall = GroupFigures(
        name="",
        sessions=total["sessions"],
        responses=total["responses"],
        csat=round(float(total["csat_avg"]), 2) if total["csat_avg"] is not None else None,
        nps=nps_of(total["promoters"], total["detractors"], total["responses"]),
    )
    return Satisfaction(sessions=sessions, centres=centres, overall=overall)


def recent_comments(*, limit: int = 20) -> list[SurveyResponse]:
    """The latest survey comments with their session, for the staff."""
    return list(
        SurveyResponse.objects.exclude(comment="")
        .select_related("workshop")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass
class ChartBar:
    x: float
    label: str
    csat: float | None
    csat_y: float
    csat_height: float
    nps: int | None
    nps_y: float | None


@dataclass
class Chart:
    width: int
    height: int
    bars: list[ChartBar]
    bar_width: float
    nps_points: str
    baseline: float


def trend_chart(sessions: list[SessionFigures], *, width: int = 640, height: int = 220) -> Chart:
    """Coordinates for the server-drawn SVG: a CSAT bar (1–5) per session and an NPS line (−100…100)."""
    top, bottom, left = 16.0, 40.0, 36.0
    plot_h = height - top - bottom
    n = max(len(sessions), 1)
    slot = (width - left - 12) / n
    bar_w = min(48.0, slot * 0.6)
    bars: list[ChartBar] = []
    points: list[str] = []
    for i, s in enumerate(sessions):
        x = left + i * slot + (slot - bar_w) / 2
        h = (s.csat / 5.0) * plot_h if s.csat is not None else 0.0
        nps_y = top + (100 - s.nps) / 200 * plot_h if s.nps is not None else None
        if nps_y is not None:
            points.append(f"{x + bar_w / 2:.1f},{nps_y:.1f}")
        bars.append(
            ChartBar(
                x=round(x, 1),
                label=s.workshop.starts_at.strftime("%Y-%m-%d"),
                csat=s.csat,
                csat_y=round(top + plot_h - h, 1),
                csat_height=round(h, 1),
                nps=s.nps,
                nps_y=round(nps_y, 1) if nps_y is not None else None,
            )
        )
    return Chart(
        width=width,
        height=height,
        bars=bars,
        bar_width=round(bar_w, 1),
        nps_points=" ".join(points),
        baseline=top + plot_h,
    )


def centre_list() -> list[Centre]:
    """Every innovation centre by name (a programme has a handful; the cap only bounds the answer)."""
    return list(Centre.objects.order_by("name")[:MAX_CENTRES])
