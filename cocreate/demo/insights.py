"""The demo's prototype test (the Alpine Cable Car in two versions, rated by invited personas) and a
multiple-choice poll with votes. Idempotent: each part is created once, found by its title afterwards."""

from __future__ import annotations

import io
import random
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from cocreate.accounts.models import Role, User
from cocreate.brand.models import Product
from cocreate.insights import services as insight_services
from cocreate.insights.models import PrototypeResponse, PrototypeStatus, PrototypeTest
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

TEST_TITLE = "Alpine Cable Car: which cabin should ship?"
POLL_TITLE = "What makes a modular building worth buying?"
POLL_OPTIONS = [
    "A detailed interior",
    "Working light bricks",
    "Connects to the other buildings",
    "Five or more minifigures",
    "Under 2,000 pieces",
]

VERSIONS = [
    {
        "label": "v1",
        "description": (
            "The first cabin: **compact and red**, a single-cable station and a 14-step valley station.\n\n"
            "- 1,480 pieces\n- The cabin clips onto the cable by hand\n- Two skiers and an operator"
        ),
        "cabin": "#c0392b",
        "wide": False,
    },
    {
        "label": "v2",
        "description": (
            "The revised cabin: **wider, with panorama windows**, a geared crank that moves the cabin along "
            "the cable, and a simpler valley station (9 steps).\n\n"
            "- 1,560 pieces\n- Crank-driven cabin\n- Two skiers, an operator and a mountain guide"
        ),
        "cabin": "#1f4e8c",
        "wide": True,
    },
]

# Mean scores per version (ease of use, looks, play value) and purchase intent, before persona effects.
PROFILE = {
    "v1": {"Ease of use": 3.0, "Looks": 3.7, "Play value": 3.1, "intent": 2.9},
    "v2": {"Ease of use": 4.0, "Looks": 4.1, "Play value": 4.2, "intent": 3.7},
}
# How each persona leans (added to the means above).
LEAN = {
    "Family builders": {"Ease of use": -0.5, "Play value": 0.4, "intent": 0.2},
    "Weekend builders": {"Looks": 0.3, "Ease of use": 0.2},
    "Collectors": {"Looks": 0.5, "Play value": -0.4, "intent": 0.3},
}
ANSWERS = {
    "v1": [
        "The cabin kept slipping off the cable while I built the station.",
        "Lovely colour, but the valley station took ages.",
        "My kids wanted the cabin to move on its own.",
        "Hard to see which grey piece goes where in steps 40 to 60.",
        "Small cabin: only two figures fit inside.",
        "The mountain base is great, the cabin feels fragile.",
    ],
    "v2": [
        "The crank is brilliant, we played with it for an hour.",
        "Panorama windows look fantastic on the shelf.",
        "Much easier station, finished it in one evening.",
        "I would pay more for a longer cable section.",
        "The guide minifigure is a nice touch.",
        "Crank gear slips a little when the cabin is at the top.",
    ],
}
SECOND_ANSWERS = [
    "Add a second cabin going the other way.",
    "A snowy base plate would finish it.",
    "Keep the price under 150.",
    "",
    "",
]


def _font(size: int) -> Any:
    return ImageFont.load_default(size=size)


