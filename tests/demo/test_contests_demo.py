"""The demo's contests: a running contest in its final round with sealed revisions, fans' points, comments
and jury scores, and a past contest with winners on the showcase. Running it again adds nothing."""

from __future__ import annotations

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from cocreate.accounts import services as account_services
from cocreate.accounts.models import Role
from cocreate.contests import selectors
from cocreate.contests.models import Contest, ContestStatus, Entry, EntryRevision, Score, Vote
from cocreate.demo.contests import PAST_TITLE, RUNNING_TITLE, seed_contests
from cocreate.demo.seeding import seed_members
from cocreate.discussions.models import Comment

pytestmark = pytest.mark.django_db


def test_demo_contests() -> None:
    seed_members(count=140)
    staff = account_services.user_create_verified(
        actor=None, email="staff@northbrick.example", role=Role.ADMIN, display_name="Mara"
    )
    seed_contests(staff)
    running = Contest.objects.get(title=RUNNING_TITLE)
    assert running.status == ContestStatus.OPEN
    current = selectors.current_round(running)
    assert current is not None and current.position == 2
    assert running.rounds.get(position=1).has_closed()
    assert 8 <= running.entries.count() <= 12
    assert 3 <= running.designers.count() <= 6
    assert EntryRevision.objects.filter(entry__contest=running, number=2).count() >= 3
    assert Vote.objects.filter(round=current).count() >= 50
    assert running.entries.filter(shortlisted=True).count() == 5
    for entry in Entry.objects.filter(contest=running):
        assert entry.votes == (Vote.objects.filter(entry=entry).aggregate(n=Sum("points"))["n"] or 0)
    assert Comment.objects.filter(discussion__contest_entry__contest=running).count() >= 5
    assert Score.objects.filter(entry__contest=running).exists()
    assert selectors.jury_ranking(running)

    past = Contest.objects.get(title=PAST_TITLE)
    assert past.status == ContestStatus.CLOSED
    assert [e.place for e in selectors.winners(past)] == [1, 2, 3]
    page = Client().get(reverse("contests:showcase", args=[past.slug]))
    assert page.status_code == 200 and selectors.winners(past)[0].title in page.content.decode()

    before = (Contest.objects.count(), Entry.objects.count(), Vote.objects.count())
    seed_contests(staff)
    assert (Contest.objects.count(), Entry.objects.count(), Vote.objects.count()) == before
