"""Contest fixtures: a staff member, designers, fans and a contest with a closed and an open round."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cocreate.accounts.models import Role, User
from cocreate.contests import services
from cocreate.contests.models import Contest, ContestStatus, Entry, Round


def png(name: str = "design.png", colour: str = "#c0392b") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, email="staff@example.com")


@pytest.fixture
def designers(make_user: Callable[..., User]) -> list[User]:
    return [make_user(Role.DESIGNER, email=f"designer{i}@example.com") for i in range(3)]


@pytest.fixture
def fans(make_user: Callable[..., User]) -> list[User]:
    return [make_user(Role.MEMBER, email=f"fan{i}@example.com") for i in range(4)]


def at_round(contest: Contest, rnd: Round) -> None:
    """Move the contest's rounds in time so `rnd` is open now and the earlier ones are closed."""
    now = timezone.now()
    rounds = list(contest.rounds.order_by("position"))
    index = [r.pk for r in rounds].index(rnd.pk)
    for i, r in enumerate(rounds):
        offset = (i - index) * 10
        Round.objects.filter(pk=r.pk).update(
            opens_at=now + timedelta(days=offset - 5), closes_at=now + timedelta(days=offset + 5)
        )
    if hasattr(contest, "_rounds"):
        del contest._rounds


def close_all(contest: Contest) -> None:
    now = timezone.now()
    rounds = list(contest.rounds.order_by("position"))
    for i, r in enumerate(rounds):
        offset = (i - len(rounds)) * 10
        Round.objects.filter(pk=r.pk).update(
            opens_at=now + timedelta(days=offset - 5), closes_at=now + timedelta(days=offset + 4)
        )
    if hasattr(contest, "_rounds"):
        del contest._rounds


@pytest.fixture
def make_contest(staff: User, designers: list[User]) -> Callable[..., Contest]:
    def make(**fields: Any) -> Contest:
        now = timezone.now()
        fields.setdefault("title", "Bottle of the future")
        fields.setdefault("brief", "Design **the** bottle.")
        contest = services.contest_create(actor=staff, **fields)
        services.round_add(
            actor=staff,
            contest=contest,
            name="Concepts",
            opens_at=now - timedelta(days=5),
            closes_at=now + timedelta(days=5),
        )
        services.round_add(
            actor=staff,
            contest=contest,
            name="Final designs",
            opens_at=now + timedelta(days=5),
            closes_at=now + timedelta(days=15),
        )
        services.designers_invite(actor=staff, contest=contest, emails=[d.email for d in designers])
        services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.OPEN)
        for d in designers:
            services.designer_answer(actor=d, contest=contest, accept=True)
        return Contest.objects.get(pk=contest.pk)

    return make


@pytest.fixture
def submit() -> Callable[..., Entry]:
    def do(contest: Contest, designer: User, title: str = "Green wave", **kw: Any) -> Entry:
        contest = Contest.objects.get(pk=contest.pk)
        entry = services.entry_submit(
            actor=designer, contest=contest, title=title, description=kw.pop("description", "A wave."), **kw
        )
        return Entry.objects.select_related("contest", "first_round").get(pk=entry.pk)

    return do
