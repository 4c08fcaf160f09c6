"""Supports: the ladder (custom and LEGO's), exactly-once milestones under concurrency, the support box and
its survey, the survey results per persona, the trending score, and the scheduled tasks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection, connections
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreate.challenges import events, tasks
from cocreate.challenges.models import Challenge, Idea, IdeaStatus, MilestoneEvent, ReviewPeriod, Support
from cocreate.challenges.selectors.supports import survey_results
from cocreate.challenges.services import ideas as idea_services
from cocreate.challenges.services import supports
from cocreate.challenges.services.trending import trending_refresh
from cocreate.challenges.views.supports import idea_url, support_context
from cocreate.core import schedule
from cocreate.core.errors import DomainError
from cocreate.journeys import services as journey_services

pytestmark = pytest.mark.django_db

LADDER = [{"at": 0, "days": 10}, {"at": 2, "days": 20}, {"at": 4, "days": 0, "qualifies": True}]
HTMX = {"HX-Request": "true"}


def make_idea(
    admin: Any, author: Any, *, ladder: Any = LADDER, title: str = "A harbour crane", **rules: Any
) -> Idea:
    challenge = idea_services.challenge_create(
        actor=admin, title=f"Challenge for {title}", **({"ladder": ladder} if ladder else {}), **rules
    )
    return idea_services.idea_create(
        actor=author,
        challenge=challenge,
        title=title,
        description="A big dockside crane that lifts containers onto ships.",
    )


@pytest.fixture
def idea(brand_admin: Any, member: Any) -> Idea:
    return make_idea(brand_admin, member)


def state(idea: Idea) -> tuple[int, int, str]:
    fresh = Idea.objects.get(pk=idea.pk)
    return fresh.support_count, Support.objects.filter(idea=idea).count(), fresh.status


@pytest.fixture
def milestone_signals() -> Iterator[list[int]]:
    """The thresholds `milestone_reached` announces, with this app's signals muted for other listeners
    (notifications, webhooks…), so only the sending is under test."""
    received: list[int] = []
    lock = threading.Lock()

    def receiver(sender: Any, threshold: int, **kwargs: Any) -> None:
        with lock:
            received.append(threshold)

    signals = [getattr(events, name) for name in dir(events) if isinstance(getattr(events, name), Signal)]
    saved = {signal: signal.receivers[:] for signal in signals}
    for signal in signals:
        signal.receivers = []
        signal.sender_receivers_cache.clear()
    events.milestone_reached.connect(receiver, weak=False)
    try:
        yield received
    finally:
        for signal, receivers in saved.items():
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


# --- The ladder ---------------------------------------------------------------------------------------
def test_small_ladder_moves_the_deadline_at_each_rung_and_qualifies(
    brand_admin: Any, member: Any, make_user: Any
) -> None:
    t0 = datetime(2031, 3, 1, 12, tzinfo=UTC)
    ReviewPeriod.objects.create(name="Summer", starts_on=date(2031, 6, 1), ends_on=date(2031, 7, 1))
    with freeze_time(t0):
        idea = make_idea(brand_admin, member)
    assert idea.deadline == t0 + timedelta(days=10)
    fans = [make_user() for _ in range(4)]
    with freeze_time(t0 + timedelta(days=3)):
        assert supports.support_add(actor=fans[0], idea=idea).milestones == []
        reached = supports.support_add(actor=fans[1], idea=idea).milestones
    assert [(m.threshold, m.qualifies) for m in reached] == [(2, False)]
    idea.refresh_from_db()
    assert idea.deadline == t0 + timedelta(days=23) and idea.milestone_index == 1
    with freeze_time(t0 + timedelta(days=22)):
        supports.support_add(actor=fans[2], idea=idea)
        reached = supports.support_add(actor=fans[3], idea=idea).milestones
    assert [(m.threshold, m.qualifies) for m in reached] == [(4, True)]
    idea.refresh_from_db()
    assert idea.qualified_at == t0 + timedelta(days=22) and idea.deadline is None
    assert idea.review_period is not None and idea.review_period.name == "Summer"
    # A qualified idea never expires.
    assert supports.ideas_expire(now=t0 + timedelta(days=400)) == 0


def test_small_ladder_expires_when_a_rung_is_missed(brand_admin: Any, member: Any, make_user: Any) -> None:
    t0 = datetime(2031, 3, 1, 12, tzinfo=UTC)
    with freeze_time(t0):
        idea = make_idea(brand_admin, member)
        supports.support_add(actor=make_user(), idea=idea)
    assert supports.ideas_expire(now=t0 + timedelta(days=9)) == 0
    assert supports.ideas_expire(now=t0 + timedelta(days=10, seconds=1)) == 1
    assert state(idea) == (1, 1, IdeaStatus.EXPIRED)


def test_default_lego_ladder_deadlines(brand_admin: Any, member: Any, make_user: Any) -> None:
    t0 = datetime(2031, 1, 5, 9, tzinfo=UTC)
    with freeze_time(t0):
        idea = make_idea(brand_admin, member, ladder=None, title="A lighthouse")
    assert idea.challenge.ladder == [
        {"at": 0, "days": 60},
        {"at": 100, "days": 365},
        {"at": 1000, "days": 182},
        {"at": 5000, "days": 182},
        {"at": 10000, "days": 0, "qualifies": True},
    ]
    assert idea.deadline == t0 + timedelta(days=60)

    def cross(threshold: int, when: datetime) -> list[Any]:
        # Bump the counter close to the rung (fast), then cross it with real supports.
        Idea.objects.filter(pk=idea.pk).update(support_count=threshold - 2)
        with freeze_time(when):
            first = supports.support_add(actor=make_user(), idea=idea)
            second = supports.support_add(actor=make_user(), idea=idea)
        assert first.milestones == [] and first.support_count == threshold - 1
        assert second.support_count == threshold
        idea.refresh_from_db()
        return second.milestones

    at_100 = t0 + timedelta(days=59)
    assert [m.threshold for m in cross(100, at_100)] == [100]
    assert idea.deadline == at_100 + timedelta(days=365)
    at_1000 = at_100 + timedelta(days=364)
    assert [m.threshold for m in cross(1000, at_1000)] == [1000]
    assert idea.deadline == at_1000 + timedelta(days=182)
    at_5000 = at_1000 + timedelta(days=100)
    assert [m.threshold for m in cross(5000, at_5000)] == [5000]
    assert idea.deadline == at_5000 + timedelta(days=182)
    at_10000 = at_5000 + timedelta(days=181)
    reached = cross(10000, at_10000)
    assert [(m.threshold, m.qualifies) for m in reached] == [(10000, True)]
    assert idea.deadline is None and idea.qualified_at == at_10000 and idea.milestone_index == 4
    assert list(MilestoneEvent.objects.filter(idea=idea).values_list("threshold", flat=True)) == [
        100,
        1000,
        5000,
        10000,
    ]
    assert supports.ideas_expire(now=at_10000 + timedelta(days=1000)) == 0


# --- Exactly once, under concurrency (PostgreSQL) -----------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_fire_each_milestone_exactly_once(
    brand_admin: Any, member: Any, make_user: Any, milestone_signals: list[int]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    ladder = [
        {"at": 0, "days": 60},
        {"at": 5, "days": 30},
        {"at": 10, "days": 30},
        {"at": 16, "qualifies": True},
    ]
    idea = make_idea(brand_admin, member, ladder=ladder)
    fans = [make_user() for _ in range(16)]
    actors = fans + fans[:4]  # four members press twice, at the same instant
    barrier = threading.Barrier(len(actors))
    results: list[supports.SupportResult] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(user: Any) -> None:
        try:
            mine = Idea.objects.select_related("challenge").get(pk=idea.pk)
            barrier.wait(timeout=30)
            result = supports.support_add(actor=user, idea=mine)
            with lock:
                results.append(result)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(user,)) for user in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(results) == 20 and sum(r.created for r in results) == 16
    idea.refresh_from_db()
    assert idea.support_count == 16 == Support.objects.filter(idea=idea).count()
    assert list(MilestoneEvent.objects.filter(idea=idea).values_list("threshold", flat=True)) == [5, 10, 16]
    assert sorted(milestone_signals) == [5, 10, 16]
    assert sorted(m.threshold for r in results for m in r.milestones) == [5, 10, 16]
    assert idea.qualified_at is not None


# --- A property: the counter always matches the rows --------------------------------------------------
@pytest.fixture
def people(make_user: Any) -> list[Any]:
    # Function-scoped: the same five members in every example (each example supports a new idea).
    return [make_user() for _ in range(5)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.integers(min_value=0, max_value=4), st.booleans()), max_size=25))
def test_any_sequence_of_supports_and_withdrawals_keeps_the_count_true(
    ops: list[tuple[int, bool]],
    brand_admin: Any,
    member: Any,
    people: list[Any],
    django_capture_on_commit_callbacks: Any,
    milestone_signals: list[int],
) -> None:
    ladder = [
        {"at": 0, "days": 60},
        {"at": 2, "days": 30},
        {"at": 3, "days": 30},
        {"at": 5, "qualifies": True},
    ]
    idea = make_idea(brand_admin, member, ladder=ladder, title=f"Idea {Idea.objects.count()}")
    milestone_signals.clear()
    highest, announced = 0, []
    for who, add in ops:
        with django_capture_on_commit_callbacks(execute=True):
            if add:
                announced += [
                    m.threshold for m in supports.support_add(actor=people[who], idea=idea).milestones
                ]
            else:
                supports.support_remove(actor=people[who], idea=idea)
        count, rows, _status = state(idea)
        assert count == rows >= 0
        highest = max(highest, count)
    thresholds = list(MilestoneEvent.objects.filter(idea=idea).values_list("threshold", flat=True))
    assert thresholds == [t for t in (2, 3, 5) if t <= highest]
    assert sorted(announced) == thresholds
    assert sorted(milestone_signals) == thresholds


# --- Idempotence and refusals -------------------------------------------------------------------------
def test_support_and_withdraw_are_idempotent_in_the_service(idea: Idea, other_member: Any) -> None:
    assert supports.support_add(actor=other_member, idea=idea).created is True
    again = supports.support_add(actor=other_member, idea=idea, would_buy="yes")
    assert (again.created, again.support_count) == (False, 1)
    assert Support.objects.get(idea=idea).would_buy == ""  # the first answer stands
    assert supports.support_remove(actor=other_member, idea=idea).support_count == 0
    assert supports.support_remove(actor=other_member, idea=idea).support_count == 0
    assert state(idea) == (0, 0, IdeaStatus.PUBLISHED)


def test_support_through_the_view_is_idempotent(client: Client, idea: Idea, other_member: Any) -> None:
    client.force_login(other_member)
    url = reverse("challenges:idea-support", args=[idea.pk])
    first = client.post(
        url, {"would_buy": "maybe", "price_band": "€30–€80", "audience": "As a gift"}, headers=HTMX
    )
    assert first.status_code == 200
    body = first.content.decode()
    assert "You support this idea" in body and "Withdraw my support" in body
    assert f'id="idea-support-{idea.pk}"' in body
    second = client.post(url, {"would_buy": "no"}, headers=HTMX)
    assert second.status_code == 200 and "You already support this idea" in second.content.decode()
    assert state(idea) == (1, 1, IdeaStatus.PUBLISHED)
    support = Support.objects.get(idea=idea)
    assert (support.would_buy, support.price_band, support.audience) == ("maybe", "€30–€80", "As a gift")
    # Without JavaScript: back to the page it came from, with a message.
    page = f"/ideas/{idea.pk}/{idea.slug}/"
    third = client.post(url, {"next": page}, follow=False)
    assert third.status_code == 302 and third["Location"] == page
    assert "You already support this idea" in flashed(third)
    assert state(idea) == (1, 1, IdeaStatus.PUBLISHED)


def test_withdraw_through_the_view(client: Client, idea: Idea, other_member: Any) -> None:
    supports.support_add(actor=other_member, idea=idea)
    client.force_login(other_member)
    response = client.post(reverse("challenges:idea-unsupport", args=[idea.pk]), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "You no longer support this idea" in body
    assert "Support this idea" in body
    assert state(idea) == (0, 0, IdeaStatus.PUBLISHED)


def test_an_offsite_next_is_ignored(client: Client, idea: Idea, other_member: Any) -> None:
    client.force_login(other_member)
    response = client.post(
        reverse("challenges:idea-support", args=[idea.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil" not in response["Location"]


def test_anonymous_visitors_are_sent_to_log_in(client: Client, idea: Idea) -> None:
    url = reverse("challenges:idea-support", args=[idea.pk])
    response = client.post(url, {"next": "/ideas/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fideas%2F" in response["Location"]
    htmx = client.post(url, headers=HTMX)
    assert htmx.headers.get("HX-Redirect", "").startswith(reverse("account_login"))
    assert state(idea) == (0, 0, IdeaStatus.PUBLISHED)


def flashed(response: Any) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def refused(client: Client, idea: Idea, message: str) -> None:
    before = state(idea)
    url = reverse("challenges:idea-support", args=[idea.pk])
    response = client.post(url, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and 'role="alert"' in body
    plain = client.post(url)
    assert plain.status_code == 302
    assert message in flashed(plain)
    assert state(idea) == before


def test_supporting_after_the_deadline_is_refused(client: Client, idea: Idea, other_member: Any) -> None:
    Idea.objects.filter(pk=idea.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    client.force_login(other_member)
    refused(client, idea, "Support for this idea has closed.")
    with pytest.raises(DomainError, match="closed"):
        supports.support_add(actor=other_member, idea=Idea.objects.get(pk=idea.pk))


def test_a_deadline_passing_mid_request_is_refused_in_the_transaction(idea: Idea, other_member: Any) -> None:
    stale = Idea.objects.select_related("challenge").get(pk=idea.pk)
    Idea.objects.filter(pk=idea.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    stale.deadline = timezone.now() + timedelta(days=1)  # the page was loaded before the deadline
    with pytest.raises(DomainError, match="just closed") as err:
        supports.support_add(actor=other_member, idea=stale)
    assert err.value.status == 409
    assert state(idea) == (0, 0, IdeaStatus.PUBLISHED)


def test_supporting_an_expired_idea_is_refused(client: Client, idea: Idea, other_member: Any) -> None:
    assert supports.ideas_expire(now=timezone.now() + timedelta(days=11)) == 1
    client.force_login(other_member)
    refused(client, idea, "This idea is not gathering support.")


def test_supporting_a_withdrawn_idea_is_refused(
    client: Client, idea: Idea, member: Any, other_member: Any, moderator: Any
) -> None:
    idea_services.idea_withdraw(actor=member, idea=idea)
    # A withdrawn idea is no longer public: the service refuses to members…
    with pytest.raises(DomainError, match="cannot see this idea"):
        supports.support_add(actor=other_member, idea=Idea.objects.get(pk=idea.pk))
    # …and to staff, who can still see it.
    with pytest.raises(DomainError, match="not gathering support"):
        supports.support_add(actor=moderator, idea=Idea.objects.get(pk=idea.pk))
    client.force_login(other_member)
    assert client.post(reverse("challenges:idea-support", args=[idea.pk]), headers=HTMX).status_code == 404
    assert state(idea) == (0, 0, IdeaStatus.WITHDRAWN)


def test_supporting_ones_own_idea_follows_the_challenge_setting(
    client: Client, idea: Idea, member: Any
) -> None:
    client.force_login(member)
    refused(client, idea, "You cannot support your own idea in this challenge.")
    Challenge.objects.filter(pk=idea.challenge_id).update(allow_self_support=True)
    response = client.post(reverse("challenges:idea-support", args=[idea.pk]), headers=HTMX)
    assert response.status_code == 200 and "You support this idea" in response.content.decode()
    assert state(idea) == (1, 1, IdeaStatus.PUBLISHED)


def test_a_forged_idea_id_is_not_found(client: Client, idea: Idea, other_member: Any) -> None:
    client.force_login(other_member)
    for name in ("challenges:idea-support", "challenges:idea-unsupport"):
        assert client.post(reverse(name, args=[idea.pk + 1000])).status_code == 404
    assert client.get(reverse("challenges:idea-support", args=[idea.pk])).status_code == 405
    assert state(idea) == (0, 0, IdeaStatus.PUBLISHED)


def test_a_bad_survey_answer_is_shown_in_place(client: Client, idea: Idea, other_member: Any) -> None:
    client.force_login(other_member)
    response = client.post(
        reverse("challenges:idea-support", args=[idea.pk]),
        {"price_band": "free", "would_buy": "yes"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Choose one of the price bands offered." in body
    assert 'aria-invalid="true"' in body and 'value="yes" checked' in body
    assert state(idea) == (0, 0, IdeaStatus.PUBLISHED)


def test_withdrawing_after_support_closed_is_refused(client: Client, idea: Idea, other_member: Any) -> None:
    supports.support_add(actor=other_member, idea=idea)
    supports.ideas_expire(now=timezone.now() + timedelta(days=11))
    client.force_login(other_member)
    response = client.post(reverse("challenges:idea-unsupport", args=[idea.pk]), headers=HTMX)
    assert response.status_code == 200 and "supports can no longer change" in response.content.decode()
    assert state(idea) == (1, 1, IdeaStatus.EXPIRED)


# --- Tasks and the scheduler --------------------------------------------------------------------------
def test_expiry_task_is_idempotent(idea: Idea) -> None:
    Idea.objects.filter(pk=idea.pk).update(deadline=timezone.now() - timedelta(hours=1))
    assert tasks.expire_ideas.call() == 1
    assert tasks.expire_ideas.call() == 0
    assert state(idea)[2] == IdeaStatus.EXPIRED
    assert idea.status_changes.filter(to_status=IdeaStatus.EXPIRED).count() == 1


def test_scheduler_once_enqueues_every_periodic_task(idea: Idea, capsys: Any) -> None:
    names = [p.name for p in schedule.periodic_tasks()]
    assert "cocreate.challenges.tasks.expire_ideas" in names
    assert "cocreate.challenges.tasks.refresh_trending" in names
    every = {p.name: p.every for p in schedule.periodic_tasks()}
    assert every["cocreate.challenges.tasks.expire_ideas"] == timedelta(minutes=10)
    assert every["cocreate.challenges.tasks.refresh_trending"] == timedelta(minutes=15)
    Idea.objects.filter(pk=idea.pk).update(deadline=timezone.now() - timedelta(hours=1))
    call_command("scheduler", "--once")  # the immediate backend runs what is enqueued
    assert "enqueued cocreate.challenges.tasks.expire_ideas" in capsys.readouterr().out
    assert state(idea)[2] == IdeaStatus.EXPIRED


def test_schedule_says_what_is_due() -> None:
    expire, trending = "cocreate.challenges.tasks.expire_ideas", "cocreate.challenges.tasks.refresh_trending"
    now = datetime(2031, 1, 1, tzinfo=UTC)
    runs = {p.name: now for p in schedule.periodic_tasks()}

    def due(at: datetime) -> set[str]:
        return {p.name for p in schedule.due(runs, at)} & {expire, trending}

    assert {p.name for p in schedule.due({}, now)} >= {expire, trending}
    assert due(now + timedelta(minutes=9)) == set()
    assert due(now + timedelta(minutes=10)) == {expire}
    assert due(now + timedelta(minutes=15)) == {expire, trending}
    assert 0 < schedule.seconds_until_next(runs, now) <= 600


# --- Trending -----------------------------------------------------------------------------------------
def test_recent_supports_outrank_old_ones(brand_admin: Any, member: Any, make_user: Any) -> None:
    fresh = make_idea(brand_admin, member, title="Fresh")
    old = make_idea(brand_admin, member, title="Old")
    quiet = make_idea(brand_admin, member, title="Quiet")
    fans = [make_user() for _ in range(5)]
    for fan in fans[:2]:
        supports.support_add(actor=fan, idea=fresh)
    for fan in fans:
        supports.support_add(actor=fan, idea=old)
    now = timezone.now()
    Support.objects.filter(idea=old).update(created_at=now - timedelta(days=9))  # three half-lives ago
    Idea.objects.filter(pk=quiet.pk).update(trending_score=42.0)  # stale: no recent support
    with_one_query_per_batch = trending_refresh(now=now)
    assert with_one_query_per_batch == 2
    scores = dict(Idea.objects.values_list("title", "trending_score"))
    assert scores["Fresh"] == pytest.approx(2.0, rel=1e-3)
    assert scores["Old"] == pytest.approx(5 * 0.5**3, rel=1e-3)
    assert scores["Quiet"] == 0.0
    assert scores["Fresh"] > scores["Old"] > scores["Quiet"]
    # Idempotent, and old supports fall out of the window entirely.
    assert tasks.refresh_trending.call() == 2
    assert trending_refresh(now=now + timedelta(days=30)) == 0
    assert set(Idea.objects.values_list("trending_score", flat=True)) == {0.0}


def test_trending_runs_in_batches(brand_admin: Any, member: Any, make_user: Any, monkeypatch: Any) -> None:
    from cocreate.challenges.services import trending

    monkeypatch.setattr(trending, "BATCH", 2)
    fan = make_user()
    ideas = [make_idea(brand_admin, member, title=f"Batch {i}") for i in range(5)]
    for idea in ideas:
        supports.support_add(actor=fan, idea=idea)
    assert trending_refresh() == 5
    assert all(
        s == pytest.approx(1.0, rel=1e-2) for s in Idea.objects.values_list("trending_score", flat=True)
    )


# --- Survey results -----------------------------------------------------------------------------------
@pytest.fixture
def surveyed(idea: Idea, brand_admin: Any, make_user: Any) -> dict[str, Any]:
    builders = journey_services.persona_create(actor=brand_admin, name="Builders")
    parents = journey_services.persona_create(actor=brand_admin, name="Parents")
    alice, bob, carol, dan = (make_user() for _ in range(4))
    for user, persona in ((alice, builders), (bob, builders), (bob, parents), (carol, parents)):
        journey_services.persona_override_set(actor=brand_admin, persona=persona, user=user, include=True)
    supports.support_add(actor=alice, idea=idea, would_buy="yes", price_band="€30–€80", audience="Myself")
    supports.support_add(actor=bob, idea=idea, would_buy="maybe", price_band="€30–€80", audience="As a gift")
    supports.support_add(actor=carol, idea=idea, would_buy="no")
    supports.support_add(actor=dan, idea=idea, would_buy="yes", audience="My children")
    return {"idea": idea, "people": (alice, bob, carol, dan)}


def test_survey_results_are_broken_down_by_persona(
    surveyed: dict[str, Any], brand_admin: Any, member: Any, django_assert_max_num_queries: Any
) -> None:
    idea = Idea.objects.select_related("challenge").get(pk=surveyed["idea"].pk)
    with django_assert_max_num_queries(6):  # personas and their rules, then one per row
        results = survey_results(user=brand_admin, idea=idea)
    rows = {row.label: row for row in results.rows}
    assert list(rows) == ["Builders", "Parents", "No persona", "All supporters"]
    assert dict(rows["Builders"].would_buy) == {"yes": 1, "maybe": 1, "no": 0}
    assert dict(rows["Parents"].would_buy) == {"yes": 0, "maybe": 1, "no": 1}
    assert dict(rows["No persona"].would_buy) == {"yes": 1, "maybe": 0, "no": 0}
    total = results.total
    assert total.is_total and total.supporters == 4
    assert dict(total.would_buy) == {"yes": 2, "maybe": 1, "no": 1}
    assert dict(total.price_bands) == {"Under €30": 0, "€30–€80": 2, "€80–€150": 0, "Over €150": 0}
    assert dict(rows["Builders"].audiences)["As a gift"] == 1
    assert dict(rows["No persona"].audiences)["My children"] == 1
    with pytest.raises(DomainError):
        survey_results(user=member, idea=idea)


def test_survey_page_is_for_staff_only(
    client: Client, surveyed: dict[str, Any], admin_client_: Client
) -> None:
    idea = surveyed["idea"]
    url = reverse("challenges:idea-survey", args=[idea.pk])
    assert client.get(url).status_code == 302  # log in first
    client.force_login(surveyed["people"][0])
    assert client.get(url).status_code == 403
    page = admin_client_.get(url)
    assert page.status_code == 200 and "<html" in page.content.decode()
    fragment = admin_client_.get(url, headers=HTMX).content.decode()
    assert "<html" not in fragment and "<caption>Would you buy it?</caption>" in fragment


# --- The support box, for each kind of visitor --------------------------------------------------------
def render_box(user: Any, idea: Idea, **extra: Any) -> str:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(f"/ideas/{idea.pk}/{idea.slug}/")
    request.user = user or AnonymousUser()
    request.session = {}  # type: ignore[assignment]
    fresh = Idea.objects.select_related("challenge", "author").get(pk=idea.pk)
    context = support_context(request, fresh, return_to=request.path, **extra)
    return render_to_string("challenges/partials/idea_support.html", context, request=request)


def test_box_for_an_anonymous_visitor(idea: Idea) -> None:
    html = render_box(None, idea)
    assert "Log in to support this idea" in html
    assert f'?next=/ideas/{idea.pk}/{idea.slug}/"' in html
    assert "Support this idea</button>" not in html and "Survey results" not in html


def test_box_for_a_member(idea: Idea, other_member: Any) -> None:
    html = render_box(other_member, idea)
    assert "Support this idea</button>" in html
    assert f'hx-target="#idea-support-{idea.pk}"' in html and 'hx-swap="outerHTML"' in html
    assert "Would you buy it?" in html and "€80–€150" in html and "As a gift" in html
    assert "Every question is optional" in html
    assert "days left" in html and "<progress" in html and "Progress to 2 supporters" in html
    assert "Survey results" not in html
    Challenge.objects.filter(pk=idea.challenge_id).update(survey_enabled=False)
    html = render_box(other_member, idea)
    assert "Support this idea</button>" in html and "Would you buy it?" not in html


def test_box_for_a_supporter(idea: Idea, other_member: Any) -> None:
    supports.support_add(actor=other_member, idea=idea)
    html = render_box(other_member, idea)
    assert "You support this idea" in html and "Withdraw my support" in html
    assert "<strong>1</strong> supporter" in html
    supports.ideas_expire(now=timezone.now() + timedelta(days=11))
    html = render_box(other_member, idea)
    assert "You support this idea" in html and "Withdraw my support" not in html and "Expired" in html


def test_box_for_the_creator(idea: Idea, member: Any) -> None:
    html = render_box(member, idea)
    assert "creators cannot support their own ideas" in html
    assert "Support this idea</button>" not in html
    Challenge.objects.filter(pk=idea.challenge_id).update(allow_self_support=True)
    assert "Support this idea</button>" in render_box(member, idea)


def test_box_for_staff_shows_the_survey_results(surveyed: dict[str, Any], brand_admin: Any) -> None:
    html = render_box(brand_admin, surveyed["idea"])
    assert "Survey results" in html and "<caption>At what price?</caption>" in html
    assert '<th scope="row">Builders</th>' in html and '<th scope="row">No persona</th>' in html
    # On the idea page, rendered without the results, the box loads them (or links to them).
    request_free = render_box(brand_admin, surveyed["idea"], survey=None)
    assert reverse("challenges:idea-survey", args=[surveyed["idea"].pk]) in request_free


def test_box_for_a_qualified_idea(idea: Idea, make_user: Any) -> None:
    for _ in range(4):
        supports.support_add(actor=make_user(), idea=idea)
    html = render_box(make_user(), idea)
    assert "Qualified for review" in html and "days left" not in html


def test_the_idea_page_carries_the_box_and_no_js_support_returns_to_it(
    client: Client, idea: Idea, other_member: Any
) -> None:
    client.force_login(other_member)
    page = client.get(idea_url(idea), follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Support this idea</button>" in html and f'name="next" value="{page.wsgi_request.path}"' in html
    response = client.post(
        reverse("challenges:idea-support", args=[idea.pk]), {"next": page.wsgi_request.path}
    )
    assert response.status_code == 302 and response["Location"] == page.wsgi_request.path
    after = client.get(response["Location"]).content.decode()
    assert "Thank you: you support this idea." in after and "Withdraw my support" in after


def test_a_withdrawal_racing_the_expiry_changes_nothing(idea: Idea, other_member: Any) -> None:
    supports.support_add(actor=other_member, idea=idea)
    stale = Idea.objects.select_related("challenge").get(pk=idea.pk)  # loaded before the expiry ran
    assert supports.ideas_expire(now=timezone.now() + timedelta(days=11)) == 1
    with pytest.raises(DomainError, match="closed") as err:
        supports.support_remove(actor=other_member, idea=stale)
    assert err.value.status == 409
    assert state(idea) == (1, 1, IdeaStatus.EXPIRED)
