"""Personas, customer journeys and the participation points placed on them, plus the attribution records
every contribution leaves behind.

The journey map's figures are computed from `Contribution` rows, never from stored counters, so they
cannot drift from what actually happened.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocreate.core.models import TimeStampedModel


class Persona(TimeStampedModel):
    name = models.CharField(_("name"), max_length=80, unique=True)
    picture = models.ImageField(_("picture"), upload_to="personas/", blank=True)
    quote = models.CharField(_("quote"), max_length=200, blank=True)
    goals = models.TextField(_("goals"), blank=True, max_length=4000)
    pains = models.TextField(_("pains"), blank=True, max_length=4000)
    behaviours = models.TextField(_("behaviours"), blank=True, max_length=4000)
    demographics = models.TextField(_("demographics"), blank=True, max_length=2000)
    estimated_size = models.PositiveIntegerField(_("estimated size"), null=True, blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1f4e8c")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class RuleOperator(models.TextChoices):
    ANY_OF = "any_of", _("answer is any of")
    ALL_OF = "all_of", _("answer includes all of")
    BETWEEN = "between", _("number is between")


class PersonaRule(models.Model):
    """One condition on a profile answer. A member matches a persona when every rule holds."""

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="rules")
    question = models.ForeignKey("accounts.ProfileQuestion", on_delete=models.CASCADE, related_name="+")
    operator = models.CharField(max_length=10, choices=RuleOperator.choices)
    values = models.JSONField(default=list, blank=True)
    min_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.persona}: {self.question_id} {self.operator}"


class PersonaOverride(models.Model):
    """Staff put a member into a persona, or keep them out, whatever their answers say."""

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    include = models.BooleanField(default=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["persona", "user"], name="journeys_override_once")]

    def __str__(self) -> str:
        return f"{'+' if self.include else '-'}{self.user_id} {self.persona}"


class Journey(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(default=0)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    customer_goals = models.TextField(_("customer goals"), blank=True, max_length=2000)
    thoughts = models.TextField(_("thoughts"), blank=True, max_length=2000)
    pain_points = models.TextField(_("pain points"), blank=True, max_length=2000)

    class Meta:
        ordering = ["journey_id", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    APP = "app", _("App")
    STORE = "store", _("Store")
    SOCIAL = "social", _("Social media")
    SUPPORT = "support", _("Customer support")
    EVENT = "event", _("Event")
    PACKAGING = "packaging", _("Packaging")
    OTHER = "other", _("Other")


class Touchpoint(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="touchpoints")
    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.WEBSITE)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["stage_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()})"


class StageEmotion(models.Model):
    """How a persona feels at a stage, from -2 (frustrated) to +2 (delighted)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="emotions")
    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="emotions")
    score = models.SmallIntegerField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stage", "persona"], name="journeys_emotion_once"),
            models.CheckConstraint(
                condition=Q(score__gte=-2) & Q(score__lte=2), name="journeys_emotion_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.persona} at {self.stage}: {self.score}"


class PointKind(models.TextChoices):
    IDEA = "idea", _("Idea solicitation")
    PROTOTYPE = "prototype", _("Prototype feedback")
    REVIEW = "review", _("Review")
    SUGGESTION = "suggestion", _("Improvement suggestion")
    POLL = "poll", _("Poll")
    WORKSHOP = "workshop", _("Workshop")
    CONTEST = "contest", _("Design contest")
    BOARD = "board", _("Forum board")


class PointStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ParticipationPoint(TimeStampedModel):
    """A co-creation opportunity placed on a journey stage for some personas."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="points")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="points")
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="points"
    )
    personas = models.ManyToManyField(Persona, related_name="points", blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=PointKind.choices)
    title = models.CharField(_("title"), max_length=160)
    prompt = models.TextField(
        _("question asked"),
        blank=True,
        max_length=2000,
        help_text=_("What the widget asks, e.g. “What set should we make next?”"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    goal = models.PositiveIntegerField(_("goal"), null=True, blank=True)
    goal_unit = models.CharField(
        _("goal unit"), max_length=40, blank=True, help_text=_("e.g. ideas, ratings")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=PointStatus.choices, default=PointStatus.OPEN
    )
    poll_options = models.JSONField(_("poll options"), default=list, blank=True)
    poll_multiple = models.BooleanField(
        _("several answers allowed"),
        default=False,
        help_text=_("For polls: voters may tick several options."),
    )
    allowed_origins = models.JSONField(_("sites allowed to embed"), default=list, blank=True)
    # What delivers the point once that feature exists (a challenge, a board, …): "<app>.<model>" and id.
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["stage__position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="journeys_point_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ContributionKind(models.TextChoices):
    IDEA = "idea", _("Idea")
    SUGGESTION = "suggestion", _("Suggestion")
    RATING = "rating", _("Rating")
    POLL_ANSWER = "poll_answer", _("Poll answer")
    SUPPORT = "support", _("Support")
    COMMENT = "comment", _("Comment")
    POST = "post", _("Post")
    REVIEW = "review", _("Review")
    REGISTRATION = "registration", _("Registration")
    SIGNUP = "signup", _("Sign-up")
    ATTENDANCE = "attendance", _("Workshop attendance")
    SURVEY = "survey", _("Survey answer")
    ENTRY = "entry", _("Contest entry")
    VOTE = "vote", _("Vote")


class ContributionSource(models.TextChoices):
    WIDGET = "widget", _("Embedded widget")
    LINK = "link", _("Tracked link")
    SITE = "site", _("On the platform")


class ContributionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for email confirmation")
    CONFIRMED = "confirmed", _("Counted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Contribution(models.Model):
    """The attribution record: one contribution through one participation point (and touchpoint)."""

    point = models.ForeignKey(ParticipationPoint, on_delete=models.CASCADE, related_name="contributions")
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="contributions")
    # Erasing a member erases what they contributed (and the figures drop with it).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contributions",
    )
    email = models.EmailField(blank=True)
    kind = models.CharField(max_length=16, choices=ContributionKind.choices)
    source = models.CharField(max_length=8, choices=ContributionSource.choices)
    status = models.CharField(
        max_length=10, choices=ContributionStatus.choices, default=ContributionStatus.CONFIRMED
    )
    # The object the contribution made elsewhere ("challenges.idea", 42); empty for widget-only content.
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True, max_length=5000)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=120, blank=True)
    # The options ticked in a multiple-choice poll, in the poll's order (`choice` holds a single answer).
    choices = models.JSONField(default=list, blank=True)
    confirm_key_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["point", "status"]),
            models.Index(fields=["stage", "status"]),
            models.Index(fields=["target_type", "target_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="journeys_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="journeys_contribution_has_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} via {self.point_id}"
