"""Boards, threads and their attachments, tags and read marks. A thread's opening post is the thread row
itself; the replies live in the one conversation engine (`discussions`), which the thread owns."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Board(models.Model):
    """A place to talk about one product or one topic, with its own moderators."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=140, unique=True)
    description = models.TextField(_("description (markdown)"), blank=True, max_length=5000)
    product = models.ForeignKey(
        "brand.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="boards"
    )
    moderators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="moderated_boards")
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Denormalised for the board list; changed only by UPDATE … F() in the transaction of each post.
    thread_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name


class ForumTag(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ThreadKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")
    SUGGESTION = "suggestion", _("Improvement suggestion")
    BUG = "bug", _("Bug report")
    REVIEW = "review", _("Product review")


# Kinds that are feedback: they land in the triage inbox and are grouped into themes.
FEEDBACK_KINDS = (ThreadKind.SUGGESTION, ThreadKind.BUG, ThreadKind.REVIEW, ThreadKind.QUESTION)


class FeedbackStatus(models.TextChoices):
    """The triage status, shown publicly on the post."""

    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    WONT_DO = "wont_do", _("Won't do")


CLOSED_STATUSES = (FeedbackStatus.DONE, FeedbackStatus.WONT_DO)


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class Thread(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="threads")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads")
    kind = models.CharField(
        _("kind"), max_length=12, choices=ThreadKind.choices, default=ThreadKind.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text (markdown)"), max_length=20_000)
    # The product a review (or any post) is about; a review needs one, other kinds take the board's.
    product = models.ForeignKey(
        "brand.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="threads"
    )
    rating = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    tags = models.ManyToManyField(ForumTag, blank=True, related_name="threads")
    # Replies, reactions, mentions, flags and the lock live in the conversation engine.
    discussion = models.OneToOneField(
        "discussions.Discussion", on_delete=models.PROTECT, related_name="thread"
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    accepted_answer = models.ForeignKey(
        "discussions.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # The board list's order: the latest reply or the opening post. Kept by the services.
    last_activity_at = models.DateTimeField()
    hidden_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    # --- Triage (staff). `status` is public; the rest is staff-only.
    status = models.CharField(
        _("status"), max_length=12, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Feedback kinds enter the inbox; a discussion does not (until staff move it there).
    in_triage = models.BooleanField(default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "community.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="threads"
    )
    area = models.ForeignKey(
        "community.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="threads"
    )
    stage = models.ForeignKey(
        "journeys.Stage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Found automatically on arrival; staff may correct it (then `sentiment_by_staff`).
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices, blank=True)
    sentiment_score = models.FloatField(null=True, blank=True)
    sentiment_by_staff = models.BooleanField(default=False)
    # The first public answer by staff (a reply or a status change) and the move to done / won't do.
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    # --- Themes: the nearest theme, set on arrival and by each re-clustering.
    theme = models.ForeignKey(
        "community.Theme", on_delete=models.SET_NULL, null=True, blank=True, related_name="threads"
    )
    theme_similarity = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            # A board's first page: pinned first, then latest activity (keyset on the last two).
            models.Index(
                fields=["board", "-pinned", "-last_activity_at", "-id"],
                condition=Q(hidden_at__isnull=True, deleted_at__isnull=True),
                name="thread_board_page",
            ),
            models.Index(
                fields=["status", "-created_at", "-id"], condition=Q(in_triage=True), name="thread_inbox"
            ),
            models.Index(fields=["theme", "-created_at"], name="thread_theme"),
            models.Index(fields=["product", "kind", "rating"], name="thread_product_kind"),
            models.Index(fields=["author", "-id"], name="thread_author"),
            models.Index(fields=["-created_at", "-id"], name="thread_recent"),
        ]
        constraints = [
            # One review per member per product (a deleted review frees the place).
            models.UniqueConstraint(
                fields=["author", "product"],
                condition=Q(kind="review", deleted_at__isnull=True),
                name="thread_one_review_per_member_product",
            ),
            models.CheckConstraint(
                condition=Q(kind="review", rating__gte=1, rating__lte=5, product__isnull=False)
                | (~Q(kind="review") & Q(rating__isnull=True)),
                name="thread_rating_only_on_reviews",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_removed(self) -> bool:
        return self.hidden_at is not None or self.deleted_at is not None


class Attachment(models.Model):
    """A file on an opening post or a reply; its type is checked from its content, not its name."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="attachments")
    # Set when the file belongs to a reply rather than the opening post.
    comment = models.ForeignKey(
        "discussions.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="forum/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_image = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["thread", "comment"], name="attachment_post")]

    def __str__(self) -> str:
        return self.name


class ThreadRead(models.Model):
    """How far a member has read a thread: the reply count and time when they last opened it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField()
    read_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="thread_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id}"
