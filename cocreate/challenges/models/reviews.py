from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewPeriod(models.Model):
    """A window in which qualifying ideas are reviewed (LEGO: three a year). Ideas that reach the last
    rung of the ladder join the next period that has not started yet."""

    name = models.CharField(_("name"), max_length=80)
    starts_on = models.DateField()
    ends_on = models.DateField()
    results_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="review_period_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name
