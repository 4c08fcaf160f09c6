"""Reads for the staff triage of feedback: the inbox and its views, the public status history of a post,
and first-response and resolution times per team."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreate.accounts.models import STAFF_ROLES
from cocreate.core.pagination import Page, paginate
from cocreate.core.text import render_markdown
from cocreate.journeys.models import Stage

from ..models import (
    CLOSED_STATUSES,
    Area,
    FeedbackStatus,
    SavedReply,
    Team,
    Thread,
    ThreadKind,
    TriageAction,
    TriageEvent,
    TriageNote,
)


def public_history(thread: Thread) -> list[TriageEvent]:
    """The status changes of a post, oldest first, as shown publicly on it: each event carries
    `new_label` (the status's name) and `message_html` (the staff message rendered through the
    allow-list). Internal notes and the other triage actions are never part of it. One query."""
    labels = dict(FeedbackStatus.choices)
    events = list(
        TriageEvent.objects.filter(thread=thread, action=TriageAction.STATUS)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for event in events:
        event_any: Any = event
        event_any.new_label = labels.get(event.new_value, event.new_value)
        event_any.message_html = render_markdown(event.message) if event.message else ""
    return events


# --- The inbox ----------------------------------------------------------------------------------------
class InboxView(TextChoices):
    OPEN = "open", _("Open")
    NEW = "new", _("New")
    MINE = "mine", _("Assigned to me")
    TEAM = "team", _("My teams")
    UNASSIGNED = "unassigned", _("Unassigned")
    UNANSWERED = "unanswered", _("Unanswered questions")
    TODAY = "today", _("Under a day old")
    WEEK = "week", _("1–7 days old")
    OLDER = "older", _("Older than 7 days")
    ALL = "all", _("Everything")


# The filters the inbox takes (each optional); ids for the related labels.
INBOX_FILTERS = ("kind", "status", "area", "stage", "sentiment", "team", "board")


def _view_q(view: str, user: Any, now: datetime) -> Q:
    """The condition of one inbox view. Every view but "all" and "new" lists open posts only."""
    open_q = ~Q(status__in=CLOSED_STATUSES)
    day, week = now - timedelta(days=1), now - timedelta(days=7)
    conditions: dict[str, Q] = {
        InboxView.OPEN: open_q,
        InboxView.NEW: Q(status=FeedbackStatus.NEW),
        InboxView.MINE: open_q & Q(assignee_id=getattr(user, "pk", None)),
        InboxView.TEAM: open_q & Q(team__members=user) if getattr(user, "pk", None) else Q(pk__in=[]),
        InboxView.UNASSIGNED: open_q & Q(assignee__isnull=True),
        InboxView.UNANSWERED: open_q
        & Q(kind=ThreadKind.QUESTION, accepted_answer__isnull=True, first_response_at__isnull=True),
        InboxView.TODAY: open_q & Q(created_at__gte=day),
        InboxView.WEEK: open_q & Q(created_at__lt=day, created_at__gte=week),
        InboxView.OLDER: open_q & Q(created_at__lt=week),
        InboxView.ALL: Q(),
    }
    return conditions.get(view, open_q)


def inbox_queryset(*, user: Any, view: str = InboxView.OPEN, filters: Mapping[str, Any] | None = None) -> Any:
    """Posts in triage for one view and filters (not deleted)."""
    qs = Thread.objects.filter(in_triage=True, deleted_at__isnull=True).filter(
        _view_q(view, user, timezone.now())
    )
    for name, value in (filters or {}).items():
        if name not in INBOX_FILTERS or value in (None, ""):
            continue
        key = name if name in ("kind", "status", "sentiment") else f"{name}_id"
        qs = qs.filter(**{key: getattr(value, "pk", value)})
    return qs


def inbox(
    *,
    user: Any,
    view: str = InboxView.OPEN,
    filters: Mapping[str, Any] | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Thread]:
    """One page of the inbox, newest first (keyset on created_at, id): two queries whatever the depth,
    the page and the tags of its posts."""
    qs = inbox_queryset(user=user, view=view, filters=filters).select_related(
        "author", "board", "assignee", "team", "area", "stage"
    )
    page = paginate(qs, order=["-created_at", "-id"], cursor=cursor, limit=limit)
    now = timezone.now()
    for thread in page.items:
        thread_any: Any = thread
        thread_any.age = now - thread.created_at
    return page


def inbox_counts(*, user: Any) -> dict[str, int]:
    """How many open posts each view holds, for the sidebar: two queries (the member's teams, then one
    pass over the open posts). "Everything" is not counted: it would read every post ever triaged."""
    now = timezone.now()
    base = Thread.objects.filter(in_triage=True, deleted_at__isnull=True).exclude(status__in=CLOSED_STATUSES)
    team_ids = (
        list(Team.objects.filter(members=user).values_list("pk", flat=True))
        if getattr(user, "pk", None)
        else []
    )
    aggregates: dict[str, Any] = {}
    for view in InboxView.values:
        if view == InboxView.ALL:
            continue
        # The team view as a plain IN list: a join on the members table would count a post once per member.
        condition = Q(team_id__in=team_ids) if view == InboxView.TEAM else _view_q(view, user, now)
        aggregates[view] = Count("id", filter=condition)
    return {name: int(n or 0) for name, n in base.aggregate(**aggregates).items()}


def thread_for_triage(*, thread_id: int) -> Thread | None:
    """A post with everything the triage panel shows (not deleted); None for any other id."""
    if not 0 < thread_id < 2**63:
        return None
    return (
        Thread.objects.select_related("author", "board", "product", "assignee", "team", "area", "stage")
        .filter(pk=thread_id, deleted_at__isnull=True)
        .first()
    )


def triage_history(*, thread: Thread) -> list[TriageEvent]:
    """Every triage action on a post, oldest first, for staff (status messages rendered)."""
    labels = dict(FeedbackStatus.choices)
    events = list(
        TriageEvent.objects.filter(thread=thread).select_related("actor").order_by("created_at", "id")
    )
    for event in events:
        event_any: Any = event
        if event.action == TriageAction.STATUS:
            event_any.old_label = labels.get(event.old_value, event.old_value)
            event_any.new_label = labels.get(event.new_value, event.new_value)
        else:
            event_any.old_label, event_any.new_label = event.old_value, event.new_value
        event_any.message_html = render_markdown(event.message) if event.message else ""
    return events


def notes_of(*, thread: Thread) -> list[TriageNote]:
    """Internal notes, oldest first, bodies rendered (`body_html`)."""
    notes = list(
        TriageNote.objects.filter(thread=thread).select_related("author").order_by("created_at", "id")
    )
    for note in notes:
        note_any: Any = note
        note_any.body_html = render_markdown(note.body)
    return notes


def staff_choices() -> Any:
    """People a post may be assigned to and who may join a team: active staff."""
    return (
        get_user_model()
        .objects.filter(Q(role__in=STAFF_ROLES) | Q(is_superuser=True), is_active=True)
        .order_by("display_name", "id")
    )


def team_list() -> Any:
    return Team.objects.prefetch_related("members").order_by("name", "id")


def area_list() -> Any:
    return Area.objects.order_by("name", "id")


def stage_choices() -> Any:
    return Stage.objects.select_related("journey").order_by("journey__name", "journey_id", "position", "id")


def saved_reply_list(*, user: Any = None) -> Any:
    """Saved replies, the ones of the member's teams and the shared ones first."""
    return SavedReply.objects.select_related("team", "created_by").order_by("title", "id")


