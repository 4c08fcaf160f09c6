"""Who may see and change personas, journeys and participation points."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_brand_team, is_staff
from cocreate.core.errors import NotAllowed


def can_view_journeys(user: Any) -> bool:
    """Every staff role reads the maps: moderators and reviewers plan with them too."""
    return is_staff(user)


def can_design_journeys(user: Any) -> bool:
    """Personas, journeys and points are the brand team's design: administrators and analysts."""
    return is_brand_team(user)


def check_can_view_journeys(user: Any) -> None:
    if not can_view_journeys(user):
        raise NotAllowed(_("Journeys and personas are for staff."))


def check_can_design_journeys(user: Any) -> None:
    if not can_design_journeys(user):
        raise NotAllowed(_("Only administrators and analysts can change personas, journeys and points."))
