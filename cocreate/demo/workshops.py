"""The demo's workshops: two innovation centres, two past sessions with attendance, survey answers and the
ideas they produced (co-created by participants, one already moving through review), and upcoming
sessions with registrations and a waitlist.

Everything goes through the services. Registration is only open before a session starts, so the past
sessions are planned in the future, filled, then moved back to their real dates. Idempotent: a session is
found by its slug and made once; a random generator with a fixed seed makes every run alike.
"""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cocreate.accounts.models import Role, User
from cocreate.brand.models import Product
from cocreate.challenges.models import IdeaStatus
from cocreate.challenges.services.ideas import idea_transition
from cocreate.core.errors import DomainError
from cocreate.journeys.models import ParticipationPoint, Persona, PointKind
from cocreate.workshops import selectors, services
from cocreate.workshops.models import Centre, Workshop, WorkshopFormat, WorkshopStatus

SEED = 20261204
MEMBER_DOMAIN = "members.northbrick.example"
DEMO_MEMBER = "member@northbrick.example"

CENTRES = [
    {
        "name": "Northbrick Innovation Centre Billund",
        "address": "Systemvej 4",
        "city": "Billund",
        "capacity": 60,
        "timezone_name": "Europe/Copenhagen",
    },
    {
        "name": "Northbrick Co-creation Studio London",
        "address": "12 Brick Lane",
        "city": "London",
        "capacity": 24,
        "timezone_name": "Europe/London",
    },
]

AGENDA = (
    "1. **Welcome** and what we heard from you so far\n"
    "2. Hands-on: build, break, rebuild (in small groups)\n"
    "3. Share back: each group pitches one idea\n"
    "4. Next steps and the satisfaction survey"
)

COMMENTS = [
    "Loved building with the designers in the room.",
    "Great energy, but the session felt a bit rushed at the end.",
    "I finally understood how a set goes from sketch to shelf.",
    "More time for the hands-on part, please.",
    "The share-back round was the best part.",
    "",
    "Would come again and bring my kids' ideas.",
    "Too much talking at the start.",
]

PAST: list[dict[str, Any]] = [
    {
        "slug": "modular-city-lab-autumn",
        "title": "Modular city lab",
        "goal": "Find the next modular building with the people who build the whole street.",
        "centre": 0,
        "room": "Studio 2",
        "days_ago": 42,
        "capacity": 12,
        "registrations": 14,
        "survey_bias": 1,
        "ideas": [
            (
                "Corner café with a working awning",
                "A modular corner building whose awning rolls out with a hidden crank, "
                "with a café inside and a flat upstairs.",
                IdeaStatus.IN_REVIEW,
            ),
            (
                "Tram stop that connects two streets",
                "A tram stop and short track section that joins two modular streets at a right angle.",
                None,
            ),
        ],
        "note": (
            "Pain points",
            "- Instructions for the interiors come too late in the book\n- *Light bricks* drain batteries",
        ),
    },
    {
        "slug": "family-play-sprint-online",
        "title": "Family play sprint",
        "goal": "How do parents and kids build together? Sketch sets that need two pairs of hands.",
        "centre": None,
        "room": "",
        "days_ago": 12,
        "capacity": 10,
        "registrations": 10,
        "survey_bias": 0,
        "ideas": [
            (
                "Two-seat rally kit",
                "A car built from both ends at once: one builder does the engine, the other the cockpit, "
                "and they click together in the middle.",
                None,
            ),
        ],
        "note": ("What families told us", "Younger builders want stickers they can place themselves."),
    },
]

UPCOMING: list[dict[str, Any]] = [
    {
        "slug": "space-sets-lab-spring",
        "title": "Space sets lab",
        "goal": "Sketch a space station that grows with each set in the wave.",
        "centre": 1,
        "room": "The Workshop",
        "in_days": 9,
        "capacity": 8,
        "registrations": 11,
    },
    {
        "slug": "builders-council-online",
        "title": "Builders' council (online)",
        "goal": "Review this year's ideas shortlist with the design team.",
        "centre": None,
        "room": "",
        "in_days": 20,
        "capacity": 30,
        "registrations": 6,
    },
]


def _members() -> list[User]:
    return list(User.objects.filter(email__endswith=f"@{MEMBER_DOMAIN}", role=Role.MEMBER).order_by("id"))


def _centres(staff: User) -> list[Centre]:
    out = []
    for spec in CENTRES:
        centre = Centre.objects.filter(name=spec["name"]).first()
        if centre is None:
            centre = services.centre_create(actor=staff, **spec)  # type: ignore[arg-type]
        out.append(centre)
    return out


