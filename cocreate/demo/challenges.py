"""The demo brand's idea challenges: a running challenge with ideas at every rung of the ladder.

The crowd that carries ideas to 100, 1,000, 5,000 and 10,000 supports is made of lightweight fan
accounts inserted in bulk; the last support on each idea goes through the real service, so milestones,
deadlines and their notifications happen exactly as they would live.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cocreate.accounts.models import Role, User
from cocreate.brand.models import Product
from cocreate.challenges.models import Challenge, Idea, IdeaStatus, Support
from cocreate.challenges.services import ideas as idea_services
from cocreate.challenges.services import supports as support_services

from .text import IdeaTextFactory

CHALLENGE_TITLE = "Harbour and coast: sets for the seaside"
FAN_DOMAIN = "fans.northbrick.example"
# (supports before the last one, final status) — the last support goes through the service.
LADDER_IDEAS: list[tuple[str, str, int]] = [
    (
        "Working lighthouse with a rotating lamp",
        "A taller lighthouse whose lamp really turns, powered by a small crank in the base. The keeper's "
        "cottage opens like a dollhouse.",
        37,
    ),
    (
        "Seaside Ferris wheel",
        "A pier with a Ferris wheel that turns by hand, candy-floss stall and a little ticket booth. "
        "It should connect to the Harbour Lighthouse base plates.",
        99,
    ),
    (
        "Harbour fish market",
        "An early-morning fish market with ice crates, gulls, a crane for unloading and a café upstairs "
        "for the fishermen.",
        999,
    ),
    (
        "Coastal rescue station",
        "A lifeboat station with a launching ramp that really slides the boat into the water, a "
        "watchtower and a radio room.",
        4999,
    ),
    (
        "Old steam ferry",
        "A paddle-steamer ferry with a detachable deck, turning paddle wheels and room for the City Tram "
        "to board it.",
        9999,
    ),
]
OTHER_STATUSES = [
    ("Beach hut row", "Five colourful beach huts with hinged doors and a boardwalk.", IdeaStatus.EXPIRED),
    (
        "Floating sea-life aquarium",
        "A glass-look aquarium barge with sharks and a tunnel.",
        IdeaStatus.IN_REVIEW,
    ),
    ("Night fishing boats", "Two fishing boats with lantern bricks for night scenes.", IdeaStatus.APPROVED),
    ("Tidal island monastery", "A monastery on a rock with a causeway that floods.", IdeaStatus.LAUNCHED),
]


def _fans(count: int) -> list[int]:
    """Lightweight supporter accounts (no log-in), inserted in bulk the first time."""
    existing = list(User.objects.filter(email__endswith=f"@{FAN_DOMAIN}").values_list("pk", flat=True))
    missing = count - len(existing)
    if missing > 0:
        unusable = make_password(None)
        start = len(existing)
        User.objects.bulk_create(
            [
                User(
                    email=f"fan{start + i}@{FAN_DOMAIN}",
                    display_name=f"Fan {start + i}",
                    role=Role.MEMBER,
                    password=unusable,
                )
                for i in range(missing)
            ],
            batch_size=2000,
        )
        existing = list(User.objects.filter(email__endswith=f"@{FAN_DOMAIN}").values_list("pk", flat=True))
    return existing


def _bulk_supports(idea: Idea, user_ids: list[int], rng: random.Random) -> None:
    challenge = idea.challenge
    now = timezone.now()
    rows = [
        Support(
            idea=idea,
            user_id=uid,
            would_buy=rng.choice(["yes", "yes", "maybe", "no", ""]),
            price_band=rng.choice([*challenge.price_bands, ""]),
            audience=rng.choice([*challenge.audiences, ""]),
        )
        for uid in user_ids
    ]
    Support.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    # A seeding-time recount (never on a request path): the service's own +1 follows.
    Idea.objects.filter(pk=idea.pk).update(
        support_count=Support.objects.filter(idea=idea).count(), updated_at=now
    )


def _walk_to(staff: User, idea: Idea, status: str, product: Product | None) -> None:
    """Move a qualified idea the way the team would: review, a public decision, development, launch."""
    from cocreate.challenges.services import reviews

    if status == IdeaStatus.EXPIRED:
        idea_services.idea_transition(
            actor=staff,
            idea=idea,
            to_status=IdeaStatus.EXPIRED,
            message="The idea did not reach 100 supports within 60 days.",
        )
        return
    idea_services.idea_transition(
        actor=staff,
        idea=idea,
        to_status=IdeaStatus.IN_REVIEW,
        message="Qualified with 10,000 supports; our product team is reviewing it.",
    )
    if status == IdeaStatus.IN_REVIEW:
        return
    reviews.decision_record(
        actor=staff,
        idea=idea,
        outcome="approved",
        product=product,
        rationale="Approved: a strong fit for the coastal range, with a clear story and a price fans told us "
        "they would pay.",
    )
    if status == IdeaStatus.LAUNCHED:
        reviews.idea_in_development(
            actor=staff, idea=idea, message="Our designers are building the first prototype with the creator."
        )
        reviews.idea_launched(
            actor=staff, idea=idea, message="On sale now. Thank you to everyone who supported it!"
        )


def _product_for(staff: User, title: str, status: str) -> Product:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cocreate.brand import services as brand_services

    from .art import product_art

    existing = Product.objects.filter(name=title.title()).first()
    if existing is not None:
        return existing
    launched = status == IdeaStatus.LAUNCHED
    picture = SimpleUploadedFile("product.png", product_art(title.title(), "Modular buildings"), "image/png")
    return brand_services.product_create(
        actor=staff,
        image=picture,
        name=title.title(),
        category="Modular buildings",
        status="launched" if launched else "in_development",
        sku=f"NB-IDEA-{len(title)}{int(launched)}",
        description=f"{title}: a set that started as a fan idea in the Harbour and coast challenge.",
        launch_date=timezone.localdate() - timedelta(days=100) if launched else None,
    )


def _sales(staff: User, product: Product) -> None:
    """Three months of sales for the launched set, imported the way finance does it (CSV)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cocreate.challenges.models import CreatorAgreement
    from cocreate.challenges.services import royalties

    today = timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _ in range(3):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(f"{year:04d}-{month:02d}")
    # The agreement was signed when the set was approved, before these sales (demo history).
    CreatorAgreement.objects.filter(product=product).update(starts_on=today - timedelta(days=200))
    lines = ["product,period,units,net_sales,currency"]
    for i, period in enumerate(sorted(months)):
        units = 1800 + 650 * i
        lines.append(f"{product.sku or product.slug},{period},{units},{units * 54.90:.2f},EUR")
    upload = SimpleUploadedFile("sales.csv", ("\n".join(lines) + "\n").encode(), "text/csv")
    royalties.sales_import_csv(actor=staff, file=upload, filename="northbrick-sales.csv")


