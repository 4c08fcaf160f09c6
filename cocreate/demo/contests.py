"""The demo's design contests: one running (its concept round closed, the final round open, with
shortlisted entries revised, fans' points, comments and jury scores) and one past contest with its
winners on the showcase. Idempotent: each contest is created once, found by its title afterwards."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from cocreate.accounts.models import Role, User
from cocreate.brand.models import Product
from cocreate.contests import selectors, services
from cocreate.contests.models import Contest, ContestStatus, Entry, Round, Visibility, VotingMode
from cocreate.core.errors import DomainError
from cocreate.discussions import services as discussion_services

RUNNING_TITLE = "Harbour Lighthouse 2027: design the keeper's cottage"
PAST_TITLE = "Summer festival stage"
MEMBER_DOMAIN = "members.northbrick.example"

RUNNING_BRIEF = (
    "The **Harbour Lighthouse** is getting a companion set for 2027, and its keeper's cottage is yours to "
    "design.\n\n"
    "- Up to 900 pieces, buildable in an evening\n"
    "- It must connect to the lighthouse's rocky base\n"
    "- One play feature a child can find without the instructions\n\n"
    "Round 1 takes concepts (a sketch or a render and a few lines). The jury shortlists five, who refine "
    "their design in the final round while fans give their points."
)
RUNNING_PRIZES = (
    "The winning design is produced in 2027 and credited on the box; 1,500 reward points each for the "
    "shortlist."
)
PAST_BRIEF = "A stage for the summer festival minifigures: lights, a backdrop and room for a five-piece band."

CONCEPTS = [
    (
        "Driftwood cottage",
        "Weathered planks, a rowing boat on the roof and a lantern that lights from the base.",
    ),
    ("Signal house", "A slim two-storey house with a flag mast; the flags change the lighthouse's message."),
    ("Net loft", "The ground floor opens like a shed for nets and crates; the loft has the keeper's bed."),
    ("Storm shelter", "Thick stone walls, round windows, a hatch to a hidden cellar of supplies."),
    ("Keeper's garden", "A small white cottage behind a walled garden with a vegetable patch and a cat."),
    ("Foghorn cabin", "A red cabin with a working foghorn lever that turns a gear in the lighthouse."),
    ("Seal watch", "A glass-fronted lookout with a telescope and seals on the rocks below."),
    ("Lifeboat station", "A slipway and a lifeboat that rolls down into the harbour on a brick rail."),
    ("Gull's rest", "Steep blue roof, chimney with nesting gulls, a bench outside for the keeper."),
    ("Tide clock", "A cottage with a big tide clock on its gable; turning it lifts the jetty."),
]
REVISION_NOTES = [
    "Lower piece count, clearer play feature.",
    "Took the jury's advice: the base now clips onto the lighthouse.",
    "New colour scheme and a second minifigure.",
    "Simpler roof; the interior opens wider.",
    "Reworked the gable so the feature is easy to find.",
]
COMMENTS = [
    "The hidden cellar is such a good idea, my kids would love it.",
    "Love how it connects to the base, it finally makes the harbour feel complete.",
    "Could the boat be a separate build? Then it plays on its own too.",
    "Colours look great next to the lighthouse.",
    "The gear linking to the lighthouse is clever. Does it turn the lamp?",
    "This one feels the most like a real keeper's cottage.",
    "A bit big for 900 pieces maybe, but I would buy it.",
    "Please keep the cat!",
    "The revised roof is much better than the concept.",
    "My favourite so far: simple and full of stories.",
]
PALETTES = [
    ("#f3efe4", "#b5533c", "#1f4e8c"),
    ("#e9eef2", "#34495e", "#e74c3c"),
    ("#fdf6e3", "#5b8c5a", "#8e6c4a"),
    ("#f6f4ee", "#c0392b", "#2c3e50"),
    ("#dfeaf5", "#6f8396", "#f2b134"),
]


def _art(title: str, seed: int, revision: int = 1) -> SimpleUploadedFile:
    """A little cottage on rocks by the sea, in a palette picked by the seed."""
    rng = random.Random(seed * 31 + revision)
    bg, wall, roof = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", (480, 320), bg)
    draw = ImageDraw.Draw(image, "RGBA")
    draw.rectangle([0, 240, 480, 320], fill="#5d8fb5")
    draw.polygon([(40, 250), (120, 200), (330, 205), (420, 250)], fill="#8a9bab")
    width = rng.randint(130, 190) + revision * 8
    x0 = 240 - width // 2
    draw.rectangle([x0, 130, x0 + width, 215], fill=wall, outline="#00000040", width=3)
    draw.polygon([(x0 - 12, 132), (240, 60 - revision * 4), (x0 + width + 12, 132)], fill=roof)
    for i in range(rng.randint(2, 3)):
        wx = x0 + 18 + i * (width - 36) // 3
        draw.rectangle([wx, 150, wx + 22, 176], fill="#f4fbff", outline="#00000040")
    draw.rectangle([0, 286, 480, 320], fill="#ffffffd9")
    label = title if revision == 1 else f"{title} · rev. {revision}"
    draw.text((14, 292), label, fill="#1c2126", font=ImageFont.load_default(size=20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile(
        f"{title.lower().replace(' ', '-')}.png", out.getvalue(), content_type="image/png"
    )


def _shift(contest: Contest, open_index: int | None) -> None:
    """Move the rounds in time so round `open_index` is open now and those before it have closed (None:
    every round is over). Entries and votes are written through the services, which take them only in
    an open round, so the demo replays its history by moving the clock of the rounds."""
    now = timezone.now()
    rounds = list(Round.objects.filter(contest=contest).order_by("position"))
    anchor = len(rounds) if open_index is None else open_index
    for i, rnd in enumerate(rounds):
        offset = (i - anchor) * 14
        Round.objects.filter(pk=rnd.pk).update(
            opens_at=now + timedelta(days=offset - 10, hours=1), closes_at=now + timedelta(days=offset + 4)
        )
    if hasattr(contest, "_rounds"):
        del contest._rounds


def _fresh(entry_id: int) -> Entry:
    return Entry.objects.select_related("contest", "first_round").get(pk=entry_id)


def _members(count: int, skip: int = 0) -> list[User]:
    return list(
        User.objects.filter(email__endswith=f"@{MEMBER_DOMAIN}", role=Role.MEMBER, is_active=True).order_by(
            "id"
        )[skip : skip + count]
    )


def _vote_round(
    rng: random.Random, fans: list[User], entries: list[Entry], budget: bool, weights: list[int]
) -> None:
    for fan in fans:
        picks = rng.choices(entries, weights=weights, k=rng.randint(1, 3) if budget else 1)
        left = 10
        for entry in dict.fromkeys(picks):
            if entry.designer_id == fan.pk or left <= 0:
                continue
            points = min(left, rng.randint(1, 5)) if budget else None
            try:
                services.vote_cast(actor=fan, entry=_fresh(entry.pk), points=points)
            except DomainError:
                continue
            left -= points or 1


def _comment(rng: random.Random, fans: list[User], entries: list[Entry]) -> None:
    # Weeks of comments are written in seconds here: the per-minute limit is for people.
    with override_settings(COCREATE_COMMENTS_PER_MINUTE=1_000_000):
        _comment_all(rng, fans, entries)


def _comment_all(rng: random.Random, fans: list[User], entries: list[Entry]) -> None:
    for i, entry in enumerate(entries):
        for author in rng.sample(fans, k=min(len(fans), rng.randint(1, 3))):
            if entry.discussion is None:
                break
            discussion_services.comment_post(
                actor=author, discussion=entry.discussion, body=COMMENTS[(i + author.pk) % len(COMMENTS)]
            )


def seed_contests(staff: User) -> None:
    """Create the demo contests once. Needs the demo's members (seed_members runs first)."""
    if Contest.objects.filter(title=RUNNING_TITLE).exists():
        return
    members = _members(140)
    if len(members) < 30:
        return
    from django.core.cache import cache

    rng = random.Random(20261204)
    with transaction.atomic():
        _seed_running(staff, members, rng)
        _seed_past(staff, members, rng)
    # The demo's comments were posted in one go; the rate limiter's counters are not the members' own.
    cache.clear()


