"""Supports and the milestone ladder.

Invariants guarded here:
- one support per member per idea: the unique constraint decides, in one `INSERT … ON CONFLICT DO NOTHING`;
  a second support is an answer ("already supported"), never an error or a second count;
- `Idea.support_count` changes only by `UPDATE … SET support_count = support_count ± 1` in the same
  transaction as the support row, so concurrent supports never lose an update;
- the UPDATE takes the idea's row lock, so milestone decisions for one idea are serialised; each rung is
  recorded once (`MilestoneEvent` is unique per idea and threshold) and its signal is sent once, after
  commit, however many supports arrive at the same instant;
- supports can be given and withdrawn only while the idea is gathering support and before its deadline;
- expiry is an idempotent UPDATE guarded by status and deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.errors import DomainError
from cocreate.journeys import services as journeys

from .. import events
from ..models import Idea, IdeaStatus, IdeaStatusChange, MilestoneEvent, ReviewPeriod, WouldBuy
from ..policies import check_can_support, check_can_withdraw_support

# One statement decides "already supported" through the unique constraint, on SQLite and PostgreSQL alike.
INSERT_SUPPORT = (
    "INSERT INTO challenges_support (idea_id, user_id, created_at, would_buy, price_band, audience) "
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (idea_id, user_id) DO NOTHING RETURNING id"
)


@dataclass
class Reached:
    threshold: int
    qualifies: bool
    deadline: datetime | None


@dataclass
class SupportResult:
    created: bool
    support_count: int
    milestones: list[Reached] = field(default_factory=list)


def ladder_of(idea: Idea) -> list[dict[str, Any]]:
    return sorted(idea.challenge.ladder or [], key=lambda rung: int(rung["at"]))


def next_rung(idea: Idea) -> dict[str, Any] | None:
    rungs = ladder_of(idea)
    index = idea.milestone_index + 1
    return rungs[index] if index < len(rungs) else None


def _check_survey(idea: Idea, would_buy: str, price_band: str, audience: str) -> None:
    challenge = idea.challenge
    if would_buy and would_buy not in WouldBuy.values:
        raise DomainError(message=_("Choose yes, maybe or no."), field="would_buy")
    if price_band and price_band not in (challenge.price_bands or []):
        raise DomainError(message=_("Choose one of the price bands offered."), field="price_band")
    if audience and audience not in (challenge.audiences or []):
        raise DomainError(message=_("Choose one of the answers offered."), field="audience")


def _next_review_period(now: datetime) -> ReviewPeriod | None:
    return ReviewPeriod.objects.filter(starts_on__gt=now.date()).order_by("starts_on", "id").first()


def _climb(
    idea_id: int, count: int, milestone_index: int, ladder: list[dict[str, Any]], now: datetime
) -> list[Reached]:
    """Record every rung `count` has reached beyond `milestone_index` (the caller holds the row lock)."""
    reached: list[Reached] = []
    index = milestone_index
    deadline: datetime | None = None
    qualified = False
    while index + 1 < len(ladder) and count >= int(ladder[index + 1]["at"]):
        index += 1
        rung = ladder[index]
        qualifies = bool(rung.get("qualifies"))
        deadline = None if qualifies else now + timedelta(days=int(rung.get("days", 0)))
        event, created = MilestoneEvent.objects.get_or_create(
            idea_id=idea_id,
            threshold=int(rung["at"]),
            defaults={"deadline_after": deadline, "qualifies": qualifies},
        )
        if created:
            reached.append(Reached(threshold=event.threshold, qualifies=qualifies, deadline=deadline))
        qualified = qualified or qualifies
    if index != milestone_index:
        updates: dict[str, Any] = {"milestone_index": index, "deadline": deadline}
        if qualified:
            updates["qualified_at"] = now
            period = _next_review_period(now)
            if period is not None:
                updates["review_period"] = period
        Idea.objects.filter(pk=idea_id).update(**updates)
    return reached


def _send_after_commit(idea: Idea, user: Any, count: int, reached: list[Reached]) -> None:
    def send() -> None:
        events.idea_supported.send(sender=Idea, idea=idea, user=user, support_count=count)
        for rung in reached:
            events.milestone_reached.send(
                sender=Idea,
                idea=idea,
                threshold=rung.threshold,
                qualifies=rung.qualifies,
                deadline=rung.deadline,
            )

    transaction.on_commit(send)


def support_add(
    *,
    actor: Any,
    idea: Idea,
    would_buy: str = "",
    price_band: str = "",
    audience: str = "",
    attribution: journeys.Attribution | None = None,
) -> SupportResult:
    """Support an idea. Idempotent: a second call by the same member changes nothing and says so."""
    check_can_support(actor, idea)
    _check_survey(idea, would_buy, price_band, audience)
    now = timezone.now()
    db_now = connection.ops.adapt_datetimefield_value(now)  # raw SQL: the backend's own datetime format
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(INSERT_SUPPORT, [idea.pk, actor.pk, db_now, would_buy, price_band, audience])
            inserted = cursor.fetchone()
            if inserted is None:
                current = Idea.objects.filter(pk=idea.pk).values_list("support_count", flat=True).first() or 0
                return SupportResult(created=False, support_count=current)
            # The status and deadline are checked again here, under the row lock the UPDATE takes: an idea
            # that expired or moved on a moment ago takes no more supports (the insert is rolled back).
            cursor.execute(
                "UPDATE challenges_idea SET support_count = support_count + 1 "
                "WHERE id = %s AND status = %s AND (deadline IS NULL OR deadline >= %s) "
                "RETURNING support_count, milestone_index",
                [idea.pk, IdeaStatus.PUBLISHED.value, db_now],
            )
            row = cursor.fetchone()
        if row is None:
            transaction.set_rollback(True)
            raise DomainError(message=_("Support for this idea has just closed."), status=409)
        count, milestone_index = int(row[0]), int(row[1])
        reached = _climb(idea.pk, count, milestone_index, ladder_of(idea), now)
        journeys.contribution_record(
            attribution=attribution,
            kind="support",
            user=actor,
            target=("challenges.support", int(inserted[0])),
        )
        _send_after_commit(idea, actor, count, reached)
    idea.support_count = count
    return SupportResult(created=True, support_count=count, milestones=reached)


def support_remove(*, actor: Any, idea: Idea) -> SupportResult:
    """Withdraw a support while support is open. Idempotent. Milestones already reached stay reached."""
    check_can_withdraw_support(actor, idea)
    db_now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM challenges_support WHERE idea_id = %s AND user_id = %s RETURNING id",
                [idea.pk, actor.pk],
            )
            deleted = cursor.fetchone()
            if deleted is None:
                current = Idea.objects.filter(pk=idea.pk).values_list("support_count", flat=True).first() or 0
                return SupportResult(created=False, support_count=current)
            # As in support_add: checked again under the row lock, so a withdrawal racing the expiry (or
            # any status change) leaves the support in place.
            cursor.execute(
                "UPDATE challenges_idea SET support_count = support_count - 1 "
                "WHERE id = %s AND status = %s AND (deadline IS NULL OR deadline >= %s) "
                "RETURNING support_count",
                [idea.pk, IdeaStatus.PUBLISHED.value, db_now],
            )
            row = cursor.fetchone()
        if row is None:
            transaction.set_rollback(True)
            raise DomainError(
                message=_("Support for this idea has closed; supports can no longer change."), status=409
            )
        count = int(row[0])
        journeys.contribution_withdraw(target=("challenges.support", int(deleted[0])), user=actor)
        transaction.on_commit(lambda: events.support_withdrawn.send(sender=Idea, idea=idea, user=actor))
    idea.support_count = count
    return SupportResult(created=False, support_count=count)


def _announce_expiry(idea: Idea) -> None:
    def send() -> None:
        events.idea_status_changed.send(
            sender=Idea,
            idea=idea,
            from_status=IdeaStatus.PUBLISHED,
            to_status=IdeaStatus.EXPIRED,
            actor=None,
            message="",
        )

    transaction.on_commit(send)


def ideas_expire(*, now: datetime | None = None) -> int:
    """Expire every idea gathering support whose deadline has passed. Safe to run at any time, as often as
    wanted, from several workers: the UPDATE's WHERE makes each idea expire once."""
    now = now or timezone.now()
    expired = 0
    candidates = list(
        Idea.objects.filter(
            status=IdeaStatus.PUBLISHED, deadline__lt=now, qualified_at__isnull=True
        ).values_list("pk", flat=True)[:10_000]
    )
    for idea_id in candidates:
        with transaction.atomic():
            changed = Idea.objects.filter(
                pk=idea_id, status=IdeaStatus.PUBLISHED, deadline__lt=now, qualified_at__isnull=True
            ).update(status=IdeaStatus.EXPIRED, updated_at=now)
            if changed:
                IdeaStatusChange.objects.create(
                    idea_id=idea_id,
                    from_status=IdeaStatus.PUBLISHED,
                    to_status=IdeaStatus.EXPIRED,
                    message=str(_("The idea did not reach its next milestone before the deadline.")),
                )
                expired += 1
                _announce_expiry(Idea.objects.select_related("challenge").get(pk=idea_id))
    return expired
