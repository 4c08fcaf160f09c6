"""Quick polls at a participation point: single and multiple choice through the widget, results per
option and per persona for staff, and for voters once they voted."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from cocreate.accounts.models import ProfileAnswer, ProfileQuestion, QuestionKind, User
from cocreate.core.errors import DomainError
from cocreate.journeys import selectors, services
from cocreate.journeys.models import Contribution, ContributionKind, ParticipationPoint, Persona
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db

OPTIONS = ["Night market", "Train station", "Public library", "Harbour warehouse"]


@pytest.fixture
def often(db: None) -> ProfileQuestion:
    return ProfileQuestion.objects.create(
        text="How often do you build?", kind=QuestionKind.CHOICE, choices=["Every weekend", "Rarely"]
    )


@pytest.fixture
def weekend(brand_admin: User, often: ProfileQuestion) -> Persona:
    persona = services.persona_create(actor=brand_admin, name="Weekend builders")
    services.persona_rules_set(
        actor=brand_admin,
        persona=persona,
        rules=[{"question_id": often.pk, "operator": "any_of", "values": ["Every weekend"]}],
    )
    return persona


@pytest.fixture
def make_poll(brand_admin: User) -> Any:
    journey = services.journey_create(actor=brand_admin, name="Fans")
    stage = journey.stages.get(name="Consideration")

    def make(multiple: bool = False, personas: list[Persona] | None = None) -> ParticipationPoint:
        return services.point_create(
            actor=brand_admin,
            journey=journey,
            stage=stage,
            kind="poll",
            title="Which modular next?",
            poll_options=OPTIONS,
            poll_multiple=multiple,
            personas=personas or [],
        )

    return make


def vote(user: User, point: ParticipationPoint, *picked: str) -> Contribution:
    data = (
        services.WidgetInput(choices=list(picked))
        if point.poll_multiple
        else services.WidgetInput(choice=picked[0])
    )
    return services.widget_contribute(point=point, user=user, data=data).contribution


def counts(tally: selectors.PollTally) -> dict[str, tuple[int, int]]:
    return {o.label: (o.count, o.share) for o in tally.options}


def test_a_multiple_choice_poll_counts_every_ticked_option(make_poll: Any, make_user: Any) -> None:
    point = make_poll(multiple=True)
    voters = [make_user() for _ in range(4)]
    vote(voters[0], point, "Night market", "Train station")
    vote(voters[1], point, "Train station")
    vote(voters[2], point, "Harbour warehouse", "Train station", "Night market")
    vote(voters[3], point, "Train station", "Train station")  # a repeated tick counts once
    stored = Contribution.objects.get(user=voters[2])
    assert stored.choices == ["Night market", "Train station", "Harbour warehouse"] and stored.choice == ""

    results = selectors.poll_results(point)
    assert results.multiple and results.total.voters == 4
    assert counts(results.total) == {
        "Night market": (2, 50),
        "Train station": (4, 100),
        "Public library": (0, 0),
        "Harbour warehouse": (1, 25),
    }


def test_a_multiple_choice_answer_must_tick_real_options(make_poll: Any, member: User) -> None:
    point = make_poll(multiple=True)
    with pytest.raises(DomainError, match="at least one") as err:
        vote(member, point)
    assert err.value.field == "choices"
    with pytest.raises(DomainError, match="only the options shown"):
        vote(member, point, "Night market", "A submarine base")
    assert not Contribution.objects.exists()


def test_single_choice_results_and_the_persona_breakdown(
    make_poll: Any, make_user: Any, often: ProfileQuestion, weekend: Persona
) -> None:
    point = make_poll(personas=[weekend])
    fans = [make_user() for _ in range(3)]
    for fan in fans:
        ProfileAnswer.objects.create(user=fan, question=often, choice="Every weekend")
    casual = make_user()
    vote(fans[0], point, "Public library")
    vote(fans[1], point, "Public library")
    vote(fans[2], point, "Night market")
    vote(casual, point, "Night market")
    # A visitor's answer waiting for email confirmation is not counted.
    services.widget_contribute(
        point=point, user=None, data=services.WidgetInput(choice="Train station", email="v@example.net")
    )
    results = selectors.poll_results(point, by_persona=True)
    assert results.total.voters == 4
    assert counts(results.total)["Night market"] == (2, 50)
    assert counts(results.total)["Train station"] == (0, 0)
    [fans_row] = results.personas
    assert fans_row.persona == weekend and fans_row.tally.voters == 3
    assert counts(fans_row.tally)["Public library"] == (2, 67)
    assert counts(fans_row.tally)["Night market"] == (1, 33)


def test_switching_a_poll_to_multiple_choice_keeps_earlier_votes(
    make_poll: Any, make_user: Any, brand_admin: User
) -> None:
    point = make_poll()
    vote(make_user(), point, "Night market")
    point = services.point_update(actor=brand_admin, point=point, poll_multiple=True)
    vote(make_user(), point, "Night market", "Public library")
    assert counts(selectors.poll_results(point).total)["Night market"] == (2, 100)


def test_only_a_poll_takes_several_answers(brand_admin: User) -> None:
    journey = services.journey_create(actor=brand_admin, name="Fans")
    point = services.point_create(
        actor=brand_admin,
        journey=journey,
        stage=journey.stages.first(),
        kind="idea",
        title="Ideas",
        poll_multiple=True,
    )
    assert point.poll_multiple is False


def token_of(response: Any) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert found
    return found.group(1)


def test_the_widget_offers_checkboxes_and_shows_voters_the_results(
    member_client: Client, make_poll: Any, make_user: Any
) -> None:
    point = make_poll(multiple=True)
    vote(make_user(), point, "Night market")
    url = f"/w/{point.public_id}/"
    page = member_client.get(url)
    html = page.content.decode()
    assert html.count('type="checkbox" name="choices"') == 4
    assert "Results so far" not in html  # not before voting
    done = member_client.post(url, {"token": token_of(page), "choices": ["Night market", "Train station"]})
    body = done.content.decode()
    assert done.status_code == 200 and "Your contribution counts." in body
    assert "Results so far" in body and "2 voters" in body and "100%" in body
    again = member_client.post(
        url, {"token": token_of(member_client.get(url)), "choices": ["Public library"]}
    )
    assert again.status_code == 409 and "Results so far" in again.content.decode()
    assert Contribution.objects.filter(kind=ContributionKind.POLL_ANSWER).count() == 2


def test_poll_results_in_the_api_for_staff_only(
    api_for: Any, make_poll: Any, make_user: Any, brand_admin: User, member: User, weekend: Persona
) -> None:
    point = make_poll(multiple=True, personas=[weekend])
    vote(make_user(), point, "Night market", "Public library")
    response = api_for(brand_admin).get(f"/api/v1/points/{point.pk}/poll")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["multiple"] is True and body["voters"] == 1
    assert [o["count"] for o in body["options"]] == [1, 0, 1, 0]
    assert body["personas"] == [
        {
            "persona_id": weekend.pk,
            "persona": "Weekend builders",
            "voters": 0,
            "options": [{"label": o, "count": 0, "share": 0} for o in OPTIONS],
        }
    ]
    assert_error_shape(api_for(member).get(f"/api/v1/points/{point.pk}/poll"), 403)
    made = api_for(brand_admin).patch(f"/api/v1/points/{point.pk}", {"poll_multiple": False})
    assert made.status_code == 200 and made.json()["poll_multiple"] is False


def test_the_point_form_sets_the_answers_per_voter_and_leaves_it_when_not_shown(
    admin_client_: Client, make_poll: Any
) -> None:
    point = make_poll()
    data = {
        "kind": "poll",
        "title": point.title,
        "prompt": "",
        "stage": str(point.stage_id),
        "touchpoint": "",
        "owner": "",
        "starts_on": "",
        "ends_on": "",
        "goal": "",
        "goal_unit": "",
        "status": "open",
        "poll_options": "\n".join(OPTIONS),
        "allowed_origins": "",
    }
    url = f"/points/{point.pk}/edit/"
    assert admin_client_.post(url, {**data, "poll_multiple": "multiple"}).status_code == 302
    point.refresh_from_db()
    assert point.poll_multiple is True
    assert admin_client_.post(url, data).status_code == 302
    point.refresh_from_db()
    assert point.poll_multiple is True
    assert admin_client_.post(url, {**data, "poll_multiple": "single"}).status_code == 302
    point.refresh_from_db()
    assert point.poll_multiple is False


def test_the_staff_partial_shows_the_totals_and_each_persona(
    make_poll: Any, make_user: Any, often: ProfileQuestion, weekend: Persona
) -> None:
    from django.template.loader import render_to_string

    point = make_poll(multiple=True, personas=[weekend])
    fan = make_user()
    ProfileAnswer.objects.create(user=fan, question=often, choice="Every weekend")
    vote(fan, point, "Night market", "Public library")
    vote(make_user(), point, "Night market")
    html = render_to_string(
        "journeys/partials/widget_poll_staff.html", {"poll": selectors.poll_results(point, by_persona=True)}
    )
    assert "2 voters" in html and "2 (100%)" in html
    assert "Weekend builders" in html and "1 (100%)" in html and "0 (0%)" in html
