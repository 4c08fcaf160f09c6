"""Who may do what with accounts. Roles live here only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cocreate.core.errors import NotAllowed

from .models import STAFF_ROLES, Role


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        getattr(user, "is_superuser", False) or getattr(user, "role", None) == Role.ADMIN
    )


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        getattr(user, "is_superuser", False) or getattr(user, "role", None) in STAFF_ROLES
    )


def can_manage_users(user: Any) -> bool:
    return is_admin(user)


def check_can_manage_users(user: Any) -> None:
    if not can_manage_users(user):
        raise NotAllowed(_("Only administrators can manage accounts and roles."))


def check_authenticated(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Log in first."))


def is_brand_team(user: Any) -> bool:
    """Administrators and analysts: the people who design the program (personas, journeys, questions)."""
    return is_admin(user) or (is_staff(user) and getattr(user, "role", None) == Role.ANALYST)


def can_manage_questions(user: Any) -> bool:
    """Profile questions shape personas, so the brand team owns them."""
    return is_brand_team(user)


def check_can_manage_questions(user: Any) -> None:
    if not can_manage_questions(user):
        raise NotAllowed(_("Only administrators and analysts can change profile questions."))
