"""The taxonomy and synonyms, members' skills and availability, opportunities, and applications with their
seat rules and permissions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreate.accounts.models import Role, User
from cocreate.challenges.services import ideas as idea_services
from cocreate.core.errors import Conflict, DomainError, NotAllowed
from cocreate.notifications.models import Notification
from cocreate.talent import selectors, services
from cocreate.talent.models import (
    Application,
    ApplicationStatus,
    MemberSkill,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Skill,
    SkillSynonym,
    TalentProfile,
)
from cocreate.talent.taxonomy import STARTER_SKILLS

pytestmark = pytest.mark.django_db


def opportunity(owner: User, seats: int = 2, **extra: Any) -> Opportunity:
    return services.opportunity_create(
        actor=owner,
        kind=extra.pop("kind", OpportunityKind.PROJECT),
        title=extra.pop("title", "Research for a refill app"),
        requirements=extra.pop("requirements", [{"skill": "UX research", "weight": 3, "min_level": 3}]),
        seats=seats,
        **extra,
    )


# --- Taxonomy -----------------------------------------------------------------------------------------
def test_the_starter_taxonomy_loads_once(taxonomy: int) -> None:
    assert taxonomy == len(STARTER_SKILLS) == Skill.objects.count()
    assert services.taxonomy_seed() == 0
    ux = Skill.objects.get(name="UX research")
    assert {"user research", "design research"} <= {s.alias for s in ux.synonyms.all()}
    assert "User interviews" in {s.name for s in ux.related.all()}
    assert ux in Skill.objects.get(name="User interviews").related.all()  # links go both ways


@pytest.mark.parametrize(
    "text", ["user research", "User-Research", "  USER   research ", "UX Research", "ux-research"]
)
def test_synonyms_and_spellings_resolve_to_one_skill(taxonomy: int, text: str) -> None:
    assert selectors.skill_resolve(text=text).name == "UX research"


def test_an_unknown_skill_is_a_clear_error_with_suggestions(taxonomy: int) -> None:
    with pytest.raises(DomainError) as err:
        selectors.skill_resolve(text="UX reserch")
    assert err.value.field == "skill"
    assert "not a skill we know" in err.value.message and "UX research" in err.value.message
    with pytest.raises(DomainError, match="Pick one from the skills list"):
        selectors.skill_resolve(text="zzzz qqqq")


def test_search_finds_skills_by_synonym_exact_first(taxonomy: int) -> None:
    found = selectors.skill_list(query="cad")
    assert found[0].name == "CAD modelling"
    assert "Frontend development" in {s.name for s in selectors.skill_list(query="react")}


def test_staff_manage_the_taxonomy_and_names_stay_unique(taxonomy: int, staff: User, member: User) -> None:
    with pytest.raises(NotAllowed):
        services.skill_create(actor=member, name="Perfumery")
    skill = services.skill_create(
        actor=staff,
        name="Perfumery",
        category="engineering",
        description="Creating fragrances.",
        synonyms=["fragrance design"],
    )
    assert selectors.skill_resolve(text="Fragrance design") == skill
    before = Skill.objects.get(pk=skill.pk).updated_at
    with pytest.raises(Conflict, match="already names the skill UX research"):
        services.synonym_add(actor=staff, skill=skill, alias="user research")
    with pytest.raises(Conflict):
        services.skill_create(actor=staff, name="ux research")
    with pytest.raises(Conflict):
        services.synonym_add(actor=staff, skill=skill, alias="Perfumery")
    services.synonym_add(actor=staff, skill=skill, alias="nose")
    assert Skill.objects.get(pk=skill.pk).updated_at > before  # the taxonomy version moves
    services.related_set(actor=staff, skill=skill, related=[Skill.objects.get(name="Formulation chemistry")])
    assert skill in Skill.objects.get(name="Formulation chemistry").related.all()
    services.skill_update(actor=staff, skill=skill, name="Fragrance design", category="engineering")
    assert not SkillSynonym.objects.filter(skill=skill, alias="fragrance design").exists()
    assert selectors.skill_resolve(text="nose").name == "Fragrance design"


# --- Members ------------------------------------------------------------------------------------------
def test_member_skills_resolve_free_text_and_bad_input_changes_nothing(taxonomy: int, member: User) -> None:
    services.member_skills_set(
        actor=member,
        user=member,
        skills=[{"skill": "user research", "level": 4}, {"skill": "CAD", "level": 2, "years": 3}],
    )
    assert {(s.skill.name, s.level) for s in selectors.member_skills(user=member)} == {
        ("UX research", 4),
        ("CAD modelling", 2),
    }
    with pytest.raises(DomainError) as err:
        services.member_skills_set(
            actor=member,
            user=member,
            skills=[
                {"skill": "SQL", "level": 3},
                {"skill": "basket weaving", "level": 3},
                {"skill": "sql", "level": 9},
            ],
        )
    assert err.value.field == "skills" and len(err.value.errors) >= 2
    assert MemberSkill.objects.filter(user=member).count() == 2  # unchanged
    with pytest.raises(DomainError, match="listed twice"):
        services.member_skills_set(
            actor=member, user=member, skills=[{"skill": "SQL"}, {"skill": "sql queries"}]
        )


def test_only_the_member_edits_their_skills(taxonomy: int, member: User, other_member: User) -> None:
    with pytest.raises(NotAllowed):
        services.member_skill_add(actor=other_member, user=member, skill="SQL")
    with pytest.raises(NotAllowed):
        services.availability_set(actor=other_member, user=member, hours_per_week=4)


def test_availability_is_checked(taxonomy: int, member: User) -> None:
    with pytest.raises(DomainError) as err:
        services.availability_set(
            actor=member,
            user=member,
            hours_per_week=5,
            available_from=date(2027, 2, 1),
            available_until=date(2027, 1, 1),
        )
    assert err.value.field == "available_until"
    with pytest.raises(DomainError):
        services.availability_set(actor=member, user=member, hours_per_week=100)
    profile = services.availability_set(
        actor=member, user=member, hours_per_week=6, available_from=date(2027, 1, 1)
    )
    assert (profile.hours_per_week, profile.available_until) == (6, None)


def test_every_change_moves_the_profile_clock(taxonomy: int, member: User) -> None:
    services.member_skill_add(actor=member, user=member, skill="SQL", level=3)
    first = TalentProfile.objects.get(user=member).changed_at
    services.member_skill_remove(actor=member, user=member, skill=Skill.objects.get(name="SQL"))
    assert TalentProfile.objects.get(user=member).changed_at >= first
    assert not MemberSkill.objects.filter(user=member).exists()


# --- Opportunities ------------------------------------------------------------------------------------
def test_opening_an_opportunity(taxonomy: int, staff: User, member: User) -> None:
    with pytest.raises(NotAllowed):
        opportunity(member)
    with pytest.raises(DomainError) as err:
        opportunity(staff, requirements=[{"skill": "basket weaving"}])
    assert err.value.field == "requirements"
    with pytest.raises(DomainError) as err:
        opportunity(staff, requirements=[])
    assert err.value.field == "requirements"
    with pytest.raises(DomainError) as err:
        opportunity(staff, starts_on=date(2027, 3, 1), ends_on=date(2027, 2, 1))
    assert err.value.field == "ends_on"
    with pytest.raises(DomainError) as err:
        opportunity(staff, kind=OpportunityKind.IDEA_TEAM)
    assert err.value.field == "idea"
    assert not Opportunity.objects.exists()
    made = opportunity(
        staff, requirements=[{"skill": "user research", "weight": 2, "min_level": 4}, {"skill": "SQL"}]
    )
    assert [(r.skill.name, r.weight, r.min_level) for r in made.requirements.all()] == [
        ("UX research", 2, 4),
        ("SQL", 1, 1),
    ]


def test_an_idea_author_opens_a_team_for_their_own_idea_only(
    taxonomy: int, brand_admin: User, member: User, other_member: User
) -> None:
    challenge = idea_services.challenge_create(
        actor=brand_admin, title="Refills", ladder=[{"at": 0, "days": 60}]
    )
    idea = idea_services.idea_create(
        actor=member,
        challenge=challenge,
        title="A refill station for shampoo",
        description="Bring your own bottle and refill it at the shop.",
        tags="",
    )
    team = opportunity(member, kind=OpportunityKind.IDEA_TEAM, idea=idea)
    assert team.owner == member and team.idea == idea
    with pytest.raises(NotAllowed):
        opportunity(other_member, kind=OpportunityKind.IDEA_TEAM, idea=idea)


# --- Applications -------------------------------------------------------------------------------------
def test_apply_once_decide_and_notify(
    taxonomy: int, staff: User, member: User, django_capture_on_commit_callbacks: Any
) -> None:
    opp = opportunity(staff)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(
            actor=member, opportunity=opp, note="I ran 40 interviews last year."
        )
    assert application.status == ApplicationStatus.PENDING
    with pytest.raises(Conflict, match="already applied"):
        services.application_submit(actor=member, opportunity=opp)
    assert Application.objects.count() == 1
    assert Notification.objects.filter(user=staff, title__contains="applied to").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(actor=staff, application=application, accept=True)
    assert Notification.objects.filter(user=member, title__contains="You are in").count() == 1
    opp.refresh_from_db()
    assert (opp.seats_taken, opp.status) == (1, OpportunityStatus.OPEN)
    with pytest.raises(Conflict, match="already decided"):
        services.application_decide(actor=staff, application=application, accept=False)
    assert Opportunity.objects.get(pk=opp.pk).seats_taken == 1


def test_seats_are_never_exceeded_and_withdrawal_frees_one(
    taxonomy: int, staff: User, make_user: Callable[..., User]
) -> None:
    opp = opportunity(staff, seats=2)
    people = [make_user() for _ in range(3)]
    apps = [services.application_submit(actor=p, opportunity=opp) for p in people]
    services.application_decide(actor=staff, application=apps[0], accept=True)
    services.application_decide(actor=staff, application=apps[1], accept=True)
    opp.refresh_from_db()
    assert (opp.seats_taken, opp.status) == (2, OpportunityStatus.FILLED)
    with pytest.raises(Conflict):
        services.application_decide(actor=staff, application=apps[2], accept=True)
    assert Application.objects.get(pk=apps[2].pk).status == ApplicationStatus.PENDING
    with pytest.raises(Conflict, match="not taking applications"):
        services.application_submit(actor=make_user(), opportunity=opp)
    services.application_withdraw(actor=people[0], application=apps[0])
    opp.refresh_from_db()
    assert (opp.seats_taken, opp.status) == (1, OpportunityStatus.OPEN)
    services.application_decide(actor=staff, application=apps[2], accept=True)
    assert Opportunity.objects.get(pk=opp.pk).seats_taken == 2


def test_all_seats_taken_message_is_clear(
    taxonomy: int, staff: User, member: User, other_member: User
) -> None:
    opp = opportunity(staff, seats=1)
    first = services.application_submit(actor=member, opportunity=opp)
    Opportunity.objects.filter(pk=opp.pk).update(seats_taken=1)  # the seat went meanwhile, status not yet
    with pytest.raises(Conflict, match="All 1 seats are taken"):
        services.application_decide(actor=staff, application=first, accept=True)


def test_who_may_do_what_with_applications(
    taxonomy: int, staff: User, member: User, other_member: User
) -> None:
    opp = opportunity(staff)
    with pytest.raises(NotAllowed):
        services.application_submit(actor=staff, opportunity=opp)  # the owner
    application = services.application_submit(actor=member, opportunity=opp)
    with pytest.raises(NotAllowed):
        services.application_decide(actor=other_member, application=application, accept=True)
    with pytest.raises(NotAllowed):
        services.application_decide(actor=member, application=application, accept=True)
    with pytest.raises(NotAllowed):
        services.application_withdraw(actor=other_member, application=application)
    services.application_withdraw(actor=member, application=application)
    with pytest.raises(Conflict):
        services.application_withdraw(actor=member, application=application)
    again = services.application_submit(actor=member, opportunity=opp, note="Second thoughts")
    assert (again.pk, again.status, again.note) == (
        application.pk,
        ApplicationStatus.PENDING,
        "Second thoughts",
    )
    services.opportunity_close(actor=staff, opportunity=opp)
    with pytest.raises(Conflict, match="closed"):
        services.application_decide(actor=staff, application=again, accept=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(["accept", "decline", "withdraw"])), max_size=20
    )
)
def test_seat_count_always_equals_accepted_applications(
    taxonomy: int, staff: User, make_user: Callable[..., User], steps: list[tuple[int, str]]
) -> None:
    opp = opportunity(staff, seats=2, title=f"Hypothesis {len(steps)}")
    people = [make_user() for _ in range(5)]
    apps = [services.application_submit(actor=p, opportunity=opp) for p in people]
    for who, action in steps:
        application = Application.objects.get(pk=apps[who].pk)
        try:
            if action == "withdraw":
                services.application_withdraw(actor=people[who], application=application)
            else:
                services.application_decide(actor=staff, application=application, accept=action == "accept")
        except Conflict:
            pass
        opp.refresh_from_db()
        accepted = Application.objects.filter(opportunity=opp, status=ApplicationStatus.ACCEPTED).count()
        assert opp.seats_taken == accepted <= opp.seats
        assert (opp.status == OpportunityStatus.FILLED) == (accepted == opp.seats)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_never_overfill() -> None:
    import threading

    from django.db import connections

    from cocreate.accounts import services as account_services

    services.taxonomy_seed()
    staff = account_services.user_create_verified(
        actor=None, email="s@example.com", role=Role.ADMIN, password="pw-long-enough-123", display_name="S"
    )
    opp = opportunity(staff, seats=3)
    apps = []
    for i in range(12):
        user = account_services.user_create_verified(
            actor=None,
            email=f"m{i}@example.com",
            role=Role.MEMBER,
            password="pw-long-enough-123",
            display_name=f"M{i}",
        )
        apps.append(services.application_submit(actor=user, opportunity=opp))
    results: list[str] = []
    barrier = threading.Barrier(len(apps))

    def accept(application: Application) -> None:
        try:
            barrier.wait()
            services.application_decide(actor=staff, application=application, accept=True)
            results.append("ok")
        except Conflict:
            results.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    opp.refresh_from_db()
    assert results.count("ok") == 3 and results.count("full") == 9
    assert (
        opp.seats_taken
        == 3
        == Application.objects.filter(opportunity=opp, status=ApplicationStatus.ACCEPTED).count()
    )
    assert opp.status == OpportunityStatus.FILLED
