"""Points follow what members do: publishing an idea, supporting (and withdrawing), approval, removal by
moderation, and an accepted answer."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from cocreate.challenges.models import Idea, IdeaStatus
from cocreate.challenges.services import ideas as idea_services
from cocreate.challenges.services import supports
from cocreate.community import events as community_events
from cocreate.rewards.models import Action, PointBalance, PointEntry, PointRule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rules(db: None) -> None:
    PointRule.objects.create(action=Action.IDEA_PUBLISHED, points=50)
    PointRule.objects.create(action=Action.SUPPORT_GIVEN, points=5)
    PointRule.objects.create(action=Action.IDEA_APPROVED, points=200)
    PointRule.objects.create(action=Action.ANSWER_ACCEPTED, points=15)


def balance(user: Any) -> int:
    return PointBalance.objects.filter(user=user).values_list("balance", flat=True).first() or 0


@pytest.fixture
def idea(brand_admin: Any, member: Any, django_capture_on_commit_callbacks: Any) -> Idea:
    challenge = idea_services.challenge_create(actor=brand_admin, title="Harbour challenge")
    with django_capture_on_commit_callbacks(execute=True):
        created = idea_services.idea_create(
            actor=member,
            challenge=challenge,
            title="A harbour crane",
            description="A dockside crane for ships.",
        )
    return Idea.objects.get(pk=created.pk)


def test_publishing_an_idea_awards_its_author(idea: Idea, member: Any) -> None:
    assert idea.status == IdeaStatus.PUBLISHED
    assert balance(member) == 50
    assert PointEntry.objects.get(user=member).source == f"idea:{idea.pk}"


def test_support_awards_and_withdrawal_reverses(
    idea: Idea, other_member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        supports.support_add(actor=other_member, idea=idea)
    assert balance(other_member) == 5
    with django_capture_on_commit_callbacks(execute=True):
        supports.support_remove(actor=other_member, idea=idea)
    assert balance(other_member) == 0
    reversal = PointEntry.objects.get(user=other_member, action=Action.REVERSAL)
    assert reversal.amount == -5 and reversal.reverses is not None
    # Supporting again does not pay twice.
    with django_capture_on_commit_callbacks(execute=True):
        supports.support_add(actor=other_member, idea=idea)
    assert balance(other_member) == 0


def test_removal_by_moderation_reverses_the_publishing_points(
    idea: Idea, member: Any, moderator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        idea_services.idea_transition(
            actor=moderator, idea=idea, to_status=IdeaStatus.REMOVED, message="Spam"
        )
    assert balance(member) == 0
    assert PointEntry.objects.filter(user=member).count() == 2


def test_approval_awards_the_author(
    idea: Idea, member: Any, brand_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        idea_services.idea_transition(actor=brand_admin, idea=idea, to_status=IdeaStatus.IN_REVIEW)
        idea_services.idea_transition(actor=brand_admin, idea=idea, to_status=IdeaStatus.APPROVED)
    assert balance(member) == 250


def test_accepted_answer_awards_its_author_but_not_a_self_answer(member: Any, other_member: Any) -> None:
    thread = SimpleNamespace(pk=1, author_id=other_member.pk)
    answer = SimpleNamespace(pk=9, author_id=member.pk, author=member)
    community_events.answer_accepted.send(sender=None, thread=thread, comment=answer)
    community_events.answer_accepted.send(sender=None, thread=thread, comment=answer)
    own = SimpleNamespace(pk=10, author_id=other_member.pk, author=other_member)
    community_events.answer_accepted.send(sender=None, thread=thread, comment=own)
    assert balance(member) == 15 and balance(other_member) == 0


# Workshops are only seen through their signals: stand-ins with a primary key are all the receivers read.
def test_workshop_attendance_awards_once_and_withdrawal_reverses(member: Any, other_member: Any) -> None:
    from cocreate.workshops import events as workshop_events

    PointRule.objects.create(action=Action.WORKSHOP_ATTENDED, points=30)
    workshop = SimpleNamespace(pk=4)
    workshop_events.attendance_recorded.send(sender=None, workshop=workshop, user=member)
    workshop_events.attendance_recorded.send(sender=None, workshop=workshop, user=member)
    workshop_events.attendance_recorded.send(sender=None, workshop=workshop, user=other_member)
    assert balance(member) == 30 and balance(other_member) == 30
    workshop_events.attendance_withdrawn.send(sender=None, workshop=workshop, user=member)
    workshop_events.attendance_withdrawn.send(sender=None, workshop=workshop, user=member)
    assert balance(member) == 0 and balance(other_member) == 30
    reversal = PointEntry.objects.get(user=member, action=Action.REVERSAL)
    assert reversal.amount == -30 and reversal.reverses is not None
    assert reversal.reverses.source == f"workshop:4:{member.pk}"
    # Marked present again after the correction: the workshop does not pay twice.
    workshop_events.attendance_recorded.send(sender=None, workshop=workshop, user=member)
    assert balance(member) == 0
    # Another workshop pays.
    workshop_events.attendance_recorded.send(sender=None, workshop=SimpleNamespace(pk=5), user=member)
    assert balance(member) == 30


def test_workshop_survey_awards_once_per_workshop(member: Any) -> None:
    from cocreate.workshops import events as workshop_events

    PointRule.objects.create(action=Action.SURVEY_COMPLETED, points=10, daily_cap=15)
    response = SimpleNamespace(pk=1, csat=5, nps=9)
    for pk in (1, 1, 2, 3):
        workshop_events.survey_completed.send(
            sender=None, workshop=SimpleNamespace(pk=pk), user=member, response=response
        )
    # Once per workshop, and the daily cap clips the second survey of the day.
    amounts = list(
        PointEntry.objects.filter(user=member, action=Action.SURVEY_COMPLETED)
        .order_by("id")
        .values_list("amount", flat=True)
    )
    assert amounts == [10, 5] and balance(member) == 15


def test_workshop_actions_earn_only_with_a_rule(member: Any) -> None:
    from cocreate.workshops import events as workshop_events

    workshop_events.attendance_recorded.send(sender=None, workshop=SimpleNamespace(pk=1), user=member)
    workshop_events.attendance_withdrawn.send(sender=None, workshop=SimpleNamespace(pk=1), user=member)
    assert not PointEntry.objects.filter(user=member).exists()
