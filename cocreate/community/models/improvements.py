"""“You said, we did”: what changed, in which product and version, and the posts, ideas and themes that led
to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Improvement(models.Model):
    title = models.CharField(_("what changed"), max_length=160)
    body = models.TextField(_("details (markdown)"), blank=True, max_length=10_000)
    product = models.ForeignKey(
        "brand.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="improvements"
    )
    version = models.CharField(_("version"), max_length=40, blank=True)
    released_on = models.DateField(_("released on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A draft until published; publishing notifies every linked contributor once.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-released_on", "-id"]
        indexes = [
            models.Index(
                fields=["-released_on", "-id"], condition=Q(published_at__isnull=False), name="changelog"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ImprovementLink(models.Model):
    """What led to an improvement: exactly one of a thread, an idea or a theme."""

    improvement = models.ForeignKey(Improvement, on_delete=models.CASCADE, related_name="links")
    thread = models.ForeignKey(
        "community.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="improvement_links"
    )
    idea = models.ForeignKey(
        "challenges.Idea", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    theme = models.ForeignKey(
        "community.Theme", on_delete=models.CASCADE, null=True, blank=True, related_name="improvement_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=False, idea__isnull=True, theme__isnull=True)
                | Q(thread__isnull=True, idea__isnull=False, theme__isnull=True)
                | Q(thread__isnull=True, idea__isnull=True, theme__isnull=False),
                name="improvement_link_one_target",
            ),
            models.UniqueConstraint(fields=["improvement", "thread"], name="improvement_link_thread_once"),
            models.UniqueConstraint(fields=["improvement", "idea"], name="improvement_link_idea_once"),
            models.UniqueConstraint(fields=["improvement", "theme"], name="improvement_link_theme_once"),
        ]

    def __str__(self) -> str:
        return f"Link of {self.improvement_id}"


class ImprovementCredit(models.Model):
    """A member whose voice led to a published improvement (the author of a linked post, the creators of a
    linked idea, the authors in a linked theme): the profile's impact list and the notification's record."""

    improvement = models.ForeignKey(Improvement, on_delete=models.CASCADE, related_name="credits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # What of theirs led to it: "thread:12", "idea:4"; the earliest one names the date in the message.
    source = models.CharField(max_length=40)
    contributed_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["improvement", "user"], name="improvement_credit_once")
        ]
        indexes = [models.Index(fields=["user", "-id"], name="improvement_credit_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.improvement_id}"
