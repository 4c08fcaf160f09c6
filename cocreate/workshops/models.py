"""Workshops: innovation centres, sessions, invitations, registrations with a waitlist, attendance, the
outputs a session produced and the satisfaction survey that follows it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocreate.core.models import TimeStampedModel


class Centre(TimeStampedModel):
    """An innovation centre where customers and staff meet."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=0, help_text=_("Seats in the centre."))
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkshopFormat(models.TextChoices):
    VENUE = "venue", _("At a centre")
    ONLINE = "online", _("Online")


class WorkshopStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


class Workshop(TimeStampedModel):
    """One session."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=180, unique=True)
    goal = models.CharField(_("goal"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, max_length=10000)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_workshops", blank=True
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    format = models.CharField(
        _("format"), max_length=8, choices=WorkshopFormat.choices, default=WorkshopFormat.VENUE
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, null=True, blank=True, related_name="workshops"
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    meeting_url = models.URLField(_("meeting link"), blank=True, max_length=500)
    capacity = models.PositiveIntegerField(_("capacity"))
    waitlist_open = models.BooleanField(_("waitlist open"), default=True)
    invite_only = models.BooleanField(
        _("invitation only"), default=False, help_text=_("Only invited members may register.")
    )
    personas = models.ManyToManyField(
        "journeys.Persona", related_name="workshops", blank=True, verbose_name=_("target personas")
    )
    product = models.ForeignKey(
        "brand.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="workshops"
    )
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
        help_text=_("Where the ideas of the session are filed; the default challenge when empty."),
    )
    participation_point = models.ForeignKey(
        "journeys.ParticipationPoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WorkshopStatus.choices, default=WorkshopStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="workshops_dates"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="workshops_status_start")]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_invitations"
    )
    persona = models.ForeignKey(
        "journeys.Persona", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="workshops_invited_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.workshop_id}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not taken")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent (excused)")
    NO_SHOW = "no_show", _("No-show")


class Registration(models.Model):
    """A member's place: registered, waiting (in `position` order) or cancelled. One row per member and
    workshop; registering again after a cancellation reuses it."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_registrations"
    )
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    # Arrival order, used to promote the waitlist first come, first served.
    position = models.PositiveIntegerField(default=0)
    attendance = models.CharField(max_length=8, choices=Attendance.choices, default="", blank=True)
    # Set the first time the member was marked present; the event is sent only then.
    attended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="workshops_registered_once"),
        ]
        indexes = [models.Index(fields=["workshop", "status", "position"], name="workshops_reg_queue")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.workshop_id}"


class OutputKind(models.TextChoices):
    NOTE = "note", _("Note")
    IDEA = "idea", _("Idea")


class WorkshopOutput(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(max_length=8, choices=OutputKind.choices)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"), blank=True, max_length=10000)
    idea = models.ForeignKey(
        "challenges.Idea", on_delete=models.SET_NULL, null=True, blank=True, related_name="workshop_outputs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="survey_responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_survey_responses"
    )
    csat = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    nps = models.PositiveSmallIntegerField(_("likelihood to recommend (0–10)"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="workshops_survey_once"),
            models.CheckConstraint(condition=Q(csat__gte=1) & Q(csat__lte=5), name="workshops_csat_range"),
            models.CheckConstraint(condition=Q(nps__gte=0) & Q(nps__lte=10), name="workshops_nps_range"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.workshop_id}: {self.csat}/{self.nps}"
