from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreate.core.models import TimeStampedModel


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    DESIGNER = "designer", _("Invited designer")
    MODERATOR = "moderator", _("Moderator")
    REVIEWER = "reviewer", _("Reviewer")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = frozenset({Role.MODERATOR, Role.REVIEWER, Role.ANALYST, Role.ADMIN})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def with_email(self, email: str) -> models.QuerySet[User]:
        """Accounts with this address, in any case: compares lower(email), which the unique index covers
        (an `iexact` lookup would scan every account)."""
        return (
            self.get_queryset()
            .alias(email_lower=Lower("email"))
            .filter(email_lower=(email or "").strip().lower())
        )

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on the platform. Log-in is by email; the display name is what others see."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.MEMBER, db_index=True
    )
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    bio = models.TextField(_("bio"), blank=True, max_length=2000)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        # Never a part of the email address: that is private even when someone chose no display name.
        return self.display_name or str(_("Member %(n)s") % {"n": self.pk})

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES or self.is_superuser


class ApiToken(TimeStampedModel):
    """A personal API token. Only a SHA-256 hash is kept; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class TermsAcceptance(models.Model):
    """Append-only record that a member accepted a version of the participation terms."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="terms_acceptances")
    terms = models.ForeignKey("brand.TermsVersion", on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "terms"], name="accounts_terms_once")]
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.user_id} accepted terms {self.terms_id}"


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("One answer")
    MULTI_CHOICE = "multi_choice", _("Several answers")
    NUMBER = "number", _("A number")


class ProfileQuestion(TimeStampedModel):
    """A question staff ask members about themselves; personas are described by the answers."""

    text = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("why we ask"), max_length=300, blank=True)
    kind = models.CharField(_("answer type"), max_length=12, choices=QuestionKind.choices)
    choices = models.JSONField(_("answers to choose from"), default=list, blank=True)
    min_value = models.DecimalField(
        _("lowest number"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest number"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("asked"), default=True)
    ask_at_signup = models.BooleanField(_("ask at sign-up"), default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class ProfileAnswer(models.Model):
    """One answer row: a chosen option (one row per option for several answers) or a number."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="profile_answers")
    question = models.ForeignKey(ProfileQuestion, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=120, blank=True)
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question", "choice"], name="accounts_answer_once"),
        ]
        indexes = [
            models.Index(fields=["question", "choice"]),
            models.Index(fields=["question", "number"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.question_id} = {self.choice or self.number}"
