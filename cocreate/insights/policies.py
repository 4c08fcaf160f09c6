"""Who may run prototype tests, see their results and respond to them.

The brand team (administrators and analysts) creates tests, adds versions and invites members: they
design the program, as they design personas and journeys. Every staff role reads the results. Members
see a test once it is no longer a draft, and respond when invited (or when the test is open to all).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_brand_team, is_staff
from cocreate.core.errors import NotAllowed

from .models import PrototypeInvitation, PrototypeStatus, PrototypeTest


def can_manage_tests(user: Any) -> bool:
    return is_brand_team(user)


def check_can_manage_tests(user: Any) -> None:
    if not can_manage_tests(user):
        raise NotAllowed(_("Only administrators and analysts can run prototype tests."))


def can_view_results(user: Any) -> bool:
    return is_staff(user)


def check_can_view_results(user: Any) -> None:
    if not can_view_results(user):
        raise NotAllowed(_("Results of prototype tests are for staff."))


def is_invited(user: Any, test: PrototypeTest) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return PrototypeInvitation.objects.filter(test=test, user=user).exists()


def can_view_test(user: Any, test: PrototypeTest) -> bool:
    if is_staff(user):
        return True
    if not getattr(user, "is_authenticated", False) or test.status == PrototypeStatus.DRAFT:
        return False
    return test.open_to_all or is_invited(user, test)


def can_respond(user: Any, test: PrototypeTest) -> bool:
    """Whether the member is among the testers (dates and status are the service's business)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return test.open_to_all or is_invited(user, test)


def check_can_respond(user: Any, test: PrototypeTest) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Log in to take part in this test."))
    if not can_respond(user, test):
        raise NotAllowed(_("This prototype test is for invited members only."))
