"""Reads for “you said, we did”: the public changelog, one entry with the voices that led to it, a member's
impact, and what a post led to. Drafts are seen by staff only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cocreate.core.pagination import Page, paginate
from cocreate.core.text import plain_text

from ..models import (
    FEEDBACK_KINDS,
    Improvement,
    ImprovementCredit,
    ImprovementLink,
    Theme,
    Thread,
    ThreadKind,
)
from ..policies import can_publish_improvements, can_view_thread

CHANGELOG_ORDER = ["-released_on", "-id"]
# How many contributors an entry names before "and N others".
NAMED_CONTRIBUTORS = 24
# Posts of a linked theme shown as examples on the entry's page.
THEME_EXAMPLES = 3


def _with_counts(qs: QuerySet[Improvement]) -> QuerySet[Improvement]:
    credits = (
        ImprovementCredit.objects.filter(improvement=OuterRef("pk"))
        .order_by()
        .values("improvement")
        .annotate(n=Count("id"))
        .values("n")
    )
    return qs.annotate(contributor_count=Coalesce(Subquery(credits, output_field=IntegerField()), Value(0)))


def changelog(
    *, cursor: str | None = None, limit: int = 20, product_id: int | None = None
) -> Page[Improvement]:
    """Published entries, newest release first (the partial `changelog` index), a keyset page at a time."""
    qs = Improvement.objects.filter(published_at__isnull=False).select_related("product")
    if product_id:
        qs = qs.filter(product_id=product_id)
    page = paginate(_with_counts(qs), order=CHANGELOG_ORDER, cursor=cursor, limit=limit)
    for item in page.items:
        item.excerpt = plain_text(item.body, 240)  # type: ignore[attr-defined]
    return page


def drafts(*, user: Any) -> list[Improvement]:
    """Entries not yet published, for staff (nobody else sees them)."""
    if not can_publish_improvements(user):
        return []
    return list(
        _with_counts(
            Improvement.objects.filter(published_at__isnull=True).select_related("product")
        ).order_by("-released_on", "-id")[:100]
    )


def improvement_get(*, user: Any, improvement_id: int) -> Improvement | None:
    """A published entry, or a draft for staff."""
    qs = _with_counts(Improvement.objects.select_related("product", "created_by")).filter(pk=improvement_id)
    if not can_publish_improvements(user):
        qs = qs.filter(published_at__isnull=False)
    return qs.first()


def changelog_products() -> list[Any]:
    """The products that have published entries: the changelog's filter."""
    from cocreate.brand.models import Product

    ids = Improvement.objects.filter(published_at__isnull=False, product__isnull=False).values("product_id")
    return list(Product.objects.filter(pk__in=ids).order_by("name", "id"))


@dataclass
class ThemeVoice:
    theme: Theme
    post_count: int
    examples: list[Thread]


@dataclass
class ImprovementDetail:
    improvement: Improvement
    threads: list[Thread]
    ideas: list[Any]
    themes: list[ThemeVoice]
    links: list[ImprovementLink]
    contributors: list[Any] = field(default_factory=list)
    contributor_count: int = 0
    others: int = 0


def _theme_posts(theme_ids: list[int]) -> QuerySet[Thread]:
    return Thread.objects.filter(
        theme_id__in=theme_ids, kind__in=FEEDBACK_KINDS, hidden_at__isnull=True, deleted_at__isnull=True
    )


def improvement_detail(*, user: Any, improvement: Improvement) -> ImprovementDetail:
    """The entry with what led to it as the viewer may see it: linked posts with their authors, linked ideas,
    linked themes (size and a few example posts), and the members credited. A bounded number of queries."""
    from cocreate.challenges.models import Idea
    from cocreate.challenges.policies import can_view_idea

    links = list(
        ImprovementLink.objects.filter(improvement=improvement)
        .select_related("thread__author", "thread__board", "theme")
        .order_by("id")
    )
    threads = [ln.thread for ln in links if ln.thread is not None and can_view_thread(user, ln.thread)]
    idea_ids = [ln.idea_id for ln in links if ln.idea_id]
    ideas_by_id = (
        Idea.objects.select_related("author", "challenge").prefetch_related("co_creators").in_bulk(idea_ids)
    )
    ideas = [ideas_by_id[i] for i in idea_ids if i in ideas_by_id and can_view_idea(user, ideas_by_id[i])]
    themes = [ln.theme for ln in links if ln.theme is not None]
    counts = dict(
        _theme_posts([t.pk for t in themes])
        .order_by()
        .values("theme_id")
        .annotate(n=Count("id"))
        .values_list("theme_id", "n")
    )
    voices = []
    for theme in themes:
        examples = list(
            _theme_posts([theme.pk])
            .select_related("author")
            .order_by("-theme_similarity", "-id")[:THEME_EXAMPLES]
        )
        voices.append(ThemeVoice(theme=theme, post_count=counts.get(theme.pk, 0), examples=examples))
    credits = list(
        ImprovementCredit.objects.filter(improvement=improvement, user__is_active=True)
        .select_related("user")
        .order_by("contributed_at", "id")[:NAMED_CONTRIBUTORS]
    )
    total = ImprovementCredit.objects.filter(improvement=improvement).count()
    return ImprovementDetail(
        improvement=improvement,
        threads=threads,
        ideas=ideas,
        themes=voices,
        links=links,
        contributors=[c.user for c in credits],
        contributor_count=total,
        others=max(total - len(credits), 0),
    )


