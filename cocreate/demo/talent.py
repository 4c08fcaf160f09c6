"""The demo brand's talent matching: the starter skills taxonomy, skills and availability for the demo
members (from the skills they wrote on their profiles, resolved through synonyms, topped up from a few
believable profiles), open opportunities of every kind — a project, a role in an upcoming workshop when
there is one, an idea's development team — and some applications, one of them accepted.

Deterministic; running it again adds nothing.
"""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.challenges.models import Idea, IdeaStatus
from cocreate.core.errors import DomainError
from cocreate.intelligence.similarity import normalise
from cocreate.talent import selectors, services
from cocreate.talent.models import (
    Application,
    MemberSkill,
    Opportunity,
    OpportunityKind,
    Skill,
    SkillSynonym,
    TalentProfile,
)

from . import brand as data

SEED = 20261204
MEMBER_DOMAIN = "@members.northbrick.example"

# Profiles the demo members' skills are topped up from: what a fan community of builders brings.
PROFILES: list[list[str]] = [
    ["Industrial design", "CAD modelling", "Prototyping", "3D printing"],
    ["Graphic design", "Illustration", "Packaging design", "Brand identity"],
    ["Photography", "Video production", "Motion design", "Content creation"],
    ["UX research", "User interviews", "Usability testing", "Survey design"],
    ["Copywriting", "Technical writing", "Storytelling", "Translation"],
    ["Electronics", "Mechanical engineering", "3D printing", "Model making"],
    ["Community management", "Event organising", "Workshop facilitation", "Public speaking"],
    ["Social media marketing", "Content creation", "Influencer marketing", "Digital marketing"],
    ["Data analysis", "Data visualisation", "SQL", "Statistics"],
    ["Life cycle assessment", "Circular economy", "Recyclable packaging", "Packaging materials"],
    ["Frontend development", "UI design", "UX design", "Mobile app development"],
    ["Project management", "Agile delivery", "Product management", "Stakeholder management"],
    ["Model making", "Prototyping", "Illustration", "Photography"],
]

DEMO_MEMBER_SKILLS = ["Illustration", "Photography", "Model making", "Prototyping"]

OPPORTUNITIES: list[dict[str, Any]] = [
    {
        "kind": OpportunityKind.PROJECT,
        "title": "Instructions that build themselves: redesign the booklet",
        "description": (
            "Our building instructions are 30 years old in spirit. Help us test a new booklet with "
            "families: **clearer steps**, fewer pages, and a page for the story of the set."
        ),
        "requirements": [
            {"skill": "Technical writing", "weight": 3, "min_level": 3},
            {"skill": "Graphic design", "weight": 2, "min_level": 2},
            {"skill": "Usability testing", "weight": 2, "min_level": 2},
        ],
        "hours_per_week": 4,
        "seats": 3,
        "starts_in": 14,
        "weeks": 10,
    },
    {
        "kind": OpportunityKind.PROJECT,
        "title": "Box art for the winter village range",
        "description": "Paint, shoot or render the scenes on the boxes of next winter's village sets.",
        "requirements": [
            {"skill": "Illustration", "weight": 3, "min_level": 3},
            {"skill": "Packaging design", "weight": 2, "min_level": 2},
            {"skill": "Photography", "weight": 1, "min_level": 1},
        ],
        "hours_per_week": 6,
        "seats": 2,
        "starts_in": 7,
        "weeks": 8,
    },
    {
        "kind": OpportunityKind.PROJECT,
        "title": "Plant-based bricks: what do fans think?",
        "description": (
            "Before the switch to plant-based plastic we want to hear fans: interviews, a survey and "
            "a life cycle comparison we can publish."
        ),
        "requirements": [
            {"skill": "User interviews", "weight": 3, "min_level": 3},
            {"skill": "Survey design", "weight": 2, "min_level": 2},
            {"skill": "Life cycle assessment", "weight": 1, "min_level": 1},
        ],
        "hours_per_week": 3,
        "seats": 4,
        "starts_in": 21,
        "weeks": 12,
    },
    {
        "kind": OpportunityKind.PROJECT,
        "title": "Stop-motion film for the harbour launch",
        "description": "A one-minute stop-motion film of the harbour sets, shot by fans, shown at launch.",
        "requirements": [
            {"skill": "Motion design", "weight": 3, "min_level": 3},
            {"skill": "Video production", "weight": 2, "min_level": 2},
            {"skill": "Storytelling", "weight": 1, "min_level": 1},
        ],
        "hours_per_week": 5,
        "seats": 2,
        "starts_in": 30,
        "weeks": 6,
    },
]