def _scene(label: str, cabin: str, wide: bool, close_up: bool) -> bytes:
    """A cable car drawn with Pillow: mountains, the cable, the cabin in the version's colour."""
    width, height = 960, 600
    image = Image.new("RGB", (width, height), "#dfeaf5")
    draw = ImageDraw.Draw(image, "RGBA")
    draw.polygon([(0, 600), (260, 170), (520, 600)], fill="#8a9bab")
    draw.polygon([(330, 600), (640, 120), (960, 600)], fill="#6f8396")
    draw.polygon([(560, 245), (640, 120), (720, 245)], fill="#ffffff")
    draw.polygon([(200, 270), (260, 170), (320, 270)], fill="#ffffff")
    draw.line([(0, 140), (960, 330)], fill="#2b2b2b", width=5)
    scale = 2.0 if close_up else 1.0
    cabin_w = int((230 if wide else 150) * scale)
    cabin_h = int(150 * scale)
    cx = 480
    cy = 140 + (190 * cx) // 960
    draw.line([(cx, cy), (cx, cy + int(50 * scale))], fill="#2b2b2b", width=6)
    top = cy + int(50 * scale)
    draw.rounded_rectangle(
        [cx - cabin_w // 2, top, cx + cabin_w // 2, top + cabin_h],
        radius=18,
        fill=cabin,
        outline="#00000055",
        width=4,
    )
    panes = 4 if wide else 2
    pane_w = (cabin_w - 20 * (panes + 1)) // panes
    for i in range(panes):
        x = cx - cabin_w // 2 + 20 + i * (pane_w + 20)
        draw.rectangle(
            [x, top + 20, x + pane_w, top + int(cabin_h * (0.62 if wide else 0.45))], fill="#f4fbff"
        )
    draw.rectangle([0, height - 90, width, height], fill="#ffffffd9")
    caption = f"Alpine Cable Car · {label}" + (" · close-up" if close_up else "")
    draw.text((40, height - 70), caption, fill="#1c2126", font=_font(40))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _instructions(label: str) -> bytes:
    """A one-page PDF of building notes (Pillow writes real PDF files)."""
    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    draw.text((100, 120), f"Alpine Cable Car {label}: building notes", fill="black", font=_font(48))
    lines = [
        "1. Build the valley station base.",
        "2. Raise the tower and fix the cable.",
        "3. Assemble the cabin.",
    ]
    for i, line in enumerate(lines):
        draw.text((100, 260 + i * 80), line, fill="black", font=_font(36))
    out = io.BytesIO()
    page.save(out, "PDF")
    return out.getvalue()


def _score(rng: random.Random, mean: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, 0.85))))


@transaction.atomic
def seed_insights(staff: User) -> None:
    """Create the demo prototype test and poll once; later runs find them by title and add nothing.

    Needs the demo journey, its personas and products (seed_journey and seed_brand run first). Responses
    come from the members of the target personas, so their number grows with the demo's members
    (about 1.6 per invited member: most rate both versions)."""
    journey = Journey.objects.filter(points__kind=PointKind.PROTOTYPE).order_by("id").first()
    if journey is None:
        return
    _seed_prototype_test(staff, journey)
    _seed_poll(staff, journey)


