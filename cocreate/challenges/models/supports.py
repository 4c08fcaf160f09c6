from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .ideas import Idea


class WouldBuy(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class Support(models.Model):
    """One member's support for one idea (the unique constraint is the rule), with the optional survey
    answers given at that moment."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(auto_now_add=True)
    would_buy = models.CharField(max_length=5, choices=WouldBuy.choices, blank=True)
    price_band = models.CharField(max_length=60, blank=True)
    audience = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="support_once_per_member")]
        indexes = [models.Index(fields=["idea", "created_at"]), models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.idea_id}"


class MilestoneEvent(models.Model):
    """A rung of the ladder reached by an idea. The unique constraint makes each milestone fire once,
    however many supports arrive at the same instant and even if withdrawals cross it again."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="milestones")
    threshold = models.PositiveIntegerField()
    reached_at = models.DateTimeField(auto_now_add=True)
    deadline_after = models.DateTimeField(null=True, blank=True)
    qualifies = models.BooleanField(default=False)

    class Meta:
        ordering = ["threshold"]
        constraints = [models.UniqueConstraint(fields=["idea", "threshold"], name="milestone_once")]

    def __str__(self) -> str:
        return f"{self.idea_id} reached {self.threshold}"
