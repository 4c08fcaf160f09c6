"""Who may see, submit, support, moderate and review, given the role, the challenge's visibility and
phase, and the idea's status and deadline. Roles × phase × deadline live here only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.accounts.models import Role
from cocreate.accounts.policies import is_admin, is_staff
from cocreate.core.errors import DomainError, NotAllowed

from .models import Challenge, ChallengeInvite, Idea, IdeaStatus, Visibility
from .models.ideas import PUBLIC_STATUSES


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def can_moderate(user: Any) -> bool:
    return is_admin(user) or (is_staff(user) and getattr(user, "role", None) == Role.MODERATOR)


def can_review(user: Any) -> bool:
    return is_admin(user) or (is_staff(user) and getattr(user, "role", None) == Role.REVIEWER)


def can_decide(user: Any) -> bool:
    """Decisions are public and binding: administrators record them (reviewers score)."""
    return is_admin(user)


def can_manage_challenges(user: Any) -> bool:
    return is_admin(user)


def is_invited(user: Any, challenge: Challenge) -> bool:
    return _authenticated(user) and ChallengeInvite.objects.filter(challenge=challenge, user=user).exists()


def can_view_challenge(user: Any, challenge: Challenge) -> bool:
    if challenge.visibility == Visibility.PUBLIC or is_staff(user):
        return True
    if challenge.visibility == Visibility.MEMBERS:
        return _authenticated(user)
    return is_invited(user, challenge)


def can_view_idea(user: Any, idea: Idea) -> bool:
    if not can_view_challenge(user, idea.challenge):
        return False
    if idea.status in PUBLIC_STATUSES or is_staff(user):
        return True
    return _authenticated(user) and (
        idea.author_id == user.pk or idea.co_creators.filter(pk=user.pk).exists()
    )


def submission_window_open(challenge: Challenge, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if challenge.submission_opens and now < challenge.submission_opens:
        return False
    return not (challenge.submission_closes and now > challenge.submission_closes)


def check_can_submit(user: Any, challenge: Challenge) -> None:
    if not _authenticated(user):
        raise NotAllowed(_("Log in to share an idea."))
    if not can_view_challenge(user, challenge):
        raise NotAllowed(_("This challenge is by invitation only."))
    if not submission_window_open(challenge):
        raise DomainError(message=_("This challenge is not taking ideas now."), status=409)


def check_can_edit_idea(user: Any, idea: Idea) -> None:
    if not _authenticated(user):
        raise NotAllowed(_("Log in first."))
    own = idea.author_id == user.pk or idea.co_creators.filter(pk=user.pk).exists()
    if not (own or can_moderate(user)):
        raise NotAllowed(_("Only the idea's creators can edit it."))
    if idea.status not in (IdeaStatus.DRAFT, IdeaStatus.SUBMITTED, IdeaStatus.PUBLISHED) and not can_moderate(
        user
    ):
        raise DomainError(message=_("This idea can no longer be edited."), status=409)


def support_open(idea: Idea, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if idea.status != IdeaStatus.PUBLISHED:
        return False
    if idea.deadline and now > idea.deadline:
        return False
    closes = idea.challenge.support_closes
    return not (closes and now > closes)


def check_can_support(user: Any, idea: Idea) -> None:
    if not _authenticated(user):
        raise NotAllowed(_("Log in to support ideas."))
    if not can_view_idea(user, idea):
        raise NotAllowed(_("You cannot see this idea."))
    if idea.status != IdeaStatus.PUBLISHED:
        raise DomainError(message=_("This idea is not gathering support."), status=409)
    if not support_open(idea):
        raise DomainError(message=_("Support for this idea has closed."), status=409)
    if idea.author_id == user.pk and not idea.challenge.allow_self_support:
        raise DomainError(message=_("You cannot support your own idea in this challenge."), status=409)


def check_can_withdraw_support(user: Any, idea: Idea) -> None:
    if not _authenticated(user):
        raise NotAllowed(_("Log in first."))
    if not support_open(idea):
        raise DomainError(
            message=_("Support for this idea has closed; supports can no longer change."), status=409
        )


def check_can_moderate(user: Any) -> None:
    if not can_moderate(user):
        raise NotAllowed(_("Only moderators can do this."))


def check_can_review(user: Any) -> None:
    if not can_review(user):
        raise NotAllowed(_("Only reviewers can score ideas."))


def check_can_decide(user: Any) -> None:
    if not can_decide(user):
        raise NotAllowed(_("Only administrators record decisions."))


def check_can_manage_challenges(user: Any) -> None:
    if not can_manage_challenges(user):
        raise NotAllowed(_("Only administrators manage challenges."))
