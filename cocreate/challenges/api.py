"""Challenges, ideas, supports, comments, reviews and statements as JSON.

Reads of challenges and ideas are public: anyone sees what the site shows them, and a token or a session
shows the caller's own view (their drafts, members-only and invited challenges). Writes need a token or a
session; the services check every rule themselves.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import AuthenticationError

from cocreate.accounts.api_auth import TokenAuth
from cocreate.accounts.policies import is_admin, is_staff
from cocreate.brand import selectors as brand_selectors
from cocreate.brand.models import Product
from cocreate.core.addresses import MAX_ID
from cocreate.core.api import ERROR_RESPONSES, ErrorOut, api_actor
from cocreate.core.errors import DomainError, NotAllowed, NotFound
from cocreate.core.pagination import Page, decode_cursor, encode_cursor, paginate
from cocreate.core.text import render_markdown
from cocreate.journeys.services import attribution_from_session

from .models import Challenge, ChallengeTerms, Criterion, Idea, Support
from .schemas import (
    ChallengeOut,
    ChallengePage,
    CommentIn,
    CommentOut,
    CommentPage,
    DecisionIn,
    DecisionResultOut,
    IdeaFilters,
    IdeaIn,
    IdeaOut,
    IdeaPage,
    IdeaPatch,
    PageFilters,
    ReviewsOut,
    StatementFilters,
    StatementsOut,
    SubmitIn,
    SupporterPage,
    SupportIn,
    SupportStateOut,
    WithdrawIn,
)
from .selectors import ideas as selectors
from .selectors.search import idea_search_ids
from .services import ideas as idea_services
from .services import supports as support_services

router = Router(tags=["ideas"])

# Ids beyond a 64-bit integer cannot exist; refusing them here keeps a forged id a 404 on every backend.
# How many ranked matches a search considers; relevance below that is noise.
SEARCH_LIMIT = 1000
_token_auth = TokenAuth()


def _viewer(request: HttpRequest) -> Any:
    """The caller of a public read: the token's owner, the logged-in member, or an anonymous visitor.
    A token that is sent but not valid is refused rather than silently read as anonymous."""
    if request.headers.get("Authorization"):
        user = _token_auth(request)
        if user is None:
            raise AuthenticationError()
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return user
    return AnonymousUser()


def _challenge(user: Any, challenge_id: int, field: str) -> Challenge:
    found = None
    if 0 < challenge_id <= MAX_ID:
        found = selectors.challenge_get(user=user, challenge_id=challenge_id)
    if found is None:
        raise NotFound(_("No challenge with this id."), field=field)
    return found


def _idea(user: Any, idea_id: int) -> Idea:
    """An idea the caller may see; any other id, real or forged, is the same 404."""
    found = selectors.idea_get_for_viewer(user=user, idea_id=idea_id) if 0 < idea_id <= MAX_ID else None
    if found is None:
        raise NotFound(_("No idea with this id."), field="idea_id")
    return found


def _product(product_id: int) -> Product:
    found = brand_selectors.product_get(product_id=product_id) if 0 < product_id <= MAX_ID else None
    if found is None:
        raise NotFound(_("No product with this id."), field="product_id")
    return found


def _detail(user: Any, idea_id: int) -> Idea:
    idea = _idea(user, idea_id)
    idea.supported = (  # type: ignore[attr-defined]
        selectors.has_supported(user=user, idea=idea) if user.is_authenticated else None
    )
    return idea


# --- Challenges ---------------------------------------------------------------------------------------
@router.get(
    "/challenges",
    auth=None,
    response={200: ChallengePage, **ERROR_RESPONSES},
    summary="The challenges you may see, the always-open one first",
)
def challenges(request: HttpRequest, filters: Query[PageFilters]) -> dict[str, Any]:
    qs = selectors.visible_challenges(_viewer(request)).select_related("product")
    page = paginate(
        qs, order=["-is_default", "-created_at", "-id"], cursor=filters.cursor, limit=filters.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/challenges/{challenge_id}",
    auth=None,
    response={200: ChallengeOut, **ERROR_RESPONSES},
    summary="One challenge: brief, phases, ladder and rules",
)
def challenge(request: HttpRequest, challenge_id: int) -> Challenge:
    return _challenge(_viewer(request), challenge_id, "challenge_id")


# --- Ideas --------------------------------------------------------------------------------------------
def _search(user: Any, query: str, scope: dict[str, Any], cursor: str | None, limit: int) -> Page[Idea]:
    """Ranked matches the caller may see. The cursor is the last idea of the previous page, so a page
    boundary stays put while other ideas come and go."""
    ranked = idea_search_ids(query, limit=SEARCH_LIMIT)
    visible = set(
        selectors.idea_queryset(user=user, **scope).filter(pk__in=ranked).values_list("pk", flat=True)
    )
    ordered = [pk for pk in ranked if pk in visible]
    start = 0
    if cursor:
        (after,) = decode_cursor(cursor, 1)
        if not isinstance(after, int) or after not in visible:
            raise DomainError(message=_("The cursor is not valid."), field="cursor")
        start = ordered.index(after) + 1
    ids = ordered[start : start + limit]
    found = Idea.objects.select_related("author", "challenge").in_bulk(ids)
    items = [found[pk] for pk in ids if pk in found]
    more = len(ordered) > start + limit
    return Page(items=items, next_cursor=encode_cursor([ids[-1]]) if more and ids else None)


@router.get(
    "/ideas",
    auth=None,
    response={200: IdeaPage, **ERROR_RESPONSES},
    summary="Ideas you may see, sorted or searched, a cursor page at a time",
    description=(
        "With `q`, ideas matching every word, best match first (`sort` is then ignored). "
        "`ending_soon` lists only ideas still gathering support."
    ),
)
def ideas(request: HttpRequest, filters: Query[IdeaFilters]) -> dict[str, Any]:
    user = _viewer(request)
    scope: dict[str, Any] = {
        "challenge": _challenge(user, filters.challenge, "challenge")
        if filters.challenge is not None
        else None,
        "status": filters.status,
        "tag": filters.tag,
        "product_id": filters.product,
    }
    if filters.q is not None and filters.q.strip():
        page = _search(user, filters.q, scope, filters.cursor, filters.limit)
    else:
        page = selectors.idea_list(
            user=user, sort=filters.sort, cursor=filters.cursor, limit=filters.limit, **scope
        )
    prefetch_related_objects(page.items, "tags")
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/ideas",
    response={201: IdeaOut, **ERROR_RESPONSES},
    summary="Share an idea (submitted at once unless `draft` is true)",
)
def idea_create(request: HttpRequest, payload: IdeaIn) -> Status[Idea]:
    actor = api_actor(request)
    challenge = (
        _challenge(actor, payload.challenge_id, "challenge_id")
        if payload.challenge_id is not None
        else idea_services.challenge_default()
    )
    product = _product(payload.product_id) if payload.product_id is not None else None
    idea = idea_services.idea_create(
        actor=actor,
        challenge=challenge,
        title=payload.title,
        description=payload.description,
        tags=payload.tags,
        product=product,
        submit=not payload.draft,
        attribution=attribution_from_session(request.session),
    )
    return Status(201, _detail(actor, idea.pk))


@router.get(
    "/ideas/{idea_id}",
    auth=None,
    response={200: IdeaOut, **ERROR_RESPONSES},
    summary="One idea, with its progress on the support ladder",
)
def idea(request: HttpRequest, idea_id: int) -> Idea:
    return _detail(_viewer(request), idea_id)


@router.patch(
    "/ideas/{idea_id}",
    response={200: IdeaOut, **ERROR_RESPONSES},
    summary="Edit an idea (its creators, or moderators); the previous text is kept in its history",
)
def idea_update(request: HttpRequest, idea_id: int, payload: IdeaPatch) -> Idea:
    actor = api_actor(request)
    target = _idea(actor, idea_id)
    data = payload.model_dump(exclude_unset=True)
    product_id = data.get("product_id")
    idea_services.idea_update(
        actor=actor,
        idea=target,
        title=data.get("title"),
        description=data.get("description"),
        tags=data.get("tags"),
        product=_product(product_id) if product_id is not None else None,
    )
    return _detail(actor, idea_id)


@router.post(
    "/ideas/{idea_id}/submit",
    response={200: IdeaOut, **ERROR_RESPONSES},
    summary="Submit a draft: published at once, or held for moderation",
)
def idea_submit(request: HttpRequest, idea_id: int, payload: SubmitIn | None = None) -> Idea:
    actor = api_actor(request)
    target = _idea(actor, idea_id)
    terms = None
    version = payload.accept_terms_version if payload is not None else None
    if version is not None:
        terms = ChallengeTerms.objects.filter(challenge_id=target.challenge_id, version=version).first()
        if terms is None:
            raise NotFound(_("This challenge has no terms with this version."), field="accept_terms_version")
    idea_services.idea_submit(actor=actor, idea=target, accept_terms=terms)
    return _detail(actor, idea_id)


@router.post(
    "/ideas/{idea_id}/withdraw",
    response={200: IdeaOut, **ERROR_RESPONSES},
    summary="Withdraw your idea (it can no longer be supported)",
)
def idea_withdraw(request: HttpRequest, idea_id: int, payload: WithdrawIn | None = None) -> Idea:
    actor = api_actor(request)
    target = _idea(actor, idea_id)
    idea_services.idea_withdraw(actor=actor, idea=target, message=payload.message if payload else "")
    return _detail(actor, idea_id)


# --- Supports -----------------------------------------------------------------------------------------
def _support_state(idea: Idea, *, supported: bool, reached: list[int]) -> dict[str, Any]:
    # Read back what the transaction left: the count, rung and deadline as one consistent row.
    idea.refresh_from_db(fields=["support_count", "milestone_index", "deadline", "status", "qualified_at"])
    return {
        "support_count": idea.support_count,
        "supported": supported,
        "next_milestone": selectors.milestone_progress(idea).next_threshold,
        "deadline": idea.deadline,
        "milestones_reached": reached,
    }


@router.post(
    "/ideas/{idea_id}/support",
    response={201: SupportStateOut, 200: SupportStateOut, **ERROR_RESPONSES},
    summary="Support an idea, with optional survey answers (again: 200, nothing changes)",
)
def support_add(
    request: HttpRequest, idea_id: int, payload: SupportIn | None = None
) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    target = _idea(actor, idea_id)
    survey = payload or SupportIn()
    result = support_services.support_add(
        actor=actor,
        idea=target,
        would_buy=survey.would_buy,
        price_band=survey.price_band,
        audience=survey.audience,
        attribution=attribution_from_session(request.session),
    )
    state = _support_state(target, supported=True, reached=[m.threshold for m in result.milestones])
    return Status(201 if result.created else 200, state)


@router.delete(
    "/ideas/{idea_id}/support",
    response={200: SupportStateOut, **ERROR_RESPONSES},
    summary="Withdraw your support while the idea is gathering support (idempotent)",
)
def support_remove(request: HttpRequest, idea_id: int) -> dict[str, Any]:
    actor = api_actor(request)
    target = _idea(actor, idea_id)
    support_services.support_remove(actor=actor, idea=target)
    return _support_state(target, supported=False, reached=[])


@router.get(
    "/ideas/{idea_id}/supporters",
    response={200: SupporterPage, **ERROR_RESPONSES},
    summary="An idea's supporters with their survey answers (staff), newest first",
)
def supporters(request: HttpRequest, idea_id: int, filters: Query[PageFilters]) -> dict[str, Any]:
    actor = api_actor(request)
    if not is_staff(actor):
        raise NotAllowed(_("Only staff can see who supports an idea."))
    target = _idea(actor, idea_id)
    page = paginate(
        Support.objects.filter(idea=target).select_related("user"),
        order=["-created_at", "-id"],
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


# --- Comments -----------------------------------------------------------------------------------------
def _comment(comment: Any, html: str, reactions: list[Any]) -> dict[str, Any]:
    removed = comment.is_removed
    return {
        "id": comment.pk,
        "author": None if removed else {"id": comment.author_id, "name": comment.author.public_name},
        "body": "" if removed else comment.body,
        "body_html": html,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "is_update": comment.is_update,
        "removed": removed,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "reactions": reactions,
    }


def _node(node: Any) -> dict[str, Any]:
    return {**_comment(node.comment, node.html, node.reactions), "replies": [_node(n) for n in node.replies]}


@router.get(
    "/ideas/{idea_id}/comments",
    auth=None,
    response={200: CommentPage, **ERROR_RESPONSES},
    summary="An idea's discussion: newest comments first, each with its replies",
)
def comments(request: HttpRequest, idea_id: int, filters: Query[PageFilters]) -> dict[str, Any]:
    from cocreate.discussions import selectors as discussions

    user = _viewer(request)
    target = _idea(user, idea_id)
    if target.discussion_id is None:
        return {"items": [], "next_cursor": None}
    discussion = discussions.discussion_get(target.discussion_id)
    assert discussion is not None
    found = discussions.thread(discussion=discussion, user=user, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_node(n) for n in found.nodes], "next_cursor": found.next_cursor}


@router.post(
    "/ideas/{idea_id}/comments",
    response={201: CommentOut, **ERROR_RESPONSES, 429: ErrorOut},
    summary="Comment on an idea, reply to a comment, or post a creator's update",
)
def comment_post(request: HttpRequest, idea_id: int, payload: CommentIn) -> Status[dict[str, Any]]:
    from cocreate.discussions import selectors as discussions
    from cocreate.discussions import services as discussion_services

    actor = api_actor(request)
    target = _idea(actor, idea_id)
    discussion = discussions.discussion_get(target.discussion_id) if target.discussion_id else None
    if discussion is None:
        raise DomainError(message=_("This idea takes no comments."), status=409)
    parent = None
    if payload.parent_id is not None:
        parent = discussions.comment_get(payload.parent_id) if 0 < payload.parent_id <= MAX_ID else None
        if parent is None or parent.discussion_id != discussion.pk:
            raise NotFound(_("No such comment in this discussion."), field="parent_id")
    comment = discussion_services.comment_post(
        actor=actor, discussion=discussion, body=payload.body, parent=parent, is_update=payload.is_update
    )
    return Status(201, _comment(comment, render_markdown(comment.body), []))


# --- Reviews and decisions ----------------------------------------------------------------------------
def _decision(decision: Any) -> dict[str, Any]:
    by = decision.decided_by
    return {
        "id": decision.pk,
        "idea_id": decision.idea_id,
        "outcome": decision.outcome,
        "rationale": decision.rationale,
        "decided_by": {"id": by.pk, "name": by.public_name} if by is not None else None,
        "decided_at": decision.decided_at,
    }


@router.get(
    "/ideas/{idea_id}/reviews",
    response={200: ReviewsOut, **ERROR_RESPONSES},
    summary="An idea's review scores, reviewers' notes and decisions (reviewers and administrators)",
)
def reviews(request: HttpRequest, idea_id: int) -> dict[str, Any]:
    from .policies import check_can_review
    from .selectors import reviews as review_selectors

    actor = api_actor(request)
    check_can_review(actor)
    target = _idea(actor, idea_id)
    criteria = list(Criterion.objects.filter(challenge_id=target.challenge_id))
    weights = {str(c.pk): Decimal(c.weight) for c in criteria}
    found = review_selectors.reviews_of(target)
    scored = [
        {
            "reviewer": {"id": r.reviewer_id, "name": r.reviewer.public_name},
            "scores": r.scores or {},
            "weighted_score": _two_places(review_selectors.weighted_score(r.scores or {}, weights)),
            "notes": r.notes,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
        }
        for r in found
    ]
    return {
        "idea_id": target.pk,
        "status": target.status,
        "average": review_selectors.score_summary(target).average,
        "criteria": criteria,
        "reviews": scored,
        "decisions": [_decision(d) for d in review_selectors.decision_history(target)],
    }


def _two_places(value: Decimal | None) -> Decimal | None:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN) if value is not None else None


@router.post(
    "/ideas/{idea_id}/decision",
    response={201: DecisionResultOut, **ERROR_RESPONSES},
    summary="Record a public decision on an idea in review (administrators); approval credits the creator",
)
def decision(request: HttpRequest, idea_id: int, payload: DecisionIn) -> Status[dict[str, Any]]:
    from .services import reviews as review_services

    actor = api_actor(request)
    target = _idea(actor, idea_id)
    product = _product(payload.product_id) if payload.product_id is not None else None
    made = review_services.decision_record(
        actor=actor, idea=target, outcome=payload.outcome, rationale=payload.rationale, product=product
    )
    made.decided_by = actor
    return Status(201, {**_decision(made), "idea_status": target.status})


# --- Royalty statements -------------------------------------------------------------------------------
@router.get(
    "/royalties/statements",
    response={200: StatementsOut, **ERROR_RESPONSES},
    summary="Your royalty statements per period and currency (administrators: any creator's)",
)
def statements(request: HttpRequest, filters: Query[StatementFilters]) -> dict[str, Any]:
    from .selectors import royalties as royalty_selectors
    from .services.royalties import normalise_period

    actor = api_actor(request)
    creator = actor
    if filters.creator_id is not None and filters.creator_id != actor.pk:
        if not is_admin(actor):
            raise NotAllowed(_("You can see only your own statements."))
        creator = (
            get_user_model().objects.filter(pk=filters.creator_id).first()
            if 0 < filters.creator_id <= MAX_ID
            else None
        )
        if creator is None:
            raise NotFound(_("No member with this id."), field="creator_id")
    period = None
    if filters.period:
        period = normalise_period(filters.period)
        if period is None:
            raise DomainError(message=_("A period is YYYY-MM or YYYY-Qn."), field="period")
    return {
        "creator_id": creator.pk,
        "statements": royalty_selectors.creator_statements(creator, period),
        "balance": royalty_selectors.creator_balance(creator),
    }
