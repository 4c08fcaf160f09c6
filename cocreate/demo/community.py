"""The demo brand's community forum: boards, six months of posts, staff triage, themes and a changelog.

Everything a person would do goes through the services, so the rules and counters hold exactly as they
do live: boards with moderators, threads of every kind (reviews with stars that match their words, one per
member and product), replies, accepted answers, reactions, then the staff's triage (statuses with public
messages, assignees and teams, areas, internal notes, saved replies), the themes found by re-clustering,
and improvements linked to the posts, themes and ideas behind them, published with their credits.

The posts are written in seconds, so their dates are moved back afterwards to spread over the last six
months (replies after their post, staff answers after the replies that came first). Each step checks
what exists and adds only what is missing; a random generator with a fixed seed makes every run alike.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from cocreate.accounts import services as account_services
from cocreate.accounts.models import Role, User
from cocreate.brand.models import Product
from cocreate.community.models import (
    Area,
    Board,
    ClusterRun,
    FeedbackStatus,
    Improvement,
    SavedReply,
    Team,
    Thread,
    ThreadKind,
    TriageEvent,
    TriageNote,
)
from cocreate.discussions.models import Comment, Discussion, Reaction

from .text import ForumTextFactory

SEED = 20260512
HISTORY_DAYS = 180
MEMBER_DOMAIN = "members.northbrick.example"

# (name, product name or None, description, the kinds posted there with their weights, threads)
BOARDS: list[tuple[str, str | None, str, dict[str, int], int]] = [
    (
        "Ideas & suggestions",
        None,
        "What would make our sets better? One suggestion per thread; our product team reads every one and "
        "answers with its status.",
        {ThreadKind.SUGGESTION: 1},
        130,
    ),
    (
        "Help & questions",
        None,
        "Building questions, compatibility, spare parts. Mark the reply that solved it as the answer.",
        {ThreadKind.QUESTION: 1},
        110,
    ),
    (
        "Harbour Lighthouse",
        "Harbour Lighthouse",
        "Reviews, builds, bug reports and ideas for the Harbour Lighthouse.",
        {"review": 34, "discussion": 22, "bug": 20, "suggestion": 14, "question": 10},
        180,
    ),
    (
        "City Tram No. 7",
        "City Tram No. 7",
        "Everything about the City Tram No. 7 and the tram stop.",
        {"review": 34, "discussion": 22, "bug": 20, "suggestion": 14, "question": 10},
        160,
    ),
    (
        "Corner Bakery",
        "Corner Bakery",
        "The Corner Bakery: reviews, modifications and questions.",
        {"review": 36, "discussion": 24, "bug": 16, "suggestion": 14, "question": 10},
        140,
    ),
    (
        "Junior Fire Station",
        "Junior Fire Station",
        "Our first set for younger builders: tell us how it went.",
        {"review": 40, "discussion": 20, "bug": 14, "suggestion": 14, "question": 12},
        100,
    ),
]

# The people who answer: (email, display name, role, team).
STAFF = [
    ("jonas@northbrick.example", "Jonas (product team)", Role.REVIEWER, "Product"),
    ("aiko@northbrick.example", "Aiko (product team)", Role.REVIEWER, "Product"),
    ("lena@northbrick.example", "Lena (support)", Role.MODERATOR, "Support"),
    ("tomas@northbrick.example", "Tomás (support)", Role.MODERATOR, "Support"),
    ("priya@northbrick.example", "Priya (logistics)", Role.ANALYST, "Logistics"),
]
# Which team a post goes to, by kind.
TEAM_OF_KIND = {"suggestion": "Product", "review": "Product", "bug": "Support", "question": "Support"}
AREAS = [
    "Instructions",
    "Parts and quality",
    "Packaging",
    "Lighting",
    "Design",
    "Delivery",
    "Instructions app",
]
# Words that put a post in an area (first match wins).
AREA_WORDS = [
    ("app", "Instructions app"),
    ("light brick", "Lighting"),
    ("step", "Instructions"),
    ("missing", "Parts and quality"),
    ("sticker", "Parts and quality"),
    ("flimsy", "Parts and quality"),
    ("replacement", "Delivery"),
    ("bag", "Packaging"),
]
SAVED_REPLIES = [
    (
        "Missing part: how to get a replacement",
        "Sorry about the missing part! Please use the replacement parts form on our website with the set "
        "number, the bag and the step; replacements ship within two weeks at no cost.",
        "Support",
    ),
    (
        "Thanks for the idea",
        "Thank you for the suggestion! The product team reviews ideas like this every month; we will update "
        "the status on this post when it is decided.",
        "Product",
    ),
    (
        "Instructions corrected online",
        "Thank you for spotting this. The corrected instructions are now in the app and on our website, and "
        "the next print run of the booklet includes the fix.",
        "Support",
    ),
]
# Older posts are more likely to have been answered; these are the statuses of answered ones.
STATUS_WEIGHTS = {
    FeedbackStatus.ACKNOWLEDGED: 34,
    FeedbackStatus.PLANNED: 20,
    FeedbackStatus.IN_PROGRESS: 14,
    FeedbackStatus.DONE: 18,
    FeedbackStatus.WONT_DO: 14,
}


@dataclass(frozen=True)
class Change:
    """A changelog entry and what led to it: posts matching `words` about `product` (or any product)."""

    title: str
    body: str
    product: str | None
    version: str
    days_ago: int
    words: tuple[str, ...]
    kinds: tuple[str, ...] = ("suggestion", "bug", "review")
    idea: str = ""  # the title of a demo idea that led to it too


CHANGES = [
    Change(
        "Light brick with a longer-lasting battery",
        "The Harbour Lighthouse's light brick now takes AAA batteries and has a switch on the back, so it "
        "no longer flickers and lasts for months on display.",
        "Harbour Lighthouse",
        "Rev. B",
        21,
        ("light brick", "flicker"),
        idea="Working lighthouse with a rotating lamp",
    ),
    Change(
        "Corrected colours in the City Tram instructions",
        "Several steps showed a part in the wrong colour. The booklet and the app now match the parts in "
        "the bags.",
        "City Tram No. 7",
        "Booklet v2",
        48,
        ("colour", "instructions show"),
        kinds=("bug",),
    ),
    Change(
        "Printed tiles instead of stickers on the Corner Bakery",
        "The shop sign and the menu board are now printed tiles: no more peeling stickers.",
        "Corner Bakery",
        "2026 edition",
        75,
        ("sticker", "printed tiles"),
    ),
    Change(
        "Bags numbered by floor",
        "All modular buildings now come with their bags numbered by floor, so you can build one floor a "
        "night and find your place again.",
        None,
        "",
        96,
        ("bags numbered", "bag"),
        kinds=("suggestion",),
    ),
    Change(
        "A sturdier roof for the Junior Fire Station",
        "The roof now clips on at four points instead of two, so it stays on when little hands open it.",
        "Junior Fire Station",
        "Rev. 2",
        33,
        ("keeps popping off", "roof", "comes loose"),
    ),
    Change(
        "Replacement parts within two weeks",
        "Replacement parts now ship from a warehouse near you; most arrive within two weeks, free of charge.",
        None,
        "",
        12,
        ("replacement", "missing"),
        kinds=("bug", "question", "review"),
    ),
]


def _ago(days: float, now: datetime) -> datetime:
    return now - timedelta(days=days)


def _members() -> list[User]:
    return list(User.objects.filter(email__endswith=f"@{MEMBER_DOMAIN}", role=Role.MEMBER).order_by("id"))


def _ensure_staff(admin: User) -> dict[str, list[User]]:
    """The staff accounts that answer on the forum, by team (no log-in: demo passwords are unusable)."""
    by_team: dict[str, list[User]] = {}
    for email, name, role, team in STAFF:
        user = User.objects.with_email(email).first()
        if user is None:
            user = account_services.user_create_verified(
                actor=None, email=email, role=role, display_name=name
            )
        by_team.setdefault(team, []).append(user)
    by_team.setdefault("Support", []).append(admin)
    return by_team


def _ensure_boards(admin: User, members: Sequence[User], moderator: User) -> list[Board]:
    from cocreate.community.services import forum

    boards = []
    for position, (name, product_name, description, _kinds, _count) in enumerate(BOARDS):
        board = Board.objects.filter(name=name).first()
        if board is None:
            product = Product.objects.filter(name=product_name).first() if product_name else None
            # Two long-standing members and one of the support team keep each board tidy.
            volunteers = [members[(position * 7) % len(members)], members[(position * 7 + 3) % len(members)]]
            board = forum.board_create(
                actor=admin,
                name=name,
                description=description,
                product=product,
                moderators=[*volunteers, moderator],
                position=position,
            )
        boards.append(board)
    return boards


@dataclass
class Posted:
    thread: Thread
    age: float  # days before now
    replies: list[Comment] = field(default_factory=list)
    reply_ages: list[float] = field(default_factory=list)


def _age(rng: random.Random) -> float:
    # More recent posts than old ones, as in a community that grows.
    return HISTORY_DAYS * (1 - math.sqrt(rng.random())) + rng.random() * 0.5


def _post_all(boards: Sequence[Board], members: Sequence[User], rng: random.Random) -> list[Posted]:
    from cocreate.community.services import forum

    names = [p.name for p in Product.objects.filter(boards__in=boards)]
    products = {p.name: p for p in Product.objects.filter(name__in=names)}
    texts = ForumTextFactory(rng, names)
    posted: list[Posted] = []
    reviewed: set[tuple[int, int]] = set()
    for board, (_name, product_name, _about, kinds, count) in zip(boards, BOARDS, strict=True):
        kind_names = list(kinds)
        weights = list(kinds.values())
        for _ in range(count):
            kind = rng.choices(kind_names, weights)[0]
            author = rng.choice(members)
            product = products.get(product_name) if product_name else products[rng.choice(names)]
            rating = None
            if kind == ThreadKind.REVIEW:
                assert product is not None
                if (author.pk, product.pk) in reviewed:
                    kind = ThreadKind.DISCUSSION  # one review per member and product
                else:
                    reviewed.add((author.pk, product.pk))
            if kind == ThreadKind.DISCUSSION:
                post = texts.discussion(product.name if product else None)
                title, body = post.title, post.body
            else:
                feedback = texts.feedback(kind, product.name if product else None)
                title, body, rating = feedback.title, feedback.body, feedback.rating
            thread = forum.thread_create(
                actor=author,
                board=board,
                kind=kind,
                title=title,
                body=body,
                product=product,
                rating=rating,
                tags=_tags(kind, body),
                rate_limited=False,
            )
            posted.append(Posted(thread=thread, age=_age(rng)))
    return posted


def _tags(kind: str, body: str) -> list[str]:
    tags = []
    if "step" in body:
        tags.append("instructions")
    if "light" in body:
        tags.append("lighting")
    if kind == ThreadKind.DISCUSSION and "club" in body:
        tags.append("club layout")
    return tags


def _reply_count(rng: random.Random) -> int:
    if rng.random() < 0.25:
        return 0
    return min(40, int((1.0 - rng.random()) ** (-1 / 1.3)))


def _reply_all(posted: Sequence[Posted], members: Sequence[User], rng: random.Random) -> None:
    from cocreate.community.services import forum

    names = list(Product.objects.filter(threads__isnull=False).values_list("name", flat=True).distinct())
    texts = ForumTextFactory(rng, names)
    for item in posted:
        thread = item.thread
        product = thread.product.name if thread.product_id else None  # type: ignore[union-attr]
        moment = item.age
        for n in range(_reply_count(rng)):
            author = rng.choice(members)
            if author.pk == thread.author_id and n == 0:
                continue
            answering = thread.kind == ThreadKind.QUESTION and n == 0
            body = texts.answer(product) if answering else texts.reply(thread.kind, product)
            # Some replies answer an earlier reply rather than the post.
            parent = rng.choice(item.replies) if item.replies and rng.random() < 0.2 else None
            comment = forum.reply_post(actor=author, thread=thread, body=body, parent=parent)
            moment = max(0.01, moment - rng.expovariate(1 / 0.6))
            item.replies.append(comment)
            item.reply_ages.append(moment)
        # The asker marks the first answer from someone else as the one that helped.
        if thread.kind == ThreadKind.QUESTION and item.replies and rng.random() < 0.5:
            answer = next((c for c in item.replies if c.author_id != thread.author_id and c.depth == 0), None)
            if answer is not None:
                forum.answer_accept(actor=thread.author, thread=thread, comment=answer)
    # Reactions on a share of the replies, written in bulk: a reaction is a row and nothing more (no
    # counter, no notification), like the crowd's supports in the challenges demo.
    emojis = ["👍", "👍", "👍", "❤️", "🎉", "💡"]
    reactions = [
        Reaction(comment=comment, user=member, emoji=rng.choice(emojis))
        for item in posted
        for comment in item.replies
        if rng.random() < 0.3
        for member in rng.sample(list(members), rng.randint(1, 6))
        if member.pk != comment.author_id
    ]
    Reaction.objects.bulk_create(reactions, batch_size=1000, ignore_conflicts=True)


def _ensure_triage_setup(
    admin: User, staff: dict[str, list[User]]
) -> tuple[dict[str, Team], dict[str, Area]]:
    from cocreate.community.services import triage

    teams = {}
    for name, people in staff.items():
        team = Team.objects.filter(name=name).first()
        if team is None:
            team = triage.team_create(actor=admin, name=name, members=people)
        teams[name] = team
    for name in ("Product", "Support", "Logistics"):
        if name not in teams:
            teams[name] = Team.objects.filter(name=name).first() or triage.team_create(actor=admin, name=name)
    areas = {}
    for name in AREAS:
        areas[name] = Area.objects.filter(name=name).first() or triage.area_create(actor=admin, name=name)
    for title, body, team_name in SAVED_REPLIES:
        if not SavedReply.objects.filter(title=title).exists():
            triage.saved_reply_create(actor=admin, title=title, body=body, team=teams[team_name])
    return teams, areas


def _area_for(thread: Thread, areas: dict[str, Area]) -> Area | None:
    text = f"{thread.title} {thread.body}".lower()
    for word, name in AREA_WORDS:
        if word in text:
            return areas[name]
    return None


@dataclass
class Triaged:
    """When staff acted on a post, in days after it: the first public answer and the last status change."""

    first: float
    steps: list[float] = field(default_factory=list)


def _triage_all(
    posted: Sequence[Posted],
    staff: dict[str, list[User]],
    teams: dict[str, Team],
    areas: dict[str, Area],
    rng: random.Random,
) -> dict[int, Triaged]:
    from cocreate.community.services import forum, triage

    texts = ForumTextFactory(rng)
    saved = {r.title: r for r in SavedReply.objects.all()}
    timing: dict[int, Triaged] = {}
    for item in posted:
        thread = item.thread
        if not thread.in_triage:
            continue
        team_name = TEAM_OF_KIND.get(thread.kind, "Support")
        if thread.kind == ThreadKind.BUG and "bag" in thread.body and rng.random() < 0.5:
            team_name = "Logistics"
        people = staff.get(team_name) or staff["Support"]
        actor = rng.choice(people)
        # The older the post, the likelier it has been answered; most of the last weeks' are still new.
        handled = rng.random() < min(0.7, 0.05 + item.age / 90)
        if thread.kind == ThreadKind.QUESTION and thread.accepted_answer_id:
            handled = handled and rng.random() < 0.3
        if not handled:
            if rng.random() < 0.25:
                triage.feedback_assign(actor=actor, thread=thread, team=teams[team_name])
            continue
        delay = min(item.age * 0.8, rng.expovariate(1 / 1.5) + 0.05)
        timing[thread.pk] = Triaged(first=delay)
        triage.feedback_assign(actor=actor, thread=thread, assignee=actor, team=teams[team_name])
        area = _area_for(thread, areas)
        if area is not None:
            triage.feedback_label(actor=actor, thread=thread, area=area)
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        # A review or a question is answered, not scheduled.
        if thread.kind in (ThreadKind.REVIEW, ThreadKind.QUESTION) and status in (
            FeedbackStatus.PLANNED,
            FeedbackStatus.IN_PROGRESS,
        ):
            status = FeedbackStatus.ACKNOWLEDGED
        product = thread.product.name if thread.product_id else None  # type: ignore[union-attr]
        path = [FeedbackStatus.ACKNOWLEDGED] if status != FeedbackStatus.ACKNOWLEDGED else []
        for step in [*path, status]:
            message = texts.staff_reply(step, product, team=team_name) if rng.random() < 0.8 else ""
            triage.feedback_set_status(actor=actor, thread=thread, status=step, message=message)
        later = sorted(rng.uniform(delay, max(delay, item.age * 0.95)) for _ in path)
        timing[thread.pk].steps = [delay, *later]
        if rng.random() < 0.08:
            triage.note_add(actor=actor, thread=thread, body=_note(thread, rng))
        if thread.kind == ThreadKind.BUG and "missing" in thread.body.lower() and rng.random() < 0.6:
            triage.saved_reply_use(
                actor=actor, thread=thread, saved_reply=saved["Missing part: how to get a replacement"]
            )
            item.replies.append(Comment.objects.filter(discussion_id=thread.discussion_id).latest("id"))
            item.reply_ages.append(max(0.01, item.age - delay))
        elif rng.random() < 0.1:
            forum.reply_post(actor=actor, thread=thread, body=texts.staff_reply(status, product, team_name))
            item.replies.append(Comment.objects.filter(discussion_id=thread.discussion_id).latest("id"))
            item.reply_ages.append(max(0.01, item.age - delay))
    return timing


def _note(thread: Thread, rng: random.Random) -> str:
    return rng.choice(
        [
            "Checked with the factory: the batch from March had the wrong part in this bag.",
            "Duplicate of an older report; keep this one open, it has the clearer photos.",
            "Design team says this is already on the list for the next revision.",
            "Asked the member for the lot number on the box.",
            "Cost estimate needed before we can promise anything here.",
        ]
    )


def _spread_dates(posted: Sequence[Posted], timing: dict[int, Triaged], now: datetime) -> None:
    """Move every post, reply, reaction and triage step back to its planned moment in the last months."""
    ids = [item.thread.pk for item in posted]
    fields = ["first_response_at", "status_changed_at", "resolved_at"]
    rows = {t.pk: t for t in Thread.objects.filter(pk__in=ids).only(*fields)}
    events_of: dict[int, list[TriageEvent]] = {}
    for event in TriageEvent.objects.filter(thread_id__in=ids).order_by("id"):
        events_of.setdefault(event.thread_id, []).append(event)
    notes_of: dict[int, list[TriageNote]] = {}
    for note in TriageNote.objects.filter(thread_id__in=ids):
        notes_of.setdefault(note.thread_id, []).append(note)
    threads, comments, discussions, events, notes = [], [], [], [], []
    for item in posted:
        thread = item.thread
        created = _ago(item.age, now)
        # A reply never precedes the post, whatever its planned age.
        reply_times = [max(_ago(a, now), created + timedelta(minutes=5)) for a in item.reply_ages]
        for comment, moment in zip(item.replies, reply_times, strict=True):
            comment.created_at = moment
            comments.append(comment)
        last = max([created, *reply_times])
        thread.created_at = created
        thread.last_activity_at = last
        discussions.append(
            Discussion(pk=thread.discussion_id, last_activity_at=last if reply_times else None)
        )
        plan = timing.get(thread.pk)
        row = rows[thread.pk]
        if plan is not None:
            first = created + timedelta(days=plan.first)
            steps = [created + timedelta(days=d) for d in plan.steps] or [first]
            thread.first_response_at = first if row.first_response_at else None
            thread.status_changed_at = steps[-1] if row.status_changed_at else None
            thread.resolved_at = steps[-1] if row.resolved_at else None
            # Assignments and labels come with the first answer; each status change at its own moment.
            moments = iter(steps)
            for event in events_of.get(thread.pk, []):
                event.created_at = next(moments, steps[-1]) if event.action == "status" else first
                events.append(event)
            for note in notes_of.get(thread.pk, []):
                note.created_at = first + timedelta(hours=3)
                notes.append(note)
        else:
            thread.first_response_at = row.first_response_at and created + timedelta(hours=2)
            thread.status_changed_at = row.status_changed_at and created + timedelta(hours=2)
            thread.resolved_at = row.resolved_at
            for event in events_of.get(thread.pk, []):
                event.created_at = created + timedelta(hours=1)
                events.append(event)
        threads.append(thread)
    reactions = list(Reaction.objects.filter(comment__in=comments))
    when = {c.pk: c.created_at for c in comments}
    for reaction in reactions:
        reaction.created_at = when[reaction.comment_id] + timedelta(hours=4)
    Thread.objects.bulk_update(threads, ["created_at", "last_activity_at", *fields], batch_size=500)
    Comment.objects.bulk_update(comments, ["created_at"], batch_size=500)
    Discussion.objects.bulk_update(discussions, ["last_activity_at"], batch_size=500)
    TriageEvent.objects.bulk_update(events, ["created_at"], batch_size=500)
    TriageNote.objects.bulk_update(notes, ["created_at"], batch_size=500)
    Reaction.objects.bulk_update(reactions, ["created_at"], batch_size=500)
    for board in Board.objects.filter(threads__in=ids).distinct():
        latest = Thread.objects.filter(board=board).order_by("-last_activity_at").first()
        Board.objects.filter(pk=board.pk).update(last_activity_at=latest.last_activity_at if latest else None)


def _welcome_posts(admin: User, boards: Sequence[Board], rng: random.Random) -> list[Posted]:
    """A pinned post that opens each topic board, from before the first member's post."""
    from cocreate.community.services import forum

    posted = []
    for board in boards:
        welcome = forum.thread_create(
            actor=admin,
            board=board,
            kind=ThreadKind.DISCUSSION,
            title=f"Welcome to {board.name}: please read before posting",
            body=ForumTextFactory(rng).welcome(board.name).body,
            rate_limited=False,
        )
        forum.thread_pin(actor=admin, thread=welcome, pinned=True)
        posted.append(Posted(thread=welcome, age=HISTORY_DAYS + 5))
    return posted


