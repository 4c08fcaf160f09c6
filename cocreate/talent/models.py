"""Talent: the skills taxonomy (with synonyms), members' skills and availability, opportunities that need
skills, and applications to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cocreate.core.models import TimeStampedModel


class SkillCategory(models.TextChoices):
    DESIGN = "design", _("Design")
    ENGINEERING = "engineering", _("Engineering")
    MARKETING = "marketing", _("Marketing")
    RESEARCH = "research", _("Research")
    PRODUCT = "product", _("Product")
    PACKAGING = "packaging", _("Packaging")
    SUSTAINABILITY = "sustainability", _("Sustainability")
    DATA = "data", _("Data")
    COMMUNITY = "community", _("Community")
    OPERATIONS = "operations", _("Operations")
    OTHER = "other", _("Other")


class Skill(TimeStampedModel):
    """One skill of the taxonomy staff manage. Any change to a skill, its synonyms or its related skills
    touches `updated_at`, which is what the taxonomy version (and the cached similarity matrix) follows."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)
    # The name folded (case, accents, punctuation) so "UX Research" and "ux-research" are one skill.
    normalised = models.CharField(max_length=90, unique=True, editable=False)
    category = models.CharField(
        _("category"), max_length=16, choices=SkillCategory.choices, default=SkillCategory.OTHER
    )
    description = models.TextField(_("description"), blank=True, max_length=1000)
    related = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("related skills"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SkillSynonym(models.Model):
    """Another name members write for a skill ("user research" → UX research)."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="synonyms")
    alias = models.CharField(_("alias"), max_length=80)
    normalised = models.CharField(max_length=90, unique=True, editable=False)

    class Meta:
        ordering = ["alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.skill_id}"


class TalentProfile(models.Model):
    """A member's availability, and the clock the in-memory match matrix follows: `changed_at` moves
    whenever the member's skills or availability change."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="talent_profile"
    )
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), default=0)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(hours_per_week__lte=80), name="talent_hours_at_most_80"),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="talent_available_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"talent profile of {self.user_id}"


class MemberSkill(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="members")
    level = models.PositiveSmallIntegerField(_("level"), default=3)
    years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True)

    class Meta:
        ordering = ["-level", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="talent_member_skill_once"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="talent_level_1_to_5"),
            models.CheckConstraint(condition=Q(years__lte=60), name="talent_years_at_most_60"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.skill_id} ({self.level})"


class OpportunityKind(models.TextChoices):
    PROJECT = "project", _("Project")
    WORKSHOP_ROLE = "workshop_role", _("Workshop role")
    IDEA_TEAM = "idea_team", _("Idea development team")


class OpportunityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")


class Opportunity(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=OpportunityKind.choices)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description (markdown)"), blank=True, max_length=10_000)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), default=0)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    # Accepted applications, kept by guarded UPDATEs (never above `seats`): the race-free seat count.
    seats_taken = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=8, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_opportunities"
    )
    idea = models.ForeignKey(
        "challenges.Idea", on_delete=models.SET_NULL, null=True, blank=True, related_name="opportunities"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1, seats__lte=500), name="talent_seats_1_to_500"),
            models.CheckConstraint(condition=Q(seats_taken__lte=F("seats")), name="talent_never_overfilled"),
            models.CheckConstraint(condition=Q(hours_per_week__lte=80), name="talent_opp_hours_at_most_80"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="talent_opp_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int:
        return max(0, self.seats - self.seats_taken)


class RequiredSkill(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    min_level = models.PositiveSmallIntegerField(_("minimum level"), default=1)

    class Meta:
        ordering = ["-weight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "skill"], name="talent_required_once"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=5), name="talent_weight_1_to_5"),
            models.CheckConstraint(condition=Q(min_level__gte=1, min_level__lte=5), name="talent_min_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} needs {self.skill_id}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    note = models.TextField(_("note"), blank=True, max_length=2000)
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "user"], name="talent_apply_once"),
        ]
        indexes = [models.Index(fields=["user", "status"], name="talent_application_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.opportunity_id} ({self.status})"
