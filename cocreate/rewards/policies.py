"""Who may do what with points and rewards."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_staff
from cocreate.core.errors import NotAllowed


def can_manage_rewards(user: Any) -> bool:
    return is_staff(user)


def check_can_manage_rewards(user: Any) -> None:
    if not can_manage_rewards(user):
        raise NotAllowed(_("Only staff can manage points and rewards."))


def check_can_redeem(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise NotAllowed(_("Log in to redeem rewards."))
