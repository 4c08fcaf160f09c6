"""The one conversation engine: anything people talk about (an idea, a forum thread, a contest entry, a
prototype) owns a Discussion through a plain foreign key; comments, replies, reactions, mentions and flags
hang off it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Top-level comments are depth 0; replies 1; replies to replies 2, and deeper replies stay at 2.
MAX_DEPTH = 2

# A small fixed set keeps reactions meaningful and the counts readable.
REACTIONS: dict[str, Any] = {
    "👍": _("Thumbs up"),
    "❤️": _("Love"),
    "🎉": _("Celebrate"),
    "💡": _("Insightful"),
}


class Discussion(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    locked = models.BooleanField(_("locked"), default=False)
    # Denormalised for lists; kept by the services in the same transaction as each comment.
    comment_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Discussion {self.pk}"


class Comment(models.Model):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    # The top-level comment of the thread (itself for a top-level comment is NULL), so one query fetches
    # every reply shown under a page of top-level comments.
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="thread_replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(_("comment"), max_length=10_000)
    # A creator's update to everyone who follows the owner (an idea's supporters and followers).
    is_update = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The thread's top-level page (newest first) and the replies under a page of roots.
            models.Index(fields=["discussion", "depth", "-id"], name="comment_top_level"),
            models.Index(fields=["root", "id"], name="comment_thread"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(depth__lte=MAX_DEPTH), name="comment_depth_at_most_2"),
            models.CheckConstraint(
                condition=Q(depth=0, parent__isnull=True, root__isnull=True)
                | Q(depth__gt=0, parent__isnull=False, root__isnull=False),
                name="comment_parent_matches_depth",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk}"

    @property
    def is_removed(self) -> bool:
        return self.deleted_at is not None or self.hidden_at is not None


class CommentRevision(models.Model):
    """Edit history, append-only: the text as it was before each edit."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Revision of {self.comment_id}"


class Reaction(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user", "emoji"], name="reaction_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.comment_id}"


class Mention(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="mention_once")]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.comment_id}"


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Harassment or abuse")
    OFF_TOPIC = "off_topic", _("Off topic")
    IP = "ip", _("Someone else's work or private information")
    OTHER = "other", _("Something else")


class FlagResolution(models.TextChoices):
    HIDDEN = "hidden", _("Comment hidden")
    DISMISSED = "dismissed", _("Flag dismissed")


class Flag(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=12, choices=FlagReason.choices)
    note = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=10, choices=FlagResolution.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="flag_once_per_member")]
        indexes = [
            models.Index(fields=["id"], condition=Q(resolved_at__isnull=True), name="flag_open_queue"),
        ]

    def __str__(self) -> str:
        return f"Flag on {self.comment_id}: {self.reason}"