def _seed_prototype_test(staff: User, journey: Journey) -> None:
    if PrototypeTest.objects.filter(title=TEST_TITLE).exists():
        return
    personas = {p.name: p for p in Persona.objects.all()}
    targets = [personas[n] for n in ("Weekend builders", "Family builders") if n in personas]
    point = (
        ParticipationPoint.objects.filter(journey=journey, kind=PointKind.PROTOTYPE).order_by("id").first()
    )
    test = insight_services.prototype_test_create(
        actor=staff,
        title=TEST_TITLE,
        description=(
            "We built two versions of the Alpine Cable Car and need you to build and rate both. "
            "Which cabin should reach the shops?\n\n"
            "Rate each version on the three criteria, tell us what you would change, and say whether you "
            "would buy it. Both versions come with their building notes as a PDF."
        ),
        product=Product.objects.filter(name="Alpine Cable Car").first(),
        point=point,
        criteria=["Ease of use", "Looks", "Play value"],
        questions=["What would you change?", "Anything else we should know?"],
        personas=targets,
        opens_on=timezone.localdate() - timedelta(days=21),
        closes_on=timezone.localdate() + timedelta(days=30),
    )
    versions = []
    for spec in VERSIONS:
        label = str(spec["label"])
        versions.append(
            insight_services.version_create(
                actor=staff,
                test=test,
                label=label,
                description=str(spec["description"]),
                link=f"https://northbrick.example/prototypes/alpine-cable-car/{label}",
                images=[
                    SimpleUploadedFile(
                        f"{label}.png", _scene(label, str(spec["cabin"]), bool(spec["wide"]), False)
                    ),
                    SimpleUploadedFile(
                        f"{label}-cabin.png", _scene(label, str(spec["cabin"]), bool(spec["wide"]), True)
                    ),
                ],
                image_alts=[
                    f"The {label} cabin on its cable between two snowy peaks",
                    f"A close-up of the {label} cabin and its windows",
                ],
                file=SimpleUploadedFile(f"Alpine Cable Car {label} building notes.pdf", _instructions(label)),
            )
        )
    insight_services.prototype_test_update(actor=staff, test=test, status=PrototypeStatus.OPEN)
    if targets:
        insight_services.invitations_send(actor=staff, test=test, personas=targets)
        # The demo does not wait for a worker: expand and notify now (both are idempotent).
        insight_services.invitations_expand(test_id=test.pk, persona_ids=[p.pk for p in targets])
        insight_services.invitations_notify(test_id=test.pk)

    leaning = {
        name: set(journey_selectors.persona_members(p).values_list("pk", flat=True))
        for name, p in personas.items()
        if name in LEAN
    }
    rng = random.Random(5150)
    testers = list(User.objects.filter(prototype_invitations__test=test, role=Role.MEMBER).order_by("id"))
    now = timezone.now()
    for tester in testers:
        for version, share in zip(versions, (0.88, 0.76), strict=True):
            if rng.random() > share:
                continue
            profile = dict(PROFILE[version.label])
            for name, members in leaning.items():
                if tester.pk in members:
                    for key, delta in LEAN[name].items():
                        profile[key] += delta
            answers = []
            if rng.random() < 0.45:
                answers = [rng.choice(ANSWERS[version.label]), rng.choice(SECOND_ANSWERS)]
            response = insight_services.response_submit(
                actor=tester,
                version=version,
                ratings={c: _score(rng, profile[c]) for c in test.criteria},
                answers=answers,
                purchase_intent=_score(rng, profile["intent"]),
            )
            # Spread the responses over the three weeks the test has been open.
            PrototypeResponse.objects.filter(pk=response.pk).update(
                created_at=now - timedelta(minutes=rng.randint(10, 21 * 24 * 60))
            )


def _seed_poll(staff: User, journey: Journey) -> None:
    if ParticipationPoint.objects.filter(title=POLL_TITLE).exists():
        return
    stage = journey.stages.filter(name="Consideration").first() or journey.stages.order_by("position").first()
    if stage is None:
        return
    personas = [p for p in Persona.objects.all() if p.name in ("Collectors", "Weekend builders")]
    point = journey_services.point_create(
        actor=staff,
        journey=journey,
        stage=stage,
        touchpoint=stage.touchpoints.order_by("id").first(),
        kind=PointKind.POLL,
        title=POLL_TITLE,
        prompt="Tick everything that makes you buy a modular building.",
        personas=personas,
        poll_options=POLL_OPTIONS,
        poll_multiple=True,
        goal=400,
        goal_unit="votes",
        starts_on=timezone.localdate() - timedelta(days=30),
        ends_on=timezone.localdate() + timedelta(days=60),
    )
    # Collectors care about interiors and connections; others more about lights and the piece count.
    weights = {
        "Collectors": [0.8, 0.45, 0.85, 0.3, 0.1],
        "Weekend builders": [0.55, 0.6, 0.5, 0.35, 0.4],
    }
    audience: dict[int, str] = {}
    for persona in personas:
        for pk in journey_selectors.persona_members(persona).values_list("pk", flat=True):
            audience.setdefault(pk, persona.name)
    attribution = journey_services.Attribution(
        point=point, touchpoint=point.touchpoint, source=ContributionSource.WIDGET
    )
    rng = random.Random(2027)
    for user in User.objects.filter(pk__in=list(audience)).order_by("id"):
        if rng.random() > 0.7:
            continue
        odds = weights[audience[user.pk]]
        picked = [o for o, p in zip(POLL_OPTIONS, odds, strict=True) if rng.random() < p] or [
            rng.choice(POLL_OPTIONS)
        ]
        journey_services.contribution_record(
            attribution=attribution, kind=ContributionKind.POLL_ANSWER, user=user, choices=picked
        )