def _seed_running(staff: User, members: list[User], rng: random.Random) -> None:
    designers, jurors, fans = members[:5], members[5:7], members[7:]
    now = timezone.now()
    contest = services.contest_create(
        actor=staff,
        title=RUNNING_TITLE,
        brief=RUNNING_BRIEF,
        prizes=RUNNING_PRIZES,
        product=Product.objects.filter(name="Harbour Lighthouse").first(),
        voting_mode=VotingMode.BUDGET,
        vote_budget=10,
        max_points_per_entry=5,
        visibility=Visibility.SEALED,
        shortlisting=True,
        max_entries_per_designer=2,
    )
    services.round_add(
        actor=staff,
        contest=contest,
        name="Concepts",
        description="Sketches and a few lines; the jury shortlists five.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    services.round_add(
        actor=staff,
        contest=contest,
        name="Final designs",
        description="The shortlist refines its designs; fans give their points.",
        opens_at=now + timedelta(days=2),
        closes_at=now + timedelta(days=16),
    )
    member = User.objects.filter(email="member@northbrick.example").first()
    services.designers_invite(
        actor=staff, contest=contest, emails=[d.email for d in designers] + ([member.email] if member else [])
    )
    services.jurors_appoint(actor=staff, contest=contest, emails=[staff.email, *[j.email for j in jurors]])
    services.criteria_set(
        actor=staff,
        contest=contest,
        criteria=[
            {"name": "Originality", "weight": 3},
            {"name": "Fits the lighthouse", "weight": 2},
            {"name": "Buildability", "weight": 1},
        ],
    )
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.OPEN)
    _shift(contest, 0)
    for d in designers:
        services.designer_answer(actor=d, contest=contest, accept=True)
    contest = Contest.objects.get(pk=contest.pk)
    entries = []
    for i, (title, text) in enumerate(CONCEPTS):
        entry = services.entry_submit(
            actor=designers[i % len(designers)],
            contest=contest,
            title=title,
            description=text,
            uploads=[_art(title, i)],
        )
        entries.append(_fresh(entry.pk))
    # The concepts are sealed: the jury alone sees them in the first round, and shortlists its top five.
    criteria = list(contest.criteria.order_by("position"))
    for juror in [staff, *jurors]:
        for entry in entries:
            services.scores_set(
                actor=juror, entry=_fresh(entry.pk), scores={c.pk: rng.randint(4, 10) for c in criteria}
            )
    ranking = selectors.jury_ranking(contest)
    shortlisted = [_fresh(row.entry.pk) for row in ranking[:5]]
    for entry in shortlisted:
        services.entry_shortlist(actor=staff, entry=entry, shortlisted=True)

    # The concept round is over; the shortlist revises in the final round while fans vote again.
    _shift(contest, 1)
    contest = Contest.objects.get(pk=contest.pk)
    for i, entry in enumerate(shortlisted[:4]):
        fresh = _fresh(entry.pk)
        services.entry_revise(
            actor=fresh.designer,
            entry=fresh,
            title=f"{fresh.title} (final)",
            description=f"{fresh.description}\n\n**Final round:** {REVISION_NOTES[i]}",
            note=REVISION_NOTES[i],
            uploads=[_art(fresh.title, CONCEPTS.index(next(c for c in CONCEPTS if c[0] == fresh.title)), 2)],
        )
    # Fans see the concepts now (as they stood when the first round closed) and give their points to
    # the shortlist; the final revisions stay sealed until this round closes.
    finals = [_fresh(e.pk) for e in shortlisted]
    _vote_round(rng, fans[:75], finals, True, [rng.randint(1, 9) for _ in finals])
    _comment(rng, fans[100:], [_fresh(e.pk) for e in entries[:6]])
    for entry in finals[:3]:
        services.scores_set(
            actor=jurors[0], entry=_fresh(entry.pk), scores={c.pk: rng.randint(6, 10) for c in criteria}
        )


