"""Feedback themes as JSON: the list with growth and sentiment mix, one theme with its posts, and the staff
edits (re-cluster, rename, merge, split, link to an idea).

Reads are staff-only as well as writes: themes carry the sentiment mix and internal labels triage works
with, and a theme's posts include ones still in triage. Any other caller gets 403 in the error shape before
anything is looked up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from cocreate.challenges.selectors.ideas import idea_get_for_viewer
from cocreate.core.addresses import MAX_ID
from cocreate.core.api import ERROR_RESPONSES, InputSchema, PageOut, api_actor
from cocreate.core.errors import NotFound

from .. import tasks
from ..models import ClusterRun, Theme
from ..policies import check_can_manage_themes
from ..selectors import themes as selectors
from ..services import themes as services

router = Router(tags=["themes"])


# --- Schemas ------------------------------------------------------------------------------------------
class GrowthOut(Schema):
    days: int
    current: int
    previous: int
    change: int
    percent: int | None


class SentimentOut(Schema):
    positive: int
    neutral: int
    negative: int
    unknown: int


class PostOut(Schema):
    id: int
    title: str
    kind: str
    created_at: datetime
    sentiment: str
    theme_similarity: float | None
    author_id: int


class ThemeOut(Schema):
    id: int
    name: str
    label: str
    custom_label: str
    key_terms: list[str]
    size: int
    active: bool
    merged_into_id: int | None
    idea_id: int | None
    run_id: int | None
    created_at: datetime
    updated_at: datetime


class ThemeSummaryOut(ThemeOut):
    growth: list[GrowthOut]
    sentiment: SentimentOut
    representatives: list[PostOut]


class ThemeDetailOut(ThemeSummaryOut):
    posts: PageOut[PostOut]


class RunOut(Schema):
    id: int
    status: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    documents: int
    themes: int
    error: str
    requested_by_id: int | None


class ThemeListOut(PageOut[ThemeSummaryOut]):
    last_run: RunOut | None = None


class ThemePageFilters(InputSchema):
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=settings.COCREATE_API_PAGE_SIZE, ge=1, le=settings.COCREATE_API_MAX_PAGE_SIZE)


class RenameIn(InputSchema):
    name: str = Field(max_length=1000, description="The new name; empty goes back to the generated label.")


class MergeIn(InputSchema):
    target_id: int = Field(ge=1, le=MAX_ID, description="The theme that stays; this one is merged into it.")


class SplitIn(InputSchema):
    parts: int = Field(default=2, ge=2, le=5)


class LinkIdeaIn(InputSchema):
    idea_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="None unlinks.")


# --- Helpers ------------------------------------------------------------------------------------------
def _staff(request: HttpRequest) -> Any:
    actor = api_actor(request)
    check_can_manage_themes(actor)
    return actor


def _theme(theme_id: int) -> Theme:
    found = selectors.theme_get(theme_id=theme_id) if 0 < theme_id <= MAX_ID else None
    if found is None:
        raise NotFound(_("No theme with this id."), field="theme_id")
    return found


def _summary(summary: selectors.ThemeSummary) -> dict[str, Any]:
    theme = summary.theme
    return {
        **_theme_fields(theme),
        "growth": [
            {
                "days": g.days,
                "current": g.current,
                "previous": g.previous,
                "change": g.change,
                "percent": g.percent,
            }
            for g in summary.growth
        ],
        "sentiment": vars(summary.sentiment),
        "representatives": summary.representatives,
    }


def _theme_fields(theme: Theme) -> dict[str, Any]:
    return {
        "id": theme.pk,
        "name": theme.name,
        "label": theme.label,
        "custom_label": theme.custom_label,
        "key_terms": list(theme.key_terms or []),
        "size": theme.size,
        "active": theme.active,
        "merged_into_id": theme.merged_into_id,
        "idea_id": theme.idea_id,
        "run_id": theme.run_id,
        "created_at": theme.created_at,
        "updated_at": theme.updated_at,
    }


# --- Endpoints ----------------------------------------------------------------------------------------
@router.get(
    "/themes",
    response={200: ThemeListOut, **ERROR_RESPONSES},
    summary="Active feedback themes, largest first, with growth, sentiment mix and representative posts",
)
def theme_list(request: HttpRequest, filters: Query[ThemePageFilters]) -> dict[str, Any]:
    _staff(request)
    page, summaries = selectors.theme_list(cursor=filters.cursor, limit=filters.limit)
    return {
        "items": [_summary(s) for s in summaries],
        "next_cursor": page.next_cursor,
        "last_run": selectors.last_run(),
    }


@router.get(
    "/themes/{int:theme_id}",
    response={200: ThemeDetailOut, **ERROR_RESPONSES},
    summary="One theme with its representative posts and all its posts (newest first, a page at a time)",
)
def theme_detail(request: HttpRequest, theme_id: int, filters: Query[ThemePageFilters]) -> dict[str, Any]:
    _staff(request)
    theme = _theme(theme_id)
    posts = selectors.theme_posts(theme=theme, cursor=filters.cursor, limit=filters.limit)
    return {
        **_summary(selectors.theme_summary(theme=theme)),
        "posts": {"items": posts.items, "next_cursor": posts.next_cursor},
    }


@router.post(
    "/themes/recluster",
    response={202: RunOut, **ERROR_RESPONSES},
    summary="Re-cluster the whole feedback corpus in the background (one run at a time: 409 otherwise)",
)
def recluster(request: HttpRequest) -> Status[ClusterRun]:
    run = tasks.request_recluster(actor=_staff(request))
    return Status(202, run)


@router.patch(
    "/themes/{int:theme_id}",
    response={200: ThemeOut, **ERROR_RESPONSES},
    summary="Rename a theme (re-clustering keeps the name)",
)
def theme_rename(request: HttpRequest, theme_id: int, payload: RenameIn) -> dict[str, Any]:
    actor = _staff(request)
    theme = services.theme_rename(actor=actor, theme=_theme(theme_id), name=payload.name)
    return _theme_fields(theme)


@router.post(
    "/themes/{int:theme_id}/merge",
    response={200: ThemeOut, **ERROR_RESPONSES},
    summary="Merge this theme into another: its posts move, it points to the other from then on",
)
def theme_merge(request: HttpRequest, theme_id: int, payload: MergeIn) -> dict[str, Any]:
    actor = _staff(request)
    source = _theme(theme_id)
    target = selectors.theme_get(theme_id=payload.target_id)
    if target is None:
        raise NotFound(_("No theme with this id."), field="target_id")
    return _theme_fields(services.theme_merge(actor=actor, source=source, target=target))


@router.post(
    "/themes/{int:theme_id}/split",
    response={201: list[ThemeOut], **ERROR_RESPONSES},
    summary="Split a theme into 2–5 new themes by clustering its posts again",
)
def theme_split(request: HttpRequest, theme_id: int, payload: SplitIn) -> Status[list[dict[str, Any]]]:
    actor = _staff(request)
    parts = services.theme_split(actor=actor, theme=_theme(theme_id), parts=payload.parts)
    return Status(201, [_theme_fields(t) for t in parts])


@router.post(
    "/themes/{int:theme_id}/link-idea",
    response={200: ThemeOut, **ERROR_RESPONSES},
    summary="Link a theme to the idea it led to (or unlink it with idea_id null)",
)
def theme_link_idea(request: HttpRequest, theme_id: int, payload: LinkIdeaIn) -> dict[str, Any]:
    actor = _staff(request)
    theme = _theme(theme_id)
    idea = None
    if payload.idea_id is not None:
        idea = idea_get_for_viewer(user=actor, idea_id=payload.idea_id)
        if idea is None:
            raise NotFound(_("No idea with this id."), field="idea_id")
    return _theme_fields(services.theme_link_idea(actor=actor, theme=theme, idea=idea))
