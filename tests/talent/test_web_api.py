"""The talent pages and the JSON API: what members and staff see, errors in place, forged ids, shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import User
from cocreate.talent import services
from cocreate.talent.models import (
    Application,
    ApplicationStatus,
    MemberSkill,
    Opportunity,
    OpportunityKind,
    Skill,
)
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.fixture
def opp(taxonomy: int, staff: User) -> Opportunity:
    return services.opportunity_create(
        actor=staff,
        kind=OpportunityKind.PROJECT,
        title="Refill app research",
        description="We need **interviews** with shoppers.",
        requirements=[{"skill": "UX research", "weight": 3, "min_level": 3}],
        hours_per_week=4,
        seats=1,
    )


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Pages --------------------------------------------------------------------------------------------
def test_list_and_detail_for_everyone(client: Client, opp: Opportunity) -> None:
    page = client.get(reverse("talent:opportunities")).content.decode()
    assert "Refill app research" in page and "UX research" in page and "1 seat left" in page
    detail = client.get(reverse("talent:opportunity-detail", args=[opp.pk]))
    html = detail.content.decode()
    assert "<strong>interviews</strong>" in html and "Log in to apply" in html and "Best matches" not in html
    assert client.get(reverse("talent:opportunity-detail", args=[999999])).status_code == 404
    assert client.get("/talent/opportunities/99999999999999999999999/").status_code == 404


def test_apply_from_the_page_and_errors_in_place(opp: Opportunity, member: User) -> None:
    c = login(member)
    url = reverse("talent:opportunity-apply", args=[opp.pk])
    response = c.post(url, {"note": "I love interviews"})
    assert response.status_code == 302
    again = c.post(url, {"note": "again"})
    assert again.status_code == 409 and "already applied" in again.content.decode()
    assert Application.objects.filter(user=member).count() == 1
    page = c.get(reverse("talent:opportunity-detail", args=[opp.pk])).content.decode()
    assert "Your application: Waiting for a decision." in page
    assert c.post(reverse("talent:opportunity-withdraw", args=[opp.pk])).status_code == 302
    assert Application.objects.get(user=member).status == ApplicationStatus.WITHDRAWN


def test_owner_sees_matches_with_reasons_and_decides(
    opp: Opportunity, staff: User, person: Callable[..., User]
) -> None:
    ana = person("Ana Interviewer", {"user interviews": 5}, hours=6)
    ben = person("Ben Researcher", {"UX research": 4}, hours=6)
    application = services.application_submit(actor=ana, opportunity=opp)
    services.application_submit(actor=ben, opportunity=opp)
    c = login(staff)
    page = c.get(reverse("talent:opportunity-detail", args=[opp.pk])).content.decode()
    assert "Best matches" in page and "Ben Researcher" in page
    assert "UX research: close skill User interviews, level 5" in page
    decide = reverse("talent:opportunity-decide", args=[opp.pk])
    assert c.post(decide, {"application": application.pk, "decision": "accept"}).status_code == 302
    other = Application.objects.get(user=ben)
    full = c.post(decide, {"application": other.pk, "decision": "accept"})
    assert full.status_code == 409 and "This opportunity is not taking" not in full.content.decode()
    assert "seats are taken" in full.content.decode() or "closed" in full.content.decode()
    assert Application.objects.get(pk=other.pk).status == ApplicationStatus.PENDING
    # A member cannot decide, and a forged application id is a 404.
    assert login(ben).post(decide, {"application": other.pk, "decision": "accept"}).status_code == 404
    assert c.post(decide, {"application": "999999", "decision": "accept"}).status_code == 404
    assert c.post(decide, {"application": "x", "decision": "accept"}).status_code == 404


def test_me_page_edits_skills_and_shows_opportunities(opp: Opportunity, member: User) -> None:
    c = login(member)
    bad = c.post(reverse("talent:me"), {"form": "skill", "skill": "UX reserch", "level": 3})
    assert bad.status_code == 400 and "Did you mean: UX research" in bad.content.decode()
    assert not MemberSkill.objects.filter(user=member).exists()
    assert (
        c.post(reverse("talent:me"), {"form": "skill", "skill": "user research", "level": 4}).status_code
        == 302
    )
    bad_dates = c.post(
        reverse("talent:me"),
        {
            "form": "availability",
            "hours_per_week": 5,
            "available_from": "2027-03-01",
            "available_until": "2027-01-01",
        },
    )
    assert bad_dates.status_code == 400 and "comes after" in bad_dates.content.decode()
    assert c.post(reverse("talent:me"), {"form": "availability", "hours_per_week": 5}).status_code == 302
    page = c.get(reverse("talent:me")).content.decode()
    assert "Refill app research" in page and "% fit for you" in page and "has it at level 4" in page
    member_page = c.get(reverse("accounts:member-detail", args=[member.pk])).content.decode()
    assert "Skills for projects" in member_page and "UX research · level 4" in member_page
    assert c.post(reverse("talent:me"), {"form": "remove", "skill": "abc"}).status_code == 404


def test_staff_pages(opp: Opportunity, staff: User, member: User) -> None:
    assert login(member).get(reverse("talent:staffing")).status_code == 403
    assert login(member).get(reverse("talent:skills")).status_code == 403
    c = login(staff)
    assert "Refill app research" in c.get(reverse("talent:staffing")).content.decode()
    skills_page = c.get(reverse("talent:skills")).content.decode()
    assert "UX research" in skills_page and "user research" in skills_page
    dup = c.post(reverse("talent:skills"), {"form": "skill", "name": "ux research", "category": "research"})
    assert dup.status_code == 400 and "already names the skill" in dup.content.decode()
    ux = Skill.objects.get(name="UX research")
    edit = reverse("talent:skill-edit", args=[ux.pk])
    assert c.post(edit, {"form": "synonym", "alias": "customer discovery"}).status_code == 302
    taken = c.post(edit, {"form": "synonym", "alias": "SQL"})
    assert taken.status_code == 400 and "already names the skill SQL" in taken.content.decode()
    assert c.get(reverse("talent:skill-edit", args=[999999])).status_code == 404


def test_opportunity_form(taxonomy: int, staff: User, member: User) -> None:
    assert login(member).get(reverse("talent:opportunity-create")).status_code == 403
    c = login(staff)
    bad = c.post(
        reverse("talent:opportunity-create"),
        {
            "kind": "project",
            "title": "Pack study",
            "requirements": "basket weaving, 2, 2",
            "hours_per_week": 2,
            "seats": 1,
        },
    )
    assert bad.status_code == 400 and "not a skill we know" in bad.content.decode()
    assert not Opportunity.objects.exists()
    ok = c.post(
        reverse("talent:opportunity-create"),
        {
            "kind": "project",
            "title": "Pack study",
            "requirements": "pack design, 3, 2\nLCA",
            "hours_per_week": 2,
            "seats": 1,
        },
    )
    assert ok.status_code == 302
    made = Opportunity.objects.get()
    assert [(r.skill.name, r.weight, r.min_level) for r in made.requirements.all()] == [
        ("Packaging design", 3, 2),
        ("Life cycle assessment", 1, 1),
    ]


# --- API ----------------------------------------------------------------------------------------------
def test_api_skills_and_my_skills(api_for: Any, taxonomy: int, member: User) -> None:
    anon = api_for(None)
    found = anon.get("/api/v1/skills", {"q": "user research"}).json()
    assert found[0]["name"] == "UX research" and "user research" in found[0]["synonyms"]
    assert set(found[0]) == {"id", "name", "slug", "category", "description", "synonyms"}
    assert anon.get("/api/v1/skills/resolve", {"text": "CAD"}).json()["name"] == "CAD modelling"
    body = assert_error_shape(anon.get("/api/v1/skills/resolve", {"text": "UX reserch"}), 400, "text")
    assert "UX research" in body["detail"]
    assert_error_shape(anon.get("/api/v1/members/me/skills"), 401)

    api = api_for(member)
    assert api.get("/api/v1/members/me/skills").json() == {
        "skills": [],
        "availability": {"hours_per_week": 0, "available_from": None, "available_until": None},
    }
    put = api.put(
        "/api/v1/members/me/skills",
        {
            "skills": [{"skill": "user research", "level": 4, "years": 2}],
            "availability": {"hours_per_week": 6},
        },
    )
    assert put.status_code == 200, put.content
    assert put.json()["skills"] == [
        {"skill_id": Skill.objects.get(name="UX research").pk, "skill": "UX research", "level": 4, "years": 2}
    ]
    assert put.json()["availability"]["hours_per_week"] == 6
    bad = api.put("/api/v1/members/me/skills", {"skills": [{"skill": "basket weaving", "level": 3}]})
    assert_error_shape(bad, 400, "skills")
    assert_error_shape(api.put("/api/v1/members/me/skills", {"skills": [{"skill": "SQL", "level": 7}]}), 422)
    assert MemberSkill.objects.filter(user=member).count() == 1  # unchanged by the bad calls


def test_api_opportunities_matches_and_applications(
    api_for: Any, opp: Opportunity, staff: User, member: User, person: Callable[..., User]
) -> None:
    anon = api_for(None)
    listed = anon.get("/api/v1/opportunities").json()
    assert [o["title"] for o in listed] == ["Refill app research"]
    assert listed[0]["requirements"] == [
        {
            "skill_id": Skill.objects.get(name="UX research").pk,
            "skill": "UX research",
            "weight": 3,
            "min_level": 3,
        }
    ]
    assert_error_shape(anon.get("/api/v1/opportunities/999999"), 404, "opportunity_id")
    assert_error_shape(anon.get(f"/api/v1/opportunities/{2**70}"), 404)
    assert_error_shape(anon.get(f"/api/v1/opportunities/{opp.pk}/matches"), 401)

    bob = person("Bob", {"usability testing": 4}, hours=4)
    api = api_for(member)
    assert_error_shape(api.get(f"/api/v1/opportunities/{opp.pk}/matches"), 403)
    staff_api = api_for(staff)
    matches = staff_api.get(f"/api/v1/opportunities/{opp.pk}/matches").json()
    assert [m["display_name"] for m in matches] == ["Bob"]
    reason = matches[0]["reasons"][0]
    assert reason["required"] == "UX research" and reason["matched"] == "Usability testing"
    assert set(matches[0]) >= {
        "percent",
        "skills_percent",
        "availability_percent",
        "participation",
        "reasons",
    }
    mine = api_for(bob).get("/api/v1/members/me/opportunities").json()
    assert mine[0]["opportunity"]["id"] == opp.pk and mine[0]["reasons"][0]["matched"] == "Usability testing"

    applied = api_for(bob).post(f"/api/v1/opportunities/{opp.pk}/applications", {"note": "Pick me"})
    assert applied.status_code == 201 and applied.json()["status"] == "pending"
    assert_error_shape(
        api_for(bob).post(f"/api/v1/opportunities/{opp.pk}/applications", {}), 409, "opportunity"
    )
    assert_error_shape(api.post("/api/v1/opportunities/999999/applications", {}), 404)
    application_id = applied.json()["id"]
    assert_error_shape(api.post(f"/api/v1/applications/{application_id}/accept"), 404)  # not theirs to decide
    assert_error_shape(staff_api.post("/api/v1/applications/999999/accept"), 404, "application_id")
    accepted = staff_api.post(f"/api/v1/applications/{application_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    other = api.post(f"/api/v1/opportunities/{opp.pk}/applications", {})
    assert_error_shape(other, 409)  # filled
    withdrawn = api_for(bob).post(f"/api/v1/opportunities/{opp.pk}/applications/mine/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    assert Opportunity.objects.get(pk=opp.pk).seats_taken == 0
    apps = staff_api.get(f"/api/v1/opportunities/{opp.pk}/applications").json()
    assert [a["status"] for a in apps] == ["withdrawn"]


def test_api_create_opportunity(api_for: Any, taxonomy: int, staff: User, member: User) -> None:
    payload = {
        "kind": "project",
        "title": "Pack study",
        "requirements": [{"skill": "pack design", "weight": 3, "min_level": 2}],
        "hours_per_week": 4,
        "seats": 2,
    }
    assert_error_shape(api_for(member).post("/api/v1/opportunities", payload), 403)
    bad = {**payload, "requirements": [{"skill": "basket weaving"}]}
    assert_error_shape(api_for(staff).post("/api/v1/opportunities", bad), 400, "requirements")
    assert_error_shape(
        api_for(staff).post("/api/v1/opportunities", {**payload, "idea_id": 999999}), 404, "idea_id"
    )
    assert not Opportunity.objects.exists()
    made = api_for(staff).post("/api/v1/opportunities", payload)
    assert made.status_code == 201 and made.json()["requirements"][0]["skill"] == "Packaging design"
