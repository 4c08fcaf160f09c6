"""Writes for accounts.

Invariants guarded here:
- an email address belongs to one account, compared case-insensitively;
- `is_staff` (back-office access) follows the role and is never set by hand;
- API tokens are stored only as hashes; a revoked token never authenticates again;
- terms acceptances are appended, never edited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.errors import Conflict, DomainError, NotFound, validation_error_to_domain
from cocreate.core.images import clean_image

from . import policies
from .models import (
    STAFF_ROLES,
    ApiToken,
    ProfileAnswer,
    ProfileQuestion,
    QuestionKind,
    Role,
    TermsAcceptance,
    User,
)

TOKEN_PREFIX = "cct_"  # noqa: S105 (a public marker, not a secret)
MAX_LIST_ITEMS = 30
MAX_ITEM_LENGTH = 60


def _normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(message=_("Enter a valid email address."), field="email") from None
    return email


def _apply_role(user: User, role: str) -> None:
    if role not in Role.values:
        raise DomainError(
            message=_("Unknown role %(role)s. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            field="role",
        )
    user.role = role
    user.is_staff = role in STAFF_ROLES
    user.is_superuser = role == Role.ADMIN


@transaction.atomic
def user_create_verified(
    *,
    actor: User | None,
    email: str,
    role: str = Role.MEMBER,
    password: str | None = None,
    display_name: str = "",
) -> User:
    """Create an account whose email is already verified (operators, scripts, the demo).

    `actor=None` means the command line, which runs with the operator's authority.
    """
    if actor is not None:
        policies.check_can_manage_users(actor)
    email = _normalise_email(email)
    if User.objects.with_email(email).exists():
        raise Conflict(_("An account with this email address already exists."), field="email")
    user = User(email=email, display_name=display_name.strip()[:80])
    _apply_role(user, role)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise validation_error_to_domain(exc, "password") from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(_("An account with this email address already exists."), field="email") from None
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def user_set_role(*, actor: User | None, user: User, role: str) -> User:
    if actor is not None:
        policies.check_can_manage_users(actor)
        if actor.pk == user.pk and role != Role.ADMIN:
            raise DomainError(message=_("You cannot remove your own administrator role."), field="role")
    _apply_role(user, role)
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    return user


def _clean_list(values: Any, field: str) -> list[str]:
    if isinstance(values, str):
        values = values.split(",")
    if not isinstance(values, list | tuple):
        raise DomainError(message=_("Give a list of words."), field=field)
    seen: dict[str, str] = {}
    for raw in values:
        item = " ".join(str(raw).split())
        if not item:
            continue
        if len(item) > MAX_ITEM_LENGTH:
            raise DomainError(
                message=_("“%(item)s…” is too long (at most %(n)s characters).")
                % {"item": item[:20], "n": MAX_ITEM_LENGTH},
                field=field,
            )
        seen.setdefault(item.lower(), item)
    if len(seen) > MAX_LIST_ITEMS:
        raise DomainError(message=_("At most %(n)s entries.") % {"n": MAX_LIST_ITEMS}, field=field)
    return list(seen.values())


@transaction.atomic
def profile_update(
    *,
    actor: User,
    user: User,
    display_name: str | None = None,
    bio: str | None = None,
    interests: Any = None,
    skills: Any = None,
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
) -> User:
    policies.check_authenticated(actor)
    if actor.pk != user.pk and not policies.can_manage_users(actor):
        raise DomainError(message=_("You can only edit your own profile."), status=403)
    changed: list[str] = []
    if display_name is not None:
        name = " ".join(display_name.split())
        if len(name) > 80:
            raise DomainError(message=_("A display name has at most 80 characters."), field="display_name")
        user.display_name = name
        changed.append("display_name")
    if bio is not None:
        if len(bio) > 2000:
            raise DomainError(message=_("A bio has at most 2,000 characters."), field="bio")
        user.bio = bio.strip()
        changed.append("bio")
    if interests is not None:
        user.interests = _clean_list(interests, "interests")
        changed.append("interests")
    if skills is not None:
        user.skills = _clean_list(skills, "skills")
        changed.append("skills")
    if avatar is not None:
        try:
            clean = clean_image(avatar, max_side=512, name_prefix="avatar")
        except ValidationError as exc:
            raise validation_error_to_domain(exc, "avatar") from None
        old = user.avatar.name if user.avatar else ""
        user.avatar.save(clean.name or "avatar.png", clean, save=False)
        changed.append("avatar")
        if old:
            storage = user.avatar.storage
            transaction.on_commit(lambda: storage.delete(old))
    elif remove_avatar and user.avatar:
        old_name = user.avatar.name or ""
        old_storage = user.avatar.storage
        user.avatar = None  # type: ignore[assignment]
        changed.append("avatar")
        transaction.on_commit(lambda: old_storage.delete(old_name))
    if changed:
        user.save(update_fields=changed)
    return user


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class IssuedToken:
    token: ApiToken
    secret: str


def token_create(*, actor: User, user: User, name: str) -> IssuedToken:
    """Issue a personal API token. The returned secret is the only time it is ever visible."""
    policies.check_authenticated(actor)
    if actor.pk != user.pk and not policies.can_manage_users(actor):
        raise DomainError(message=_("You can only create tokens for yourself."), status=403)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(message=_("Give the token a name, e.g. the script that will use it."), field="name")
    if len(name) > 80:
        raise DomainError(message=_("A token name has at most 80 characters."), field="name")
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= 20:
        raise DomainError(message=_("You have 20 active tokens; revoke one first."), field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:12], key_hash=_hash(secret))
    return IssuedToken(token=token, secret=secret)


def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    policies.check_authenticated(actor)
    qs = ApiToken.objects.all() if policies.can_manage_users(actor) else actor.api_tokens.all()
    token = qs.filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."), field="token_id")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(secret: str) -> User | None:
    """The user behind an API token, or None. Marks the token used at most once a minute."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def terms_accept(*, actor: User, terms: Any) -> TermsAcceptance:
    """Record that `actor` accepted this version of the terms (idempotent)."""
    policies.check_authenticated(actor)
    acceptance, _created = TermsAcceptance.objects.get_or_create(user=actor, terms=terms)
    return acceptance