# --- Response and resolution times --------------------------------------------------------------------
@dataclass
class TeamTimes:
    """First-response and resolution times of the posts received in a window, for one team (None: posts
    without a team; `total`: every post)."""

    team: Team | None
    received: int
    handled: int
    resolved: int
    open_now: int
    first_response_median: timedelta | None
    first_response_p90: timedelta | None
    resolution_median: timedelta | None
    resolution_p90: timedelta | None
    total: bool = False


def _percentile(qs: Any, start: str, end: str, count: int, fraction: float) -> timedelta | None:
    """The `fraction` percentile of `end - start` over `qs` (linear interpolation between the two nearest
    ranks, as statistics.median and numpy do): the database sorts, one query reads at most two rows, so the
    cost does not grow with a Python list of every duration. Works on SQLite and PostgreSQL."""
    if count == 0:
        return None
    duration = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    position = fraction * (count - 1)
    low = int(position)
    rows = list(
        qs.filter(**{f"{end}__isnull": False})
        .annotate(duration=duration)
        .order_by("duration", "id")
        .values_list("duration", flat=True)[low : low + 2]
    )
    if not rows:
        return None
    if len(rows) == 1 or position == low:
        return _as_timedelta(rows[0])
    first, second = _as_timedelta(rows[0]), _as_timedelta(rows[1])
    return first + (second - first) * (position - low)


