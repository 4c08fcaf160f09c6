"""The staff side of feedback: teams, product areas, internal notes, saved replies and the history of every
triage action (which also gives first-response and resolution times)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="triage_teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A product area used to label feedback ("Battery", "App", "Packaging")."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TriageNote(models.Model):
    """Internal: seen by staff only, never on the public post."""

    thread = models.ForeignKey("community.Thread", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.thread_id}"


class SavedReply(models.Model):
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text (markdown)"), max_length=5000)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    use_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class TriageAction(models.TextChoices):
    STATUS = "status", _("Status")
    ASSIGN = "assign", _("Assignee")
    TEAM = "team", _("Team")
    AREA = "area", _("Product area")
    STAGE = "stage", _("Journey stage")
    SENTIMENT = "sentiment", _("Sentiment")
    REPLY = "reply", _("Public reply")


class TriageEvent(models.Model):
    """Append-only history of triage; status events with a message are shown publicly on the post."""

    thread = models.ForeignKey("community.Thread", on_delete=models.CASCADE, related_name="triage_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=TriageAction.choices)
    old_value = models.CharField(max_length=120, blank=True)
    new_value = models.CharField(max_length=120, blank=True)
    message = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"], name="triage_event_thread")]

    def __str__(self) -> str:
        return f"{self.action} on {self.thread_id}"