@transaction.atomic
def seed_challenges(staff: User) -> None:
    if Challenge.objects.filter(title=CHALLENGE_TITLE).exists():
        return
    idea_services.challenge_default()
    now = timezone.now()
    lighthouse = Product.objects.filter(name="Harbour Lighthouse").first()
    challenge = idea_services.challenge_create(
        actor=staff,
        title=CHALLENGE_TITLE,
        theme="Coastal",
        product=lighthouse,
        brief=(
            "Our Harbour range grows next year. "
            "**What should stand on the quay, the beach or the water?**\n\n"
            "Ideas that reach 10,000 supports are reviewed by our product team; if yours is made, you are "
            "credited on the box and earn 1% of net sales."
        ),
        submission_opens=now - timedelta(days=200),
        submission_closes=now + timedelta(days=160),
        prize="1% royalty and your name on the box",
    )
    members = list(User.objects.filter(email__endswith="@members.northbrick.example").order_by("id"))
    rng = random.Random(4242)
    fans = _fans(10_000)
    authors = iter(members)
    for title, description, before in LADDER_IDEAS:
        author = next(authors)
        idea = idea_services.idea_create(
            actor=author, challenge=challenge, title=title, description=description, tags="harbour, coast"
        )
        crowd = rng.sample(fans, before)
        _bulk_supports(idea, crowd, rng)
        # The last support goes through the service: milestones are decided and announced as they are live.
        finisher = next(m for m in members if m.pk != author.pk)
        support_services.support_add(
            actor=finisher, idea=idea, would_buy="yes", price_band=challenge.price_bands[1]
        )
    for title, description, status in OTHER_STATUSES:
        author = next(authors)
        idea = idea_services.idea_create(
            actor=author, challenge=challenge, title=title, description=description, tags="coast"
        )
        if status != IdeaStatus.EXPIRED:
            # Reviewed ideas qualified first: 10,000 supports, the last one through the service.
            _bulk_supports(idea, rng.sample(fans, 9999), rng)
            finisher = next(m for m in members if m.pk != author.pk)
            support_services.support_add(actor=finisher, idea=idea)
        else:
            _bulk_supports(idea, rng.sample(fans, 41), rng)
            # It was published long enough ago for its first 60 days to have run out.
            Idea.objects.filter(pk=idea.pk).update(
                published_at=now - timedelta(days=75), deadline=now - timedelta(days=15)
            )
        product = None
        if status in (IdeaStatus.APPROVED, IdeaStatus.LAUNCHED):
            product = _product_for(staff, title, status)
        _walk_to(staff, idea, status, product)
        if status == IdeaStatus.LAUNCHED and product is not None:
            _sales(staff, product)
    # Ideas in the always-open challenge, in the fans' own words.
    texts = IdeaTextFactory(random.Random(77))
    default = idea_services.challenge_default()
    for _ in range(12):
        text = texts.idea()
        author = next(authors)
        idea = idea_services.idea_create(
            actor=author,
            challenge=default,
            title=text.title[:120],
            description=text.description,
            tags=list(text.tags),
        )
        for supporter in rng.sample(members, rng.randint(0, 20)):
            if supporter.pk != author.pk:
                support_services.support_add(actor=supporter, idea=idea)
