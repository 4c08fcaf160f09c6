"""Prototype tests: a prototype in versions, rated by invited members on a structured form.

Ratings are stored one row per criterion (`PrototypeRating`), so every mean and distribution is one
grouped SQL query, whatever the number of responses. Persona membership is never copied onto a response:
the results filter respondents with `journeys.selectors.persona_member_q` at read time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocreate.core.models import TimeStampedModel


class PrototypeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


# The purchase-intent scale, 1 to 5; the top two boxes (4 and 5) are the usual headline figure.
PURCHASE_INTENT = [
    (1, _("Definitely would not buy")),
    (2, _("Probably would not buy")),
    (3, _("Might or might not buy")),
    (4, _("Probably would buy")),
    (5, _("Definitely would buy")),
]


class PrototypeTest(TimeStampedModel):
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    product = models.ForeignKey(
        "brand.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prototype_tests",
        verbose_name=_("product"),
    )
    point = models.ForeignKey(
        "journeys.ParticipationPoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prototype_tests",
        verbose_name=_("participation point"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=PrototypeStatus.choices, default=PrototypeStatus.DRAFT
    )
    opens_on = models.DateField(_("opens"), null=True, blank=True)
    closes_on = models.DateField(_("closes"), null=True, blank=True)
    # The rating criteria and open questions, in order; locked once a response exists.
    criteria = models.JSONField(_("rating criteria"), default=list)
    questions = models.JSONField(_("open questions"), default=list, blank=True)
    ask_purchase_intent = models.BooleanField(_("ask about purchase intent"), default=True)
    open_to_all = models.BooleanField(
        _("open to every member"), default=False, help_text=_("Otherwise only invited members respond.")
    )
    personas = models.ManyToManyField(
        "journeys.Persona", blank=True, related_name="prototype_tests", verbose_name=_("target personas")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True)
                | Q(opens_on__isnull=True)
                | Q(closes_on__gte=models.F("opens_on")),
                name="insights_test_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PrototypeVersion(TimeStampedModel):
    test = models.ForeignKey(PrototypeTest, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(_("label"), max_length=40)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    link = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(_("file"), upload_to="prototypes/files/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["test_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["test", "label"], name="insights_version_label_once")]

    def __str__(self) -> str:
        return f"{self.test} {self.label}"


class PrototypeImage(models.Model):
    version = models.ForeignKey(PrototypeVersion, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="prototypes/")
    alt = models.CharField(_("description of the picture"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version_id", "position", "id"]

    def __str__(self) -> str:
        return self.alt or str(self.image.name)


class PrototypeInvitation(models.Model):
    test = models.ForeignKey(PrototypeTest, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prototype_invitations"
    )
    # The persona that brought the member in; empty when staff picked them by hand.
    persona = models.ForeignKey(
        "journeys.Persona", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["test", "user"], name="insights_invite_once")]
        indexes = [models.Index(fields=["user", "test"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.test_id}"


class PrototypeResponse(models.Model):
    test = models.ForeignKey(PrototypeTest, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(PrototypeVersion, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prototype_responses"
    )
    # One answer per open question of the test, in the test's order ("" when skipped).
    answers = models.JSONField(default=list, blank=True)
    purchase_intent = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="insights_response_once"),
            models.CheckConstraint(
                condition=Q(purchase_intent__isnull=True)
                | (Q(purchase_intent__gte=1) & Q(purchase_intent__lte=5)),
                name="insights_intent_range",
            ),
        ]
        indexes = [models.Index(fields=["test", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.version_id}"


class PrototypeRating(models.Model):
    """One criterion's score in one response (the criterion is its position in the test's list)."""

    response = models.ForeignKey(PrototypeResponse, on_delete=models.CASCADE, related_name="ratings")
    version = models.ForeignKey(PrototypeVersion, on_delete=models.CASCADE, related_name="+")
    criterion = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["response_id", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["response", "criterion"], name="insights_rating_once"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="insights_score_range"),
        ]
        indexes = [models.Index(fields=["version", "criterion", "score"])]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"