# --- Wording -----------------------------------------------------------------------------------------
def contribution_date(value: dt.datetime | dt.date) -> str:
    """ "3 March" this year, "3 March 2025" before: how a member recognises their own post."""
    day = timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
    fmt = "j F" if day.year == timezone.localdate().year else "j F Y"
    return str(formats.date_format(day, fmt))


def source_kinds(credits: list[ImprovementCredit]) -> dict[int, str]:
    """The kind of each credited post (one query), keyed by thread id."""
    ids = [int(c.source.split(":", 1)[1]) for c in credits if c.source.startswith("thread:")]
    return dict(Thread.objects.filter(pk__in=ids).values_list("pk", "kind")) if ids else {}


def credit_line(credit: ImprovementCredit, kinds: dict[int, str], *, own: bool = True) -> str:
    """ "Your suggestion of 3 March led to this" (to the member), "Suggestion of 3 March" (to others),
    dated by the credit's earliest contribution."""
    date = contribution_date(credit.contributed_at)
    kind, _sep, ident = credit.source.partition(":")
    if kind == "idea":
        what = "idea"
    else:
        what = str(kinds.get(int(ident), ThreadKind.DISCUSSION)) if ident.isdigit() else ThreadKind.DISCUSSION
    values = {"date": date}
    if own:
        lines = {
            "idea": _("Your idea of %(date)s led to this"),
            ThreadKind.SUGGESTION: _("Your suggestion of %(date)s led to this"),
            ThreadKind.BUG: _("Your bug report of %(date)s led to this"),
            ThreadKind.REVIEW: _("Your review of %(date)s led to this"),
            ThreadKind.QUESTION: _("Your question of %(date)s led to this"),
        }
        return lines.get(what, _("Your post of %(date)s led to this")) % values
    lines = {
        "idea": _("Idea of %(date)s"),
        ThreadKind.SUGGESTION: _("Suggestion of %(date)s"),
        ThreadKind.BUG: _("Bug report of %(date)s"),
        ThreadKind.REVIEW: _("Review of %(date)s"),
        ThreadKind.QUESTION: _("Question of %(date)s"),
    }
    return lines.get(what, _("Post of %(date)s")) % values


def credit_of(*, user: Any, improvement: Improvement) -> ImprovementCredit | None:
    """The viewer's own credit on a published entry, with its line, or None."""
    if not getattr(user, "is_authenticated", False) or improvement.published_at is None:
        return None
    credit = ImprovementCredit.objects.filter(improvement=improvement, user=user).first()
    if credit is not None:
        credit.line = credit_line(credit, source_kinds([credit]))  # type: ignore[attr-defined]
    return credit


# --- A member's impact --------------------------------------------------------------------------------
@dataclass
class Impact:
    credits: Page[ImprovementCredit]
    improvement_count: int
    product_count: int
    first_at: dt.datetime | None


def member_impact(*, user: Any, own: bool = True, cursor: str | None = None, limit: int = 20) -> Impact:
    """The published improvements a member's voice led to, newest credit first, each with its line
    ("Your suggestion of 3 March led to this") in `credit.line`; and the totals."""
    qs = ImprovementCredit.objects.filter(user=user, improvement__published_at__isnull=False)
    page = paginate(qs.select_related("improvement__product"), order=["-id"], cursor=cursor, limit=limit)
    kinds = source_kinds(page.items)
    for credit in page.items:
        credit.line = credit_line(credit, kinds, own=own)  # type: ignore[attr-defined]
    totals = qs.aggregate(
        n=Count("improvement", distinct=True),
        products=Count("improvement__product", distinct=True),
    )
    first = qs.order_by("contributed_at").values_list("contributed_at", flat=True).first()
    return Impact(
        credits=page,
        improvement_count=totals["n"] or 0,
        product_count=totals["products"] or 0,
        first_at=first,
    )


# --- What a post led to -------------------------------------------------------------------------------
def improvements_for_thread(thread: Thread) -> list[Improvement]:
    """Published improvements a post led to: linked directly, or through the theme it belongs to."""
    condition = Q(links__thread=thread)
    if thread.theme_id and thread.kind in FEEDBACK_KINDS and not thread.is_removed:
        # Through its theme only what was published after the post: a later post did not lead to it.
        condition |= Q(links__theme_id=thread.theme_id, published_at__gt=thread.created_at)
    return list(
        Improvement.objects.filter(condition, published_at__isnull=False)
        .select_related("product")
        .distinct()
        .order_by("-released_on", "-id")[:10]
    )


def links_for_staff(improvement: Improvement) -> list[ImprovementLink]:
    """Every link of an entry, for the staff edit page (removed posts included, so they can be unlinked)."""
    return list(
        ImprovementLink.objects.filter(improvement=improvement)
        .select_related("thread__author", "idea__author", "theme")
        .order_by("id")
    )


def linkable_themes() -> list[Theme]:
    """Active themes, largest first: the choices of the link form."""
    return list(Theme.objects.filter(active=True).order_by("-size", "id")[:300])


def linkable_thread(*, thread_id: int) -> Thread | None:
    """A post staff may link (any that exists; the service refuses removed ones with a clear message)."""
    return Thread.objects.select_related("board").filter(pk=thread_id).first()


def linkable_theme(*, theme_id: int) -> Theme | None:
    return Theme.objects.select_related("merged_into").filter(pk=theme_id).first()
