"""Seed the demo brand. Idempotent: each step checks what exists and only adds what is missing."""

from __future__ import annotations

import random
import secrets
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cocreate.accounts import services as account_services
from cocreate.accounts.models import Role, User
from cocreate.brand import selectors as brand_selectors
from cocreate.brand import services as brand_services
from cocreate.brand.models import Product

from . import brand as data
from .art import product_art
from .challenges import FAN_DOMAIN, seed_challenges
from .community import seed_community
from .contests import seed_contests
from .insights import seed_insights
from .rewards import seed_rewards
from .talent import seed_talent
from .text import MemberFactory
from .workshops import seed_workshops


@dataclass
class Login:
    email: str
    password: str
    role: str


def _credentials_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.txt"


def _password_for(email: str) -> str:
    """Demo passwords are generated once per data folder and kept beside the database."""
    path = _credentials_file()
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "\t" in line:
                e, p = line.split("\t", 1)
                known[e] = p
    if email not in known:
        known[email] = "demo-" + secrets.token_urlsafe(9)
        path.write_text("".join(f"{e}\t{p}\n" for e, p in known.items()))
        path.chmod(0o600)
    return known[email]


def _ensure_account(spec: dict[str, str]) -> Login:
    password = _password_for(spec["email"])
    user = User.objects.with_email(spec["email"]).first()
    if user is None:
        user = account_services.user_create_verified(
            actor=None, email=spec["email"], role=spec["role"], display_name=spec["display_name"]
        )
    # The printed log-in must always work, even if someone changed it in an earlier session.
    user.set_password(password)
    user.save(update_fields=["password"])
    return Login(email=user.email, password=password, role=spec["role"])


@transaction.atomic
def seed_brand() -> None:
    org = brand_selectors.organization_get()
    staff = User.objects.filter(role=Role.ADMIN).first()
    if org.name == "Cocreate" and staff is not None:
        brand_services.organization_update(actor=staff, logo=None, **data.ORGANIZATION)
    if brand_selectors.terms_current() is None and staff is not None:
        brand_services.terms_publish(actor=staff, **data.TERMS)
    for name, category, status, launch, description in data.PRODUCTS:
        if staff is None:
            break
        product = Product.objects.filter(name=name).first()
        if product is None:
            product = brand_services.product_create(
                actor=staff,
                name=name,
                category=category,
                status=status,
                launch_date=launch,
                description=description,
                sku=f"NB-{zlib.crc32(name.encode()) % 90000 + 10000}",
            )
        if not product.image:
            picture = SimpleUploadedFile(f"{product.slug}.png", product_art(name, category), "image/png")
            brand_services.product_update(actor=staff, product=product, image=picture)


@transaction.atomic
def seed_members(count: int = 300) -> int:
    """Community members with believable names, interests and skills (deterministic)."""
    existing = User.objects.filter(email__endswith="@members.northbrick.example").count()
    if existing >= count:
        return 0
    factory = MemberFactory(random.Random(20261123))
    made = 0
    for i in range(count):
        person = factory.person(i)
        if User.objects.filter(email=person.email).exists():
            continue
        user = account_services.user_create_verified(
            actor=None, email=person.email, role=Role.MEMBER, display_name=person.display_name
        )
        account_services.profile_update(
            actor=user, user=user, bio=person.bio, interests=person.interests, skills=person.skills
        )
        made += 1
    return made


def seed_demo() -> list[Login]:
    staff = _ensure_account(data.STAFF)
    member = _ensure_account(data.MEMBER)
    seed_brand()
    terms = brand_selectors.terms_current()
    if terms is not None:
        for login in (staff, member):
            user = User.objects.get(email=login.email)
            account_services.terms_accept(actor=user, terms=terms)
    seed_members()
    seed_journey(User.objects.get(email=staff.email))
    seed_challenges(User.objects.get(email=staff.email))
    seed_community(User.objects.get(email=staff.email))
    seed_insights(User.objects.get(email=staff.email))
    seed_workshops(User.objects.get(email=staff.email))
    seed_contests(User.objects.get(email=staff.email))
    seed_talent(User.objects.get(email=staff.email))
    seed_rewards(User.objects.get(email=staff.email))
    return [staff, member]


# --- Personas, questions and the fan journey ----------------------------------------------------------
JOURNEY_NAME = "Northbrick fan journey"


def _answers_for(index: int, questions: dict[str, Any]) -> dict[int, Any]:
    """Deterministic, varied answers so every persona has real members (and some members have several)."""
    rng = random.Random(7000 + index)
    frequency = questions["frequency"]
    for_whom = questions["for_whom"]
    themes = questions["themes"]
    owned = questions["sets_owned"]
    who = rng.sample(for_whom.choices, rng.randint(1, 2))
    return {
        frequency.pk: rng.choices(frequency.choices, weights=[4, 3, 2, 1])[0],
        for_whom.pk: who,
        themes.pk: rng.sample(themes.choices, rng.randint(1, 3)),
        owned.pk: rng.choice([3, 8, 15, 40, 120, 260, 600]),
    }


