from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_admin
from cocreate.core.errors import NotAllowed


def can_manage_brand(user: Any) -> bool:
    """Brand settings, products and terms belong to administrators."""
    return is_admin(user)


def check_can_manage_brand(user: Any) -> None:
    if not can_manage_brand(user):
        raise NotAllowed(_("Only administrators can change the brand, its products and terms."))
