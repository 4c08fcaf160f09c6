"""Journeys services on the real database: who matches a persona, rules that could never match, stages,
points, and the attribution a tracked link leaves on later contributions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from cocreate.accounts.models import ProfileAnswer, ProfileQuestion, QuestionKind, User
from cocreate.core.errors import Conflict, DomainError, NotAllowed
from cocreate.journeys import selectors, services
from cocreate.journeys.models import (
    Contribution,
    ContributionKind,
    Journey,
    ParticipationPoint,
    Persona,
    PointKind,
    Stage,
    StageEmotion,
    Touchpoint,
)

pytestmark = pytest.mark.django_db

TEMPLATE = ["Awareness", "Consideration", "Purchase", "Development", "Usage", "Advocacy"]


@pytest.fixture
def often() -> ProfileQuestion:
    return ProfileQuestion.objects.create(
        text="How often do you build with our products?",
        kind=QuestionKind.CHOICE,
        choices=["Every weekend", "Most evenings", "Rarely"],
    )


@pytest.fixture
def themes() -> ProfileQuestion:
    return ProfileQuestion.objects.create(
        text="Which themes do you collect?",
        kind=QuestionKind.MULTI_CHOICE,
        choices=["Space", "Castles", "Trains", "City"],
    )


@pytest.fixture
def sets() -> ProfileQuestion:
    return ProfileQuestion.objects.create(
        text="How many sets do you buy a year?",
        kind=QuestionKind.NUMBER,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        unit="sets",
    )


def answer(user: User, question: ProfileQuestion, *choices: str, number: int | None = None) -> None:
    if number is not None:
        ProfileAnswer.objects.create(user=user, question=question, number=Decimal(number))
    for choice in choices:
        ProfileAnswer.objects.create(user=user, question=question, choice=choice)


def members_of(persona: Persona) -> set[str]:
    return set(selectors.persona_members(persona).values_list("email", flat=True))


def persona_with(admin: User, rules: list[dict[str, Any]], name: str = "Weekend builders") -> Persona:
    persona = services.persona_create(actor=admin, name=name)
    services.persona_rules_set(actor=admin, persona=persona, rules=rules)
    return persona


def rules_of(persona: Persona) -> list[tuple[Any, ...]]:
    return [
        (r.question_id, r.operator, r.values, r.min_value, r.max_value) for r in persona.rules.order_by("id")
    ]


# --- Persona matching ---------------------------------------------------------------------------------
def test_any_of_matches_members_who_gave_one_of_the_answers(
    brand_admin: User, make_user: Any, often: ProfileQuestion
) -> None:
    weekend, evening, rarely, silent = (make_user() for _ in range(4))
    answer(weekend, often, "Every weekend")
    answer(evening, often, "Most evenings")
    answer(rarely, often, "Rarely")
    persona = persona_with(
        brand_admin,
        [{"question_id": often.pk, "operator": "any_of", "values": ["Every weekend", "Most evenings"]}],
    )
    assert members_of(persona) == {weekend.email, evening.email}
    assert selectors.persona_member_count(persona) == 2
    assert persona in selectors.personas_for_user(weekend)
    assert persona not in selectors.personas_for_user(silent)


def test_all_of_on_several_answers_needs_each_of_them(
    brand_admin: User, make_user: Any, themes: ProfileQuestion
) -> None:
    both, space_only, all_four = make_user(), make_user(), make_user()
    answer(both, themes, "Space", "Trains")
    answer(space_only, themes, "Space")
    answer(all_four, themes, "Space", "Castles", "Trains", "City")
    persona = persona_with(
        brand_admin, [{"question_id": themes.pk, "operator": "all_of", "values": ["Space", "Trains"]}]
    )
    assert members_of(persona) == {both.email, all_four.email}


def test_a_number_range_includes_its_bounds(brand_admin: User, make_user: Any, sets: ProfileQuestion) -> None:
    people = {n: make_user() for n in (9, 10, 20, 21)}
    for n, user in people.items():
        answer(user, sets, number=n)
    between = persona_with(
        brand_admin, [{"question_id": sets.pk, "operator": "between", "min_value": 10, "max_value": 20}]
    )
    assert members_of(between) == {people[10].email, people[20].email}
    at_least = persona_with(
        brand_admin,
        [{"question_id": sets.pk, "operator": "between", "min_value": "20.5"}],
        name="Big collectors",
    )
    assert members_of(at_least) == {people[21].email}


def test_several_rules_must_all_hold(
    brand_admin: User, make_user: Any, often: ProfileQuestion, sets: ProfileQuestion
) -> None:
    keen_big, keen_small, rare_big = make_user(), make_user(), make_user()
    answer(keen_big, often, "Every weekend")
    answer(keen_big, sets, number=30)
    answer(keen_small, often, "Every weekend")
    answer(keen_small, sets, number=2)
    answer(rare_big, often, "Rarely")
    answer(rare_big, sets, number=50)
    persona = persona_with(
        brand_admin,
        [
            {"question_id": often.pk, "operator": "any_of", "values": ["Every weekend"]},
            {"question_id": sets.pk, "operator": "between", "min_value": 10},
        ],
    )
    assert members_of(persona) == {keen_big.email}


def test_staff_include_and_exclude_whatever_the_answers_say(
    brand_admin: User, make_user: Any, often: ProfileQuestion
) -> None:
    fits, outsider = make_user(), make_user()
    answer(fits, often, "Every weekend")
    persona = persona_with(
        brand_admin, [{"question_id": often.pk, "operator": "any_of", "values": ["Every weekend"]}]
    )
    services.persona_override_set(actor=brand_admin, persona=persona, user=outsider, include=True)
    services.persona_override_set(actor=brand_admin, persona=persona, user=fits, include=False)
    assert members_of(persona) == {outsider.email}
    services.persona_override_set(actor=brand_admin, persona=persona, user=fits, include=None)
    assert members_of(persona) == {outsider.email, fits.email}
    assert persona.overrides.count() == 1


def test_a_persona_without_rules_holds_only_the_members_staff_include(
    brand_admin: User, make_user: Any, often: ProfileQuestion
) -> None:
    someone, chosen = make_user(), make_user()
    answer(someone, often, "Every weekend")
    persona = services.persona_create(actor=brand_admin, name="Hand-picked")
    assert members_of(persona) == set()
    services.persona_override_set(actor=brand_admin, persona=persona, user=chosen, include=True)
    assert members_of(persona) == {chosen.email}


# --- Rules that could never match ---------------------------------------------------------------------
def _refused_cases(often: ProfileQuestion, themes: ProfileQuestion, sets: ProfileQuestion) -> list[Any]:
    return [
        (
            [{"question_id": often.pk, "operator": "any_of", "values": ["Every day"]}],
            "rules.0.values",
            "is not one of the answers",
        ),
        (
            [{"question_id": often.pk, "operator": "all_of", "values": ["Every weekend", "Rarely"]}],
            "rules.0.operator",
            "takes a single answer",
        ),
        (
            [{"question_id": sets.pk, "operator": "between", "min_value": 20, "max_value": 10}],
            "rules.0.max_value",
            "is above the highest",
        ),
        (
            [{"question_id": sets.pk, "operator": "between", "min_value": 150}],
            "rules.0.min_value",
            "run from 0",
        ),
        (
            [
                {"question_id": sets.pk, "operator": "between", "min_value": 1, "max_value": 5},
                {"question_id": sets.pk, "operator": "between", "min_value": 10, "max_value": 20},
            ],
            "rules",
            "do not overlap",
        ),
        (
            [
                {"question_id": often.pk, "operator": "any_of", "values": ["Every weekend"]},
                {"question_id": often.pk, "operator": "any_of", "values": ["Rarely", "Most evenings"]},
            ],
            "rules",
            "no answer meets all its rules",
        ),
    ]


@pytest.mark.parametrize("case", range(6))
def test_a_rule_that_can_never_match_is_refused_and_the_rules_stay(
    case: int,
    brand_admin: User,
    often: ProfileQuestion,
    themes: ProfileQuestion,
    sets: ProfileQuestion,
) -> None:
    persona = persona_with(
        brand_admin, [{"question_id": themes.pk, "operator": "all_of", "values": ["Space", "City"]}]
    )
    before = rules_of(persona)
    rules, field, words = _refused_cases(often, themes, sets)[case]
    with pytest.raises(DomainError) as err:
        services.persona_rules_set(actor=brand_admin, persona=persona, rules=rules)
    assert err.value.field == field
    assert words in err.value.message
    assert rules_of(persona) == before


def test_overlapping_rules_on_one_question_are_accepted(
    brand_admin: User, often: ProfileQuestion, sets: ProfileQuestion
) -> None:
    persona = persona_with(
        brand_admin,
        [
            {"question_id": sets.pk, "operator": "between", "min_value": 1, "max_value": 10},
            {"question_id": sets.pk, "operator": "between", "min_value": 10, "max_value": 20},
            {"question_id": often.pk, "operator": "any_of", "values": ["Rarely", "Every weekend"]},
            {"question_id": often.pk, "operator": "any_of", "values": ["Every weekend"]},
        ],
    )
    assert len(rules_of(persona)) == 4


# --- Journeys and stages ------------------------------------------------------------------------------
def stage_names(journey: Journey) -> list[str]:
    return list(journey.stages.order_by("position").values_list("name", flat=True))


def test_a_journey_from_the_template_has_the_six_stages_in_order(brand_admin: User) -> None:
    journey = services.journey_create(actor=brand_admin, name="  Fan   journey ")
    assert journey.name == "Fan journey"
    assert stage_names(journey) == TEMPLATE
    assert list(journey.stages.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6]
    empty = services.journey_create(actor=brand_admin, name="Blank", from_template=False)
    assert stage_names(empty) == []


def test_stages_are_added_moved_and_renamed(brand_admin: User) -> None:
    journey = services.journey_create(actor=brand_admin, name="Fan journey")
    awareness = journey.stages.get(name="Awareness")
    services.stage_add(actor=brand_admin, journey=journey, name="Discovery", after=awareness)
    services.stage_add(actor=brand_admin, journey=journey, name="Farewell")
    assert stage_names(journey) == [
        "Awareness", "Discovery", "Consideration", "Purchase", "Development", "Usage", "Advocacy", "Farewell"
    ]  # fmt: skip
    discovery = journey.stages.get(name="Discovery")
    services.stage_move(actor=brand_admin, stage=discovery, offset=-1)
    services.stage_move(actor=brand_admin, stage=discovery, offset=-1)  # already first: stays
    farewell = journey.stages.get(name="Farewell")
    services.stage_move(actor=brand_admin, stage=farewell, offset=1)  # already last: stays
    services.stage_update(actor=brand_admin, stage=farewell, name=" Goodbye ", pain_points="Too few sets")
    assert stage_names(journey) == [
        "Discovery", "Awareness", "Consideration", "Purchase", "Development", "Usage", "Advocacy", "Goodbye"
    ]  # fmt: skip
    assert Stage.objects.get(pk=farewell.pk).pain_points == "Too few sets"
    with pytest.raises(DomainError) as err:
        services.stage_update(actor=brand_admin, stage=farewell, name="  ")
    assert err.value.field == "name"
    other = services.journey_create(actor=brand_admin, name="Other")
    with pytest.raises(DomainError):
        services.stage_add(actor=brand_admin, journey=other, name="X", after=discovery)


@pytest.fixture
def journey(brand_admin: User) -> Journey:
    return services.journey_create(actor=brand_admin, name="Fan journey")


def _stage(journey: Journey, name: str) -> Stage:
    return journey.stages.get(name=name)


def _point(admin: User, journey: Journey, stage: Stage, **kw: Any) -> ParticipationPoint:
    kw.setdefault("kind", PointKind.IDEA)
    kw.setdefault("title", "What should we build next?")
    return services.point_create(actor=admin, journey=journey, stage=stage, **kw)


def _contribute(point: ParticipationPoint, user: User, touchpoint: Touchpoint | None = None) -> Contribution:
    made = services.contribution_record(
        attribution=services.Attribution(point=point, touchpoint=touchpoint),
        kind=ContributionKind.IDEA,
        user=user,
        title="A lighthouse",
    )
    assert made is not None
    return made


def test_deleting_a_stage_with_points_is_refused_until_the_actor_chooses(
    brand_admin: User, member: User, journey: Journey
) -> None:
    usage = _stage(journey, "Usage")
    point = _point(brand_admin, journey, usage)
    _contribute(point, member)
    contents = services.stage_contents(usage)
    assert (contents.points, contents.contributions, contents.empty) == (1, 1, False)
    with pytest.raises(Conflict) as err:
        services.stage_delete(actor=brand_admin, stage=usage)
    assert "1 participation points with 1 contributions" in err.value.message
    assert Stage.objects.filter(pk=usage.pk).exists()
    assert ParticipationPoint.objects.filter(pk=point.pk).exists()
    assert Contribution.objects.filter(point=point).count() == 1


def test_deleting_a_stage_can_move_its_points_and_contributions(
    brand_admin: User, member: User, journey: Journey
) -> None:
    usage, advocacy = _stage(journey, "Usage"), _stage(journey, "Advocacy")
    touchpoint = services.touchpoint_add(actor=brand_admin, stage=usage, name="Instructions booklet")
    point = _point(brand_admin, journey, usage, touchpoint=touchpoint)
    contribution = _contribute(point, member, touchpoint)
    other = services.journey_create(actor=brand_admin, name="Other")
    with pytest.raises(DomainError) as err:
        services.stage_delete(actor=brand_admin, stage=usage, move_points_to=_stage(other, "Usage"))
    assert err.value.field == "move_points_to"
    services.stage_delete(actor=brand_admin, stage=usage, move_points_to=advocacy)
    point.refresh_from_db()
    contribution.refresh_from_db()
    assert (point.stage_id, point.touchpoint_id) == (advocacy.pk, None)
    assert (contribution.stage_id, contribution.point_id) == (advocacy.pk, point.pk)
    assert not Touchpoint.objects.filter(pk=touchpoint.pk).exists()
    assert stage_names(journey) == ["Awareness", "Consideration", "Purchase", "Development", "Advocacy"]
    assert list(journey.stages.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4, 5]


def test_deleting_a_stage_deletes_its_points_when_told(
    brand_admin: User, member: User, journey: Journey
) -> None:
    usage = _stage(journey, "Usage")
    point = _point(brand_admin, journey, usage)
    _contribute(point, member)
    kept = _point(brand_admin, journey, _stage(journey, "Awareness"), title="Kept")
    services.stage_delete(actor=brand_admin, stage=usage, delete_points=True)
    assert not ParticipationPoint.objects.filter(pk=point.pk).exists()
    assert not Contribution.objects.filter(point_id=point.pk).exists()
    assert ParticipationPoint.objects.filter(pk=kept.pk).exists()
    assert "Usage" not in stage_names(journey)


def test_an_empty_stage_is_deleted_with_its_touchpoints_and_feelings(
    brand_admin: User, journey: Journey
) -> None:
    purchase = _stage(journey, "Purchase")
    services.touchpoint_add(actor=brand_admin, stage=purchase, name="Store", channel="store")
    persona = services.persona_create(actor=brand_admin, name="Parents")
    services.emotion_set(actor=brand_admin, stage=purchase, persona=persona, score=-1)
    services.stage_delete(actor=brand_admin, stage=purchase)
    assert not Touchpoint.objects.filter(stage_id=purchase.pk).exists()
    assert not StageEmotion.objects.filter(stage_id=purchase.pk).exists()


def test_emotion_scores_run_from_minus_two_to_plus_two(brand_admin: User, journey: Journey) -> None:
    stage = _stage(journey, "Purchase")
    persona = services.persona_create(actor=brand_admin, name="Parents")
    services.emotion_set(actor=brand_admin, stage=stage, persona=persona, score=2)
    services.emotion_set(actor=brand_admin, stage=stage, persona=persona, score=-2)
    assert StageEmotion.objects.get(stage=stage, persona=persona).score == -2
    with pytest.raises(DomainError) as err:
        services.emotion_set(actor=brand_admin, stage=stage, persona=persona, score=3)
    assert err.value.field == "score"
    services.emotion_set(actor=brand_admin, stage=stage, persona=persona, score=None)
    assert not StageEmotion.objects.filter(stage=stage).exists()


# --- Participation points -----------------------------------------------------------------------------
def test_a_touchpoint_of_another_stage_is_refused(brand_admin: User, journey: Journey) -> None:
    awareness, usage = _stage(journey, "Awareness"), _stage(journey, "Usage")
    booklet = services.touchpoint_add(actor=brand_admin, stage=usage, name="Booklet", channel="packaging")
    with pytest.raises(DomainError) as err:
        _point(brand_admin, journey, awareness, touchpoint=booklet)
    assert err.value.field == "touchpoint"
    assert not ParticipationPoint.objects.exists()
    point = _point(brand_admin, journey, usage, touchpoint=booklet)
    with pytest.raises(DomainError) as err:
        services.point_update(actor=brand_admin, point=point, stage=awareness, touchpoint=booklet)
    assert err.value.field == "touchpoint"
    assert ParticipationPoint.objects.get(pk=point.pk).stage_id == usage.pk


@pytest.mark.parametrize(
    ("options", "ok"),
    [
        (["Red"], False),
        (["Red", " Red "], False),
        ([f"Option {i}" for i in range(13)], False),
        (["Red", "Blue"], True),
        ([f"Option {i}" for i in range(12)], True),
    ],
)
def test_a_poll_needs_two_to_twelve_options(
    brand_admin: User, journey: Journey, options: list[str], ok: bool
) -> None:
    stage = _stage(journey, "Development")
    if ok:
        point = _point(brand_admin, journey, stage, kind=PointKind.POLL, poll_options=options)
        assert point.poll_options == options
        return
    with pytest.raises(DomainError) as err:
        _point(brand_admin, journey, stage, kind=PointKind.POLL, poll_options=options)
    assert err.value.field == "poll_options"
    assert not ParticipationPoint.objects.exists()


def test_allowed_origins_are_normalised_and_garbage_refused(brand_admin: User, journey: Journey) -> None:
    stage = _stage(journey, "Usage")
    point = _point(
        brand_admin,
        journey,
        stage,
        allowed_origins=["https://Shop.Example.com/some/page?x=1", "http://localhost:8000/", "  "],
    )
    assert point.allowed_origins == ["http://localhost:8000", "https://shop.example.com"]
    for garbage in [
        "javascript:alert(1)",
        "shop.example.com",
        "https://user:pw@shop.example.com",
        "ftp://x.org",
    ]:
        with pytest.raises(DomainError) as err:
            services.point_update(actor=brand_admin, point=point, allowed_origins=[garbage])
        assert err.value.field == "allowed_origins"
    assert ParticipationPoint.objects.get(pk=point.pk).allowed_origins == [
        "http://localhost:8000",
        "https://shop.example.com",
    ]


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_members_and_moderators_cannot_design(
    role: str, make_user: Any, brand_admin: User, journey: Journey, often: ProfileQuestion
) -> None:
    actor = make_user(role)
    stage = _stage(journey, "Usage")
    persona = services.persona_create(actor=brand_admin, name="Parents")
    attempts = [
        lambda: services.journey_create(actor=actor, name="Mine"),
        lambda: services.journey_update(actor=actor, journey=journey, name="Mine"),
        lambda: services.stage_add(actor=actor, journey=journey, name="Mine"),
        lambda: services.stage_move(actor=actor, stage=stage, offset=1),
        lambda: services.stage_delete(actor=actor, stage=stage),
        lambda: services.touchpoint_add(actor=actor, stage=stage, name="Mine"),
        lambda: services.emotion_set(actor=actor, stage=stage, persona=persona, score=1),
        lambda: services.persona_create(actor=actor, name="Mine"),
        lambda: services.persona_rules_set(
            actor=actor,
            persona=persona,
            rules=[{"question_id": often.pk, "operator": "any_of", "values": ["Rarely"]}],
        ),
        lambda: services.persona_override_set(actor=actor, persona=persona, user=actor, include=True),
        lambda: _point(actor, journey, stage),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    assert stage_names(journey) == TEMPLATE
    assert not persona.rules.exists() and not persona.overrides.exists()
    assert not ParticipationPoint.objects.exists()


# --- Attribution --------------------------------------------------------------------------------------
def test_a_tracked_link_attributes_later_contributions(
    client: Any, brand_admin: User, member: User, journey: Journey
) -> None:
    usage = _stage(journey, "Usage")
    booklet = services.touchpoint_add(actor=brand_admin, stage=usage, name="Booklet", channel="packaging")
    point = _point(brand_admin, journey, usage)
    assert client.get(f"/?pp={point.public_id}&tp={booklet.pk}").status_code == 200
    assert client.session[services.SESSION_KEY]["point"] == point.pk
    made = services.contribution_record(
        attribution=services.attribution_from_session(client.session),
        kind=ContributionKind.IDEA,
        user=member,
        title="A lighthouse",
    )
    assert made is not None
    saved = Contribution.objects.get()
    assert (saved.point_id, saved.stage_id, saved.touchpoint_id) == (point.pk, usage.pk, booklet.pk)
    assert (saved.user_id, saved.source, saved.status) == (member.pk, "link", "confirmed")


def test_a_touchpoint_of_another_stage_in_the_link_is_dropped(
    client: Any, brand_admin: User, journey: Journey
) -> None:
    usage, awareness = _stage(journey, "Usage"), _stage(journey, "Awareness")
    elsewhere = services.touchpoint_add(actor=brand_admin, stage=awareness, name="Ad")
    point = _point(brand_admin, journey, usage)
    client.get(f"/?pp={point.public_id}&tp={elsewhere.pk}")
    attribution = services.attribution_from_session(client.session)
    assert attribution is not None
    assert (attribution.point.pk, attribution.touchpoint) == (point.pk, None)


@pytest.mark.parametrize("forged", ["9de1c85f-b81a-46d4-8f3a-2addf5ff6de3", "not-an-id", "1", "' OR 1=1 --"])
def test_a_forged_point_id_is_ignored(client: Any, member: User, forged: str) -> None:
    response = client.get("/", {"pp": forged})
    assert response.status_code == 200
    assert services.SESSION_KEY not in client.session
    made = services.contribution_record(
        attribution=services.attribution_from_session(client.session), kind=ContributionKind.IDEA, user=member
    )
    assert made is None
    assert not Contribution.objects.exists()


def test_a_closed_point_no_longer_attributes(
    client: Any, brand_admin: User, member: User, journey: Journey
) -> None:
    point = _point(brand_admin, journey, _stage(journey, "Usage"))
    client.get("/", {"pp": str(point.public_id)})
    services.point_update(actor=brand_admin, point=point, status="closed")
    assert services.attribution_from_session(client.session) is None


def test_a_sign_up_after_following_a_link_counts_for_the_point(
    client: Any, brand_admin: User, journey: Journey
) -> None:
    point = _point(brand_admin, journey, _stage(journey, "Awareness"))
    client.get("/", {"pp": str(point.public_id)})
    response = client.post(
        reverse("account_signup"),
        {
            "email": "newfan@example.com",
            "password1": "a-long-enough-pass-77",
            "password2": "a-long-enough-pass-77",
            "display_name": "New Fan",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302, response.content
    user = User.objects.get(email="newfan@example.com")
    signup = Contribution.objects.get(kind=ContributionKind.SIGNUP)
    assert (signup.user_id, signup.point_id, signup.stage_id) == (user.pk, point.pk, point.stage_id)
    assert (signup.target_type, signup.target_id) == ("accounts.user", user.pk)


def test_a_sign_up_without_a_link_records_nothing(client: Any) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "plain@example.com",
            "password1": "a-long-enough-pass-77",
            "password2": "a-long-enough-pass-77",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="plain@example.com").exists()
    assert not Contribution.objects.exists()
