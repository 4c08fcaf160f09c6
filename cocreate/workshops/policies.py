"""Who may do what in workshops."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_staff
from cocreate.core.errors import NotAllowed

from .models import Workshop, WorkshopStatus


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def can_manage_workshops(user: Any) -> bool:
    return is_staff(user)


def check_can_manage_workshops(user: Any) -> None:
    if not can_manage_workshops(user):
        raise NotAllowed(_("Only staff can manage workshops."))


def can_run_workshop(user: Any, workshop: Workshop) -> bool:
    """Staff, and the workshop's facilitators, take attendance and capture outputs."""
    if not _authenticated(user):
        return False
    return is_staff(user) or workshop.facilitators.filter(pk=user.pk).exists()


def check_can_run_workshop(user: Any, workshop: Workshop) -> None:
    if not can_run_workshop(user, workshop):
        raise NotAllowed(_("Only the workshop's facilitators and staff can do this."))


def can_view_workshop(user: Any, workshop: Workshop) -> bool:
    """Drafts are for staff; everything else is public (invitation-only workshops can be read, not joined)."""
    return workshop.status != WorkshopStatus.DRAFT or can_run_workshop(user, workshop)


def check_authenticated_member(user: Any) -> None:
    if not _authenticated(user):
        raise NotAllowed(_("Log in to take part in workshops."))
