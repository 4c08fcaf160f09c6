from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocreate.core.models import TimeStampedModel

# LEGO Ideas' ladder: 60 days to reach 100 supports; each rung reached moves the deadline on; the last
# rung qualifies the idea for the next review period.
DEFAULT_LADDER: list[dict[str, int | bool]] = [
    {"at": 0, "days": 60},
    {"at": 100, "days": 365},
    {"at": 1000, "days": 182},
    {"at": 5000, "days": 182},
    {"at": 10000, "days": 0, "qualifies": True},
]


def default_ladder() -> list[dict[str, int | bool]]:
    return [dict(r) for r in DEFAULT_LADDER]


def default_price_bands() -> list[str]:
    return ["Under €30", "€30–€80", "€80–€150", "Over €150"]


def default_audiences() -> list[str]:
    return ["Myself", "My children", "As a gift", "For display"]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")
    INVITE = "invite", _("Invite only")


class Challenge(TimeStampedModel):
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(max_length=180, unique=True)
    brief = models.TextField(_("brief (markdown)"), blank=True, max_length=20_000)
    theme = models.CharField(_("theme"), max_length=80, blank=True)
    product = models.ForeignKey(
        "brand.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="challenges"
    )
    participation_point = models.ForeignKey(
        "journeys.ParticipationPoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="challenges",
    )
    personas = models.ManyToManyField("journeys.Persona", blank=True, related_name="challenges")
    cover = models.ImageField(_("cover image"), upload_to="challenges/", blank=True)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    is_default = models.BooleanField(default=False, help_text=_("The always-open ideas challenge."))
    # Phases. Empty dates mean "always open" (the default challenge).
    submission_opens = models.DateTimeField(null=True, blank=True)
    submission_closes = models.DateTimeField(null=True, blank=True)
    support_closes = models.DateTimeField(null=True, blank=True)
    review_starts = models.DateTimeField(null=True, blank=True)
    results_on = models.DateTimeField(null=True, blank=True)
    # Rules.
    moderation_required = models.BooleanField(
        _("staff approve new ideas before they are public"), default=False
    )
    allow_self_support = models.BooleanField(_("creators may support their own idea"), default=False)
    ladder = models.JSONField(default=default_ladder)
    review_periods_per_year = models.PositiveSmallIntegerField(default=3)
    # What is on offer.
    royalty_rate = models.DecimalField(max_digits=6, decimal_places=4, default=Decimal("0.0100"))
    prize = models.CharField(_("prize"), max_length=200, blank=True)
    contract = models.CharField(_("contract on offer"), max_length=200, blank=True)
    # The support survey (LEGO asks every supporter): the answers offered.
    survey_enabled = models.BooleanField(default=True)
    price_bands = models.JSONField(default=default_price_bands)
    audiences = models.JSONField(default=default_audiences)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="challenges_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ChallengeTerms(models.Model):
    """An invite-only challenge's own terms (an NDA, an IP agreement), versioned like the site's terms."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="terms_versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "version"], name="challenges_terms_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class ChallengeInvite(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="invites")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="challenges_invite_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.challenge_id}"


class Criterion(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")
    NUMBER = "number", _("Number")
    FILE = "file", _("File")


class ChallengeField(models.Model):
    """A custom question on a challenge's submission form."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="fields")
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=8, choices=FieldKind.choices)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label
