"""Talent fixtures: the starter taxonomy, staff, and a fresh in-memory match matrix per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cocreate.accounts.models import Role, User
from cocreate.talent import matching, services

# The receivers are connected by NotificationsConfig.ready; importing them here too is harmless (each has a
# dispatch_uid) and keeps these tests independent of that wiring.
import cocreate.notifications.talent  # noqa: F401  isort: skip


@pytest.fixture(autouse=True)
def _fresh_matrix() -> Iterator[None]:
    # Ids are reused between tests on SQLite: a matrix kept from an earlier test would describe others.
    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def taxonomy(db: None) -> int:
    return services.taxonomy_seed()


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, email="staff@example.com", display_name="Stella Staff")


@pytest.fixture
def person(make_user: Callable[..., User]) -> Callable[..., User]:
    """A member with skills ({"text": level}) and optional availability."""

    def make(name: str, skills: dict[str, int], hours: int = 0, **availability: Any) -> User:
        user = make_user(Role.MEMBER, display_name=name)
        services.member_skills_set(
            actor=user, user=user, skills=[{"skill": s, "level": lv} for s, lv in skills.items()]
        )
        if hours or availability:
            services.availability_set(actor=user, user=user, hours_per_week=hours, **availability)
        return user

    return make
