"""The jury: criteria with weights, scores 1-10 per criterion, the weighted ranking, winners."""

from __future__ import annotations

from typing import Any

import pytest

from cocreate.contests import selectors, services
from cocreate.contests.models import ContestStatus, Entry, Score, Visibility
from cocreate.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_weighted_ranking_and_updatable_scores(
    make_contest: Any, submit: Any, designers: list[Any], staff: Any, make_user: Any, fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    a = submit(contest, designers[0], title="A")
    b = submit(contest, designers[1], title="B")
    j1, j2 = make_user(email="j1@example.com"), make_user(email="j2@example.com")
    services.jurors_appoint(actor=staff, contest=contest, emails=[j1.email, j2.email])
    looks, craft = services.criteria_set(
        actor=staff,
        contest=contest,
        criteria=[{"name": "Looks", "weight": 3}, {"name": "Craft", "weight": 1}],
    )
    # A: looks 8 & 6 (mean 7), craft 2 → (7*3 + 2*1) / 4 = 5.75; B: looks 5, craft 10 → (15 + 10) / 4 = 6.25
    services.scores_set(actor=j1, entry=a, scores={looks.pk: 8, craft.pk: 2})
    services.scores_set(actor=j2, entry=a, scores={str(looks.pk): 6})
    services.scores_set(actor=j1, entry=b, scores={looks.pk: 5, craft.pk: 10})
    ranking = selectors.jury_ranking(contest)
    assert [(r.entry.title, r.score) for r in ranking] == [("B", 6.25), ("A", 5.75)]
    assert ranking[1].jurors == 2
    # Scores update in place until judging closes.
    services.scores_set(actor=j1, entry=a, scores={craft.pk: 10})
    assert Score.objects.filter(entry=a, juror=j1, criterion=craft).get().score == 10
    assert selectors.jury_ranking(contest)[0].entry.title == "A"

    with pytest.raises(DomainError) as err:
        services.scores_set(actor=j1, entry=a, scores={looks.pk: 11})
    assert err.value.field == f"scores.{looks.pk}"
    with pytest.raises(DomainError) as err:
        services.scores_set(actor=fans[0], entry=a, scores={looks.pk: 5})
    assert err.value.status == 403
    with pytest.raises(DomainError) as err:
        services.scores_set(actor=j1, entry=a, scores={999999: 5})
    assert err.value.status == 404

    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.CLOSED)
    contest.refresh_from_db()
    a = Entry.objects.select_related("contest").get(pk=a.pk)
    with pytest.raises(DomainError) as err:
        services.scores_set(actor=j1, entry=a, scores={looks.pk: 1})
    assert err.value.status == 409
    assert Score.objects.get(entry=a, juror=j1, criterion=looks).score == 8


def test_winners_and_showcase(
    make_contest: Any, submit: Any, designers: list[Any], staff: Any, fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    a = submit(contest, designers[0], title="A")
    b = submit(contest, designers[1], title="B")
    services.vote_cast(actor=fans[0], entry=b)
    with pytest.raises(DomainError) as err:
        services.winners_set(actor=staff, contest=contest, places={1: a})
    assert err.value.status == 409
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.JUDGING)
    with pytest.raises(DomainError) as err:
        services.winners_set(actor=staff, contest=contest, places={1: a, 2: a})
    assert err.value.field == "place_2"
    services.winners_set(actor=staff, contest=contest, places={1: a, 2: b})
    services.winners_set(actor=staff, contest=contest, places={1: b})  # replaces
    assert [(e.title, e.place) for e in selectors.winners(contest)] == [("B", 1)]
    fav = selectors.fan_favourite(contest)
    assert fav is not None and fav.title == "B"


def test_placed_designers_are_told_once(
    make_contest: Any,
    submit: Any,
    designers: list[Any],
    staff: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import cocreate.notifications.contests  # noqa: F401  (connected by NotificationsConfig.ready)
    from cocreate.notifications.models import Notification

    contest = make_contest(visibility=Visibility.OPEN)
    a = submit(contest, designers[0], title="A")
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.JUDGING)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.winners_set(actor=staff, contest=contest, places={1: a})
    told = Notification.objects.filter(user=designers[0], key__startswith="contest-place:")
    assert told.count() == 1 and "placed 1" in told.get().title
