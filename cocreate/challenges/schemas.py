"""The JSON shapes of challenges, ideas and supports. User text is returned as written (`title`,
`description`, `brief`) and, where it is markdown, also rendered through the sanitizer (`*_html`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from ninja import Schema
from pydantic import Field, field_validator

from cocreate.core.api import InputSchema, PageOut
from cocreate.core.text import render_markdown

from .models import IdeaStatus
from .selectors.ideas import milestone_progress

SortName = Literal["trending", "most_supported", "newest", "ending_soon"]


def _path(name: str, *args: Any) -> str | None:
    # The web pages are built alongside the API; until a route exists its link is simply absent.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class PageFilters(InputSchema):
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=settings.COCREATE_API_PAGE_SIZE, ge=1, le=settings.COCREATE_API_MAX_PAGE_SIZE)


# --- Challenges ---------------------------------------------------------------------------------------
class RungOut(Schema):
    at: int
    days: int
    qualifies: bool = False


class ChallengeOut(Schema):
    id: int
    title: str
    slug: str
    brief: str
    brief_html: str
    theme: str
    product_id: int | None
    visibility: str
    is_default: bool
    submission_opens: datetime | None
    submission_closes: datetime | None
    support_closes: datetime | None
    review_starts: datetime | None
    results_on: datetime | None
    moderation_required: bool
    allow_self_support: bool
    ladder: list[RungOut]
    royalty_rate: Decimal
    prize: str
    contract: str
    survey_enabled: bool
    price_bands: list[str]
    audiences: list[str]
    cover_url: str | None
    url: str | None

    @staticmethod
    def resolve_brief_html(obj: Any) -> str:
        return render_markdown(obj.brief)

    @staticmethod
    def resolve_ladder(obj: Any) -> list[dict[str, Any]]:
        return sorted(obj.ladder or [], key=lambda rung: int(rung["at"]))

    @staticmethod
    def resolve_cover_url(obj: Any) -> str | None:
        return obj.cover.url if obj.cover else None

    @staticmethod
    def resolve_url(obj: Any) -> str | None:
        return _path("challenges:challenge-detail", obj.slug)


ChallengePage = PageOut[ChallengeOut]


# --- Ideas --------------------------------------------------------------------------------------------
class AuthorOut(Schema):
    id: int
    name: str


class IdeaSummary(Schema):
    id: int
    title: str
    slug: str
    status: str
    support_count: int
    next_milestone: int | None = Field(description="The support count of the next rung, or null at the top.")
    deadline: datetime | None
    days_left: int | None
    qualified: bool
    published_at: datetime | None
    author: AuthorOut
    challenge_id: int
    product_id: int | None
    tags: list[str]
    url: str | None

    @staticmethod
    def resolve_next_milestone(obj: Any) -> int | None:
        return milestone_progress(obj).next_threshold

    @staticmethod
    def resolve_days_left(obj: Any) -> int | None:
        return milestone_progress(obj).days_left

    @staticmethod
    def resolve_qualified(obj: Any) -> bool:
        return obj.qualified_at is not None

    @staticmethod
    def resolve_author(obj: Any) -> dict[str, Any]:
        return {"id": obj.author_id, "name": obj.author.public_name}

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [tag.slug for tag in obj.tags.all()]

    @staticmethod
    def resolve_url(obj: Any) -> str | None:
        return _path("challenges:idea-detail", obj.pk, obj.slug)


class IdeaOut(IdeaSummary):
    description: str
    description_html: str
    milestone_index: int
    created_at: datetime
    updated_at: datetime
    supported: bool | None = Field(
        default=None, description="Whether the caller supports the idea (null when anonymous)."
    )

    @staticmethod
    def resolve_description_html(obj: Any) -> str:
        return render_markdown(obj.description)

    @staticmethod
    def resolve_supported(obj: Any) -> bool | None:
        return getattr(obj, "supported", None)


IdeaPage = PageOut[IdeaSummary]


class IdeaFilters(InputSchema):
    sort: SortName = "trending"
    challenge: int | None = Field(default=None, description="A challenge id.")
    status: str | None = None
    tag: str | None = Field(default=None, max_length=50, description="A tag slug.")
    product: int | None = Field(default=None, description="A product id.")
    q: str | None = Field(default=None, max_length=200, description="Words to search for, best match first.")
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=settings.COCREATE_API_PAGE_SIZE, ge=1, le=settings.COCREATE_API_MAX_PAGE_SIZE)

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str | None) -> str | None:
        if value is not None and value not in IdeaStatus.values:
            raise ValueError(f"Choose one of: {', '.join(IdeaStatus.values)}.")
        return value


class IdeaIn(InputSchema):
    title: str = Field(max_length=200)
    description: str = Field(max_length=25_000)
    challenge_id: int | None = Field(default=None, description="Default: the always-open ideas challenge.")
    tags: list[str] = Field(default=[], max_length=20)
    product_id: int | None = None
    draft: bool = Field(default=False, description="Keep it as a draft instead of submitting it.")


class IdeaPatch(InputSchema):
    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=25_000)
    tags: list[str] | None = Field(default=None, max_length=20)
    product_id: int | None = None


class SubmitIn(InputSchema):
    accept_terms_version: int | None = Field(
        default=None, description="The version of an invite-only challenge's terms you accept."
    )


class WithdrawIn(InputSchema):
    message: str = Field(default="", max_length=4000)


# --- Supports -----------------------------------------------------------------------------------------
class SupportIn(InputSchema):
    would_buy: Literal["", "yes", "maybe", "no"] = ""
    price_band: str = Field(default="", max_length=60)
    audience: str = Field(default="", max_length=60)


class SupportStateOut(Schema):
    support_count: int
    supported: bool
    next_milestone: int | None
    deadline: datetime | None
    milestones_reached: list[int] = Field(description="The thresholds this call made the idea reach.")


class SupporterOut(Schema):
    user: AuthorOut
    created_at: datetime
    would_buy: str
    price_band: str
    audience: str

    @staticmethod
    def resolve_user(obj: Any) -> dict[str, Any]:
        return {"id": obj.user_id, "name": obj.user.public_name}


SupporterPage = PageOut[SupporterOut]


# --- Comments -----------------------------------------------------------------------------------------
class ReactionOut(Schema):
    emoji: str
    label: str
    count: int
    mine: bool

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.label)  # a lazy translation, rendered in the caller's language


class CommentOut(Schema):
    id: int
    author: AuthorOut | None = Field(description="Null once the comment is deleted or hidden.")
    body: str = Field(description="The markdown as written; empty once the comment is deleted or hidden.")
    body_html: str
    parent_id: int | None
    depth: int
    is_update: bool = Field(description="A creator's update rather than a comment.")
    removed: bool
    created_at: datetime
    edited_at: datetime | None
    reactions: list[ReactionOut]


# Replies go two levels deep, so the thread is three fixed shapes rather than a recursive one.
class ReplyOut(CommentOut):
    replies: list[CommentOut]


class ThreadCommentOut(CommentOut):
    replies: list[ReplyOut]


CommentPage = PageOut[ThreadCommentOut]


class CommentIn(InputSchema):
    body: str = Field(max_length=12_000)
    parent_id: int | None = Field(default=None, description="The comment this replies to.")
    is_update: bool = Field(default=False, description="Post as a creator's update (the idea's creators).")


# --- Reviews and decisions ----------------------------------------------------------------------------
class CriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: Decimal


class ReviewOut(Schema):
    reviewer: AuthorOut
    scores: dict[str, int] = Field(description="Criterion id → score from 1 to 5.")
    weighted_score: Decimal | None
    notes: str
    created_at: datetime
    updated_at: datetime


class DecisionOut(Schema):
    id: int
    idea_id: int
    outcome: str
    rationale: str
    decided_by: AuthorOut | None
    decided_at: datetime


class ReviewsOut(Schema):
    idea_id: int
    status: str
    average: Decimal | None = Field(description="The mean of the reviews' weighted scores (1.00–5.00).")
    criteria: list[CriterionOut]
    reviews: list[ReviewOut]
    decisions: list[DecisionOut] = Field(description="Newest first; the first one stands.")


class DecisionIn(InputSchema):
    outcome: Literal["approved", "not_approved", "on_hold"]
    rationale: str = Field(max_length=5000, description="Public: shown on the idea's page.")
    product_id: int | None = Field(default=None, description="The product an approved idea becomes.")


class DecisionResultOut(DecisionOut):
    idea_status: str


# --- Royalty statements -------------------------------------------------------------------------------
class StatementRowOut(Schema):
    currency: str
    accrued: Decimal
    adjustments: Decimal
    owed: Decimal
    paid: Decimal
    balance: Decimal


class StatementOut(Schema):
    period: str
    rows: list[StatementRowOut]


class StatementsOut(Schema):
    creator_id: int
    statements: list[StatementOut] = Field(description="One per period, newest first.")
    balance: list[StatementRowOut] = Field(description="All-time totals per currency.")


class StatementFilters(InputSchema):
    creator_id: int | None = Field(default=None, description="Another creator's statements (administrators).")
    period: str | None = Field(default=None, max_length=7, description="YYYY-MM or YYYY-Qn.")