def _as_timedelta(value: Any) -> timedelta:
    # SQLite answers the difference of two datetimes as microseconds on some Django versions.
    return value if isinstance(value, timedelta) else timedelta(microseconds=int(value))


def response_times(
    *, team: Team | None = None, days: int = 30, now: datetime | None = None
) -> list[TeamTimes]:
    """Per team (and a "no team" row and a total row when no team is given): the posts received in the last
    `days` days, how many got a first response and how many were resolved, the median and 90th percentile
    of both times, and how many of the team's posts are open now (whatever their age). Bounded: two
    grouped queries plus four small ones per row."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    base = Thread.objects.filter(in_triage=True, deleted_at__isnull=True)
    window = base.filter(created_at__gte=since, created_at__lte=now)
    if team is not None:
        window, base = window.filter(team=team), base.filter(team=team)
    grouped: dict[int | None, dict[str, Any]] = {
        row["team_id"]: dict(row)
        for row in window.values("team_id").annotate(
            received=Count("id"),
            handled=Count("id", filter=Q(first_response_at__isnull=False)),
            resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        )
    }
    open_now: dict[int | None, int] = dict(
        base.exclude(status__in=CLOSED_STATUSES)
        .values("team_id")
        .annotate(n=Count("id"))
        .values_list("team_id", "n")
    )
    teams: list[Team | None] = [team] if team is not None else [*Team.objects.order_by("name", "id"), None]
    rows: list[TeamTimes] = []
    for each in teams:
        key = getattr(each, "pk", None)
        figures = grouped.get(key, {"received": 0, "handled": 0, "resolved": 0})
        if each is None and not figures["received"] and not open_now.get(None):
            continue
        scope = window.filter(team_id=key) if key is not None else window.filter(team__isnull=True)
        rows.append(_times_row(each, scope, figures, open_now.get(key, 0)))
    if team is None:
        totals = {
            name: sum(r[name] for r in grouped.values()) for name in ("received", "handled", "resolved")
        }
        row = _times_row(None, window, totals, sum(open_now.values()))
        row.total = True
        rows.append(row)
    return rows


def _times_row(team: Team | None, scope: Any, figures: Mapping[str, int], open_now: int) -> TeamTimes:
    handled, resolved = figures["handled"], figures["resolved"]
    return TeamTimes(
        team=team,
        received=figures["received"],
        handled=handled,
        resolved=resolved,
        open_now=open_now,
        first_response_median=_percentile(scope, "created_at", "first_response_at", handled, 0.5),
        first_response_p90=_percentile(scope, "created_at", "first_response_at", handled, 0.9),
        resolution_median=_percentile(scope, "created_at", "resolved_at", resolved, 0.5),
        resolution_p90=_percentile(scope, "created_at", "resolved_at", resolved, 0.9),
    )
