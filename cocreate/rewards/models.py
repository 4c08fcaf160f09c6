"""The points ledger (append-only), the rules that feed it, levels, badges and the rewards catalogue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    IDEA_PUBLISHED = "idea_published", _("Idea published")
    SUPPORT_GIVEN = "support_given", _("Support given")
    ANSWER_ACCEPTED = "answer_accepted", _("Answer accepted")
    WORKSHOP_ATTENDED = "workshop_attended", _("Workshop attended")
    SURVEY_COMPLETED = "survey_completed", _("Survey completed")
    IDEA_APPROVED = "idea_approved", _("Idea approved")
    REDEMPTION = "redemption", _("Reward redeemed")
    ADJUSTMENT = "adjustment", _("Adjustment by staff")
    REVERSAL = "reversal", _("Reversal")


# Actions a rule can pay for; the others are written by the services themselves.
EARNING_ACTIONS = [
    Action.IDEA_PUBLISHED,
    Action.SUPPORT_GIVEN,
    Action.ANSWER_ACCEPTED,
    Action.WORKSHOP_ATTENDED,
    Action.SURVEY_COMPLETED,
    Action.IDEA_APPROVED,
]


class PointEntry(models.Model):
    """One line of the ledger. Never updated or deleted: an undone action gets a reversal line."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="point_entries")
    amount = models.IntegerField()
    action = models.CharField(max_length=32, choices=Action.choices)
    source = models.CharField(max_length=120)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    note = models.CharField(max_length=300, blank=True)
    # Who wrote the entry when it was not the member's own action (a staff adjustment); kept for the audit.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # An action earns once per source, even after it was reversed (no farming by undo and redo).
            models.UniqueConstraint(
                fields=["user", "action", "source"],
                condition=~Q(action="reversal"),
                name="rewards_entry_once_per_source",
            ),
            models.UniqueConstraint(
                fields=["reverses"], condition=Q(reverses__isnull=False), name="rewards_reversed_once"
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="rewards_entry_history")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.amount:+d}"


class PointBalance(models.Model):
    """The running sum of a member's entries, kept in the same transaction as each entry. Its row is also
    the lock that serialises every ledger write of one member (caps, limits, redemptions)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="point_balance"
    )
    balance = models.IntegerField(default=0)
    # Points ever earned (awards minus their reversals, redemptions excluded): levels follow this, so
    # spending points never lowers a level.
    earned = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.balance}"


class PointRule(models.Model):
    action = models.CharField(max_length=32, choices=Action.choices, unique=True)
    points = models.PositiveIntegerField(default=0)
    daily_cap = models.PositiveIntegerField(
        default=0, help_text=_("Most points per member per day; 0 = none.")
    )
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.action}: {self.points}"


class Level(models.Model):
    name = models.CharField(max_length=80)
    min_points = models.PositiveIntegerField(help_text=_("Points earned in total to reach this level."))
    # A retired level stays for the record but no longer counts; only active levels need distinct thresholds.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["min_points"]
        constraints = [
            models.UniqueConstraint(
                fields=["min_points"], condition=Q(active=True), name="rewards_level_threshold_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BadgeCriterion(models.TextChoices):
    ACTION_COUNT = "action_count", _("Number of times an action was rewarded")
    POINTS_EARNED = "points_earned", _("Points earned in total")


class Badge(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    description = models.CharField(max_length=300, blank=True)
    criterion = models.CharField(max_length=20, choices=BadgeCriterion.choices)
    action = models.CharField(max_length=32, choices=Action.choices, blank=True)
    threshold = models.PositiveIntegerField()
    # A retired badge is no longer awarded nor shown; awards already made are kept.
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(criterion="action_count") | ~Q(action=""), name="rewards_badge_count_has_action"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BadgeAward(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards")
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "badge"], name="rewards_badge_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.badge_id}"


class RewardKind(models.TextChoices):
    DISCOUNT_CODE = "discount_code", _("Discount code")
    BENEFIT = "benefit", _("Exclusive benefit")
    EARLY_ACCESS = "early_access", _("Early access")


class Reward(models.Model):
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=RewardKind.choices)
    cost = models.PositiveIntegerField()
    # Units left; NULL means unlimited. Only ever changed by `UPDATE … stock = stock - 1 WHERE stock > 0`.
    stock = models.PositiveIntegerField(null=True, blank=True)
    per_member_limit = models.PositiveIntegerField(default=1, help_text=_("0 = no limit."))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(cost__gt=0), name="rewards_reward_cost_positive")]

    def __str__(self) -> str:
        return self.title


class RewardCode(models.Model):
    reward = models.ForeignKey(Reward, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=80)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reward", "code"], name="rewards_code_unique")]
        # The next free code of a reward in one index step, however many were handed out already.
        indexes = [
            models.Index(
                fields=["reward", "id"], condition=Q(redeemed_by__isnull=True), name="rewards_code_free"
            )
        ]

    def __str__(self) -> str:
        return self.code


class Redemption(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField()
    code = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "reward"], name="rewards_redemption_member")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.reward_id}"
