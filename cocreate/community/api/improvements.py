"""“You said, we did” as JSON: the published changelog and its entries (public), what led to each, a member's
impact (public, as on their profile), and the staff writes (record, edit, link, unlink, publish).

Drafts exist only for staff: any other caller gets the same 404 as for an id that never existed. Every write
is checked by the service itself, so a member's token is answered 403 and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError

from cocreate.accounts.api_auth import TokenAuth
from cocreate.core.addresses import MAX_ID
from cocreate.core.api import ERROR_RESPONSES, InputSchema, PageOut, api_actor
from cocreate.core.errors import DomainError, NotFound
from cocreate.core.text import render_markdown

from ..models import Improvement, ImprovementLink
from ..policies import can_publish_improvements
from ..selectors import improvements as selectors
from ..services import improvements as services

router = Router(tags=["improvements"])

_token_auth = TokenAuth()


def _viewer(request: HttpRequest) -> Any:
    """The caller of a public read: the token's owner, the logged-in member, or an anonymous visitor. A
    token that is sent but not valid is refused rather than read as anonymous."""
    if request.headers.get("Authorization"):
        user = _token_auth(request)
        if user is None:
            raise AuthenticationError()
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return user
    return AnonymousUser()


# --- Schemas ------------------------------------------------------------------------------------------
class ProductRef(Schema):
    id: int
    name: str


class CreditedPersonOut(Schema):
    id: int
    name: str


class ImprovementSummary(Schema):
    id: int
    title: str
    product: ProductRef | None = None
    version: str
    released_on: dt.date
    published_at: dt.datetime | None = None
    contributor_count: int = 0
    url: str


class LinkOut(Schema):
    id: int
    kind: str = Field(description="thread, idea or theme")
    target_id: int
    title: str
    author: CreditedPersonOut | None = None


class ImprovementOut(ImprovementSummary):
    body: str
    body_html: str
    links: list[LinkOut]


ImprovementPage = PageOut[ImprovementSummary]


class ChangelogFilters(InputSchema):
    product: int | None = Field(default=None, ge=1, le=MAX_ID)
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=settings.COCREATE_API_PAGE_SIZE, ge=1, le=settings.COCREATE_API_MAX_PAGE_SIZE)


class ImprovementIn(InputSchema):
    title: str = Field(max_length=1000)
    body: str = Field(default="", max_length=20_000)
    product_id: int | None = None
    version: str = Field(default="", max_length=200)
    released_on: dt.date


class ImprovementPatch(InputSchema):
    title: str | None = Field(default=None, max_length=1000)
    body: str | None = Field(default=None, max_length=20_000)
    product_id: int | None = None
    version: str | None = Field(default=None, max_length=200)
    released_on: dt.date | None = None


class LinkIn(InputSchema):
    thread_id: int | None = None
    idea_id: int | None = None
    theme_id: int | None = None
    mark_done: bool = Field(
        default=False, description="Also move a linked feedback post to done (published only)"
    )


class PublishIn(InputSchema):
    mark_done: bool = Field(default=False, description="Also move the linked feedback posts to done")


class ImpactFilters(InputSchema):
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=20, ge=1, le=settings.COCREATE_API_MAX_PAGE_SIZE)


class ImpactItem(Schema):
    improvement: ImprovementSummary
    line: str = Field(description="e.g. “Your suggestion of 3 March led to this”")
    source: str
    contributed_at: dt.datetime


class ImpactOut(Schema):
    improvement_count: int
    product_count: int
    items: list[ImpactItem]
    next_cursor: str | None = None


# --- Helpers ------------------------------------------------------------------------------------------
def _summary(improvement: Improvement) -> dict[str, Any]:
    product = improvement.product
    return {
        "id": improvement.pk,
        "title": improvement.title,
        "product": {"id": product.pk, "name": product.name} if product else None,
        "version": improvement.version,
        "released_on": improvement.released_on,
        "published_at": improvement.published_at,
        "contributor_count": getattr(improvement, "contributor_count", 0),
        "url": reverse("community:improvement-detail", args=[improvement.pk]),
    }


def _improvement(user: Any, improvement_id: int) -> Improvement:
    found = None
    if 0 < improvement_id <= MAX_ID:
        found = selectors.improvement_get(user=user, improvement_id=improvement_id)
    if found is None:
        raise NotFound(_("No improvement with this id."), field="improvement_id")
    return found


def _product(product_id: int) -> Any:
    from cocreate.brand.selectors import product_get

    found = product_get(product_id=product_id) if 0 < product_id <= MAX_ID else None
    if found is None:
        raise NotFound(_("No product with this id."), field="product_id")
    return found


def _link_out(link: ImprovementLink) -> dict[str, Any]:
    if link.thread is not None:
        person = link.thread.author
        return {
            "id": link.pk,
            "kind": "thread",
            "target_id": link.thread.pk,
            "title": link.thread.title,
            "author": {"id": person.pk, "name": person.public_name},
        }
    if link.idea is not None:
        person = link.idea.author
        return {
            "id": link.pk,
            "kind": "idea",
            "target_id": link.idea.pk,
            "title": link.idea.title,
            "author": {"id": person.pk, "name": person.public_name},
        }
    assert link.theme is not None
    return {
        "id": link.pk,
        "kind": "theme",
        "target_id": link.theme.pk,
        "title": link.theme.name,
        "author": None,
    }


def _detail(user: Any, improvement_id: int) -> dict[str, Any]:
    """The entry and its links as the caller may see them (staff see every link, others the visible ones)."""
    improvement = _improvement(user, improvement_id)
    detail = selectors.improvement_detail(user=user, improvement=improvement)
    if can_publish_improvements(user):
        links = selectors.links_for_staff(improvement)
    else:
        visible = {("thread", t.pk) for t in detail.threads} | {("idea", i.pk) for i in detail.ideas}
        links = [
            ln
            for ln in selectors.links_for_staff(improvement)
            if ln.theme_id or ("thread", ln.thread_id) in visible or ("idea", ln.idea_id) in visible
        ]
    improvement.contributor_count = detail.contributor_count  # type: ignore[attr-defined]
    return {
        **_summary(improvement),
        "body": improvement.body,
        "body_html": render_markdown(improvement.body),
        "links": [_link_out(ln) for ln in links],
    }


# --- Reads --------------------------------------------------------------------------------------------
@router.get(
    "/improvements",
    auth=None,
    response={200: ImprovementPage, **ERROR_RESPONSES},
    summary="The published changelog, newest release first, a cursor page at a time",
)
def improvement_list(request: HttpRequest, filters: Query[ChangelogFilters]) -> dict[str, Any]:
    page = selectors.changelog(cursor=filters.cursor, limit=filters.limit, product_id=filters.product)
    return {"items": [_summary(i) for i in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/improvements/{improvement_id}",
    auth=None,
    response={200: ImprovementOut, **ERROR_RESPONSES},
    summary="One entry: what changed and the posts, ideas and themes that led to it (drafts: staff)",
)
def improvement_get(request: HttpRequest, improvement_id: int) -> dict[str, Any]:
    return _detail(_viewer(request), improvement_id)


@router.get(
    "/members/{member_id}/impact",
    auth=None,
    response={200: ImpactOut, **ERROR_RESPONSES},
    summary="The published improvements a member's posts and ideas led to, newest credit first",
)
def member_impact(request: HttpRequest, member_id: int, filters: Query[ImpactFilters]) -> dict[str, Any]:
    from cocreate.accounts.selectors import user_get_public

    member = user_get_public(user_id=member_id) if 0 < member_id <= MAX_ID else None
    if member is None:
        raise NotFound(_("No member with this id."), field="member_id")
    viewer = _viewer(request)
    own = bool(viewer.is_authenticated and viewer.pk == member.pk)
    impact = selectors.member_impact(user=member, own=own, cursor=filters.cursor, limit=filters.limit)
    return {
        "improvement_count": impact.improvement_count,
        "product_count": impact.product_count,
        "items": [
            {
                "improvement": _summary(c.improvement),
                "line": c.line,  # type: ignore[attr-defined]
                "source": c.source,
                "contributed_at": c.contributed_at,
            }
            for c in impact.credits.items
        ],
        "next_cursor": impact.credits.next_cursor,
    }


# --- Staff writes -------------------------------------------------------------------------------------
@router.post(
    "/improvements",
    response={201: ImprovementOut, **ERROR_RESPONSES},
    summary="Record an improvement as a draft (staff)",
)
def improvement_create(request: HttpRequest, payload: ImprovementIn) -> Status[dict[str, Any]]:
    actor = api_actor(request)
    product = _product(payload.product_id) if payload.product_id is not None else None
    improvement = services.improvement_create(
        actor=actor,
        title=payload.title,
        body=payload.body,
        product=product,
        version=payload.version,
        released_on=payload.released_on,
    )
    return Status(201, _detail(actor, improvement.pk))


@router.patch(
    "/improvements/{improvement_id}",
    response={200: ImprovementOut, **ERROR_RESPONSES},
    summary="Change an entry's text, product, version or date (staff); `product_id: null` clears it",
)
def improvement_update(
    request: HttpRequest, improvement_id: int, payload: ImprovementPatch
) -> dict[str, Any]:
    actor = api_actor(request)
    target = _improvement(actor, improvement_id)
    data = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    for name in ("title", "body", "version", "released_on"):
        if name in data:
            if data[name] is None:
                raise DomainError(message=_("This field cannot be empty."), field=name)
            changes[name] = data[name]
    if "product_id" in data:
        changes["product"] = _product(data["product_id"]) if data["product_id"] is not None else None
    services.improvement_update(actor=actor, improvement=target, **changes)
    return _detail(actor, improvement_id)


@router.post(
    "/improvements/{improvement_id}/links",
    response={201: LinkOut, **ERROR_RESPONSES},
    summary="Link one post, idea or theme that led to the change (staff); after publication its new "
    "contributors are credited and told",
)
def improvement_link(request: HttpRequest, improvement_id: int, payload: LinkIn) -> Status[dict[str, Any]]:
    from cocreate.challenges.selectors.ideas import idea_get_for_viewer

    actor = api_actor(request)
    target = _improvement(actor, improvement_id)
    given = [n for n in ("thread_id", "idea_id", "theme_id") if getattr(payload, n) is not None]
    if len(given) != 1:
        raise DomainError(
            message=_("Give exactly one of thread_id, idea_id or theme_id."),
            field=given[1] if given else "thread_id",
        )
    kwargs: dict[str, Any] = {}
    if payload.thread_id is not None:
        thread = (
            selectors.linkable_thread(thread_id=payload.thread_id)
            if 0 < payload.thread_id <= MAX_ID
            else None
        )
        if thread is None:
            raise NotFound(_("There is no post with this id."), field="thread_id")
        kwargs["thread"] = thread
    elif payload.idea_id is not None:
        idea = (
            idea_get_for_viewer(user=actor, idea_id=payload.idea_id)
            if 0 < payload.idea_id <= MAX_ID
            else None
        )
        if idea is None:
            raise NotFound(_("There is no idea with this id."), field="idea_id")
        kwargs["idea"] = idea
    else:
        assert payload.theme_id is not None
        theme = (
            selectors.linkable_theme(theme_id=payload.theme_id) if 0 < payload.theme_id <= MAX_ID else None
        )
        if theme is None:
            raise NotFound(_("There is no theme with this id."), field="theme_id")
        kwargs["theme"] = theme
    try:
        link = services.improvement_link(
            actor=actor, improvement=target, mark_done=payload.mark_done, **kwargs
        )
    except DomainError as exc:
        # The service names its fields after the model ("thread"); the API's are "thread_id".
        _rename_fields(exc)
        raise
    link = ImprovementLink.objects.select_related("thread__author", "idea__author", "theme").get(pk=link.pk)
    return Status(201, _link_out(link))


def _rename_fields(exc: DomainError) -> None:
    for err in exc.errors:
        if err.field in ("thread", "idea", "theme"):
            err.field = f"{err.field}_id"
    if exc.field in ("thread", "idea", "theme"):
        exc.field = f"{exc.field}_id"


@router.delete(
    "/improvements/{improvement_id}/links/{link_id}",
    response={204: None, **ERROR_RESPONSES},
    summary="Remove a link (staff); after publication the credits follow what is still linked",
)
def improvement_unlink(request: HttpRequest, improvement_id: int, link_id: int) -> Status[None]:
    actor = api_actor(request)
    target = _improvement(actor, improvement_id)
    link = (
        ImprovementLink.objects.filter(pk=link_id, improvement=target).first()
        if 0 < link_id <= MAX_ID
        else None
    )
    if link is None:
        raise NotFound(_("No link with this id on this improvement."), field="link_id")
    services.improvement_unlink(actor=actor, link=link)
    return Status(204, None)


@router.post(
    "/improvements/{improvement_id}/publish",
    response={200: ImprovementOut, **ERROR_RESPONSES},
    summary="Publish once (staff): credits and tells every linked contributor; again: 409",
)
def improvement_publish(
    request: HttpRequest, improvement_id: int, payload: PublishIn | None = None
) -> dict[str, Any]:
    actor = api_actor(request)
    target = _improvement(actor, improvement_id)
    services.improvement_publish(
        actor=actor, improvement=target, mark_done=bool(payload and payload.mark_done)
    )
    return _detail(actor, improvement_id)
