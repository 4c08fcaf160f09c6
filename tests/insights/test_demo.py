"""The demo's prototype test and poll: real versions with pictures and files, responses from the
invited personas with v2 ahead of v1, votes on a multiple-choice poll; running it twice adds nothing."""

from __future__ import annotations

import pytest

from cocreate.accounts.models import User
from cocreate.demo.insights import POLL_TITLE, TEST_TITLE, seed_insights
from cocreate.demo.seeding import seed_brand, seed_journey, seed_members
from cocreate.insights import selectors
from cocreate.insights.models import PrototypeInvitation, PrototypeResponse, PrototypeTest
from cocreate.journeys import selectors as journey_selectors
from cocreate.journeys.models import Contribution, ParticipationPoint

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_prototype_test_and_a_poll_once(brand_admin: User) -> None:
    seed_brand()
    seed_members(count=40)
    seed_journey(brand_admin)
    seed_insights(brand_admin)

    test = PrototypeTest.objects.get(title=TEST_TITLE)
    assert test.status == "open" and test.product is not None and test.point is not None
    v1, v2 = test.versions.order_by("position")
    assert v1.images.count() == 2 and v2.file_name.endswith(".pdf")
    invited = PrototypeInvitation.objects.filter(test=test).count()
    responses = PrototypeResponse.objects.filter(test=test).count()
    assert invited > 10 and invited < responses < 2 * invited
    results = selectors.prototype_results(test)
    ease = results.comparison[0]
    assert ease.label == "Ease of use" and ease.differences[1] is not None and ease.differences[1] > 0.5
    assert results.versions[1].intent.top2 > results.versions[0].intent.top2
    assert {p.persona.name for p in results.personas} == {"Weekend builders", "Family builders"}
    assert results.versions[0].answers

    poll = ParticipationPoint.objects.get(title=POLL_TITLE)
    tally = journey_selectors.poll_results(poll).total
    assert poll.poll_multiple and tally.voters > 5
    assert sum(o.count for o in tally.options) >= tally.voters

    before = (
        PrototypeTest.objects.count(),
        PrototypeResponse.objects.count(),
        PrototypeInvitation.objects.count(),
        Contribution.objects.count(),
    )
    seed_insights(brand_admin)
    after = (
        PrototypeTest.objects.count(),
        PrototypeResponse.objects.count(),
        PrototypeInvitation.objects.count(),
        Contribution.objects.count(),
    )
    assert after == before
