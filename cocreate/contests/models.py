"""Design contests: tables.

A contest runs through dated rounds. Designers (invited, or any member when submission is open) submit
entries; an entry keeps one revision per round it was worked on. Fans vote per round (one vote, or a
points budget spread across entries); a jury scores entries on weighted criteria; staff shortlist and
name the winners shown on the public showcase.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    JUDGING = "judging", _("Judging")
    CLOSED = "closed", _("Closed")


class VotingMode(models.TextChoices):
    ONE_VOTE = "one_vote", _("One vote per member per round")
    BUDGET = "budget", _("A budget of points per member per round")


class Visibility(models.TextChoices):
    SEALED = "sealed", _("Entries hidden until their round closes")
    OPEN = "open", _("Entries visible as soon as they are submitted")


class DesignerStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Contest(models.Model):
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("address"), max_length=180, unique=True)
    brief = models.TextField(_("brief"), max_length=20_000, blank=True)
    cover = models.ImageField(_("cover image"), upload_to="contests/covers/%Y/%m", blank=True)
    product = models.ForeignKey(
        "brand.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="contests"
    )
    # The journey's participation point entries and votes are attributed to.
    point = models.ForeignKey(
        "journeys.ParticipationPoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contests",
    )
    prizes = models.TextField(_("prizes"), max_length=5_000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ContestStatus.choices, default=ContestStatus.DRAFT
    )
    voting_mode = models.CharField(
        _("voting"), max_length=10, choices=VotingMode.choices, default=VotingMode.ONE_VOTE
    )
    vote_budget = models.PositiveSmallIntegerField(_("points per member per round"), default=10)
    max_points_per_entry = models.PositiveSmallIntegerField(
        _("most points on one entry"), null=True, blank=True
    )
    visibility = models.CharField(
        _("entry visibility"), max_length=8, choices=Visibility.choices, default=Visibility.SEALED
    )
    open_submission = models.BooleanField(_("any member may submit"), default=False)
    # Only shortlisted entries carry into the rounds after the one they were submitted in.
    shortlisting = models.BooleanField(_("only shortlisted entries go on to later rounds"), default=False)
    max_entries_per_designer = models.PositiveSmallIntegerField(_("entries per designer"), default=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(vote_budget__gte=1), name="contest_budget_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Round(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("what happens in this round"), max_length=2_000, blank=True)
    position = models.PositiveSmallIntegerField(default=1)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))

    class Meta:
        ordering = ["contest", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "position"], name="contest_round_position"),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="contest_round_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id} · {self.name}"

    def is_open(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return bool(self.opens_at <= moment < self.closes_at)  # type: ignore[operator]

    def has_closed(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return bool(self.closes_at <= moment)  # type: ignore[operator]


class ContestDesigner(models.Model):
    """The invitation role: a member invited to design for a contest, and their answer."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="designers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_roles")
    status = models.CharField(max_length=10, choices=DesignerStatus.choices, default=DesignerStatus.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contest", "id"]
        constraints = [models.UniqueConstraint(fields=["contest", "user"], name="contest_designer_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.contest_id} ({self.status})"


class ContestJuror(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="jurors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_juries"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contest", "id"]
        constraints = [models.UniqueConstraint(fields=["contest", "user"], name="contest_juror_once")]

    def __str__(self) -> str:
        return f"Juror {self.user_id} of {self.contest_id}"


class Criterion(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=80)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["contest", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="contest_criterion_name"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    designer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contest_entries"
    )
    first_round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    # The latest revision's title and text, kept with each revision for lists.
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=10_000, blank=True)
    discussion = models.OneToOneField(
        "discussions.Discussion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contest_entry",
    )
    # Fan points over all rounds, kept by the vote services with F() in the vote's transaction.
    votes = models.IntegerField(default=0)
    shortlisted = models.BooleanField(default=False)
    place = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["contest", "id"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "place"], condition=Q(place__isnull=False), name="contest_place_once"
            ),
            models.CheckConstraint(condition=Q(place__gte=1, place__lte=3), name="entry_place_podium"),
            models.CheckConstraint(condition=Q(votes__gte=0), name="entry_votes_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class EntryRevision(models.Model):
    """The entry as worked on in one round: history is kept, one row per round."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=10_000, blank=True)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "round"], name="entry_revision_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} r{self.number}"


class EntryFile(models.Model):
    revision = models.ForeignKey(EntryRevision, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="contests/entries/%Y/%m")
    name = models.CharField(max_length=160)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField(default=0)
    is_image = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["revision", "position", "id"]

    def __str__(self) -> str:
        return self.name


class EntryRound(models.Model):
    """An entry's standing in one round: its fan points there, kept with F() by the vote services."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="standings")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="standings")
    votes = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "round"], name="entry_round_once"),
            models.CheckConstraint(condition=Q(votes__gte=0), name="entry_round_votes_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} in {self.round_id}: {self.votes}"


class Ballot(models.Model):
    """A member's points spent in one round. Its row is the lock every vote change of that member in that
    round takes first, so the budget check and the counters never race."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    spent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "voter"], name="ballot_once_per_round")]

    def __str__(self) -> str:
        return f"{self.voter_id} in {self.round_id}: {self.spent}"


class Vote(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="votes")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="fan_votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_votes"
    )
    points = models.PositiveSmallIntegerField(default=1)
    # True in a one-vote contest: the partial constraint below then allows one such vote per round.
    single = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "entry", "voter"], name="vote_once_per_entry_round"),
            models.UniqueConstraint(
                fields=["round", "voter"], condition=Q(single=True), name="vote_one_per_round"
            ),
            models.CheckConstraint(condition=Q(points__gte=1), name="vote_points_positive"),
        ]
        indexes = [models.Index(fields=["voter", "round"], name="vote_voter_round")]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.entry_id} ({self.points})"


class Score(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "juror", "criterion"], name="score_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=10), name="score_1_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.juror_id} gave {self.entry_id} {self.score}"
