"""Who may read, comment, edit, react, flag and moderate in a discussion."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cocreate.accounts.models import Role
from cocreate.accounts.policies import is_admin, is_staff
from cocreate.core.errors import DomainError, NotAllowed

from .models import Comment, Discussion
from .owners import owner_of


def _member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def can_moderate(user: Any) -> bool:
    return is_admin(user) or (is_staff(user) and getattr(user, "role", None) == Role.MODERATOR)


def can_moderate_discussion(user: Any, discussion: Discussion) -> bool:
    """The site's moderators, and whoever the owner names (a forum board's moderators)."""
    if can_moderate(user):
        return True
    owner = owner_of(discussion)
    return _member(user) and owner is not None and owner.can_moderate is not None and owner.can_moderate(user)


def can_view(user: Any, discussion: Discussion) -> bool:
    owner = owner_of(discussion)
    if owner is None:
        # An orphan discussion (its owner was never registered) is for staff only.
        return is_staff(user)
    return bool(owner.can_view(user))


def is_creator(user: Any, discussion: Discussion) -> bool:
    owner = owner_of(discussion)
    return _member(user) and owner is not None and user.pk in owner.creator_ids


def check_can_view(user: Any, discussion: Discussion) -> None:
    if not can_view(user, discussion):
        raise NotAllowed(_("You cannot see this discussion."))


def check_can_comment(user: Any, discussion: Discussion, *, is_update: bool = False) -> None:
    if not _member(user):
        raise NotAllowed(_("Log in to join the discussion."))
    check_can_view(user, discussion)
    if discussion.locked:
        raise DomainError(message=_("This discussion is locked."), field="body", status=409)
    if is_update and not is_creator(user, discussion):
        raise NotAllowed(_("Only the idea's creators can post updates."), field="is_update")


def can_edit(user: Any, comment: Comment) -> bool:
    return _member(user) and comment.deleted_at is None and comment.author_id == user.pk


def check_can_edit(user: Any, comment: Comment) -> None:
    if not can_edit(user, comment):
        raise NotAllowed(_("Only the author can edit this comment."))
    if comment.hidden_at is not None:
        raise DomainError(message=_("This comment was hidden by a moderator."), status=409)
    if comment.discussion.locked:
        raise DomainError(message=_("This discussion is locked."), status=409)


def can_delete(user: Any, comment: Comment) -> bool:
    return _member(user) and (
        comment.author_id == user.pk or can_moderate_discussion(user, comment.discussion)
    )


def check_can_delete(user: Any, comment: Comment) -> None:
    if not can_delete(user, comment):
        raise NotAllowed(_("Only the author or a moderator can delete this comment."))


def check_can_react(user: Any, comment: Comment) -> None:
    if not _member(user):
        raise NotAllowed(_("Log in to react."))
    check_can_view(user, comment.discussion)
    if comment.is_removed:
        raise DomainError(message=_("This comment was removed."), status=409)


def check_can_flag(user: Any, comment: Comment) -> None:
    if not _member(user):
        raise NotAllowed(_("Log in to report a comment."))
    check_can_view(user, comment.discussion)
    if comment.author_id == user.pk:
        raise DomainError(message=_("You cannot report your own comment."), status=409)


def check_can_moderate(user: Any) -> None:
    if not can_moderate(user):
        raise NotAllowed(_("Only moderators can do this."))


def check_can_moderate_discussion(user: Any, discussion: Discussion) -> None:
    if not can_moderate_discussion(user, discussion):
        raise NotAllowed(_("Only moderators can do this."))
