"""Review periods, scoring, decisions and creator agreements, and their pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cocreate.accounts.models import Role
from cocreate.brand.models import Product
from cocreate.challenges import events
from cocreate.challenges.models import (
    CreatorAgreement,
    Criterion,
    Decision,
    Idea,
    IdeaStatus,
    Review,
    ReviewPeriod,
)
from cocreate.challenges.selectors import reviews as review_selectors
from cocreate.challenges.selectors.royalties import credits_for_product
from cocreate.challenges.services import ideas as idea_services
from cocreate.challenges.services import reviews, supports
from cocreate.core.errors import DomainError

pytestmark = pytest.mark.django_db

LADDER = [{"at": 0, "days": 60}, {"at": 2, "days": 0, "qualifies": True}]
TODAY = timezone.localdate()


@pytest.fixture
def reviewer(make_user: Any) -> Any:
    return make_user(Role.REVIEWER, email="reviewer@example.com")


@pytest.fixture
def product() -> Product:
    return Product.objects.create(name="Harbour lighthouse", slug="harbour-lighthouse", sku="HL-1")


@pytest.fixture
def challenge(brand_admin: Any) -> Any:
    challenge = idea_services.challenge_create(actor=brand_admin, title="Harbour sets", ladder=LADDER)
    Criterion.objects.create(challenge=challenge, name="Playability", weight=Decimal("2"), position=1)
    Criterion.objects.create(challenge=challenge, name="Fit with the brand", weight=Decimal("1"), position=2)
    return challenge


def _idea(challenge: Any, author: Any, title: str = "A lighthouse with a working lamp") -> Idea:
    return idea_services.idea_create(
        actor=author,
        challenge=challenge,
        title=title,
        description="A tall lighthouse with a light brick, a keeper's cottage and rocks.",
    )


def _qualify(idea: Idea, make_user: Any) -> None:
    for _ in range(2):
        supports.support_add(actor=make_user(), idea=idea)
    idea.refresh_from_db()


@pytest.fixture
def in_review(challenge: Any, member: Any, brand_admin: Any, make_user: Any) -> Idea:
    period = reviews.review_period_create(
        actor=brand_admin,
        name="Spring",
        starts_on=TODAY + timedelta(days=1),
        ends_on=TODAY + timedelta(days=30),
    )
    idea = _idea(challenge, member)
    _qualify(idea, make_user)
    assert idea.review_period_id == period.pk
    assert reviews.review_period_open(actor=brand_admin, period=period) == 1
    idea.refresh_from_db()
    return idea


def _scores(idea: Idea, *values: Any) -> dict[str, Any]:
    ids = list(Criterion.objects.filter(challenge=idea.challenge).values_list("pk", flat=True))
    return {str(pk): v for pk, v in zip(ids, values, strict=True)}


# --- Periods -----------------------------------------------------------------------------------------
def test_periods_do_not_overlap_and_only_admins_create_them(brand_admin: Any, reviewer: Any) -> None:
    reviews.review_period_create(
        actor=brand_admin, name="Spring", starts_on=date(2031, 1, 1), ends_on=date(2031, 4, 30)
    )
    with pytest.raises(DomainError, match="overlap") as err:
        reviews.review_period_create(
            actor=brand_admin, name="Clash", starts_on=date(2031, 4, 30), ends_on=date(2031, 6, 1)
        )
    assert err.value.status == 409
    with pytest.raises(DomainError) as err:
        reviews.review_period_create(
            actor=brand_admin, name="Backwards", starts_on=date(2031, 9, 1), ends_on=date(2031, 8, 1)
        )
    assert err.value.field == "ends_on"
    with pytest.raises(DomainError) as err:
        reviews.review_period_create(
            actor=reviewer, name="Mine", starts_on=date(2032, 1, 1), ends_on=date(2032, 2, 1)
        )
    assert err.value.status == 403
    assert list(ReviewPeriod.objects.values_list("name", flat=True)) == ["Spring"]


def test_plan_splits_a_year_evenly_and_is_all_or_nothing(brand_admin: Any) -> None:
    periods = reviews.review_periods_plan(actor=brand_admin, year=2031, per_year=3)
    assert [(p.starts_on, p.ends_on) for p in periods] == [
        (date(2031, 1, 1), date(2031, 4, 30)),
        (date(2031, 5, 1), date(2031, 8, 31)),
        (date(2031, 9, 1), date(2031, 12, 31)),
    ]
    assert periods[0].name == "2031 review 1 of 3"
    with pytest.raises(DomainError, match="overlap"):
        reviews.review_periods_plan(actor=brand_admin, year=2031, per_year=2)
    with pytest.raises(DomainError) as err:
        reviews.review_periods_plan(actor=brand_admin, year=2032, per_year=0)
    assert err.value.field == "per_year"
    assert ReviewPeriod.objects.count() == 3


def test_qualifying_idea_without_a_period_joins_the_next_one_created(
    challenge: Any, member: Any, brand_admin: Any, make_user: Any
) -> None:
    idea = _idea(challenge, member)
    _qualify(idea, make_user)
    assert idea.qualified_at is not None and idea.review_period is None
    # A period that already started is not "next": the idea keeps waiting.
    reviews.review_period_create(
        actor=brand_admin, name="Now", starts_on=TODAY - timedelta(days=5), ends_on=TODAY + timedelta(days=5)
    )
    idea.refresh_from_db()
    assert idea.review_period is None
    later = reviews.review_period_create(
        actor=brand_admin,
        name="Later",
        starts_on=TODAY + timedelta(days=10),
        ends_on=TODAY + timedelta(days=40),
    )
    idea.refresh_from_db()
    assert idea.review_period == later


def test_opening_a_period_moves_only_its_qualified_ideas_once(
    challenge: Any, member: Any, other_member: Any, brand_admin: Any, make_user: Any
) -> None:
    period = reviews.review_period_create(
        actor=brand_admin,
        name="Spring",
        starts_on=TODAY + timedelta(days=1),
        ends_on=TODAY + timedelta(days=9),
    )
    qualified = _idea(challenge, member)
    _qualify(qualified, make_user)
    waiting = _idea(challenge, other_member, "A harbour crane that lifts containers")
    received: list[dict[str, Any]] = []

    def on_change(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    events.idea_status_changed.connect(on_change)
    try:
        with pytest.raises(DomainError):
            reviews.review_period_open(actor=member, period=period)
        assert reviews.review_period_open(actor=brand_admin, period=period) == 1
        assert reviews.review_period_open(actor=brand_admin, period=period) == 0
    finally:
        events.idea_status_changed.disconnect(on_change)
    qualified.refresh_from_db()
    waiting.refresh_from_db()
    assert (qualified.status, waiting.status) == (IdeaStatus.IN_REVIEW, IdeaStatus.PUBLISHED)
    change = qualified.status_changes.last()
    assert change is not None and "in review (Spring)" in change.message
    period.refresh_from_db()
    assert period.opened_at is not None


# --- Scoring -----------------------------------------------------------------------------------------
def test_scoring_needs_every_criterion_from_1_to_5(in_review: Idea, reviewer: Any, member: Any) -> None:
    for bad in [_scores(in_review, 5, 6), _scores(in_review, 0, 3), _scores(in_review, "x", 3), {}]:
        with pytest.raises(DomainError) as err:
            reviews.review_submit(actor=reviewer, idea=in_review, scores=bad, notes="")
        assert err.value.field and err.value.field.startswith("score")
    with pytest.raises(DomainError, match="not part"):
        reviews.review_submit(actor=reviewer, idea=in_review, scores={**_scores(in_review, 3, 3), "999": 3})
    with pytest.raises(DomainError) as err:
        reviews.review_submit(actor=member, idea=in_review, scores=_scores(in_review, 3, 3))
    assert err.value.status == 403
    assert Review.objects.count() == 0


def test_scores_are_one_per_reviewer_and_weighted(in_review: Idea, reviewer: Any, brand_admin: Any) -> None:
    reviews.review_submit(actor=reviewer, idea=in_review, scores=_scores(in_review, 5, 2), notes="Tall.")
    reviews.review_submit(actor=reviewer, idea=in_review, scores=_scores(in_review, "4", "1"), notes="")
    assert Review.objects.filter(idea=in_review).count() == 1
    # (4×2 + 1×1) / 3 = 3.00
    assert review_selectors.score_summary(in_review).average == Decimal("3.00")
    reviews.review_submit(actor=brand_admin, idea=in_review, scores=_scores(in_review, 5, 5))
    summary = review_selectors.score_summary(in_review)
    # mean of 3 and 5
    assert (summary.reviews, summary.average) == (2, Decimal("4.00"))


def test_only_ideas_in_review_or_on_hold_can_be_scored(challenge: Any, member: Any, reviewer: Any) -> None:
    idea = _idea(challenge, member)
    with pytest.raises(DomainError, match="in review") as err:
        reviews.review_submit(actor=reviewer, idea=idea, scores=_scores(idea, 3, 3))
    assert err.value.status == 409


# --- Decisions ---------------------------------------------------------------------------------------
def test_decision_needs_a_rationale_and_an_admin(in_review: Idea, reviewer: Any, brand_admin: Any) -> None:
    with pytest.raises(DomainError) as err:
        reviews.decision_record(actor=brand_admin, idea=in_review, outcome="not_approved", rationale="  ")
    assert err.value.field == "rationale"
    with pytest.raises(DomainError) as err:
        reviews.decision_record(actor=reviewer, idea=in_review, outcome="not_approved", rationale="No.")
    assert err.value.status == 403
    with pytest.raises(DomainError) as err:
        reviews.decision_record(actor=brand_admin, idea=in_review, outcome="maybe", rationale="Hm.")
    assert err.value.field == "outcome"
    in_review.refresh_from_db()
    assert in_review.status == IdeaStatus.IN_REVIEW and Decision.objects.count() == 0


def test_decision_moves_the_idea_and_notifies_once_after_commit(
    in_review: Idea, brand_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    received: list[dict[str, Any]] = []

    def on_decision(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    events.decision_made.connect(on_decision)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            reviews.decision_record(
                actor=brand_admin, idea=in_review, outcome="on_hold", rationale="We need a second look."
            )
            assert received == []  # not before commit
    finally:
        events.decision_made.disconnect(on_decision)
    assert len(received) == 1
    assert received[0]["outcome"] == "on_hold" and received[0]["rationale"] == "We need a second look."
    assert received[0]["actor"] == brand_admin and received[0]["idea"].pk == in_review.pk
    in_review.refresh_from_db()
    assert in_review.status == IdeaStatus.ON_HOLD
    change = in_review.status_changes.last()
    assert change is not None and change.message == "We need a second look."
    assert not CreatorAgreement.objects.exists()


def test_approval_needs_a_product_and_creates_the_agreement(
    in_review: Idea, brand_admin: Any, member: Any, product: Product
) -> None:
    assert in_review.product is None
    with pytest.raises(DomainError, match="product") as err:
        reviews.decision_record(actor=brand_admin, idea=in_review, outcome="approved", rationale="Lovely.")
    assert err.value.field == "product"
    in_review.refresh_from_db()
    assert in_review.status == IdeaStatus.IN_REVIEW
    reviews.decision_record(
        actor=brand_admin, idea=in_review, outcome="approved", rationale="Lovely.", product=product
    )
    in_review.refresh_from_db()
    assert in_review.status == IdeaStatus.APPROVED and in_review.product == product
    agreement = CreatorAgreement.objects.get(idea=in_review)
    assert agreement.creator == member and agreement.product == product
    assert agreement.royalty_rate == Decimal("0.0100") and agreement.status == "active"
    assert agreement.credit_text == f"Designed by {member.public_name}"
    assert credits_for_product(product) == [agreement.credit_text]
    # Decisions are append-only; the latest stands. Approving again keeps the one agreement.
    reviews.decision_record(actor=brand_admin, idea=in_review, outcome="on_hold", rationale="Costing.")
    reviews.decision_record(actor=brand_admin, idea=in_review, outcome="approved", rationale="Go.")
    assert Decision.objects.filter(idea=in_review).count() == 3
    latest = review_selectors.latest_decision(in_review)
    assert latest is not None and latest.rationale == "Go."
    assert CreatorAgreement.objects.filter(idea=in_review).count() == 1
    reviews.idea_in_development(actor=brand_admin, idea=in_review)
    reviews.idea_launched(actor=brand_admin, idea=in_review, message="On shelves now.")
    in_review.refresh_from_db()
    assert in_review.status == IdeaStatus.LAUNCHED


def test_not_approved_is_final(in_review: Idea, brand_admin: Any) -> None:
    reviews.decision_record(actor=brand_admin, idea=in_review, outcome="not_approved", rationale="Too big.")
    with pytest.raises(DomainError) as err:
        reviews.decision_record(actor=brand_admin, idea=in_review, outcome="approved", rationale="Wait.")
    assert err.value.status == 409
    assert Decision.objects.filter(idea=in_review).count() == 1


# --- Pages -------------------------------------------------------------------------------------------
def test_periods_page_is_for_staff_and_admins_plan_and_open(
    admin_client_: Any, member_client: Any, reviewer: Any
) -> None:
    url = reverse("challenges:review-periods")
    client = Client()
    assert client.get(url).status_code == 302
    assert member_client.get(url).status_code == 403
    client.force_login(reviewer)
    page = client.get(url)
    assert page.status_code == 200 and b"Plan a year" not in page.content
    assert (
        client.post(reverse("challenges:review-period-plan"), {"year": 2031, "per_year": 3}).status_code
        == 403
    )
    response = admin_client_.post(reverse("challenges:review-period-plan"), {"year": 2031, "per_year": 3})
    assert response.status_code == 302 and ReviewPeriod.objects.count() == 3
    clash = admin_client_.post(
        reverse("challenges:review-period-create"),
        {"name": "Clash", "starts_on": "2031-02-01", "ends_on": "2031-02-10"},
    )
    assert clash.status_code == 400 and "overlap" in clash.content.decode()
    assert ReviewPeriod.objects.count() == 3


def test_board_scores_in_place_and_never_shows_notes_to_members(
    in_review: Idea, reviewer: Any, member_client: Any
) -> None:
    client = Client()
    client.force_login(reviewer)
    board = reverse("challenges:review-board", args=[in_review.review_period_id])
    assert member_client.get(board).status_code == 403
    page = client.get(board)
    assert page.status_code == 200 and in_review.title in page.content.decode()
    assert "Not scored yet" in page.content.decode()
    ids = list(Criterion.objects.filter(challenge=in_review.challenge).values_list("pk", flat=True))
    url = reverse("challenges:review-score", args=[in_review.pk])
    bad = client.post(url, {f"score_{ids[0]}": "5", "notes": "x"})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    assert not Review.objects.exists()
    ok = client.post(
        url,
        {f"score_{ids[0]}": "5", f"score_{ids[1]}": "2", "notes": "Secret: costly moulds."},
        HTTP_HX_REQUEST="true",
    )
    body = ok.content.decode()
    assert ok.status_code == 200 and "Your scores are saved" in body and "4.00" in body
    assert "<html" not in body
    idea_page = member_client.get(reverse("challenges:idea-short", args=[in_review.pk]), follow=True)
    assert idea_page.status_code == 200
    assert "Secret: costly moulds." not in idea_page.content.decode()
    assert "4.00" not in idea_page.content.decode()


def test_decision_form_approves_with_a_product_and_the_idea_page_shows_it(
    in_review: Idea, admin_client_: Any, member_client: Any, member: Any, product: Product
) -> None:
    url = reverse("challenges:review-decide", args=[in_review.pk])
    assert member_client.get(url).status_code == 403
    assert admin_client_.get(url).status_code == 200
    missing = admin_client_.post(url, {"outcome": "approved", "rationale": "A classic."})
    assert missing.status_code == 400 and "Choose the product" in missing.content.decode()
    no_reason = admin_client_.post(url, {"outcome": "approved", "rationale": "", "product": product.pk})
    assert no_reason.status_code == 400
    done = admin_client_.post(url, {"outcome": "approved", "rationale": "A classic.", "product": product.pk})
    assert done.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == IdeaStatus.APPROVED
    page = member_client.get(
        reverse("challenges:idea-short", args=[in_review.pk]), follow=True
    ).content.decode()
    assert "A classic." in page and f"Designed by {member.public_name}" in page
    assert "Decide on this idea" not in page
    advanced = admin_client_.post(reverse("challenges:review-advance", args=[in_review.pk, "development"]))
    assert advanced.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == IdeaStatus.IN_DEVELOPMENT


def test_product_credit_template(in_review: Idea, brand_admin: Any, product: Product, member: Any) -> None:
    from django.template.loader import render_to_string

    assert "Designed by" not in render_to_string("challenges/royalty_credits.html", {"product": product})
    reviews.decision_record(
        actor=brand_admin, idea=in_review, outcome="approved", rationale="Yes.", product=product
    )
    html = render_to_string("challenges/royalty_credits.html", {"product": product})
    assert f"Designed by {member.public_name}" in html


def test_board_query_count_is_bounded(
    challenge: Any, brand_admin: Any, make_user: Any, reviewer: Any, django_assert_max_num_queries: Any
) -> None:
    period = reviews.review_period_create(
        actor=brand_admin, name="Big", starts_on=TODAY + timedelta(days=1), ends_on=TODAY + timedelta(days=9)
    )
    for n in range(6):
        idea = _idea(challenge, make_user(), f"Idea number {n} for the board")
        _qualify(idea, make_user)
    reviews.review_period_open(actor=brand_admin, period=period)
    for idea in Idea.objects.filter(review_period=period):
        reviews.review_submit(actor=reviewer, idea=idea, scores=_scores(idea, 3, 4))
    with django_assert_max_num_queries(8):
        page = review_selectors.review_board(period=period, reviewer=reviewer)
    assert len(page.items) == 6 and all(item.summary.reviews == 1 for item in page.items)


def test_idea_review_partial_links_reviewers_and_admins(
    in_review: Idea, reviewer: Any, brand_admin: Any
) -> None:
    from django.template.loader import render_to_string

    as_reviewer = render_to_string(
        "challenges/partials/idea_review.html", {"idea": in_review, "user": reviewer}
    )
    assert "Score this idea" in as_reviewer and "Decide on this idea" not in as_reviewer
    assert "Spring" in as_reviewer
    as_admin = render_to_string(
        "challenges/partials/idea_review.html", {"idea": in_review, "user": brand_admin}
    )
    assert "Decide on this idea" in as_admin
