"""Follows, the notification inbox with its email digest, and outgoing webhooks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    """A member follows something (an idea…) and hears about what happens to it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    target_type = models.CharField(max_length=20)
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target_type", "target_id"], name="follow_once")
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="follow_target")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.target_type}:{self.target_id}"


class Verb(models.TextChoices):
    PUBLISHED = "published", _("Idea published")
    MILESTONE = "milestone", _("Milestone reached")
    STATUS = "status", _("Status changed")
    DECISION = "decision", _("Decision")
    COMMENT = "comment", _("New comment")
    MENTION = "mention", _("Mention")
    UPDATE = "update", _("Creator update")
    FEEDBACK = "feedback", _("Feedback status")
    ANSWER = "answer", _("Accepted answer")
    IMPROVEMENT = "improvement", _("You said, we did")
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    verb = models.CharField(max_length=12, choices=Verb.choices)
    title = models.CharField(max_length=240)
    body = models.TextField(blank=True, max_length=2000)
    url = models.CharField(max_length=500, blank=True)
    # What happened, once: e.g. "milestone:12:100". The unique constraint makes each event reach each
    # member once however many times its task runs.
    key = models.CharField(max_length=160)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when an email (immediate or digest) carried it.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")]
        indexes = [
            models.Index(fields=["user", "-id"], name="notification_inbox"),
            models.Index(
                fields=["user", "-id"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["user", "id"], condition=Q(emailed_at__isnull=True), name="notification_unsent"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Right away, one email per notification")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")
    OFF = "off", _("No emails")


DEFAULT_FREQUENCY = Frequency.DAILY


class DigestPreference(models.Model):
    """How often a member wants email. No row means the default (a daily digest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(
        _("email me"), max_length=10, choices=Frequency.choices, default=DEFAULT_FREQUENCY
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"


class WebhookEvent(models.TextChoices):
    IDEA_PUBLISHED = "idea.published", _("An idea is published")
    MILESTONE_REACHED = "idea.milestone_reached", _("An idea reaches a milestone")
    DECISION_MADE = "idea.decision_made", _("A decision is made on an idea")


class WebhookEndpoint(models.Model):
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(max_length=128)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    # One delivery per endpoint and event occurrence, e.g. "idea.milestone_reached:12:100".
    key = models.CharField(max_length=160)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "key"], name="webhook_delivery_once")]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """Append-only log of each try."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"attempt on {self.delivery_id}: {self.status_code or self.error}"
