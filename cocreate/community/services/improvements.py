"""Writes for “you said, we did”: improvements, what led to them, and the credit of the members behind them.

Invariants guarded here:
- only staff record, link, unlink and publish improvements (`check_can_publish_improvements`);
- a link names exactly one post, idea or theme, and each at most once per improvement (a second attempt is
  answered 409 and changes nothing); removed posts, unpublished ideas and merged themes cannot be linked;
- an improvement is published once: the row is locked, `published_at` set, and one `ImprovementCredit`
  row written per contributing member (unique per improvement and member), whose `contributed_at` is the
  earliest of that member's linked contributions;
- linking after publication credits only the members new to the improvement; unlinking drops the credit
  of members who no longer have a linked contribution and moves the others' dates to what remains;
- `improvement_published` is sent after commit, with the ids of the members credited by this write, so
  the notification task reaches each of them once (it also skips credits already notified).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.errors import Conflict, DomainError, NotFound

from .. import events
from ..models import (
    FEEDBACK_KINDS,
    FeedbackStatus,
    Improvement,
    ImprovementCredit,
    ImprovementLink,
    Theme,
    Thread,
)
from ..policies import check_can_publish_improvements

MAX_TITLE = 160
MAX_BODY = 10_000
MAX_VERSION = 40
_UNSET: Any = object()


# --- Cleaning -----------------------------------------------------------------------------------------
def _clean_title(title: Any) -> str:
    text = " ".join(str(title or "").replace("\x00", "").split())
    if len(text) < 3:
        raise DomainError(message=_("Say what changed in at least 3 characters."), field="title")
    if len(text) > MAX_TITLE:
        raise DomainError(message=_("A title has at most 160 characters."), field="title")
    return text


def _clean_body(body: Any) -> str:
    text = str(body or "").replace("\x00", "").strip()
    if len(text) > MAX_BODY:
        raise DomainError(message=_("The details have at most 10,000 characters."), field="body")
    return text


def _clean_version(version: Any) -> str:
    text = " ".join(str(version or "").replace("\x00", "").split())
    if len(text) > MAX_VERSION:
        raise DomainError(message=_("A version has at most 40 characters."), field="version")
    return text


def _clean_released_on(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise DomainError(message=_("Give the date the change was released."), field="released_on")
    today = timezone.localdate()
    if value.year < 2000 or value > today + dt.timedelta(days=366):
        raise DomainError(
            message=_("The release date must be after 2000 and at most a year from today."),
            field="released_on",
        )
    return value


def _clean_product(product: Any) -> Any:
    from cocreate.brand.models import Product

    if product is not None and not isinstance(product, Product):
        raise DomainError(message=_("Choose a product from the catalogue."), field="product")
    return product


# --- Improvements -------------------------------------------------------------------------------------
def improvement_create(
    *,
    actor: Any,
    title: str,
    body: str = "",
    product: Any = None,
    version: str = "",
    released_on: Any,
) -> Improvement:
    """Record a change as a draft; nobody but staff sees it until it is published."""
    check_can_publish_improvements(actor)
    values = {
        "title": _clean_title(title),
        "body": _clean_body(body),
        "product": _clean_product(product),
        "version": _clean_version(version),
        "released_on": _clean_released_on(released_on),
    }
    with transaction.atomic():
        return Improvement.objects.create(created_by=actor, **values)


def improvement_update(
    *,
    actor: Any,
    improvement: Improvement,
    title: Any = _UNSET,
    body: Any = _UNSET,
    product: Any = _UNSET,
    version: Any = _UNSET,
    released_on: Any = _UNSET,
) -> Improvement:
    """Change what was given; a published entry may be corrected (its credits stay)."""
    check_can_publish_improvements(actor)
    changes: dict[str, Any] = {}
    if title is not _UNSET:
        changes["title"] = _clean_title(title)
    if body is not _UNSET:
        changes["body"] = _clean_body(body)
    if product is not _UNSET:
        changes["product"] = _clean_product(product)
    if version is not _UNSET:
        changes["version"] = _clean_version(version)
    if released_on is not _UNSET:
        changes["released_on"] = _clean_released_on(released_on)
    if not changes:
        return improvement
    with transaction.atomic():
        for name, value in changes.items():
            setattr(improvement, name, value)
        improvement.save(update_fields=list(changes))
    return improvement


# --- Who contributed ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Contribution:
    user_id: int
    at: dt.datetime
    source: str


def _visible_threads() -> Any:
    return Thread.objects.filter(hidden_at__isnull=True, deleted_at__isnull=True)


def _idea_contributions(idea_ids: list[int]) -> list[Contribution]:
    from cocreate.challenges.models import Idea, IdeaCoCreator

    found: list[Contribution] = []
    ideas = {
        i.pk: i
        for i in Idea.objects.filter(pk__in=idea_ids).only("pk", "author_id", "created_at", "published_at")
    }
    for idea in ideas.values():
        # The idea's own date names it for all its creators: "your idea of 3 March".
        found.append(Contribution(idea.author_id, idea.published_at or idea.created_at, f"idea:{idea.pk}"))
    for idea_id, user_id in IdeaCoCreator.objects.filter(idea_id__in=list(ideas)).values_list(
        "idea_id", "user_id"
    ):
        idea = ideas[idea_id]
        found.append(Contribution(user_id, idea.published_at or idea.created_at, f"idea:{idea_id}"))
    return found


def contributions_of(improvement: Improvement) -> dict[int, Contribution]:
    """Every member whose voice is linked to `improvement`, with their earliest linked contribution: the
    author of each linked post, the creators of each linked idea, the authors of the visible feedback posts
    of each linked theme."""
    links = list(
        ImprovementLink.objects.filter(improvement=improvement).values_list(
            "thread_id", "idea_id", "theme_id"
        )
    )
    thread_ids = [t for t, _i, _h in links if t]
    idea_ids = [i for _t, i, _h in links if i]
    theme_ids = [h for _t, _i, h in links if h]
    found: list[Contribution] = []
    posts = _visible_threads().filter(pk__in=thread_ids)
    if theme_ids:
        posts = posts | _visible_threads().filter(theme_id__in=theme_ids, kind__in=FEEDBACK_KINDS)
    for pk, author_id, created_at in posts.values_list("pk", "author_id", "created_at"):
        found.append(Contribution(author_id, created_at, f"thread:{pk}"))
    found.extend(_idea_contributions(idea_ids))
    earliest: dict[int, Contribution] = {}
    for c in found:
        known = earliest.get(c.user_id)
        if known is None or (c.at, c.source) < (known.at, known.source):
            earliest[c.user_id] = c
    return earliest


def _sync_credits(improvement: Improvement) -> list[int]:
    """Make the credits match the links: add new members, move dates to the earliest contribution, drop
    members without a linked contribution. Returns the ids of the members credited now for the first time."""
    wanted = contributions_of(improvement)
    existing = {
        c.user_id: c for c in ImprovementCredit.objects.select_for_update().filter(improvement=improvement)
    }
    gone = [uid for uid in existing if uid not in wanted]
    if gone:
        ImprovementCredit.objects.filter(improvement=improvement, user_id__in=gone).delete()
    for uid, c in wanted.items():
        known = existing.get(uid)
        if known is not None and (known.contributed_at, known.source) != (c.at, c.source):
            ImprovementCredit.objects.filter(pk=known.pk).update(contributed_at=c.at, source=c.source)
    new = [
        ImprovementCredit(improvement=improvement, user_id=uid, source=c.source, contributed_at=c.at)
        for uid, c in wanted.items()
        if uid not in existing
    ]
    # A concurrent write of the same credit loses quietly: the unique constraint keeps one row.
    ImprovementCredit.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return sorted(c.user_id for c in new)


def _announce(improvement: Improvement, user_ids: list[int]) -> None:
    if not user_ids:
        return
    transaction.on_commit(
        lambda: events.improvement_published.send(
            sender=Improvement, improvement=improvement, credited_user_ids=list(user_ids)
        )
    )


def _mark_done(*, actor: Any, improvement: Improvement, threads: list[Thread]) -> int:
    """Move the linked feedback posts to "done" with a public message naming the change."""
    from . import triage

    message = _("Done: “%(title)s”.") % {"title": improvement.title}
    if improvement.version:
        message = _("Done in version %(version)s: “%(title)s”.") % {
            "version": improvement.version,
            "title": improvement.title,
        }
    moved = 0
    for thread in threads:
        if thread.kind in FEEDBACK_KINDS and thread.status != FeedbackStatus.DONE and not thread.is_removed:
            triage.feedback_set_status(
                actor=actor, thread=thread, status=FeedbackStatus.DONE, message=message
            )
            moved += 1
    return moved


# --- Links --------------------------------------------------------------------------------------------
def improvement_link(
    *,
    actor: Any,
    improvement: Improvement,
    thread: Thread | None = None,
    idea: Any = None,
    theme: Theme | None = None,
    mark_done: bool = False,
) -> ImprovementLink:
    """Link what led to the change. After publication the members it brings are credited (and told);
    `mark_done` also moves a linked feedback post to "done" once the improvement is published."""
    check_can_publish_improvements(actor)
    given = [
        name for name, value in (("thread", thread), ("idea", idea), ("theme", theme)) if value is not None
    ]
    if len(given) != 1:
        raise DomainError(message=_("Link one post, one idea or one theme at a time."), field="thread")
    field = given[0]
    if thread is not None:
        if thread.is_removed:
            raise DomainError(message=_("This post was removed; it cannot be linked."), field="thread")
        duplicate = ImprovementLink.objects.filter(improvement=improvement, thread=thread)
        duplicate_message = _("This post is already linked to this improvement.")
    elif idea is not None:
        from cocreate.challenges.models.ideas import PUBLIC_STATUSES

        if idea.status not in PUBLIC_STATUSES:
            raise DomainError(message=_("Only published ideas can be linked."), field="idea")
        duplicate = ImprovementLink.objects.filter(improvement=improvement, idea=idea)
        duplicate_message = _("This idea is already linked to this improvement.")
    else:
        assert theme is not None
        if not theme.active:
            target = theme.merged_into
            if target is not None:
                raise DomainError(
                    message=_("This theme was merged into “%(name)s”; link that one.")
                    % {"name": target.name},
                    field="theme",
                )
            raise DomainError(message=_("This theme is no longer active."), field="theme")
        duplicate = ImprovementLink.objects.filter(improvement=improvement, theme=theme)
        duplicate_message = _("This theme is already linked to this improvement.")
    if duplicate.exists():
        raise Conflict(duplicate_message, field=field)
    try:
        with transaction.atomic():
            locked = Improvement.objects.select_for_update().get(pk=improvement.pk)
            link = ImprovementLink.objects.create(improvement=locked, thread=thread, idea=idea, theme=theme)
            if locked.published_at is not None:
                _announce(locked, _sync_credits(locked))
                if mark_done and thread is not None:
                    _mark_done(actor=actor, improvement=locked, threads=[thread])
    except IntegrityError as exc:
        # The same link sent twice at the same moment: the unique constraint keeps one.
        raise Conflict(duplicate_message, field=field) from exc
    improvement.published_at = locked.published_at
    return link


def improvement_unlink(*, actor: Any, link: ImprovementLink) -> None:
    """Remove a link; after publication the credits follow what is still linked."""
    check_can_publish_improvements(actor)
    with transaction.atomic():
        locked = Improvement.objects.select_for_update().filter(pk=link.improvement_id).first()
        deleted, _rows = ImprovementLink.objects.filter(pk=link.pk).delete()
        if not deleted or locked is None:
            raise NotFound(_("This link no longer exists."), field="link")
        if locked.published_at is not None:
            _sync_credits(locked)


# --- Publication --------------------------------------------------------------------------------------
def improvement_publish(*, actor: Any, improvement: Improvement, mark_done: bool = False) -> Improvement:
    """Publish once: the entry appears in the changelog and every linked contributor is credited and told.
    `mark_done` also moves the linked feedback posts to "done", with a public message naming the change."""
    check_can_publish_improvements(actor)
    with transaction.atomic():
        locked = Improvement.objects.select_for_update().get(pk=improvement.pk)
        if locked.published_at is not None:
            raise Conflict(_("This improvement is already published."), field="published_at")
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
        credited = _sync_credits(locked)
        if mark_done:
            threads = list(
                Thread.objects.filter(improvement_links__improvement=locked).select_related("board")
            )
            _mark_done(actor=actor, improvement=locked, threads=threads)
        transaction.on_commit(
            lambda: events.improvement_published.send(
                sender=Improvement, improvement=locked, credited_user_ids=credited
            )
        )
    improvement.published_at = locked.published_at
    return locked
