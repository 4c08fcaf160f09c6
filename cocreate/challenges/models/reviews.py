from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .ideas import Idea


class ReviewPeriod(models.Model):
    """A window in which qualifying ideas are reviewed (LEGO: three a year). Ideas that reach the last
    rung of the ladder join the next period that has not started yet."""

    name = models.CharField(_("name"), max_length=80)
    starts_on = models.DateField()
    ends_on = models.DateField()
    results_on = models.DateField(null=True, blank=True)
    # When an administrator moved the period's ideas into review.
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="review_period_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One reviewer's scores for one idea (one row per reviewer, updated in place). Internal: never shown
    to members."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # {criterion_id (as a string): score 1..5}
    scores = models.JSONField(default=dict)
    notes = models.TextField(_("internal notes"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["idea", "reviewer"], name="review_once_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer_id} reviewed {self.idea_id}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    NOT_APPROVED = "not_approved", _("Not approved")
    ON_HOLD = "on_hold", _("On hold")


class Decision(models.Model):
    """A public decision on an idea. Append-only: a later decision is a new row; the latest one stands."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    rationale = models.TextField(_("rationale (public)"), max_length=4000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["idea", "-decided_at", "-id"], name="decision_latest")]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.outcome}"