def _recluster() -> None:
    from cocreate.community.services import themes

    if not ClusterRun.objects.exists():
        themes.recluster()


def _changelog(admin: User, rng: random.Random, now: datetime) -> None:
    from cocreate.challenges.models import Idea
    from cocreate.community.services import improvements

    today: date = timezone.localdate()
    for change in CHANGES:
        if Improvement.objects.filter(title=change.title).exists():
            continue
        product = Product.objects.filter(name=change.product).first() if change.product else None
        released = today - timedelta(days=change.days_ago)
        match = Q()
        for word in change.words:
            match |= Q(body__icontains=word) | Q(title__icontains=word)
        candidates = Thread.objects.filter(
            match,
            kind__in=change.kinds,
            created_at__lt=_ago(change.days_ago + 3, now),
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        if product is not None:
            candidates = candidates.filter(product=product)
        picked = list(candidates.order_by("created_at", "id")[:40])
        rng.shuffle(picked)
        picked = picked[: rng.randint(3, 6)]
        improvement = improvements.improvement_create(
            actor=admin,
            title=change.title,
            body=change.body,
            product=product,
            version=change.version,
            released_on=released,
        )
        for thread in picked:
            improvements.improvement_link(actor=admin, improvement=improvement, thread=thread)
        theme = next((t.theme for t in picked if t.theme_id and t.theme.merged_into_id is None), None)  # type: ignore[union-attr]
        if theme is not None and theme.active:
            improvements.improvement_link(actor=admin, improvement=improvement, theme=theme)
        idea = Idea.objects.filter(title=change.idea).first() if change.idea else None
        if idea is not None:
            improvements.improvement_link(actor=admin, improvement=improvement, idea=idea)
        if picked or idea is not None:
            improvements.improvement_publish(actor=admin, improvement=improvement, mark_done=True)
            published = timezone.make_aware(datetime.combine(released, datetime.min.time())) + timedelta(
                hours=10
            )
            Improvement.objects.filter(pk=improvement.pk).update(published_at=published)
            # The linked posts were marked done when the change shipped, not today.
            TriageEvent.objects.filter(thread__in=picked, created_at__gt=published).update(
                created_at=published
            )
            for name in ("status_changed_at", "resolved_at", "first_response_at"):
                Thread.objects.filter(pk__in=[t.pk for t in picked], **{f"{name}__gt": published}).update(
                    **{name: published}
                )


def seed_community(admin: User) -> None:
    """The demo's forum, triage, themes and changelog (idempotent: each step adds only what is missing)."""
    rng = random.Random(SEED)
    now = timezone.now()
    members = _members()
    if len(members) < 20:
        return
    staff = _ensure_staff(admin)
    with transaction.atomic():
        boards = _ensure_boards(admin, members, staff["Support"][0])
        teams, areas = _ensure_triage_setup(admin, staff)
    if not Thread.objects.filter(board__in=boards).exists():
        # Months of conversation are written in seconds here: the per-minute limits are for people.
        with transaction.atomic(), override_settings(COCREATE_COMMENTS_PER_MINUTE=1_000_000):
            posted = _post_all(boards, members, rng)
            _reply_all(posted, members, rng)
            timing = _triage_all(posted, staff, teams, areas, rng)
            posted.extend(_welcome_posts(admin, boards[:2], rng))
            _spread_dates(posted, timing, now)
    _recluster()
    with transaction.atomic():
        _changelog(admin, rng, now)