def _members() -> list[User]:
    found = list(User.objects.filter(email__endswith=MEMBER_DOMAIN, is_active=True).order_by("pk"))
    demo = User.objects.filter(email=data.MEMBER["email"]).first()
    return ([demo] if demo is not None else []) + found


def _seed_skills(members: list[User], rng: random.Random) -> None:
    """Skills for every member without a talent profile yet: the ones they wrote on their profile that
    the taxonomy knows, topped up from one of the profiles; levels and availability vary."""
    known = dict(Skill.objects.values_list("normalised", "pk"))
    known.update(SkillSynonym.objects.values_list("normalised", "skill_id"))
    done = set(TalentProfile.objects.filter(user__in=members).values_list("user_id", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    rows: list[MemberSkill] = []
    profiles: list[TalentProfile] = []
    for n, user in enumerate(members):
        picks = PROFILES[(n * 7 + rng.randrange(len(PROFILES))) % len(PROFILES)]
        chosen: dict[int, int] = {}
        for text in user.skills or []:
            skill_id = known.get(normalise(str(text)))
            if skill_id is not None:
                chosen[skill_id] = rng.randint(2, 5)
        picked = rng.sample(picks, rng.randint(2, 4))
        if user.email == data.MEMBER["email"]:
            # The member people log in as: a builder whose skills fit several open opportunities.
            picked = DEMO_MEMBER_SKILLS
        for name in picked:
            chosen.setdefault(known[normalise(name)], rng.choice([1, 2, 3, 3, 4, 4, 5]))
        hours = rng.choice([0, 2, 3, 4, 4, 6, 8, 10])
        available_from = today + timedelta(days=rng.choice([0, 0, 0, 14, 45])) if rng.random() < 0.5 else None
        available_until = today + timedelta(days=rng.choice([60, 120, 365])) if rng.random() < 0.3 else None
        if user.pk in done:
            continue
        rows.extend(
            MemberSkill(user_id=user.pk, skill_id=s, level=lv, years=rng.choice([None, 1, 2, 5, 10]))
            for s, lv in chosen.items()
        )
        profiles.append(
            TalentProfile(
                user_id=user.pk,
                hours_per_week=hours,
                available_from=available_from,
                available_until=available_until,
                changed_at=now,
            )
        )
    MemberSkill.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    TalentProfile.objects.bulk_create(profiles, ignore_conflicts=True, batch_size=2000)


def _open(staff: User, spec: dict[str, Any]) -> Opportunity:
    existing = Opportunity.objects.filter(title=spec["title"]).first()
    if existing is not None:
        return existing
    starts = timezone.localdate() + timedelta(days=spec["starts_in"])
    return services.opportunity_create(
        actor=staff,
        kind=spec["kind"],
        title=spec["title"],
        description=spec["description"],
        requirements=spec["requirements"],
        hours_per_week=spec["hours_per_week"],
        seats=spec["seats"],
        starts_on=starts,
        ends_on=starts + timedelta(weeks=spec["weeks"]),
    )


def _workshop_role(staff: User) -> Opportunity | None:
    from cocreate.workshops.models import Workshop, WorkshopStatus

    workshop = (
        Workshop.objects.filter(status=WorkshopStatus.PUBLISHED, starts_at__gte=timezone.now())
        .order_by("starts_at", "pk")
        .first()
    )
    if workshop is None:
        return None
    title = f"Co-facilitator: {workshop.title}"[:160]
    existing = Opportunity.objects.filter(workshop=workshop, title=title).first()
    if existing is not None:
        return existing
    day = timezone.localtime(workshop.starts_at).date()
    return services.opportunity_create(
        actor=staff,
        kind=OpportunityKind.WORKSHOP_ROLE,
        title=title,
        description=(
            "Help our facilitator run the session: welcome people, keep a table's conversation going, "
            "and capture the ideas on the wall."
        ),
        requirements=[
            {"skill": "Workshop facilitation", "weight": 3, "min_level": 2},
            {"skill": "Public speaking", "weight": 1, "min_level": 1},
            {"skill": "Design thinking", "weight": 1, "min_level": 1},
        ],
        hours_per_week=3,
        seats=2,
        starts_on=day,
        ends_on=day,
        workshop=workshop,
    )


def _idea_team() -> Opportunity | None:
    idea = (
        Idea.objects.filter(status__in=[IdeaStatus.APPROVED, IdeaStatus.IN_DEVELOPMENT])
        .order_by("-support_count", "pk")
        .first()
        or Idea.objects.filter(status=IdeaStatus.PUBLISHED).order_by("-support_count", "pk").first()
    )
    if idea is None:
        return None
    existing = Opportunity.objects.filter(idea=idea, kind=OpportunityKind.IDEA_TEAM).first()
    if existing is not None:
        return existing
    starts = timezone.localdate() + timedelta(days=10)
    return services.opportunity_create(
        actor=idea.author,
        kind=OpportunityKind.IDEA_TEAM,
        title=f"Build the team for “{idea.title}”"[:160],
        description="The idea was approved. I need people to turn it into a set the design team can take on.",
        requirements=[
            {"skill": "Industrial design", "weight": 3, "min_level": 3},
            {"skill": "Prototyping", "weight": 2, "min_level": 2},
            {"skill": "Model making", "weight": 2, "min_level": 2},
            {"skill": "Illustration", "weight": 1, "min_level": 1},
        ],
        hours_per_week=4,
        seats=3,
        starts_on=starts,
        ends_on=starts + timedelta(weeks=12),
        idea=idea,
    )


NOTES = [
    "I have done this for years at work and would love to do it for bricks.",
    "Count me in, evenings and weekends.",
    "I can bring my own camera and lights.",
    "Happy to help; I am new to this but learn fast.",
]


def _applications(staff: User, opportunities: list[Opportunity], rng: random.Random) -> None:
    """The best matches of the first opportunities apply; the first opportunity takes one of them."""
    for n, opportunity in enumerate(opportunities[:3]):
        if opportunity.applications.exists():
            continue
        matches = selectors.match_for_opportunity(opportunity=opportunity, limit=3 - (n > 0))
        made = []
        for match in matches:
            user = User.objects.get(pk=match.user_id)
            try:
                made.append(
                    services.application_submit(actor=user, opportunity=opportunity, note=rng.choice(NOTES))
                )
            except DomainError:
                continue
        if n == 0 and made:
            services.application_decide(actor=opportunity.owner, application=made[0], accept=True)
    # The demo member tries one too, so their page has something to show.
    demo = User.objects.filter(email=data.MEMBER["email"]).first()
    if demo is not None and not Application.objects.filter(user=demo).exists():
        for found in selectors.match_for_member(user=demo, limit=1):
            with contextlib.suppress(DomainError):
                services.application_submit(actor=demo, opportunity=found.opportunity, note=NOTES[1])


def seed_talent(staff: User) -> None:
    """The taxonomy, members' skills, open opportunities and applications (idempotent)."""
    rng = random.Random(SEED)
    with transaction.atomic():
        services.taxonomy_seed()
        members = _members()
        if not members:
            return
        _seed_skills(members, rng)
        opportunities = [_open(staff, spec) for spec in OPPORTUNITIES]
        for extra in (_workshop_role(staff), _idea_team()):
            if extra is not None:
                opportunities.append(extra)
        _applications(staff, opportunities, rng)