def _seed_past(staff: User, members: list[User], rng: random.Random) -> None:
    designers, fans = members[10:14], members[20:70]
    now = timezone.now()
    contest = services.contest_create(
        actor=staff,
        title=PAST_TITLE,
        brief=PAST_BRIEF,
        prizes="The winning stage ships in the summer festival set.",
        voting_mode=VotingMode.ONE_VOTE,
        visibility=Visibility.OPEN,
        max_entries_per_designer=2,
    )
    services.round_add(
        actor=staff,
        contest=contest,
        name="Designs",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    services.designers_invite(actor=staff, contest=contest, emails=[d.email for d in designers])
    services.criteria_set(actor=staff, contest=contest, criteria=[{"name": "Stage presence", "weight": 1}])
    services.jurors_appoint(actor=staff, contest=contest, emails=[staff.email])
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.OPEN)
    for d in designers:
        services.designer_answer(actor=d, contest=contest, accept=True)
    contest = Contest.objects.get(pk=contest.pk)
    titles = [
        "Neon shell",
        "Festival barn",
        "Lighthouse stage",
        "Rooftop gig",
        "Pier pavilion",
        "Tent of lights",
    ]
    entries = []
    for i, title in enumerate(titles):
        entry = services.entry_submit(
            actor=designers[i % len(designers)],
            contest=contest,
            title=title,
            description=f"{title}: a stage for five with lights and a backdrop.",
            uploads=[_art(title, i + 3)],
        )
        entries.append(_fresh(entry.pk))
    _vote_round(rng, fans, entries, False, [rng.randint(1, 9) for _ in entries])
    criterion = contest.criteria.get()
    for entry in entries:
        services.scores_set(actor=staff, entry=_fresh(entry.pk), scores={criterion.pk: rng.randint(4, 10)})
    _shift(contest, None)
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.JUDGING)
    contest = Contest.objects.get(pk=contest.pk)
    by_votes = sorted(entries, key=lambda e: -_fresh(e.pk).votes)
    for entry in by_votes[:4]:
        services.entry_shortlist(actor=staff, entry=entry, shortlisted=True)
    services.winners_set(
        actor=staff, contest=contest, places={1: by_votes[1], 2: by_votes[0], 3: by_votes[2]}
    )
    services.contest_set_status(actor=staff, contest=contest, status=ContestStatus.CLOSED)
