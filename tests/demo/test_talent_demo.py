"""The demo's talent matching: skills for the demo members, open opportunities of every kind (a workshop
role when the demo has an upcoming workshop, an idea's team), matches with reasons, applications with one
accepted. Fast, and running it again adds nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import User
from cocreate.demo import brand as data
from cocreate.demo.challenges import seed_challenges
from cocreate.demo.seeding import _ensure_account, seed_brand, seed_members
from cocreate.demo.talent import MEMBER_DOMAIN, seed_talent
from cocreate.demo.workshops import seed_workshops
from cocreate.talent import matching, selectors
from cocreate.talent.models import (
    Application,
    ApplicationStatus,
    MemberSkill,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Skill,
    TalentProfile,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count() for m in (Skill, MemberSkill, TalentProfile, Opportunity, Application)
    }


def test_the_talent_demo(settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.DATA_DIR = tmp_path
    matching.reset()
    with django_capture_on_commit_callbacks(execute=True):
        _ensure_account(data.STAFF)
        _ensure_account(data.MEMBER)
        seed_brand()
        seed_members()
        staff = User.objects.get(email=data.STAFF["email"])
        seed_challenges(staff)
        seed_workshops(staff)
        started = time.perf_counter()
        seed_talent(staff)
        took = time.perf_counter() - started
    print(f"\nseed_talent took {took:.2f} s")

    members = User.objects.filter(email__endswith=MEMBER_DOMAIN)
    with_skills = MemberSkill.objects.filter(user__in=members).values("user").distinct().count()
    assert with_skills == members.count() >= 100
    # Free-text profile skills were resolved through synonyms ("user research" → UX research).
    someone = next(u for u in members if "user research" in (u.skills or []))
    assert MemberSkill.objects.filter(user=someone, skill__name="UX research").exists()

    open_ = Opportunity.objects.filter(status=OpportunityStatus.OPEN)
    assert 4 <= Opportunity.objects.count() <= 6
    kinds = set(Opportunity.objects.values_list("kind", flat=True))
    assert {OpportunityKind.PROJECT, OpportunityKind.IDEA_TEAM, OpportunityKind.WORKSHOP_ROLE} <= kinds
    assert Opportunity.objects.get(kind=OpportunityKind.WORKSHOP_ROLE).workshop is not None
    team = Opportunity.objects.get(kind=OpportunityKind.IDEA_TEAM)
    assert team.idea is not None and team.owner == team.idea.author
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 1
    assert Application.objects.filter(status=ApplicationStatus.PENDING).count() >= 3

    for opportunity in open_:
        matches = selectors.match_for_opportunity(opportunity=opportunity, limit=5)
        assert len(matches) == 5 and all(m.reasons for m in matches)
    demo = User.objects.get(email=data.MEMBER["email"])
    assert selectors.member_skills(user=demo)
    assert Application.objects.filter(user=demo).exists() or selectors.match_for_member(user=demo)

    # The pages people open first all render with the demo's data.
    staff_client, member_client = Client(), Client()
    staff_client.force_login(staff)
    member_client.force_login(demo)
    for opportunity in Opportunity.objects.all():
        page = staff_client.get(reverse("talent:opportunity-detail", args=[opportunity.pk]))
        assert page.status_code == 200 and "Best matches" in page.content.decode()
    assert "% fit for you" in member_client.get(reverse("talent:me")).content.decode()
    assert staff_client.get(reverse("talent:staffing")).status_code == 200
    assert member_client.get(reverse("talent:opportunities")).status_code == 200
    assert (
        "Skills for projects"
        in member_client.get(reverse("accounts:member-detail", args=[demo.pk])).content.decode()
    )

    before = counts()
    seed_talent(staff)
    assert counts() == before
