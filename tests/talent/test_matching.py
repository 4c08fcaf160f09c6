"""Ranked matches both ways, with reasons: skills by meaning and level, availability, past participation,
and the in-memory matrix following changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from cocreate.accounts.models import User
from cocreate.challenges.services import ideas as idea_services
from cocreate.talent import selectors, services
from cocreate.talent.models import OpportunityKind

pytestmark = pytest.mark.django_db


def research(owner: User, **extra: Any) -> Any:
    return services.opportunity_create(
        actor=owner,
        kind=OpportunityKind.PROJECT,
        title="Research for a refill app",
        requirements=extra.pop(
            "requirements",
            [{"skill": "UX research", "weight": 3, "min_level": 3}, {"skill": "Prototyping", "weight": 1}],
        ),
        hours_per_week=extra.pop("hours_per_week", 6),
        seats=2,
        **extra,
    )


def names(matches: list[Any]) -> list[str]:
    return [m.display_name for m in matches]


def test_ranking_by_skills_with_reasons(taxonomy: int, staff: User, person: Callable[..., User]) -> None:
    person("Ana Exact", {"UX research": 4, "Prototyping": 3}, hours=8)
    person("Ben Close", {"user interviews": 5, "usability testing": 4}, hours=8)
    person("Cleo Low", {"UX research": 1}, hours=8)
    person("Dev Unrelated", {"SQL": 5, "Backend development": 5}, hours=8)
    matches = selectors.match_for_opportunity(opportunity=research(staff))
    assert names(matches) == ["Ana Exact", "Ben Close", "Cleo Low"]  # nothing in common: not listed
    best, close, low = matches
    assert (
        best.reasons[0].required == "UX research" and best.reasons[0].exact and best.reasons[0].percent == 100
    )
    assert close.reasons[0].matched in {"User interviews", "Usability testing"} and not close.reasons[0].exact
    assert 30 < close.reasons[0].percent < 100
    # Staff linked usability testing to prototyping: it covers it in part.
    assert (close.reasons[1].matched, close.reasons[1].percent) == ("Usability testing", 60)
    assert low.reasons[0].level == 1 and low.reasons[0].min_level == 3 and low.reasons[0].percent < 100
    assert best.percent > close.percent > low.percent


def test_availability_decides_between_equal_skills(
    taxonomy: int, staff: User, person: Callable[..., User]
) -> None:
    person("Busy", {"UX research": 4}, hours=2)
    person("Free", {"UX research": 4}, hours=10)
    person("Away", {"UX research": 4}, hours=10, available_from=date(2031, 1, 1))
    opp = research(staff, starts_on=date(2030, 1, 1), ends_on=date(2030, 3, 31))
    matches = selectors.match_for_opportunity(opportunity=opp)
    assert names(matches) == ["Free", "Busy", "Away"]
    assert matches[0].availability_percent == 100 and matches[2].availability_percent == 0


def test_past_participation_decides_between_equals(
    taxonomy: int, staff: User, brand_admin: User, person: Callable[..., User]
) -> None:
    first = person("First", {"UX research": 4}, hours=6)
    active = person("Active", {"UX research": 4}, hours=6)
    challenge = idea_services.challenge_create(
        actor=brand_admin, title="Refills", ladder=[{"at": 0, "days": 60}]
    )
    for n in range(3):
        idea_services.idea_create(
            actor=active,
            challenge=challenge,
            title=f"Refill idea number {n}",
            description="A refill station in every shop, with a deposit on the bottle.",
            tags="",
        )
    matches = selectors.match_for_opportunity(opportunity=research(staff))
    assert names(matches) == ["Active", "First"]
    assert matches[0].participation.ideas == 3 and matches[1].participation.total == 0
    assert first.pk == matches[1].user_id


def test_owner_applicants_and_inactive_members(
    taxonomy: int, staff: User, person: Callable[..., User]
) -> None:
    services.member_skill_add(actor=staff, user=staff, skill="UX research", level=5)
    applied = person("Applied", {"UX research": 4})
    gone = person("Gone", {"UX research": 5})
    person("Invite me", {"UX research": 3})
    opp = research(staff)
    services.application_submit(actor=applied, opportunity=opp)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    everyone = selectors.match_for_opportunity(opportunity=opp)
    assert names(everyone) == ["Applied", "Invite me"]
    assert everyone[0].application_status == "pending"
    assert names(selectors.match_for_opportunity(opportunity=opp, exclude_applied=True)) == ["Invite me"]


def test_the_matrix_follows_changes(taxonomy: int, staff: User, person: Callable[..., User]) -> None:
    opp = research(staff)
    late = person("Late", {"SQL": 3})
    assert selectors.match_for_opportunity(opportunity=opp) == []
    services.member_skill_add(actor=late, user=late, skill="user research", level=4)
    assert names(selectors.match_for_opportunity(opportunity=opp)) == ["Late"]
    services.member_skills_set(actor=late, user=late, skills=[{"skill": "SQL", "level": 3}])
    assert selectors.match_for_opportunity(opportunity=opp) == []
    # A taxonomy change (a new synonym) rebuilds the similarity and the matrix.
    services.synonym_add(
        actor=staff, skill=services.Skill.objects.get(name="UX research"), alias="customer discovery"
    )
    services.member_skill_add(actor=late, user=late, skill="customer discovery", level=5)
    assert names(selectors.match_for_opportunity(opportunity=opp)) == ["Late"]


def test_opportunities_for_a_member(taxonomy: int, staff: User, person: Callable[..., User]) -> None:
    me = person("Me", {"user interviews": 4, "Workshop facilitation": 5}, hours=4)
    research(staff)
    workshop = services.opportunity_create(
        actor=staff,
        kind=OpportunityKind.WORKSHOP_ROLE,
        title="Co-facilitator",
        requirements=[{"skill": "facilitation", "weight": 3, "min_level": 3}],
        hours_per_week=4,
    )
    services.opportunity_create(
        actor=staff, kind=OpportunityKind.PROJECT, title="Data pipeline", requirements=[{"skill": "ETL"}]
    )
    found = selectors.match_for_member(user=me)
    assert [m.opportunity.title for m in found] == ["Co-facilitator", "Research for a refill app"]
    assert found[0].reasons[0].exact and found[0].percent > found[1].percent
    services.application_submit(actor=me, opportunity=workshop)
    assert [m.opportunity.title for m in selectors.match_for_member(user=me)] == ["Research for a refill app"]


def test_staffing_view_rows(taxonomy: int, staff: User, person: Callable[..., User]) -> None:
    accepted = person("In", {"UX research": 4})
    person("Candidate", {"UX research": 3})
    opp = research(staff)
    application = services.application_submit(actor=accepted, opportunity=opp)
    services.application_decide(actor=staff, application=application, accept=True)
    (row,) = selectors.staffing()
    assert row.opportunity == opp and [a.user for a in row.accepted] == [accepted]
    assert names(row.invite) == ["Candidate"] and row.pending == 0


def test_the_similarity_matrix_is_computed_once_per_taxonomy_version(
    taxonomy: int, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cocreate.talent import matching

    first = matching.taxonomy()
    matching.reset()  # another process: nothing in memory, the Django cache has it

    def boom(version: str) -> Any:
        raise AssertionError("recomputed")

    monkeypatch.setattr(matching, "_compute", boom)
    again = matching.taxonomy()
    assert again.version == first.version and (again.sim == first.sim).all()
    services.synonym_add(
        actor=staff, skill=services.Skill.objects.get(name="SQL"), alias="structured query language"
    )
    with pytest.raises(AssertionError, match="recomputed"):
        matching.taxonomy()  # a new version
