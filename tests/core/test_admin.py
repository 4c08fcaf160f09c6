"""The shared read-only back-office views: staff look things up, nobody edits around the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/challenges/idea/", "/admin/journeys/persona/"])
def test_staff_may_look_but_not_add(path: str, moderator: Any, member: Any) -> None:
    staff = Client()
    staff.force_login(moderator)
    assert staff.get(path).status_code == 200
    assert staff.get(path + "add/").status_code == 403
    visitor = Client()
    visitor.force_login(member)
    assert visitor.get(path).status_code == 302  # members are sent to the admin log-in
