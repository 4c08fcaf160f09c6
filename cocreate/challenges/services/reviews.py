"""Review periods, scoring, decisions and creator agreements.

Invariants guarded here:
- review periods never overlap; a qualifying idea joins the next period that has not started (supports.py
  assigns it when it qualifies; a period created later picks up qualifying ideas that had none);
- opening a period moves its qualified ideas from published to in review, each through `idea_transition`
  with a public message; opening twice moves nothing twice;
- a review scores every criterion of the challenge from 1 to 5, one review per reviewer and idea (the
  unique constraint decides); reviews are internal and never shown to members;
- decisions are append-only (the latest stands), always carry a public rationale, move the idea through
  `idea_transition` and send `decision_made` once, after commit;
- approval creates the creator agreement in the same transaction (one active agreement per idea, by a
  partial unique constraint); an approved idea must have a product.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_staff
from cocreate.brand.models import Product
from cocreate.core.errors import Conflict, DomainError, NotAllowed

from .. import events
from ..models import (
    AgreementStatus,
    CreatorAgreement,
    Criterion,
    Decision,
    DecisionOutcome,
    Idea,
    IdeaStatus,
    Review,
    ReviewPeriod,
)
from ..policies import check_can_decide, check_can_manage_challenges, check_can_review
from .ideas import TRANSITIONS, idea_transition

MAX_PERIODS_PER_YEAR = 12
REVIEWABLE = (IdeaStatus.IN_REVIEW, IdeaStatus.ON_HOLD)
SCORE = re.compile(r"[1-5]")


# --- Review periods -----------------------------------------------------------------------------------
def _assign_waiting_ideas(today: date) -> int:
    """Qualifying ideas that found no period when they qualified join the next one not started."""
    upcoming = ReviewPeriod.objects.filter(starts_on__gt=today).order_by("starts_on", "id").first()
    if upcoming is None:
        return 0
    return Idea.objects.filter(
        status=IdeaStatus.PUBLISHED, qualified_at__isnull=False, review_period__isnull=True
    ).update(review_period=upcoming)


def _check_no_overlap(starts_on: date, ends_on: date) -> None:
    clash = ReviewPeriod.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if clash is not None:
        raise Conflict(
            _("These dates overlap the review period “%(name)s” (%(a)s – %(b)s).")
            % {"name": clash.name, "a": clash.starts_on.isoformat(), "b": clash.ends_on.isoformat()},
            field="starts_on",
        )


def _create_period(name: str, starts_on: date, ends_on: date, results_on: date | None) -> ReviewPeriod:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(message=_("Give the review period a name."), field="name")
    if len(name) > 80:
        raise DomainError(message=_("A name has at most 80 characters."), field="name")
    if ends_on < starts_on:
        raise DomainError(message=_("A review period ends on or after the day it starts."), field="ends_on")
    if results_on is not None and results_on < starts_on:
        raise DomainError(message=_("Results come after the period starts."), field="results_on")
    _check_no_overlap(starts_on, ends_on)
    return ReviewPeriod.objects.create(name=name, starts_on=starts_on, ends_on=ends_on, results_on=results_on)


@transaction.atomic
def review_period_create(
    *, actor: Any, name: str, starts_on: date, ends_on: date, results_on: date | None = None
) -> ReviewPeriod:
    check_can_manage_challenges(actor)
    period = _create_period(name, starts_on, ends_on, results_on)
    _assign_waiting_ideas(timezone.localdate())
    return period


@transaction.atomic
def review_periods_plan(*, actor: Any, year: int, per_year: int = 3) -> list[ReviewPeriod]:
    """Split a year into `per_year` back-to-back periods of (nearly) equal length. All or nothing."""
    check_can_manage_challenges(actor)
    if not 2000 <= int(year) <= 2200:
        raise DomainError(message=_("Choose a year between 2000 and 2200."), field="year")
    if not 1 <= int(per_year) <= MAX_PERIODS_PER_YEAR:
        raise DomainError(
            message=_("Between 1 and %(n)s periods a year.") % {"n": MAX_PERIODS_PER_YEAR}, field="per_year"
        )
    if 12 % per_year == 0:
        # Whole months when the year divides evenly (3 a year: January–April, May–August, September–December).
        step = 12 // per_year
        bounds = [date(year + (i * step) // 12, (i * step) % 12 + 1, 1) for i in range(per_year + 1)]
    else:
        first = date(year, 1, 1)
        days = 366 if calendar.isleap(year) else 365
        bounds = [first + timedelta(days=round(i * days / per_year)) for i in range(per_year + 1)]
    periods = [
        _create_period(
            _("%(year)s review %(i)s of %(n)s") % {"year": year, "i": i + 1, "n": per_year},
            bounds[i],
            bounds[i + 1] - timedelta(days=1),
            None,
        )
        for i in range(per_year)
    ]
    _assign_waiting_ideas(timezone.localdate())
    return periods


def review_period_open(*, actor: Any, period: ReviewPeriod) -> int:
    """Move every qualified idea of the period from published to in review. Returns how many moved;
    running it again moves only ideas that joined since."""
    check_can_manage_challenges(actor)
    message = _("This idea reached its support goal and is now in review (%(period)s).") % {
        "period": period.name
    }
    moved = 0
    with transaction.atomic():
        ReviewPeriod.objects.filter(pk=period.pk, opened_at__isnull=True).update(opened_at=timezone.now())
        waiting = Idea.objects.filter(
            review_period=period, status=IdeaStatus.PUBLISHED, qualified_at__isnull=False
        ).order_by("id")
        for idea in waiting:
            idea_transition(actor=actor, idea=idea, to_status=IdeaStatus.IN_REVIEW, message=message)
            moved += 1
    period.refresh_from_db(fields=["opened_at"])
    return moved


# --- Scoring ------------------------------------------------------------------------------------------
def _clean_scores(idea: Idea, scores: Any) -> dict[str, int]:
    criteria = list(Criterion.objects.filter(challenge_id=idea.challenge_id).values_list("pk", "name"))
    if not criteria:
        raise DomainError(
            message=_("This challenge has no review criteria yet: an administrator adds them first."),
            field="scores",
        )
    if not isinstance(scores, dict):
        raise DomainError(message=_("Score every criterion."), field="scores")
    given = {str(k): v for k, v in scores.items()}
    known = {str(pk) for pk, _name in criteria}
    unknown = sorted(set(given) - known)
    if unknown:
        raise DomainError(
            message=_("This criterion is not part of the challenge."), field=f"score_{unknown[0]}"
        )
    cleaned: dict[str, int] = {}
    for pk, name in criteria:
        raw = given.get(str(pk))
        value: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str) and SCORE.fullmatch(raw.strip()):
            value = int(raw.strip())
        if value is None or not 1 <= value <= 5:
            raise DomainError(
                message=_("Score “%(name)s” from 1 to 5.") % {"name": name}, field=f"score_{pk}"
            )
        cleaned[str(pk)] = value
    return cleaned


def review_submit(*, actor: Any, idea: Idea, scores: Any, notes: str = "") -> Review:
    """Score an idea (or change one's scores). One review per reviewer and idea."""
    check_can_review(actor)
    if idea.status not in REVIEWABLE:
        raise DomainError(message=_("Only ideas in review or on hold can be scored."), status=409)
    cleaned = _clean_scores(idea, scores)
    notes = (notes or "").strip()
    if len(notes) > 4000:
        raise DomainError(message=_("Notes have at most 4,000 characters."), field="notes")
    for attempt in range(2):
        try:
            with transaction.atomic():
                review, _created = Review.objects.update_or_create(
                    idea=idea, reviewer=actor, defaults={"scores": cleaned, "notes": notes}
                )
            return review
        except IntegrityError:
            # Two submissions by the same reviewer at once: the other one created the row; update it.
            if attempt:
                raise
    raise AssertionError("unreachable")


# --- Decisions and agreements -------------------------------------------------------------------------
def credit_text_for(user: Any) -> str:
    return _("Designed by %(name)s") % {"name": user.public_name}


def _agreement_for(idea: Idea, product: Product, today: date) -> CreatorAgreement:
    existing = CreatorAgreement.objects.filter(idea=idea, status=AgreementStatus.ACTIVE).first()
    if existing is not None:
        return existing
    return CreatorAgreement.objects.create(
        idea=idea,
        creator=idea.author,
        product=product,
        royalty_rate=idea.challenge.royalty_rate,
        credit_text=credit_text_for(idea.author)[:200],
        starts_on=today,
    )


def decision_record(
    *, actor: Any, idea: Idea, outcome: str, rationale: str, product: Product | None = None
) -> Decision:
    """Record a public decision and move the idea. Approval needs a product (the idea's, or `product`)
    and creates the creator agreement in the same transaction."""
    check_can_decide(actor)
    if outcome not in DecisionOutcome.values:
        raise DomainError(message=_("Choose approved, not approved or on hold."), field="outcome")
    rationale = (rationale or "").strip()
    if not rationale:
        raise DomainError(message=_("Explain the decision: the rationale is public."), field="rationale")
    if len(rationale) > 4000:
        raise DomainError(message=_("A rationale has at most 4,000 characters."), field="rationale")
    current = Idea.objects.filter(pk=idea.pk).values_list("status", flat=True).first() or idea.status
    if outcome not in TRANSITIONS.get(current, set()):
        # Checked again under the row lock by idea_transition; said first here so the answer is the real one.
        raise Conflict(
            _("An idea that is “%(a)s” cannot be %(b)s.")
            % {"a": IdeaStatus(current).label, "b": DecisionOutcome(outcome).label.lower()},
            field="outcome",
        )
    chosen = product or idea.product
    if outcome == DecisionOutcome.APPROVED and chosen is None:
        raise DomainError(
            message=_(
                "Choose the product this idea becomes: an approved idea needs one for its credit "
                "and royalties."
            ),
            field="product",
        )
    today = timezone.localdate()
    with transaction.atomic():
        idea_transition(actor=actor, idea=idea, to_status=outcome, message=rationale)
        decision = Decision.objects.create(idea=idea, outcome=outcome, rationale=rationale, decided_by=actor)
        if outcome == DecisionOutcome.APPROVED:
            assert chosen is not None
            if idea.product_id != chosen.pk:
                Idea.objects.filter(pk=idea.pk).update(product=chosen)
                idea.product = chosen
            _agreement_for(Idea.objects.select_related("author", "challenge").get(pk=idea.pk), chosen, today)
        elif outcome == DecisionOutcome.NOT_APPROVED:
            CreatorAgreement.objects.filter(idea=idea, status=AgreementStatus.ACTIVE).update(
                status=AgreementStatus.ENDED, ends_on=today
            )

        def send() -> None:
            events.decision_made.send(
                sender=Idea, idea=idea, outcome=outcome, rationale=rationale, actor=actor
            )

        transaction.on_commit(send)
    return decision


def _check_staff(actor: Any) -> None:
    if not is_staff(actor):
        raise NotAllowed(_("Only staff can move an approved idea along."))


def idea_in_development(*, actor: Any, idea: Idea, message: str = "") -> Idea:
    _check_staff(actor)
    return idea_transition(actor=actor, idea=idea, to_status=IdeaStatus.IN_DEVELOPMENT, message=message)


def idea_launched(*, actor: Any, idea: Idea, message: str = "") -> Idea:
    _check_staff(actor)
    return idea_transition(actor=actor, idea=idea, to_status=IdeaStatus.LAUNCHED, message=message)
