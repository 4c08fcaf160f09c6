"""Changing an opportunity after it is open: who may, what may change, seats never below those taken,
matches following the change, the edit page's errors in place and the PATCH API's error shape."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreate.accounts.models import Role, User
from cocreate.challenges.services import ideas as idea_services
from cocreate.core.errors import Conflict, DomainError, NotAllowed
from cocreate.talent import selectors, services
from cocreate.talent.models import (
    Application,
    ApplicationStatus,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    RequiredSkill,
)
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.fixture
def opp(taxonomy: int, staff: User) -> Opportunity:
    return services.opportunity_create(
        actor=staff,
        kind=OpportunityKind.PROJECT,
        title="Refill app research",
        description="We need interviews.",
        requirements=[{"skill": "UX research", "weight": 3, "min_level": 3}],
        hours_per_week=4,
        seats=2,
    )


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def accept(staff: User, opportunity: Opportunity, user: User) -> Application:
    application = services.application_submit(actor=user, opportunity=opportunity)
    return services.application_decide(actor=staff, application=application, accept=True)


def snapshot(opportunity: Opportunity) -> tuple[Any, ...]:
    o = Opportunity.objects.get(pk=opportunity.pk)
    needs = sorted(
        RequiredSkill.objects.filter(opportunity=o).values_list("skill__name", "weight", "min_level")
    )
    return (o.title, o.description, o.hours_per_week, o.starts_on, o.ends_on, o.seats, o.status, needs)


# --- The service --------------------------------------------------------------------------------------
def test_only_given_fields_change(opp: Opportunity, staff: User) -> None:
    updated = services.opportunity_update(actor=staff, opportunity=opp, title="  Refill   interviews ")
    assert updated.title == "Refill interviews"
    assert (updated.description, updated.hours_per_week, updated.seats) == ("We need interviews.", 4, 2)
    assert [r.skill.name for r in updated.requirements.all()] == ["UX research"]
    assert updated.updated_at > opp.updated_at


def test_requirements_are_replaced_as_a_set_through_synonyms(opp: Opportunity, staff: User) -> None:
    updated = services.opportunity_update(
        actor=staff,
        opportunity=opp,
        requirements=[{"skill": "CAD", "weight": 5, "min_level": 4}, {"skill": "user research"}],
    )
    needs = {r.skill.name: (r.weight, r.min_level) for r in updated.requirements.all()}
    assert needs == {"CAD modelling": (5, 4), "UX research": (1, 1)}


def test_bad_input_is_reported_by_field_and_changes_nothing(opp: Opportunity, staff: User) -> None:
    before = snapshot(opp)
    with pytest.raises(DomainError) as exc:
        services.opportunity_update(
            actor=staff,
            opportunity=opp,
            title="Changed",
            hours_per_week=99,
            requirements=[{"skill": "Underwater basket weavng"}],
        )
    fields = {e.field for e in exc.value.errors}
    assert {"hours_per_week", "requirements"} <= fields
    with pytest.raises(DomainError) as exc:
        services.opportunity_update(actor=staff, opportunity=opp, title="Changed", requirements=[])
    assert exc.value.field == "requirements"
    with pytest.raises(DomainError) as exc:
        services.opportunity_update(
            actor=staff, opportunity=opp, starts_on=date(2030, 5, 1), ends_on=date(2030, 4, 1)
        )
    assert exc.value.field == "ends_on"
    assert snapshot(opp) == before


def test_dates_can_be_cleared_and_checked_against_the_stored_one(opp: Opportunity, staff: User) -> None:
    services.opportunity_update(actor=staff, opportunity=opp, starts_on=date(2030, 5, 1))
    with pytest.raises(DomainError) as exc:
        services.opportunity_update(actor=staff, opportunity=opp, ends_on=date(2030, 4, 1))
    assert exc.value.field == "ends_on"
    updated = services.opportunity_update(actor=staff, opportunity=opp, starts_on=None)
    assert updated.starts_on is None


def test_who_may_edit(opp: Opportunity, member: User) -> None:
    with pytest.raises(NotAllowed):
        services.opportunity_update(actor=member, opportunity=opp, title="Mine now")
    with pytest.raises(NotAllowed):
        services.opportunity_update(actor=AnonymousUser(), opportunity=opp, title="x")
    assert Opportunity.objects.get(pk=opp.pk).title == "Refill app research"


def test_seats_never_below_taken_and_status_follows(
    opp: Opportunity, staff: User, person: Callable[..., User]
) -> None:
    a, b = person("Ada", {"UX research": 4}), person("Bo", {"UX research": 4})
    accept(staff, opp, a)
    accept(staff, opp, b)
    assert Opportunity.objects.get(pk=opp.pk).status == OpportunityStatus.FILLED
    before = snapshot(opp)
    with pytest.raises(Conflict) as exc:
        services.opportunity_update(actor=staff, opportunity=opp, title="Fewer", seats=1)
    assert exc.value.field == "seats" and "2" in exc.value.message
    assert snapshot(opp) == before
    reopened = services.opportunity_update(actor=staff, opportunity=opp, seats=3)
    assert (reopened.status, reopened.seats_left) == (OpportunityStatus.OPEN, 1)
    filled = services.opportunity_update(actor=staff, opportunity=opp, seats=2)
    assert filled.status == OpportunityStatus.FILLED
    services.opportunity_close(actor=staff, opportunity=opp)
    assert (
        services.opportunity_update(actor=staff, opportunity=opp, seats=5).status == OpportunityStatus.CLOSED
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(taken=st.integers(0, 4), wanted=st.integers(1, 6))
def test_seat_rule_for_any_counts(staff: User, taxonomy: int, taken: int, wanted: int) -> None:
    opportunity = services.opportunity_create(
        actor=staff, kind=OpportunityKind.PROJECT, title="T", requirements=[{"skill": "CAD"}], seats=4
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(seats_taken=taken)
    if wanted < taken:
        with pytest.raises(Conflict):
            services.opportunity_update(actor=staff, opportunity=opportunity, seats=wanted)
        assert Opportunity.objects.get(pk=opportunity.pk).seats == 4
    else:
        updated = services.opportunity_update(actor=staff, opportunity=opportunity, seats=wanted)
        assert updated.seats == wanted and updated.seats_taken == taken


def test_idea_author_edits_their_team_and_nobody_else(
    taxonomy: int, brand_admin: User, member: User, other_member: User, api_for: Any
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
    team = services.opportunity_create(
        actor=member,
        kind=OpportunityKind.IDEA_TEAM,
        title="Station builders",
        requirements=[{"skill": "CAD"}],
        idea=idea,
    )
    assert services.opportunity_update(actor=member, opportunity=team, seats=3).seats == 3
    with pytest.raises(NotAllowed):
        services.opportunity_update(actor=other_member, opportunity=team, seats=1)
    assert_error_shape(api_for(other_member).patch(f"/api/v1/opportunities/{team.pk}", {"seats": 1}), 403)
    assert api_for(member).patch(f"/api/v1/opportunities/{team.pk}", {"seats": 4}).json()["seats"] == 4


def test_matches_follow_the_new_requirements(
    opp: Opportunity, staff: User, person: Callable[..., User]
) -> None:
    person("Ada", {"UX research": 4})
    person("Cy", {"CAD modelling": 5})
    names = [m.display_name for m in selectors.match_for_opportunity(opportunity=opp)]
    assert names == ["Ada"]
    updated = services.opportunity_update(
        actor=staff, opportunity=opp, requirements=[{"skill": "CAD modelling", "weight": 3, "min_level": 3}]
    )
    ranked = selectors.match_for_opportunity(opportunity=updated)
    assert ranked[0].display_name == "Cy"


# --- The page -----------------------------------------------------------------------------------------
def test_edit_page_for_owner_only_with_errors_in_place(
    opp: Opportunity, staff: User, member: User, client: Client
) -> None:
    url = reverse("talent:opportunity-edit", args=[opp.pk])
    detail = reverse("talent:opportunity-detail", args=[opp.pk])
    assert url not in login(member).get(detail).content.decode()
    assert login(member).get(url).status_code == 403
    assert login(member).post(url, {"title": "x"}).status_code == 403
    assert client.get(url).status_code == 302
    assert login(staff).get(reverse("talent:opportunity-edit", args=[999999])).status_code == 404

    c = login(staff)
    assert url in c.get(detail).content.decode()
    page = c.get(url).content.decode()
    assert "Refill app research" in page and "UX research, 3, 3" in page
    data = {
        "title": "New title",
        "description": "",
        "requirements": "UX research, 3, 3\nNo such skillz, 1, 1",
        "hours_per_week": "6",
        "starts_on": "",
        "ends_on": "",
        "seats": "2",
    }
    response = c.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "form-errors" in html and "New title" in html
    assert Opportunity.objects.get(pk=opp.pk).title == "Refill app research"

    data["requirements"] = "UX research, 3, 3\nCAD, 2, 1"
    response = c.post(url, data)
    assert response.status_code == 302
    o = Opportunity.objects.get(pk=opp.pk)
    assert (o.title, o.hours_per_week) == ("New title", 6)
    assert set(o.requirements.values_list("skill__name", flat=True)) == {"UX research", "CAD modelling"}


def test_edit_page_seats_error_on_the_field(
    opp: Opportunity, staff: User, person: Callable[..., User]
) -> None:
    accept(staff, opp, person("Ada", {"UX research": 4}))
    accept(staff, opp, person("Bo", {"UX research": 4}))
    c = login(staff)
    response = c.post(
        reverse("talent:opportunity-edit", args=[opp.pk]),
        {"title": "T", "requirements": "UX research", "hours_per_week": "4", "seats": "1"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "seats" in form.errors
    assert Opportunity.objects.get(pk=opp.pk).title == "Refill app research"


# --- The API ------------------------------------------------------------------------------------------
def test_api_patch(api_for: Any, opp: Opportunity, staff: User, member: User, person: Any) -> None:
    url = f"/api/v1/opportunities/{opp.pk}"
    assert_error_shape(api_for(None).patch(url, {"title": "x"}), 401)
    assert_error_shape(api_for(member).patch(url, {"title": "x"}), 403)
    assert_error_shape(api_for(staff).patch("/api/v1/opportunities/999999", {"title": "x"}), 404)
    assert_error_shape(
        api_for(staff).patch("/api/v1/opportunities/99999999999999999999", {"title": "x"}), 404
    )
    api = api_for(staff)
    assert_error_shape(api.patch(url, {"hours_per_week": 200}), 422, "hours_per_week")
    assert_error_shape(api.patch(url, {"title": "Other", "requirements": [{"skill": "Nope skillz"}]}), 400)
    assert Opportunity.objects.get(pk=opp.pk).title == "Refill app research"

    response = api.patch(
        url,
        {
            "title": "Refill interviews",
            "requirements": [{"skill": "CAD", "weight": 2, "min_level": 2}],
            "ends_on": "2031-01-01",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Refill interviews" and body["ends_on"] == "2031-01-01"
    assert [r["skill"] for r in body["requirements"]] == ["CAD modelling"]
    assert body["seats"] == 2 and body["description"] == "We need interviews."
    cleared = api.patch(url, {"ends_on": None, "title": None}).json()
    assert cleared["ends_on"] is None and cleared["title"] == "Refill interviews"

    accept(staff, opp, person("Ada", {"CAD modelling": 4}))
    accept(staff, opp, person("Bo", {"CAD modelling": 4}))
    assert api.get(url).json()["status"] == "filled"
    assert_error_shape(api.patch(url, {"seats": 1, "title": "Zzz"}), 409, "seats")
    assert api.get(url).json()["title"] == "Refill interviews"
    assert api.patch(url, {"seats": 3}).json()["status"] == "open"


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_fewer_seats_racing_accepts_never_overfills() -> None:
    import threading

    from django.db import connections

    from cocreate.accounts import services as account_services

    services.taxonomy_seed()
    staff = account_services.user_create_verified(
        actor=None, email="s@example.com", role=Role.ADMIN, password="pw-long-enough-123", display_name="S"
    )
    opportunity = services.opportunity_create(
        actor=staff, kind=OpportunityKind.PROJECT, title="T", requirements=[{"skill": "CAD"}], seats=6
    )
    apps = []
    for i in range(8):
        user = account_services.user_create_verified(
            actor=None,
            email=f"m{i}@example.com",
            role=Role.MEMBER,
            password="pw-long-enough-123",
            display_name=f"M{i}",
        )
        apps.append(services.application_submit(actor=user, opportunity=opportunity))
    results: list[str] = []
    barrier = threading.Barrier(len(apps) + 1)

    def accept(application: Application) -> None:
        try:
            barrier.wait()
            services.application_decide(actor=staff, application=application, accept=True)
            results.append("accepted")
        except Conflict:
            results.append("full")
        finally:
            connections.close_all()

    def shrink() -> None:
        try:
            barrier.wait()
            services.opportunity_update(actor=staff, opportunity=opportunity, seats=2)
            results.append("shrunk")
        except Conflict:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(a,)) for a in apps]
    threads.append(threading.Thread(target=shrink))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    o = Opportunity.objects.get(pk=opportunity.pk)
    accepted = Application.objects.filter(opportunity=o, status=ApplicationStatus.ACCEPTED).count()
    assert o.seats_taken == accepted == results.count("accepted") <= o.seats
    assert o.seats == (2 if "shrunk" in results else 6)
    assert (o.status == OpportunityStatus.FILLED) == (accepted == o.seats)