def _plan(staff: User, spec: dict[str, Any], centres: list[Centre], starts: datetime) -> Workshop:
    online = spec["centre"] is None
    product = Product.objects.order_by("id").first()
    point = ParticipationPoint.objects.filter(kind=PointKind.WORKSHOP).order_by("id").first()
    workshop = services.workshop_create(
        actor=staff,
        title=spec["title"],
        goal=spec["goal"],
        agenda=AGENDA,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        capacity=spec["capacity"],
        format=WorkshopFormat.ONLINE if online else WorkshopFormat.VENUE,
        centre=None if online else centres[spec["centre"]],
        room=spec["room"],
        meeting_url="https://meet.northbrick.example/" + spec["slug"] if online else "",
        status=WorkshopStatus.PUBLISHED,
        product=product,
        participation_point=point,
        facilitators=[staff],
        personas=list(Persona.objects.order_by("id")[:2]),
    )
    # The demo links by a stable address.
    Workshop.objects.filter(pk=workshop.pk).update(slug=spec["slug"])
    workshop.slug = spec["slug"]
    return workshop


def _register(workshop: Workshop, people: list[User]) -> None:
    for person in people:
        try:
            services.registration_create(actor=person, workshop=workshop)
        except DomainError:
            continue


def _past(
    staff: User, spec: dict[str, Any], centres: list[Centre], people: list[User], rng: random.Random
) -> None:
    if Workshop.objects.filter(slug=spec["slug"]).exists():
        return
    workshop = _plan(staff, spec, centres, timezone.now() + timedelta(days=1))
    _register(workshop, people[: spec["registrations"]])
    # A late cancellation lets the first on the waitlist in.
    services.registration_cancel(actor=people[1], workshop=workshop)
    starts = (timezone.now() - timedelta(days=spec["days_ago"])).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    Workshop.objects.filter(pk=workshop.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=3))
    workshop.refresh_from_db()
    sheet = [r.user_id for r in selectors.attendance_sheet(workshop=workshop)]
    marks = {uid: ("no_show" if i % 6 == 5 else "present") for i, uid in enumerate(sheet)}
    services.attendance_take(actor=staff, workshop=workshop, marks=marks)
    present = [uid for uid, mark in marks.items() if mark == "present"]
    by_id = {p.pk: p for p in people}
    for i, uid in enumerate(present):
        if i % 5 == 4:
            continue  # not everyone answers
        csat = max(1, min(5, rng.choice([3, 4, 4, 5, 5, 2]) + spec["survey_bias"] - (1 if i % 7 == 3 else 0)))
        nps = max(0, min(10, rng.choice([6, 7, 8, 9, 9, 10, 10, 4]) + spec["survey_bias"]))
        services.survey_answer(
            actor=by_id[uid], workshop=workshop, csat=csat, nps=nps, comment=COMMENTS[i % len(COMMENTS)]
        )
    for n, (title, body, target) in enumerate(spec["ideas"]):
        team = [by_id[uid] for uid in present[n * 3 : n * 3 + 3]]
        output = services.output_add(
            actor=staff, workshop=workshop, kind="idea", title=title, body=body, co_creators=team
        )
        if target == IdeaStatus.IN_REVIEW and output.idea is not None:
            # The idea's later life: the design team picked it up (shown as "what became of it").
            with contextlib.suppress(DomainError):
                idea_transition(
                    actor=staff,
                    idea=output.idea,
                    to_status=IdeaStatus.IN_REVIEW,
                    message="Picked up by the design team after the workshop.",
                )
    note_title, note_body = spec["note"]
    services.output_add(actor=staff, workshop=workshop, kind="note", title=note_title, body=note_body)
    services.workshop_complete(actor=staff, workshop=workshop)


def _upcoming(staff: User, spec: dict[str, Any], centres: list[Centre], people: list[User]) -> None:
    if Workshop.objects.filter(slug=spec["slug"]).exists():
        return
    starts = (timezone.now() + timedelta(days=spec["in_days"])).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    workshop = _plan(staff, spec, centres, starts)
    _register(workshop, people[: spec["registrations"]])


def seed_workshops(staff: User) -> None:
    """Centres, two past sessions with their surveys and ideas, two upcoming ones (idempotent)."""
    rng = random.Random(SEED)
    members = _members()
    if len(members) < 40:
        return
    demo_member = User.objects.filter(email=DEMO_MEMBER).first()
    with transaction.atomic():
        centres = _centres(staff)
        for n, spec in enumerate(PAST):
            people = members[n * 20 : n * 20 + 20]
            if n == 0 and demo_member is not None:
                people = [demo_member, *people]
            _past(staff, spec, centres, people, rng)
        for n, spec in enumerate(UPCOMING):
            people = members[40 + n * 15 : 40 + n * 15 + 15]
            if n == 1 and demo_member is not None:
                people = [demo_member, *people]
            _upcoming(staff, spec, centres, people)