# --- Profile questions and answers -------------------------------------------------------------------
QUESTION_FIELDS = {
    "text",
    "help_text",
    "kind",
    "choices",
    "min_value",
    "max_value",
    "unit",
    "position",
    "active",
    "ask_at_signup",
}


def _clean_choices(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = raw.splitlines()
    items = [" ".join(str(c).split()) for c in (raw or []) if str(c).strip()]
    if len(items) != len({i.lower() for i in items}):
        raise DomainError(message=_("Each answer may appear only once."), field="choices")
    if any(len(i) > 120 for i in items):
        raise DomainError(message=_("An answer has at most 120 characters."), field="choices")
    return items


def _question_checks(question: ProfileQuestion) -> None:
    if not question.text.strip():
        raise DomainError(message=_("Write the question."), field="text")
    if question.kind not in QuestionKind.values:
        raise DomainError(message=_("Choose how the question is answered."), field="kind")
    if question.kind == QuestionKind.NUMBER:
        question.choices = []
        if (
            question.min_value is not None
            and question.max_value is not None
            and question.min_value > question.max_value
        ):
            raise DomainError(message=_("The lowest number is above the highest."), field="max_value")
    else:
        question.choices = _clean_choices(question.choices)
        if len(question.choices) < 2:
            raise DomainError(
                message=_("Give at least two answers to choose from, one per line."), field="choices"
            )
        if len(question.choices) > 30:
            raise DomainError(message=_("At most 30 answers."), field="choices")


@transaction.atomic
def question_create(*, actor: User, text: str, kind: str, **fields: Any) -> ProfileQuestion:
    policies.check_can_manage_questions(actor)
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise DomainError(message=_("Unknown field."), field=sorted(unknown)[0])
    question = ProfileQuestion(
        text=" ".join((text or "").split()), kind=kind, **{k: v for k, v in fields.items() if v is not None}
    )
    if "position" not in fields:
        question.position = ProfileQuestion.objects.count() + 1
    _question_checks(question)
    question.save()
    return question


@transaction.atomic
def question_update(*, actor: User, question: ProfileQuestion, **fields: Any) -> ProfileQuestion:
    """Change a question. Changing its answer type or removing answers that members gave is refused:
    it would silently change who matches which persona."""
    policies.check_can_manage_questions(actor)
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise DomainError(message=_("Unknown field."), field=sorted(unknown)[0])
    answered = question.answers.exists()
    if "kind" in fields and fields["kind"] != question.kind and answered:
        raise Conflict(
            _(
                "Members have answered this question; its answer type can no longer change. "
                "Add a new question instead."
            ),
            field="kind",
        )
    for key, value in fields.items():
        if key == "text" and value is not None:
            value = " ".join(value.split())
        setattr(question, key, value)
    _question_checks(question)
    if answered and question.kind != QuestionKind.NUMBER:
        used = set(question.answers.exclude(choice="").values_list("choice", flat=True).distinct())
        dropped = sorted(used - set(question.choices))
        if dropped:
            raise Conflict(
                _("Members chose “%(a)s”; keep that answer (you may reword the others).") % {"a": dropped[0]},
                field="choices",
            )
    question.save()
    return question


@transaction.atomic
def answers_set(*, actor: User, user: User, answers: dict[int, Any]) -> None:
    """Replace the member's answers to the given questions. An empty answer removes it (all optional)."""
    policies.check_authenticated(actor)
    if actor.pk != user.pk and not policies.can_manage_users(actor):
        raise DomainError(message=_("You can only answer for yourself."), status=403)
    questions = ProfileQuestion.objects.in_bulk(list(answers))
    rows: list[ProfileAnswer] = []
    for qid, raw in answers.items():
        question = questions.get(qid)
        field = f"q_{qid}"
        if question is None or not question.active:
            raise DomainError(message=_("This question is no longer asked."), field=field)
        if raw in (None, "", []):
            continue
        if question.kind == QuestionKind.NUMBER:
            try:
                number = Decimal(str(raw).strip())
            except (InvalidOperation, ValueError):
                raise DomainError(message=_("Enter a number."), field=field) from None
            if not number.is_finite():
                raise DomainError(message=_("Enter a number."), field=field)
            if question.min_value is not None and number < question.min_value:
                raise DomainError(
                    message=_("The lowest answer is %(n)s.") % {"n": question.min_value}, field=field
                )
            if question.max_value is not None and number > question.max_value:
                raise DomainError(
                    message=_("The highest answer is %(n)s.") % {"n": question.max_value}, field=field
                )
            rows.append(ProfileAnswer(user=user, question=question, number=number))
            continue
        chosen = [raw] if isinstance(raw, str) else list(raw)
        if question.kind == QuestionKind.CHOICE and len(chosen) > 1:
            raise DomainError(message=_("Choose one answer."), field=field)
        for choice in dict.fromkeys(str(c) for c in chosen):
            if choice not in question.choices:
                raise DomainError(message=_("Choose one of the answers offered."), field=field)
            rows.append(ProfileAnswer(user=user, question=question, choice=choice))
    ProfileAnswer.objects.filter(user=user, question_id__in=list(questions)).delete()
    ProfileAnswer.objects.bulk_create(rows)
