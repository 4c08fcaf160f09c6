"""Fan votes: one per member per round or a budget of points, only while a round is open, never for
one's own entry; the counters always equal the vote rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreate.contests import services
from cocreate.contests.models import (
    Ballot,
    Contest,
    ContestStatus,
    Entry,
    EntryRound,
    Visibility,
    Vote,
    VotingMode,
)
from cocreate.core.errors import DomainError

from .conftest import at_round, close_all

pytestmark = pytest.mark.django_db


def fresh(entry: Entry) -> Entry:
    return Entry.objects.select_related("contest", "first_round").get(pk=entry.pk)


def test_one_vote_per_member_per_round_moves_with_a_new_choice(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    a = submit(contest, designers[0], title="A")
    b = submit(contest, designers[1], title="B")
    services.vote_cast(actor=fans[0], entry=a)
    services.vote_cast(actor=fans[0], entry=a)  # again: nothing changes
    assert fresh(a).votes == 1
    services.vote_cast(actor=fans[0], entry=fresh(b))
    assert fresh(a).votes == 0 and fresh(b).votes == 1
    assert Vote.objects.filter(voter=fans[0]).count() == 1
    services.vote_cast(actor=fans[1], entry=fresh(b))
    assert fresh(b).votes == 2
    assert EntryRound.objects.get(entry=b, round=b.first_round).votes == 2


def test_withdraw_a_vote(make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    a = submit(contest, designers[0], title="A")
    services.vote_cast(actor=fans[0], entry=a)
    services.vote_withdraw(actor=fans[0], entry=fresh(a))
    assert fresh(a).votes == 0 and not Vote.objects.exists()
    with pytest.raises(DomainError) as err:
        services.vote_withdraw(actor=fans[0], entry=fresh(a))
    assert err.value.status == 404


def test_budget_limit_is_enforced_and_points_can_move(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]
) -> None:
    contest = make_contest(
        visibility=Visibility.OPEN, voting_mode=VotingMode.BUDGET, vote_budget=5, max_points_per_entry=4
    )
    a = submit(contest, designers[0], title="A")
    b = submit(contest, designers[1], title="B")
    services.vote_cast(actor=fans[0], entry=a, points=4)
    with pytest.raises(DomainError) as err:
        services.vote_cast(actor=fans[0], entry=fresh(b), points=2)
    assert err.value.field == "points" and "1 points" in err.value.message
    with pytest.raises(DomainError) as err:
        services.vote_cast(actor=fans[0], entry=fresh(b), points=5)  # over the per-entry cap
    assert err.value.field == "points"
    assert fresh(b).votes == 0
    services.vote_cast(actor=fans[0], entry=fresh(a), points=2)  # lower A, then B fits
    services.vote_cast(actor=fans[0], entry=fresh(b), points=3)
    assert (fresh(a).votes, fresh(b).votes) == (2, 3)
    assert Ballot.objects.get(voter=fans[0]).spent == 5


def test_voting_in_a_closed_round_is_refused_and_changes_nothing(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    a = submit(contest, designers[0], title="A")
    services.vote_cast(actor=fans[0], entry=a)
    first = contest.rounds.get(position=1)
    at_round(contest, contest.rounds.get(position=2))
    with pytest.raises(DomainError) as err:
        services.vote_cast(actor=fans[1], entry=fresh(a), round_id=first.pk)
    assert err.value.status == 409 and "closed" in err.value.message
    with pytest.raises(DomainError) as err:
        services.vote_withdraw(actor=fans[0], entry=fresh(a), round_id=first.pk)
    assert err.value.status == 409
    close_all(contest)
    with pytest.raises(DomainError) as err:
        services.vote_cast(actor=fans[1], entry=fresh(a))
    assert err.value.status == 409
    assert fresh(a).votes == 1 and Vote.objects.count() == 1


def test_no_votes_once_the_contest_is_judging(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any], staff: Any
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    a = submit(contest, designers[0], title="A")
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.JUDGING)
    with pytest.raises(DomainError) as err:
        services.vote_cast(actor=fans[0], entry=fresh(a))
    assert err.value.status == 409 and not Vote.objects.exists()


def test_designers_cannot_vote_for_their_own_entry(
    make_contest: Any, submit: Any, designers: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    a = submit(contest, designers[0], title="A")
    with pytest.raises(DomainError) as err:
        services.vote_cast(actor=designers[0], entry=a)
    assert err.value.status == 403 and fresh(a).votes == 0
    services.vote_cast(actor=designers[1], entry=a)  # another designer may
    assert fresh(a).votes == 1


def test_entries_not_shortlisted_do_not_take_votes_in_later_rounds(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any], staff: Any
) -> None:
    contest = make_contest(visibility=Visibility.OPEN, shortlisting=True)
    a = submit(contest, designers[0], title="A")
    b = submit(contest, designers[1], title="B")
    services.entry_shortlist(actor=staff, entry=a, shortlisted=True)
    at_round(contest, contest.rounds.get(position=2))
    services.vote_cast(actor=fans[0], entry=fresh(a))
    with pytest.raises(DomainError) as err:
        services.vote_cast(actor=fans[1], entry=fresh(b))
    assert err.value.status == 409 and fresh(b).votes == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 2), st.booleans(), st.integers(1, 4)), max_size=25
    ),
    budget=st.booleans(),
)
def test_counts_always_equal_the_vote_rows(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any], steps: list[Any], budget: bool
) -> None:
    Contest.objects.all().delete()
    contest = make_contest(
        visibility=Visibility.OPEN,
        voting_mode=VotingMode.BUDGET if budget else VotingMode.ONE_VOTE,
        vote_budget=6,
    )
    entries = [submit(contest, d, title=f"E{i}") for i, d in enumerate(designers)]
    for fan_i, entry_i, cast, points in steps:
        try:
            if cast:
                services.vote_cast(actor=fans[fan_i], entry=fresh(entries[entry_i]), points=points)
            else:
                services.vote_withdraw(actor=fans[fan_i], entry=fresh(entries[entry_i]))
        except DomainError:
            pass
    for e in entries:
        rows = Vote.objects.filter(entry=e).aggregate(n=Sum("points"))["n"] or 0
        assert fresh(e).votes == rows
        assert EntryRound.objects.get(entry=e, round=e.first_round).votes == rows
    for fan in fans:
        spent = Vote.objects.filter(voter=fan).aggregate(n=Sum("points"))["n"] or 0
        ballot = Ballot.objects.filter(voter=fan).first()
        assert (ballot.spent if ballot else 0) == spent
        assert spent <= (6 if budget else 1)


def test_no_vote_on_a_sealed_entry_one_cannot_see(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.SEALED)
    a = submit(contest, designers[0], title="A")
    with pytest.raises(DomainError) as err:
        services.vote_cast(actor=fans[0], entry=a)
    assert err.value.status == 404 and not Vote.objects.exists()
    at_round(contest, contest.rounds.get(position=2))
    services.vote_cast(actor=fans[0], entry=fresh(a))
    assert fresh(a).votes == 1
