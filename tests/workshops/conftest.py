"""Workshops fixtures: staff, a centre, and workshops in the future or already over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

import cocreate.notifications.workshops  # noqa: F401  (connects the notification receivers)
from cocreate.accounts.models import Role, User
from cocreate.workshops import services
from cocreate.workshops.models import Centre, Workshop, WorkshopStatus


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, email="staff@example.com")


@pytest.fixture
def centre(staff: User) -> Centre:
    return services.centre_create(actor=staff, name="Innovation Centre Bonn", city="Bonn", capacity=40)


@pytest.fixture
def make_workshop(staff: User, centre: Centre) -> Callable[..., Workshop]:
    def make(*, capacity: int = 2, in_days: float = 3, hours: float = 2, **fields: Any) -> Workshop:
        fields.setdefault("status", WorkshopStatus.PUBLISHED)
        fields.setdefault("centre", centre)
        starts = timezone.now() + timedelta(days=in_days)
        return services.workshop_create(
            actor=staff,
            title=fields.pop("title", "Last-mile lab"),
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            capacity=capacity,
            **fields,
        )

    return make


def move_to_past(workshop: Workshop, *, days: float = 1) -> Workshop:
    """Time passes: the workshop happened `days` ago (registration happened before)."""
    starts = timezone.now() - timedelta(days=days)
    Workshop.objects.filter(pk=workshop.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    workshop.refresh_from_db()
    return workshop


@pytest.fixture
def members(make_user: Callable[..., User]) -> list[User]:
    return [make_user(Role.MEMBER) for _ in range(6)]
