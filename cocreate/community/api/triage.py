"""Staff triage as JSON: the inbox and its views, a post's triage state, status (with a public message),
assignment, labels, internal notes, saved replies, bulk actions and the response-time figures.

Everything here is for staff tokens (or a staff session). Any other caller gets 403 in the error shape before
anything is looked up, so the answer says nothing about which posts exist and nothing changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from cocreate.core.addresses import MAX_ID
from cocreate.core.api import ERROR_RESPONSES, ErrorOut, InputSchema, PageOut, api_actor
from cocreate.core.errors import NotFound
from cocreate.journeys.models import Stage

from ..models import Area, SavedReply, Team, Thread
from ..policies import check_can_triage
from ..selectors import triage as selectors
from ..services import triage as services

router = Router(tags=["triage"])

StatusName = Literal["new", "acknowledged", "planned", "in_progress", "done", "wont_do"]
ViewName = Literal["open", "new", "mine", "team", "unassigned", "unanswered", "today", "week", "older", "all"]


# --- Schemas ------------------------------------------------------------------------------------------
class NamedOut(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.public_name)


class TriageThreadOut(Schema):
    id: int
    title: str
    kind: str
    board: str
    author: PersonOut
    created_at: datetime
    status: str
    status_label: str
    status_changed_at: datetime | None
    assignee: PersonOut | None
    team: NamedOut | None
    area: NamedOut | None
    stage: NamedOut | None
    sentiment: str
    sentiment_by_staff: bool
    first_response_at: datetime | None
    resolved_at: datetime | None

    @staticmethod
    def resolve_board(obj: Any) -> str:
        return str(obj.board.name)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


TriagePage = PageOut[TriageThreadOut]


class EventOut(Schema):
    action: str
    old_value: str
    new_value: str
    message: str
    message_html: str = ""
    actor: PersonOut | None
    created_at: datetime

    @staticmethod
    def resolve_message_html(obj: Any) -> str:
        return str(getattr(obj, "message_html", ""))


class NoteOut(Schema):
    id: int
    body: str
    body_html: str = ""
    author: PersonOut
    created_at: datetime

    @staticmethod
    def resolve_body_html(obj: Any) -> str:
        return str(getattr(obj, "body_html", ""))


class TriageDetailOut(TriageThreadOut):
    history: list[EventOut]
    notes: list[NoteOut]

    @staticmethod
    def resolve_history(obj: Any) -> list[Any]:
        return list(getattr(obj, "history_list", []))

    @staticmethod
    def resolve_notes(obj: Any) -> list[Any]:
        return list(getattr(obj, "notes_list", []))


class InboxFilters(InputSchema):
    view: ViewName = "open"
    kind: Literal["discussion", "question", "suggestion", "bug", "review"] | None = None
    status: StatusName | None = None
    area: int | None = Field(default=None, description="A product area id.")
    stage: int | None = Field(default=None, description="A journey stage id.")
    sentiment: Literal["positive", "neutral", "negative"] | None = None
    team: int | None = Field(default=None, description="A team id.")
    board: int | None = Field(default=None, description="A board id.")
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=settings.COCREATE_API_PAGE_SIZE, ge=1, le=settings.COCREATE_API_MAX_PAGE_SIZE)


class StatusIn(InputSchema):
    status: StatusName
    message: str = Field(
        default="", max_length=5000, description="Public message (markdown) shown on the post."
    )


class AssignIn(InputSchema):
    """Give only what changes; null clears."""

    assignee_id: int | None = None
    team_id: int | None = None


class LabelsIn(InputSchema):
    """Give only what changes; null (or "" for sentiment) clears."""

    area_id: int | None = None
    stage_id: int | None = None
    sentiment: Literal["positive", "neutral", "negative", ""] | None = None


class NoteIn(InputSchema):
    body: str = Field(max_length=5000)


class BulkIn(InputSchema):
    thread_ids: list[int] = Field(min_length=1, max_length=services.MAX_BULK)
    action: Literal["status", "assign", "team", "area", "stage"]
    value: str | int | None = Field(
        default=None,
        description="A status name, or the id of the assignee, team, area or stage (null clears).",
    )


class BulkOut(Schema):
    changed: int


class SavedReplyOut(Schema):
    id: int
    title: str
    body: str
    team: NamedOut | None
    use_count: int
    created_by: PersonOut
    created_at: datetime


class SavedReplyIn(InputSchema):
    title: str = Field(max_length=120)
    body: str = Field(max_length=5000)
    team_id: int | None = None


class SavedReplyPatch(InputSchema):
    title: str | None = Field(default=None, max_length=120)
    body: str | None = Field(default=None, max_length=5000)
    team_id: int | None = None


class UseSavedReplyIn(InputSchema):
    saved_reply_id: int
    body: str | None = Field(
        default=None, max_length=20_000, description="The reply adapted; null posts it as is."
    )


class ReplyPostedOut(Schema):
    comment_id: int
    thread_id: int


class MetricsFilters(InputSchema):
    days: int = Field(default=30, ge=1, le=3650)
    team: int | None = Field(default=None, description="Only this team.")


class TimesOut(Schema):
    team: NamedOut | None
    total: bool
    received: int
    handled: int
    resolved: int
    open_now: int
    first_response_median_seconds: float | None
    first_response_p90_seconds: float | None
    resolution_median_seconds: float | None
    resolution_p90_seconds: float | None


class TeamOut(Schema):
    id: int
    name: str
    members: list[PersonOut]

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.members.all())


# --- Helpers ------------------------------------------------------------------------------------------
def _staff(request: HttpRequest) -> Any:
    actor = api_actor(request)
    check_can_triage(actor)
    return actor


def _thread(thread_id: int) -> Thread:
    found = selectors.thread_for_triage(thread_id=thread_id) if 0 < thread_id <= MAX_ID else None
    if found is None:
        raise NotFound(_("No post with this id."), field="thread_id")
    return found


def _get(model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if found is None:
        raise NotFound(_("Nothing with this id."), field=field)
    return found


def _detail(thread: Thread) -> Thread:
    fresh: Any = _thread(thread.pk)
    fresh.history_list = selectors.triage_history(thread=fresh)
    fresh.notes_list = selectors.notes_of(thread=fresh)
    return fresh


def _seconds(value: Any) -> float | None:
    return None if value is None else value.total_seconds()


# --- The inbox ----------------------------------------------------------------------------------------
@router.get(
    "/triage/inbox",
    response={200: TriagePage, **ERROR_RESPONSES},
    summary="The triage inbox: one view, filtered, newest first (staff)",
)
def inbox(request: HttpRequest, filters: Query[InboxFilters]) -> dict[str, Any]:
    actor = _staff(request)
    chosen = filters.dict(include={"kind", "status", "area", "stage", "sentiment", "team", "board"})
    page = selectors.inbox(
        user=actor, view=filters.view, filters=chosen, cursor=filters.cursor, limit=filters.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/triage/inbox/counts",
    response={200: dict[str, int], **ERROR_RESPONSES},
    summary="How many posts each inbox view holds (staff)",
)
def inbox_counts(request: HttpRequest) -> dict[str, int]:
    return selectors.inbox_counts(user=_staff(request))


# --- One post -----------------------------------------------------------------------------------------
@router.get(
    "/threads/{thread_id}/triage",
    response={200: TriageDetailOut, **ERROR_RESPONSES},
    summary="A post's triage state, its whole triage history and its internal notes (staff)",
)
def thread_triage(request: HttpRequest, thread_id: int) -> Thread:
    _staff(request)
    return _detail(_thread(thread_id))


@router.post(
    "/threads/{thread_id}/triage/status",
    response={200: TriageDetailOut, **ERROR_RESPONSES},
    summary="Set the public status, with an optional public message (staff)",
)
def set_status(request: HttpRequest, thread_id: int, payload: StatusIn) -> Thread:
    actor = _staff(request)
    thread = _thread(thread_id)
    services.feedback_set_status(actor=actor, thread=thread, status=payload.status, message=payload.message)
    return _detail(thread)


@router.post(
    "/threads/{thread_id}/triage/assign",
    response={200: TriageDetailOut, **ERROR_RESPONSES},
    summary="Assign to a staff member and/or a team; fields left out stay, null clears (staff)",
)
def assign(request: HttpRequest, thread_id: int, payload: AssignIn) -> Thread:
    actor = _staff(request)
    thread = _thread(thread_id)
    given = payload.model_fields_set
    changes: dict[str, Any] = {}
    if "assignee_id" in given:
        changes["assignee"] = _get(get_user_model(), payload.assignee_id, "assignee_id")
    if "team_id" in given:
        changes["team"] = _get(Team, payload.team_id, "team_id")
    services.feedback_assign(actor=actor, thread=thread, **changes)
    return _detail(thread)


@router.post(
    "/threads/{thread_id}/triage/labels",
    response={200: TriageDetailOut, **ERROR_RESPONSES},
    summary="Label with a product area, a journey stage and a sentiment; fields left out stay (staff)",
)
def labels(request: HttpRequest, thread_id: int, payload: LabelsIn) -> Thread:
    actor = _staff(request)
    thread = _thread(thread_id)
    given = payload.model_fields_set
    changes: dict[str, Any] = {}
    if "area_id" in given:
        changes["area"] = _get(Area, payload.area_id, "area_id")
    if "stage_id" in given:
        changes["stage"] = _get(Stage, payload.stage_id, "stage_id")
    if "sentiment" in given:
        changes["sentiment"] = payload.sentiment or ""
    services.feedback_label(actor=actor, thread=thread, **changes)
    return _detail(thread)


@router.get(
    "/threads/{thread_id}/triage/notes",
    response={200: list[NoteOut], **ERROR_RESPONSES},
    summary="A post's internal notes, oldest first (staff)",
)
def notes(request: HttpRequest, thread_id: int) -> list[Any]:
    _staff(request)
    return selectors.notes_of(thread=_thread(thread_id))


@router.post(
    "/threads/{thread_id}/triage/notes",
    response={201: NoteOut, **ERROR_RESPONSES},
    summary="Add an internal note, never shown publicly (staff)",
)
def note_add(request: HttpRequest, thread_id: int, payload: NoteIn) -> Status[Any]:
    actor = _staff(request)
    thread = _thread(thread_id)
    note = services.note_add(actor=actor, thread=thread, body=payload.body)
    created = next(n for n in selectors.notes_of(thread=thread) if n.pk == note.pk)
    return Status(201, created)


@router.post(
    "/threads/{thread_id}/triage/reply",
    response={201: ReplyPostedOut, **ERROR_RESPONSES, 413: ErrorOut, 429: ErrorOut},
    summary="Post a saved reply publicly on the thread, as it is or adapted (staff)",
)
def use_saved_reply(request: HttpRequest, thread_id: int, payload: UseSavedReplyIn) -> Status[dict[str, int]]:
    actor = _staff(request)
    thread = _thread(thread_id)
    saved = _get(SavedReply, payload.saved_reply_id, "saved_reply_id")
    comment = services.saved_reply_use(actor=actor, thread=thread, saved_reply=saved, body=payload.body)
    return Status(201, {"comment_id": comment.pk, "thread_id": thread.pk})


# --- Bulk ---------------------------------------------------------------------------------------------
@router.post(
    "/triage/bulk",
    response={200: BulkOut, **ERROR_RESPONSES},
    summary="One action on many posts at once, all or nothing; answers how many changed (staff)",
)
def bulk(request: HttpRequest, payload: BulkIn) -> dict[str, int]:
    actor = _staff(request)
    changed = services.bulk_apply(
        actor=actor, thread_ids=payload.thread_ids, action=payload.action, value=payload.value
    )
    return {"changed": changed}


# --- Figures ------------------------------------------------------------------------------------------
@router.get(
    "/triage/metrics",
    response={200: list[TimesOut], **ERROR_RESPONSES},
    summary="First-response and resolution times per team, median and 90th percentile (staff)",
)
def metrics(request: HttpRequest, filters: Query[MetricsFilters]) -> list[dict[str, Any]]:
    _staff(request)
    team = _get(Team, filters.team, "team")
    rows = selectors.response_times(team=team, days=filters.days)
    return [
        {
            "team": row.team,
            "total": row.total,
            "received": row.received,
            "handled": row.handled,
            "resolved": row.resolved,
            "open_now": row.open_now,
            "first_response_median_seconds": _seconds(row.first_response_median),
            "first_response_p90_seconds": _seconds(row.first_response_p90),
            "resolution_median_seconds": _seconds(row.resolution_median),
            "resolution_p90_seconds": _seconds(row.resolution_p90),
        }
        for row in rows
    ]


@router.get("/triage/teams", response={200: list[TeamOut], **ERROR_RESPONSES}, summary="Triage teams (staff)")
def teams(request: HttpRequest) -> list[Any]:
    _staff(request)
    return list(selectors.team_list())


@router.get(
    "/triage/areas", response={200: list[NamedOut], **ERROR_RESPONSES}, summary="Product areas (staff)"
)
def areas(request: HttpRequest) -> list[Any]:
    _staff(request)
    return list(selectors.area_list())


# --- Saved replies ------------------------------------------------------------------------------------
@router.get(
    "/triage/saved-replies",
    response={200: list[SavedReplyOut], **ERROR_RESPONSES},
    summary="Saved replies (staff)",
)
def saved_replies(request: HttpRequest) -> list[Any]:
    _staff(request)
    return list(selectors.saved_reply_list())


@router.post(
    "/triage/saved-replies",
    response={201: SavedReplyOut, **ERROR_RESPONSES},
    summary="Add a saved reply (staff)",
)
def saved_reply_create(request: HttpRequest, payload: SavedReplyIn) -> Status[SavedReply]:
    actor = _staff(request)
    team = _get(Team, payload.team_id, "team_id")
    saved = services.saved_reply_create(actor=actor, title=payload.title, body=payload.body, team=team)
    return Status(201, saved)


@router.patch(
    "/triage/saved-replies/{reply_id}",
    response={200: SavedReplyOut, **ERROR_RESPONSES},
    summary="Change a saved reply (its author or an administrator); fields left out stay",
)
def saved_reply_update(request: HttpRequest, reply_id: int, payload: SavedReplyPatch) -> SavedReply:
    actor = _staff(request)
    saved = _get(SavedReply, reply_id, "reply_id")
    given = payload.model_fields_set
    team = _get(Team, payload.team_id, "team_id") if "team_id" in given else saved.team
    return services.saved_reply_update(
        actor=actor,
        saved_reply=saved,
        title=payload.title if payload.title is not None else saved.title,
        body=payload.body if payload.body is not None else saved.body,
        team=team,
    )


@router.delete(
    "/triage/saved-replies/{reply_id}",
    response={204: None, **ERROR_RESPONSES},
    summary="Delete a saved reply (its author or an administrator)",
)
def saved_reply_delete(request: HttpRequest, reply_id: int) -> Status[None]:
    actor = _staff(request)
    services.saved_reply_delete(actor=actor, saved_reply=_get(SavedReply, reply_id, "reply_id"))
    return Status(204, None)