@transaction.atomic
def seed_journey(staff: User) -> None:
    from cocreate.accounts.models import ProfileQuestion
    from cocreate.journeys import selectors as journey_selectors
    from cocreate.journeys import services as journey_services
    from cocreate.journeys.models import (
        ContributionKind,
        ContributionSource,
        Journey,
        ParticipationPoint,
        Persona,
        PointKind,
    )

    from . import journey as jdata

    questions: dict[str, Any] = {}
    for spec in jdata.QUESTIONS:
        fields = {k: v for k, v in spec.items() if k != "key"}
        question = ProfileQuestion.objects.filter(text=spec["text"]).first()
        if question is None:
            question = account_services.question_create(actor=staff, **fields)
        questions[str(spec["key"])] = question

    for spec in jdata.PERSONAS:
        persona = Persona.objects.filter(name=spec["name"]).first()
        if persona is None:
            fields = {k: v for k, v in spec.items() if k not in ("name", "rules")}
            persona = journey_services.persona_create(actor=staff, name=str(spec["name"]), **fields)
            rules = [
                {
                    **{k: v for k, v in rule.items() if k != "question"},
                    "question_id": questions[rule["question"]].pk,
                }
                for rule in spec["rules"]  # type: ignore[attr-defined]
            ]
            journey_services.persona_rules_set(actor=staff, persona=persona, rules=rules)

    # The challenge crowd's fan accounts (made after the first run of this step) answer no questions.
    members = list(
        User.objects.filter(role=Role.MEMBER).exclude(email__endswith=f"@{FAN_DOMAIN}").order_by("id")
    )
    for i, member in enumerate(members):
        if not member.profile_answers.exists():
            account_services.answers_set(actor=member, user=member, answers=_answers_for(i, questions))

    if Journey.objects.filter(name=JOURNEY_NAME).exists():
        return
    journey = journey_services.journey_create(
        actor=staff,
        name=JOURNEY_NAME,
        description="How builders find, choose, buy, shape, build with and share Northbrick sets.",
    )
    personas = {p.name: p for p in Persona.objects.all()}
    stages = {s.name: s for s in journey.stages.all()}
    touchpoints = {}
    for stage_name, spec in jdata.STAGES.items():
        stage = stages[stage_name]
        journey_services.stage_update(
            actor=staff,
            stage=stage,
            customer_goals=spec["customer_goals"],
            thoughts=spec["thoughts"],
            pain_points=spec["pain_points"],
        )
        for name, channel in spec["touchpoints"]:
            touchpoints[name] = journey_services.touchpoint_add(
                actor=staff, stage=stage, name=name, channel=channel
            )
        for persona_spec, score in zip(jdata.PERSONAS, spec["emotions"], strict=True):
            journey_services.emotion_set(
                actor=staff, stage=stage, persona=personas[persona_spec["name"]], score=score
            )

    today = timezone.localdate()
    points: list[ParticipationPoint] = []
    for stage_name, tp, kind, title, prompt, names, goal, unit, options, origins in jdata.POINTS:
        points.append(
            journey_services.point_create(
                actor=staff,
                journey=journey,
                stage=stages[stage_name],
                touchpoint=touchpoints.get(tp) if tp else None,
                kind=kind,
                title=title,
                prompt=prompt,
                personas=[personas[n] for n in names],
                goal=goal,
                goal_unit=unit,
                poll_options=options,
                allowed_origins=origins,
                starts_on=today - timedelta(days=90),
                ends_on=today + timedelta(days=120),
            )
        )

    # Contributions from the members most likely to take part at each point (deterministic).
    rng = random.Random(99)
    for point in points:
        audience: set[int] = set()
        for persona in point.personas.all():
            audience.update(journey_selectors.persona_members(persona).values_list("pk", flat=True))
        people = [m for m in members if m.pk in audience]
        rng.shuffle(people)
        share = people[: max(3, int(len(people) * rng.uniform(0.3, 0.7)))]
        attribution = journey_services.Attribution(
            point=point, touchpoint=point.touchpoint, source=ContributionSource.WIDGET
        )
        for member in share:
            kind = journey_services.WIDGET_KIND[PointKind(point.kind)]
            extra: dict[str, Any] = {}
            if kind == ContributionKind.IDEA:
                title, body = rng.choice(jdata.IDEA_SAMPLES)
                extra = {"title": title, "body": body}
            elif kind == ContributionKind.SUGGESTION:
                extra = {"body": rng.choice(jdata.SUGGESTIONS)}
            elif kind == ContributionKind.RATING:
                rating, comment = rng.choice(jdata.RATING_COMMENTS)
                extra = {"rating": rating, "body": comment}
            elif kind == ContributionKind.POLL_ANSWER:
                extra = {"choice": rng.choice(point.poll_options)}
            journey_services.contribution_record(attribution=attribution, kind=kind, user=member, **extra)
    # A visitor who has not confirmed yet: kept, not counted.
    journey_services.widget_contribute(
        point=points[0],
        user=None,
        data=journey_services.WidgetInput(
            title="Ferris wheel for the harbour",
            body="A seaside Ferris wheel that connects to the lighthouse set.",
            email="visitor@example.net",
        ),
    )
