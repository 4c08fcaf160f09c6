"""The core loop in one pass: submit, support, climb the ladder, qualify, expire."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cocreate.challenges.models import Idea, IdeaStatus, MilestoneEvent, Support
from cocreate.challenges.services import ideas as idea_services
from cocreate.challenges.services import supports
from cocreate.core.errors import DomainError

pytestmark = pytest.mark.django_db

LADDER = [{"at": 0, "days": 60}, {"at": 2, "days": 30}, {"at": 3, "days": 0, "qualifies": True}]


@pytest.fixture
def idea(brand_admin: Any, member: Any) -> Idea:
    challenge = idea_services.challenge_create(actor=brand_admin, title="Harbour sets", ladder=LADDER)
    return idea_services.idea_create(
        actor=member,
        challenge=challenge,
        title="A lighthouse with a working lamp",
        description="A tall lighthouse with a light brick, a keeper's cottage and rocks.",
        tags="harbour, light",
    )


def test_submit_support_climb_and_qualify(idea: Idea, make_user: Any) -> None:
    assert idea.status == IdeaStatus.PUBLISHED and idea.deadline is not None
    fans = [make_user() for _ in range(3)]
    first = supports.support_add(actor=fans[0], idea=idea)
    again = supports.support_add(actor=fans[0], idea=idea)
    assert (first.created, first.support_count) == (True, 1)
    assert (again.created, again.support_count) == (False, 1)
    second = supports.support_add(actor=fans[1], idea=idea, would_buy="yes", price_band="€30–€80")
    assert [m.threshold for m in second.milestones] == [2]
    third = supports.support_add(actor=fans[2], idea=idea)
    assert [(m.threshold, m.qualifies) for m in third.milestones] == [(3, True)]
    idea.refresh_from_db()
    assert idea.support_count == 3 == Support.objects.filter(idea=idea).count()
    assert idea.qualified_at is not None and idea.deadline is None and idea.milestone_index == 2
    # Withdrawing and supporting again never fires a milestone twice.
    supports.support_remove(actor=fans[2], idea=idea)
    again = supports.support_add(actor=fans[2], idea=idea)
    assert again.milestones == []
    assert MilestoneEvent.objects.filter(idea=idea).count() == 2


def test_own_idea_and_bad_survey_answers_are_refused(idea: Idea, member: Any, make_user: Any) -> None:
    with pytest.raises(DomainError, match="your own idea"):
        supports.support_add(actor=member, idea=idea)
    with pytest.raises(DomainError) as err:
        supports.support_add(actor=make_user(), idea=idea, price_band="free")
    assert err.value.field == "price_band"
    assert Support.objects.count() == 0


def test_expiry_is_idempotent_and_closes_support(idea: Idea, make_user: Any) -> None:
    later = timezone.now() + timedelta(days=61)
    assert supports.ideas_expire(now=later) == 1
    assert supports.ideas_expire(now=later) == 0
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.EXPIRED
    assert list(idea.status_changes.values_list("to_status", flat=True)) == ["draft", "published", "expired"]
    with pytest.raises(DomainError):
        supports.support_add(actor=make_user(), idea=idea)


def test_full_text_search_finds_ideas_by_their_words(idea: Idea, member: Any) -> None:
    from cocreate.challenges.selectors.search import idea_search_ids

    assert idea_search_ids("lighthouse cottage") == [idea.pk]
    assert idea_search_ids("lighthouses") == [idea.pk]  # stemmed
    assert idea_search_ids('lamp" OR 1=1 --') == []  # words only: "or" and "1" are not in the idea
    assert idea_search_ids('lamp"') == [idea.pk]
    assert idea_search_ids("submarine") == []
    idea_services.idea_update(
        actor=member,
        idea=idea,
        title="A harbour crane",
        description="A big dockside crane that lifts containers onto ships.",
    )
    assert idea_search_ids("lighthouse") == [] and idea_search_ids("crane") == [idea.pk]
