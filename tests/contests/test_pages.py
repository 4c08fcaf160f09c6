"""The contest pages: what fans, designers, jurors and staff see and can do."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cocreate.contests import services
from cocreate.contests.models import Contest, ContestStatus, Entry, Visibility, Vote
from cocreate.discussions.models import Comment

from .conftest import at_round, png

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_list_and_detail_obey_sealed_visibility(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.SEALED)
    entry = submit(contest, designers[0], title="Amber bottle", uploads=[png()])
    assert "Contests" in login(fans[0]).get(reverse("contests:contest-list")).content.decode()
    page = login(fans[0]).get(reverse("contests:contest-detail", args=[contest.slug])).content.decode()
    assert "Amber bottle" not in page and "1 entry is sealed" in page
    own = login(designers[0]).get(reverse("contests:contest-detail", args=[contest.slug])).content.decode()
    assert "Amber bottle" in own
    assert (
        login(designers[1]).get(reverse("contests:entry-detail", args=[contest.slug, entry.pk])).status_code
        == 404
    )
    image = entry.revisions.get().files.get()
    assert login(fans[0]).get(reverse("contests:file", args=[image.pk])).status_code == 404
    served = login(designers[0]).get(reverse("contests:file", args=[image.pk]))
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    at_round(contest, contest.rounds.get(position=2))
    assert (
        login(fans[0]).get(reverse("contests:entry-detail", args=[contest.slug, entry.pk])).status_code == 200
    )


def test_designer_accepts_submits_and_revises(make_contest: Any, staff: Any, make_user: Any) -> None:
    contest = make_contest()
    newcomer = make_user(email="new@example.com")
    services.designers_invite(actor=staff, contest=contest, emails=[newcomer.email])
    c = login(newcomer)
    detail = reverse("contests:contest-detail", args=[contest.slug])
    assert "You are invited to design" in c.get(detail).content.decode()
    c.post(reverse("contests:designer-answer", args=[contest.slug]), {"answer": "accept"})
    refused = c.post(reverse("contests:entry-submit", args=[contest.slug]), {"title": "", "description": "x"})
    assert refused.status_code == 400 and "Give a title" in refused.content.decode()
    made = c.post(
        reverse("contests:entry-submit", args=[contest.slug]),
        {"title": "Copper can", "description": "**Bold** idea", "files": [png()]},
    )
    entry = Entry.objects.get(designer=newcomer)
    assert made.status_code == 302 and made["Location"] == reverse(
        "contests:entry-detail", args=[contest.slug, entry.pk]
    )
    page = c.get(made["Location"]).content.decode()
    assert "<strong>Bold</strong>" in page and "Revise in this round" in page
    at_round(contest, contest.rounds.get(position=2))
    c.post(
        reverse("contests:entry-revise", args=[contest.slug, entry.pk]),
        {"title": "Copper can II", "description": "Refined", "note": "New logo"},
    )
    page = c.get(reverse("contests:entry-detail", args=[contest.slug, entry.pk])).content.decode()
    assert "Revision 2" in page and "Revision 1" in page and "New logo" in page
    other = make_user(email="other-designer@example.com")
    assert (
        login(other).get(reverse("contests:entry-revise", args=[contest.slug, entry.pk])).status_code == 404
    )


def test_fan_votes_comments_and_sees_errors_in_place(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    entry = submit(contest, designers[0], title="Amber")
    c = login(fans[0])
    url = reverse("contests:entry-detail", args=[contest.slug, entry.pk])
    assert "Vote for this entry" in c.get(url).content.decode()
    c.post(reverse("contests:entry-vote", args=[contest.slug, entry.pk]))
    assert Entry.objects.get(pk=entry.pk).votes == 1
    assert "You voted for this entry" in c.get(url).content.decode()
    own = login(designers[0]).post(reverse("contests:entry-vote", args=[contest.slug, entry.pk]))
    assert own.status_code == 403 and "your own entry" in own.content.decode()
    c.post(reverse("discussions:comment-post", args=[entry.discussion_id]), {"body": "Love the colour"})
    assert Comment.objects.filter(discussion_id=entry.discussion_id, body="Love the colour").exists()
    assert "Love the colour" in c.get(url).content.decode()
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.JUDGING)
    late = login(fans[1]).post(reverse("contests:entry-vote", args=[contest.slug, entry.pk]))
    assert late.status_code == 409 and Vote.objects.count() == 1


def test_staff_build_a_contest_and_jurors_score(
    staff: Any, make_user: Any, designers: list[Any], fans: list[Any]
) -> None:
    c = login(staff)
    made = c.post(
        reverse("contests:contest-create"),
        {
            "title": "Winter can",
            "brief": "Design it",
            "voting_mode": "budget",
            "vote_budget": "5",
            "visibility": "open",
            "max_entries_per_designer": "2",
            "open_submission": "on",
        },
    )
    contest = Contest.objects.get(title="Winter can")
    manage = reverse("contests:manage", args=[contest.slug])
    assert made["Location"] == manage and contest.open_submission
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    bad = c.post(
        manage,
        {
            "form": "round",
            "name": "Concepts",
            "opens_at": now.strftime(fmt),
            "closes_at": (now - timedelta(days=1)).strftime(fmt),
        },
    )
    assert bad.status_code == 400 and "closes after it opens" in bad.content.decode()
    c.post(
        manage,
        {
            "form": "round",
            "name": "Concepts",
            "opens_at": (now - timedelta(days=1)).strftime(fmt),
            "closes_at": (now + timedelta(days=3)).strftime(fmt),
        },
    )
    c.post(manage, {"form": "status", "status": "open"})
    juror = make_user(email="juror@example.com")
    c.post(manage, {"form": "jurors", "emails": juror.email})
    c.post(manage, {"form": "criteria", "criteria": "Originality: 3\nFeasibility: 1"})
    c.post(manage, {"form": "designers", "emails": designers[0].email})
    contest.refresh_from_db()
    assert contest.status == ContestStatus.OPEN and contest.criteria.count() == 2
    entry = services.entry_submit(actor=fans[0], contest=contest, title="Snow")
    c.post(manage, {"form": "shortlist", "entry": entry.pk, "shortlisted": "1"})
    assert Entry.objects.get(pk=entry.pk).shortlisted
    jury_page = login(juror).get(reverse("contests:jury", args=[contest.slug]))
    assert jury_page.status_code == 200 and "Originality" in jury_page.content.decode()
    first, second = contest.criteria.order_by("position")
    login(juror).post(
        reverse("contests:entry-score", args=[contest.slug, entry.pk]),
        {f"score-{first.pk}": "8", f"score-{second.pk}": "4", "next": "jury"},
    )
    results = c.get(reverse("contests:results", args=[contest.slug])).content.decode()
    assert "7.00" in results  # (8*3 + 4*1) / 4
    assert login(fans[1]).get(reverse("contests:jury", args=[contest.slug])).status_code == 404
    assert login(fans[1]).get(manage).status_code == 404
    c.post(manage, {"form": "status", "status": "closed"})
    c.post(manage, {"form": "winners", "place_1": entry.pk})
    showcase = Client().get(reverse("contests:showcase", args=[contest.slug])).content.decode()
    assert "Snow" in showcase and "Winners" in showcase


def test_contest_page_queries_do_not_grow_with_entries(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any], django_assert_max_num_queries: Any
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    for i, d in enumerate(designers):
        submit(contest, d, title=f"E{i}", uploads=[png()])
    c = login(fans[0])
    url = reverse("contests:contest-detail", args=[contest.slug])
    c.get(url)
    with django_assert_max_num_queries(25) as few:
        c.get(url)
    for i, d in enumerate(designers):
        submit(contest, d, title=f"F{i}", uploads=[png()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = c.get(url)
    assert "F2" in page.content.decode()
    c.get(reverse("contests:contest-list"))


def test_every_page_renders_for_its_audience(
    make_contest: Any, submit: Any, designers: list[Any], staff: Any, make_user: Any
) -> None:
    contest = make_contest(voting_mode="budget", vote_budget=7)
    entry = submit(contest, designers[0], uploads=[png()])
    juror = make_user(email="juror@example.com")
    services.jurors_appoint(actor=staff, contest=contest, emails=[juror.email])
    services.criteria_set(actor=staff, contest=contest, criteria=[{"name": "Looks", "weight": 2}])
    pages = {
        staff: [
            reverse("contests:contest-create"),
            reverse("contests:manage", args=[contest.slug]),
            reverse("contests:results", args=[contest.slug]),
            reverse("contests:showcase", args=[contest.slug]),
        ],
        juror: [
            reverse("contests:jury", args=[contest.slug]),
            reverse("contests:entry-detail", args=[contest.slug, entry.pk]),
        ],
        designers[0]: [
            reverse("contests:entry-submit", args=[contest.slug]),
            reverse("contests:entry-revise", args=[contest.slug, entry.pk]),
            reverse("contests:contest-list"),
        ],
    }
    for user, urls in pages.items():
        for url in urls:
            response = login(user).get(url)
            assert response.status_code == 200, url
    juror_page = login(juror).get(reverse("contests:entry-detail", args=[contest.slug, entry.pk]))
    assert "Your jury scores" in juror_page.content.decode()
    anonymous = Client()
    assert anonymous.get(reverse("contests:contest-detail", args=[contest.slug])).status_code == 200
    assert anonymous.get(reverse("contests:showcase", args=[contest.slug])).status_code == 404
    assert anonymous.get(reverse("contests:manage", args=[contest.slug])).status_code == 302
