from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocreate.core.models import TimeStampedModel

from .challenges import Challenge, ChallengeField, ChallengeTerms


class IdeaStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting moderation")
    PUBLISHED = "published", _("Gathering support")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    NOT_APPROVED = "not_approved", _("Not approved")
    ON_HOLD = "on_hold", _("On hold")
    IN_DEVELOPMENT = "in_development", _("In development")
    LAUNCHED = "launched", _("Launched")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")
    REMOVED = "removed", _("Removed by moderation")


# Statuses everyone may see (drafts, moderation queue and removals are private).
PUBLIC_STATUSES = (
    IdeaStatus.PUBLISHED,
    IdeaStatus.IN_REVIEW,
    IdeaStatus.APPROVED,
    IdeaStatus.NOT_APPROVED,
    IdeaStatus.ON_HOLD,
    IdeaStatus.IN_DEVELOPMENT,
    IdeaStatus.LAUNCHED,
    IdeaStatus.EXPIRED,
)


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Idea(TimeStampedModel):
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="ideas")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas")
    co_creators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="IdeaCoCreator", blank=True, related_name="co_created_ideas"
    )
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(max_length=140)
    description = models.TextField(_("description (markdown)"), max_length=20_000)
    product = models.ForeignKey(
        "brand.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="ideas")
    status = models.CharField(max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.DRAFT)
    # Counted by the database in the same transaction as each support row (never read-modify-write).
    support_count = models.IntegerField(default=0)
    # The rung of the challenge's ladder the idea has reached (index into Challenge.ladder).
    milestone_index = models.PositiveSmallIntegerField(default=0)
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    qualified_at = models.DateTimeField(null=True, blank=True)
    review_period = models.ForeignKey(
        "challenges.ReviewPeriod", on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas"
    )
    # The conversation about the idea (comments, reactions, flags) lives in the one conversation engine.
    discussion = models.OneToOneField(
        "discussions.Discussion", on_delete=models.PROTECT, null=True, blank=True, related_name="idea"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_ideas"
    )
    # Time-decayed support velocity, refreshed by a task; the "trending" sort reads it.
    trending_score = models.FloatField(default=0.0)
    # Filled by the duplicate finder; never shown.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-support_count", "-id"], name="idea_most_supported"),
            models.Index(fields=["status", "-published_at", "-id"], name="idea_newest"),
            models.Index(fields=["status", "-trending_score", "-id"], name="idea_trending"),
            models.Index(fields=["status", "deadline", "id"], name="idea_ending_soon"),
            models.Index(fields=["challenge", "status", "-support_count", "-id"], name="idea_challenge_top"),
            # The public lists filter on all public statuses at once, which a (status, …) index cannot
            # return in order; these partial indexes can, so a first page reads a few rows, not a table.
            models.Index(
                fields=["-trending_score", "-id"],
                condition=Q(status__in=PUBLIC_STATUSES),
                name="idea_public_trending",
            ),
            models.Index(
                fields=["-support_count", "-id"],
                condition=Q(status__in=PUBLIC_STATUSES),
                name="idea_public_most_supported",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status__in=PUBLIC_STATUSES),
                name="idea_public_newest",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(support_count__gte=0), name="idea_support_count_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class IdeaCoCreator(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="idea_cocreator_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.idea_id}"


class IdeaImage(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="ideas/")
    thumbnail = models.ImageField(upload_to="ideas/thumbs/")
    alt = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name or ""


class IdeaFieldAnswer(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="field_answers")
    field = models.ForeignKey(ChallengeField, on_delete=models.CASCADE, related_name="+")
    value = models.JSONField(null=True, blank=True)
    file = models.FileField(upload_to="ideas/files/", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "field"], name="idea_field_once")]

    def __str__(self) -> str:
        return f"{self.idea_id}/{self.field_id}"


class IdeaRevision(models.Model):
    """Edit history: the text as it was before each edit."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(max_length=120)
    description = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.idea_id} @ {self.created_at:%Y-%m-%d}"


class IdeaStatusChange(models.Model):
    """The idea's lifecycle, step by step: who moved it, when, and the public message."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=IdeaStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=IdeaStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"


class IdeaTermsAcceptance(models.Model):
    """The invite-only challenge terms version accepted with a submission."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="terms_acceptances")
    terms = models.ForeignKey(ChallengeTerms, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "terms", "user"], name="idea_terms_once")]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.terms_id} for {self.idea_id}"
