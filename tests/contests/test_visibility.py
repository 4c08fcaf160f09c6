"""Who sees which entries: sealed contests hide entries from other designers and fans until their round
closes; open contests show them at once; staff, jurors and the designer always see them."""

from __future__ import annotations

from typing import Any

import pytest

from cocreate.contests import selectors, services
from cocreate.contests.models import Contest, ContestStatus, Visibility

from .conftest import at_round, close_all

pytestmark = pytest.mark.django_db


def visible_titles(user: Any, contest: Contest) -> set[str]:
    contest = Contest.objects.get(pk=contest.pk)
    return {e.title for e in selectors.entry_list(actor=user, contest=contest)}


def test_sealed_entries_hidden_from_other_designers_and_fans_until_the_round_closes(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any], staff: Any, make_user: Any
) -> None:
    contest = make_contest(visibility=Visibility.SEALED)
    submit(contest, designers[0], title="Amber")
    submit(contest, designers[1], title="Teal")
    juror = make_user(email="juror@example.com")
    services.jurors_appoint(actor=staff, contest=contest, emails=[juror.email])

    assert visible_titles(designers[0], contest) == {"Amber"}
    assert visible_titles(designers[1], contest) == {"Teal"}
    assert visible_titles(designers[2], contest) == set()
    assert visible_titles(fans[0], contest) == set()
    assert visible_titles(staff, contest) == {"Amber", "Teal"}
    assert visible_titles(juror, contest) == {"Amber", "Teal"}

    # The first round closes: everyone sees the entries as they stood then.
    at_round(contest, contest.rounds.get(position=2))
    assert visible_titles(fans[0], contest) == {"Amber", "Teal"}
    assert visible_titles(designers[2], contest) == {"Amber", "Teal"}


def test_sealed_revision_in_the_open_round_stays_hidden_while_the_older_one_shows(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.SEALED)
    entry = submit(contest, designers[0], title="Amber")
    at_round(contest, contest.rounds.get(position=2))
    contest = Contest.objects.get(pk=contest.pk)
    entry.contest = contest
    services.entry_revise(actor=designers[0], entry=entry, title="Amber, refined", description="Sharper.")

    fan_view = selectors.visible_revisions(actor=fans[0], entry=entry)
    assert [r.title for r in fan_view] == ["Amber"]
    own_view = selectors.visible_revisions(actor=designers[0], entry=entry)
    assert [r.title for r in own_view] == ["Amber", "Amber, refined"]
    cards = selectors.entry_cards(actor=fans[0], contest=contest, entries=[entry])
    assert cards[0].title == "Amber"

    close_all(contest)
    assert [r.title for r in selectors.visible_revisions(actor=fans[0], entry=entry)] == [
        "Amber",
        "Amber, refined",
    ]


def test_open_contest_shows_entries_at_once(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    submit(contest, designers[0], title="Amber")
    assert visible_titles(fans[0], contest) == {"Amber"}
    assert visible_titles(designers[1], contest) == {"Amber"}


def test_judging_shows_everything_and_drafts_show_nothing_to_fans(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any], staff: Any
) -> None:
    contest = make_contest(visibility=Visibility.SEALED)
    submit(contest, designers[0], title="Amber")
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.JUDGING)
    assert visible_titles(fans[0], contest) == {"Amber"}
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.DRAFT)
    assert selectors.contest_get(actor=fans[0], slug=contest.slug) is None
    assert visible_titles(fans[0], contest) == set()


def test_api_obeys_visibility(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any], api_for: Any
) -> None:
    from tests.conftest import assert_error_shape

    contest = make_contest(visibility=Visibility.SEALED)
    amber = submit(contest, designers[0], title="Amber")
    fan = api_for(fans[0])
    assert fan.get(f"/api/v1/contests/{contest.slug}/entries").json() == []
    assert_error_shape(fan.get(f"/api/v1/contests/{contest.slug}/entries/{amber.pk}"), 404, "entry")
    other = api_for(designers[1])
    assert other.get(f"/api/v1/contests/{contest.slug}/entries").json() == []
    own = api_for(designers[0]).get(f"/api/v1/contests/{contest.slug}/entries/{amber.pk}")
    assert own.status_code == 200 and own.json()["title"] == "Amber"

    at_round(contest, contest.rounds.get(position=2))
    listed = fan.get(f"/api/v1/contests/{contest.slug}/entries").json()
    assert [e["title"] for e in listed] == ["Amber"]
