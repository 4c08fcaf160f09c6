"""The one conversation engine: anything people talk about (an idea, a forum thread, a contest entry, a
prototype) owns a Discussion through a plain foreign key; comments, replies, reactions, mentions and flags
hang off it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Discussion(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    locked = models.BooleanField(_("locked"), default=False)
    # Denormalised for lists; kept by the services in the same transaction as each comment.
    comment_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Discussion {self.pk}"
