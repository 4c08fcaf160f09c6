"""Concurrent votes on PostgreSQL: the counters stay exact and budgets are never exceeded."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone

from cocreate.accounts import services as account_services
from cocreate.accounts.models import Role
from cocreate.contests import services
from cocreate.contests.models import Ballot, ContestStatus, Entry, EntryRound, Visibility, Vote, VotingMode
from cocreate.core.errors import DomainError

pytestmark = pytest.mark.postgres

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"
)


def _user(email: str, role: str = Role.MEMBER) -> Any:
    return account_services.user_create_verified(
        actor=None, email=email, role=role, password="pw-long-enough-123", display_name=email.split("@")[0]
    )


def _setup(mode: str) -> tuple[Any, list[Any]]:
    staff = _user("staff@example.com", Role.ADMIN)
    contest = services.contest_create(
        actor=staff,
        title="Race",
        visibility=Visibility.OPEN,
        voting_mode=mode,
        vote_budget=5,
        open_submission=True,
    )
    now = timezone.now()
    services.round_add(
        actor=staff,
        contest=contest,
        name="Only",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.OPEN)
    entries = []
    for i in range(3):
        designer = _user(f"d{i}@example.com")
        entry = services.entry_submit(actor=designer, contest=contest, title=f"E{i}")
        entries.append(Entry.objects.select_related("contest", "first_round").get(pk=entry.pk))
    return contest, entries


def _run(calls: list[Any]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call: Any) -> None:
        try:
            barrier.wait()
            try:
                call()
                result = "ok"
            except DomainError as exc:
                result = exc.message
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_one_votes_count_exactly() -> None:
    _contest, entries = _setup(VotingMode.ONE_VOTE)
    fans = [_user(f"fan{i}@example.com") for i in range(30)]
    target = entries[0]
    outcomes = _run([lambda f=f: services.vote_cast(actor=f, entry=target) for f in fans])
    assert outcomes.count("ok") == 30, outcomes
    assert Entry.objects.get(pk=target.pk).votes == 30 == Vote.objects.filter(entry=target).count()
    assert EntryRound.objects.get(entry=target).votes == 30


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_member_voting_everywhere_at_once_keeps_one_vote_and_the_budget() -> None:
    _contest, entries = _setup(VotingMode.ONE_VOTE)
    fan = _user("fan@example.com")
    _run([lambda e=e: services.vote_cast(actor=fan, entry=e) for e in entries * 4])
    assert Vote.objects.filter(voter=fan).count() == 1
    assert sum(Entry.objects.values_list("votes", flat=True)) == 1

    Vote.objects.all().delete()
    Entry.objects.update(votes=0)
    EntryRound.objects.update(votes=0)
    Ballot.objects.all().delete()
    contest, entries = entries[0].contest, entries
    contest.voting_mode = VotingMode.BUDGET
    contest.save()
    budget_entries = [Entry.objects.select_related("contest", "first_round").get(pk=e.pk) for e in entries]
    _run(
        [
            lambda e=e, p=p: services.vote_cast(actor=fan, entry=e, points=p)
            for e in budget_entries
            for p in (2, 3)
        ]
    )
    spent = Vote.objects.filter(voter=fan).aggregate(n=Sum("points"))["n"]
    assert spent <= 5
    assert Ballot.objects.get(voter=fan).spent == spent
    for e in budget_entries:
        rows = Vote.objects.filter(entry=e).aggregate(n=Sum("points"))["n"] or 0
        assert Entry.objects.get(pk=e.pk).votes == rows


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_members_moving_votes_in_opposite_directions_do_not_deadlock() -> None:
    _contest, entries = _setup(VotingMode.ONE_VOTE)
    a, b = entries[0], entries[1]
    fans = [_user(f"mover{i}@example.com") for i in range(24)]
    for i, fan in enumerate(fans):
        services.vote_cast(actor=fan, entry=a if i % 2 else b)
    # Everyone switches at once: half from A to B, half from B to A (the counters' rows in both orders).
    outcomes = _run(
        [lambda i=i, f=f: services.vote_cast(actor=f, entry=b if i % 2 else a) for i, f in enumerate(fans)]
    )
    assert outcomes.count("ok") == 24, outcomes
    for entry in (a, b):
        assert Entry.objects.get(pk=entry.pk).votes == 12 == Vote.objects.filter(entry=entry).count()
        assert EntryRound.objects.get(entry=entry).votes == 12
