"""Generated challenges, ideas and supports for `cocreate seed` (see cocreate/demo/generate.py).

Every idea has a plan that is a pure function of the seed, its index and the members there are: its
challenge, how many supports it gathers (long-tailed: most ideas a handful, a few thousands), its author,
and dates consistent with the default ladder (60 days to 100 supports, then 365, 182 and 182 more; 10,000
qualifies). Ideas are written with their planned `support_count`; the supports generator recomputes the
same plans, writes that many supports per idea (a sample of members without replacement) and then
counts every seeded idea's supports in one statement, which normally changes no row at all: rewriting a
million ideas would rebuild every index entry, the full-text one included.

Seeded ideas are those written by seeded members; seeded challenges have slugs starting `seed-`.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, QuerySet
from django.utils.text import slugify

from cocreate.accounts.models import User
from cocreate.demo.generate import (
    BLOCK_SIZE,
    SEED_DOMAIN,
    Context,
    Generator,
    Row,
    indexed_rows,
    insert_rows,
    load_ids,
    register,
    seeded_members,
    seeded_products,
)
from cocreate.demo.text import IdeaTextFactory

from .models import DEFAULT_LADDER, Challenge, Idea, IdeaStatus, Support, Visibility, WouldBuy
from .services.ideas import challenge_default

IDEAS_PER_SCALE = 1000
SUPPORTS_PER_SCALE = 10_000  # the mean of the per-idea draw below, times IDEAS_PER_SCALE
SLUG_PREFIX = "seed-"
HISTORY_DAYS = 2 * 365
# Supports per idea: a Pareto tail (alpha 1.2) shifted so that the mean is about 10 and the smallest is 1.
# One idea in ~100 passes 100, one in ~1,500 passes 1,000, one in ~25,000 qualifies at 10,000.
SUPPORT_ALPHA = 1.2
SUPPORT_SCALE = 2.3
SUPPORT_MAX = 12_000  # supports close once an idea qualifies and goes to review
DEFAULT_CHALLENGE_SHARE = 0.8
PUBLISHED_SHARE = 0.6  # of ideas in the always-open challenge; the rest have expired
REVIEW_DAYS = 120  # an idea that qualified less than this ago is still in review
DECIDED_MIX: dict[str, int] = {
    IdeaStatus.NOT_APPROVED: 50,
    IdeaStatus.APPROVED: 25,
    IdeaStatus.IN_DEVELOPMENT: 10,
    IdeaStatus.LAUNCHED: 10,
    IdeaStatus.ON_HOLD: 5,
}
SURVEY_SHARE = 0.6
WOULD_BUY = {WouldBuy.YES.value: 50, WouldBuy.MAYBE.value: 35, WouldBuy.NO.value: 15}
PRICE_BANDS = ["Under €30", "€30–€80", "€80–€150", "Over €150"]
AUDIENCES = ["Myself", "My children", "As a gift", "For display"]

LADDER = sorted(DEFAULT_LADDER, key=lambda rung: int(rung["at"]))
THRESHOLDS = [int(rung["at"]) for rung in LADDER]
RUNG_DAYS = [int(rung.get("days", 0)) for rung in LADDER]
QUALIFYING = len(LADDER) - 1 if LADDER[-1].get("qualifies") else len(LADDER)


@dataclass(frozen=True)
class Themed:
    """A themed challenge; its phases are days relative to `today` (None: the ladder decides)."""

    title: str
    theme: str
    opens: int
    closes: int
    results: int
    mix: dict[str, int] | None
    prize: str


THEMED = [
    Themed("Harbours and lighthouses", "harbour", -700, -610, -520, {**DECIDED_MIX}, "A set on the shelves"),
    Themed(
        "A winter village",
        "winter village",
        -400,
        -320,
        -250,
        {
            IdeaStatus.NOT_APPROVED: 80,
            IdeaStatus.APPROVED: 8,
            IdeaStatus.IN_DEVELOPMENT: 8,
            IdeaStatus.ON_HOLD: 4,
        },
        "A winter set in the catalogue",
    ),
    Themed("Space exploration", "space", -200, -110, 30, {IdeaStatus.IN_REVIEW: 1}, "A trip to the factory"),
    Themed("Botanical garden", "botanical", -45, 45, 120, None, "Your idea built by our designers"),
    Themed("Trains and trams", "train", -20, 100, 180, None, "1% royalty on net sales"),
]


def _at(today: date, days: int) -> datetime:
    return datetime.combine(today + timedelta(days=days), time(9), tzinfo=UTC)


def seeded_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.filter(slug__startswith=SLUG_PREFIX)


def seeded_ideas() -> QuerySet[Idea]:
    return Idea.objects.filter(author__email__endswith="@" + SEED_DOMAIN)


def _analyze(*models: type[Any]) -> None:
    """Fresh planner statistics for tables that just grew: with the empty-table estimates, PostgreSQL
    joins a hundred thousand ideas to their authors with a nested loop that takes minutes."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        if connection.vendor in {"postgresql", "sqlite"}:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- Challenges -------------------------------------------------------------------------------------


def _challenges(ctx: Context) -> int:
    wanted = ctx.target(len(THEMED) if ctx.scale or ctx.limits.get("ideas") else 0)
    existing = seeded_challenges().count()
    ctx.count(Challenge._meta.db_table, existing=existing)
    ctx.progress(existing, max(wanted, existing))
    added = 0
    if wanted:
        had_default = Challenge.objects.filter(is_default=True).exists()
        default = challenge_default()
        added += 0 if had_default else 1
        themed_ids = [default.pk]
        today = ctx.today
        for n, spec in enumerate(THEMED[:wanted]):
            slug = f"{SLUG_PREFIX}{slugify(spec.title)}"
            opens, closes, results = (_at(today, d) for d in (spec.opens, spec.closes, spec.results))
            # Support closes a month after submissions; review follows until the results.
            support_closes = closes + timedelta(days=30)
            challenge, created = Challenge.objects.get_or_create(
                slug=slug,
                defaults={
                    "title": spec.title,
                    "theme": spec.theme,
                    "brief": f"Design {spec.theme} sets our fans would love to build. Prize: {spec.prize}.",
                    "visibility": Visibility.PUBLIC,
                    "submission_opens": opens,
                    "submission_closes": closes,
                    "support_closes": support_closes,
                    "review_starts": support_closes,
                    "results_on": results,
                    "prize": spec.prize,
                    "created_at": opens - timedelta(days=14),
                },
            )
            added += int(created)
            themed_ids.append(challenge.pk)
            ctx.progress(n + 1, wanted)
        ctx.ids["challenges"] = themed_ids
    ctx.count(Challenge._meta.db_table, added=added)
    return added


# --- Plans ------------------------------------------------------------------------------------------


@dataclass
class Plan:
    challenge: int  # 0 is the always-open challenge, n the n-th themed one
    supports: int
    author: int  # index into the seeded members
    pool: int  # supporters are drawn from the first `pool` members
    status: str
    published_at: datetime
    deadline: datetime | None
    qualified_at: datetime | None
    support_end: datetime  # supports are dated between publication and this
    milestone_index: int


def rung_of(supports: int) -> int:
    return bisect.bisect_right(THRESHOLDS, supports) - 1


def _pool(index: int, members: int) -> int:
    # Ideas of block b draw authors and supporters from the first 1,000 × (b + 1) members, who exist
    # whenever that idea does at the default sizes: growing a seed gives the rows a fresh run would.
    return min(members, IDEAS_PER_SCALE * (index // BLOCK_SIZE + 1))


def _gaps(rng: random.Random, rung: int) -> list[timedelta]:
    """Time between reaching each rung and the next, always within the earlier rung's deadline."""
    return [timedelta(days=RUNG_DAYS[j] * rng.uniform(0.05, 0.9)) for j in range(rung)]


def plan_block(seed: int, block: int, members: int, today: date) -> list[Plan]:
    """The plans of the ideas of one block, a pure function of its arguments (both generators call it)."""
    rng = random.Random(f"{seed}/idea-plans/{block}")
    now = _at(today, 0)
    horizon = now - timedelta(days=HISTORY_DAYS)
    plans = []
    for index in range(block * BLOCK_SIZE, (block + 1) * BLOCK_SIZE):
        pool = _pool(index, members)
        draw = int(SUPPORT_SCALE * (1.0 - rng.random()) ** (-1 / SUPPORT_ALPHA)) - 1
        supports = max(0, min(draw, SUPPORT_MAX, pool - 1))
        author = rng.randrange(pool) if pool else 0
        rung = min(rung_of(supports), QUALIFYING)
        gaps = _gaps(rng, rung)
        climb = sum(gaps, timedelta())
        challenge = 0 if rng.random() < DEFAULT_CHALLENGE_SHARE else rng.randrange(len(THEMED)) + 1
        spec = THEMED[challenge - 1] if challenge else None
        if spec is not None:
            opens, closes = _at(today, spec.opens), min(now, _at(today, spec.closes))
            published = opens + (closes - opens) * rng.random()
            support_closes = _at(today, spec.closes + 30)
            room = min(now, support_closes) - published
            if climb > room:  # the contest's support phase is shorter than the climb: squeeze it
                gaps = [g * (room / climb) * 0.95 for g in gaps]
                climb = sum(gaps, timedelta())
        elif rung == QUALIFYING:
            published = now - climb - (HISTORY_DAYS * rng.random()) * timedelta(days=1)
        elif rng.random() < PUBLISHED_SHARE:
            # Still gathering support: the last rung was reached within its deadline of today.
            published = now - climb - timedelta(days=RUNG_DAYS[rung] * rng.random())
        else:
            latest = now - climb - timedelta(days=RUNG_DAYS[rung] + 1)
            published = horizon + (latest - horizon) * rng.random() if latest > horizon else horizon
        reached = published + climb
        qualified_at = reached if rung == QUALIFYING else None
        deadline = None if qualified_at else reached + timedelta(days=RUNG_DAYS[rung])
        if spec is not None and spec.mix is not None:
            status = rng.choices(list(spec.mix), list(spec.mix.values()))[0]
        elif qualified_at is not None:
            if now - qualified_at < timedelta(days=REVIEW_DAYS):
                status = IdeaStatus.IN_REVIEW
            else:
                status = rng.choices(list(DECIDED_MIX), list(DECIDED_MIX.values()))[0]
        else:
            status = IdeaStatus.PUBLISHED if deadline is not None and deadline >= now else IdeaStatus.EXPIRED
        if status == IdeaStatus.PUBLISHED:
            end = now
        elif qualified_at is not None:
            end = qualified_at
        elif spec is not None:
            end = min(now, _at(today, spec.closes + 30))
        else:
            end = min(now, deadline or now)
        plans.append(
            Plan(
                challenge=challenge,
                supports=supports,
                author=author,
                pool=pool,
                status=str(status),
                published_at=published,
                deadline=deadline,
                qualified_at=qualified_at,
                support_end=max(end, published),
                milestone_index=rung_of(supports),
            )
        )
    return plans


def plans(seed: int, start: int, stop: int, members: int, today: date) -> Iterator[tuple[int, Plan]]:
    """(index, plan) for ideas `start` to `stop - 1`."""
    for block in range(start // BLOCK_SIZE, math.ceil(stop / BLOCK_SIZE)):
        first = block * BLOCK_SIZE
        for offset, plan in enumerate(plan_block(seed, block, members, today)):
            if start <= first + offset < stop:
                yield first + offset, plan


# --- Ideas ------------------------------------------------------------------------------------------

IDEA_FIELDS = [
    "challenge",
    "author",
    "title",
    "slug",
    "description",
    "status",
    "support_count",
    "milestone_index",
    "deadline",
    "published_at",
    "qualified_at",
    "trending_score",
    "search_text",
    "created_at",
    "updated_at",
]


def _trending(plan: Plan, now: datetime) -> float:
    # Supports per day, decayed by age, only while the idea gathers support (the refresh task's idea).
    if plan.status != IdeaStatus.PUBLISHED:
        return 0.0
    age = max(0.0, (now - plan.published_at).total_seconds() / 86400)
    return round(plan.supports / (age + 2) ** 1.5, 6)


def _ideas(ctx: Context) -> int:
    members = ctx.ids.get("members") or load_ids(seeded_members())
    challenges = ctx.ids.get("challenges") or []
    default = IDEAS_PER_SCALE * ctx.scale
    target = ctx.target(default) if members and challenges else 0
    _analyze(User)
    existing = seeded_ideas().count()
    ctx.count(Idea._meta.db_table, existing=existing)
    products = list(seeded_products().values_list("name", flat=True)) or None
    seed, today, count = ctx.seed, ctx.today, len(members)
    now = _at(today, 0)

    def block_maker(rng: random.Random) -> Callable[[int], Row]:
        texts = IdeaTextFactory(rng, products)
        cache: dict[int, list[Plan]] = {}

        def make(i: int) -> Row:
            block = i // BLOCK_SIZE
            if block not in cache:
                cache[block] = plan_block(seed, block, count, today)
            plan = cache[block][i % BLOCK_SIZE]
            text = texts.idea()
            title = text.title[:120]
            drafted = plan.published_at - timedelta(minutes=rng.randint(5, 3 * 24 * 60))
            changed = plan.qualified_at or plan.published_at
            return (
                # A run told to make fewer themed challenges puts the others' ideas in the open one.
                challenges[plan.challenge] if plan.challenge < len(challenges) else challenges[0],
                members[plan.author],
                title,
                # The index keeps slugs unique within a challenge, as the service does with a counter.
                f"{slugify(title)[:120]}-{i + 1}",
                text.description,
                plan.status,
                plan.supports,
                plan.milestone_index,
                ctx.db_datetime(plan.deadline) if plan.deadline else None,
                ctx.db_datetime(plan.published_at),
                ctx.db_datetime(plan.qualified_at) if plan.qualified_at else None,
                _trending(plan, now),
                f"{title}\n{text.description}",
                ctx.db_datetime(drafted),
                ctx.db_datetime(min(now, changed + timedelta(days=rng.randint(0, 30)))),
            )

        return make

    added = insert_rows(
        ctx,
        Idea,
        IDEA_FIELDS,
        indexed_rows(ctx, existing, target, block_maker),
        done=existing,
        total=max(target, existing),
    )
    ctx.count(Idea._meta.db_table, added=added)
    _analyze(User, Idea)
    ctx.ids["ideas"] = load_ids(seeded_ideas())
    return added


# --- Supports ---------------------------------------------------------------------------------------

SUPPORT_FIELDS = ["idea", "user", "created_at", "would_buy", "price_band", "audience"]


def supporters(seed: int, index: int, plan: Plan) -> tuple[random.Random, list[int]]:
    """The member indices supporting idea `index`, in insertion order, and the stream that dates them."""
    rng = random.Random(f"{seed}/supports/{index}")
    wanted = min(plan.pool, plan.supports + 1)
    picked = [m for m in rng.sample(range(plan.pool), wanted) if m != plan.author]
    return rng, picked[: plan.supports]


def _resume_point(ideas: Sequence[int]) -> tuple[int, int, int]:
    """(supports already there, index of the idea to go on with, its supports already there).

    Supports are written idea by idea in order, so only the last idea with any can be incomplete.
    """
    if not ideas:
        return 0, 0, 0
    on_seeded = Support.objects.filter(idea__in=seeded_ideas())
    summary = on_seeded.aggregate(n=Count("id"), last=Max("idea_id"))
    if not summary["n"]:
        return 0, 0, 0
    last = int(summary["last"])
    index = bisect.bisect_left(ideas, last)
    if index >= len(ideas) or ideas[index] != last:
        return int(summary["n"]), len(ideas), 0
    return int(summary["n"]), index, Support.objects.filter(idea_id=last).count()


def _supports(ctx: Context) -> int:
    members = ctx.ids.get("members") or load_ids(seeded_members())
    ideas = ctx.ids.get("ideas") or load_ids(seeded_ideas())
    seed, today, count = ctx.seed, ctx.today, len(members)
    planned = sum(p.supports for _i, p in plans(seed, 0, len(ideas), count, today))
    target = ctx.target(planned)
    existing, start, done_in_first = _resume_point(ideas)
    ctx.count(Support._meta.db_table, existing=existing)
    budget = max(0, target - existing)
    weights = list(WOULD_BUY.values())
    answers = list(WOULD_BUY)

    def rows() -> Iterator[Row]:
        left = budget
        for index, plan in plans(seed, start, len(ideas), count, today):
            if left <= 0:
                return
            rng, picked = supporters(seed, index, plan)
            idea_id = ideas[index]
            skip = done_in_first if index == start else 0
            span = (plan.support_end - plan.published_at).total_seconds()
            for n, member in enumerate(picked):
                when = plan.published_at + timedelta(seconds=span * rng.random())
                survey = rng.random() < SURVEY_SHARE
                would_buy = rng.choices(answers, weights)[0] if survey else ""
                band = rng.choice(PRICE_BANDS) if survey else ""
                audience = rng.choice(AUDIENCES) if survey and rng.random() < 0.8 else ""
                if n < skip:
                    continue
                yield (idea_id, members[member], ctx.db_datetime(when), would_buy, band, audience)
                left -= 1
                if left <= 0:
                    return

    added = insert_rows(ctx, Support, SUPPORT_FIELDS, rows(), done=existing, total=max(target, existing))
    ctx.count(Support._meta.db_table, added=added)
    _analyze(Support)
    if ideas:
        recount_supports()
    return added


def _milestone_case(column: str) -> str:
    """SQL for the ladder rung a support count has reached (thresholds are integers from the model)."""
    steps = " ".join(
        f"WHEN {column} >= {int(at)} THEN {n}" for n, at in reversed(list(enumerate(THRESHOLDS))) if n
    )
    return f"CASE {steps} ELSE 0 END"


def recount_supports() -> int:
    """Set every seeded idea's support count to its number of support rows, and its rung to match.

    One set-based statement; only ideas whose count is wrong are written (normally none), so the
    ideas' indexes are left alone. Returns how many ideas changed.
    """
    qn = connection.ops.quote_name
    ideas, supports, users = (qn(m._meta.db_table) for m in (Idea, Support, User))
    rung = _milestone_case("c.n")
    # Table names come from model metadata; values travel as parameters.
    sql = (
        f"UPDATE {ideas} SET support_count = c.n, milestone_index = {rung} "  # noqa: S608
        f"FROM (SELECT i.id AS idea_id, count(s.id) AS n FROM {ideas} i "
        f"LEFT JOIN {supports} s ON s.idea_id = i.id "
        f"WHERE i.author_id IN (SELECT id FROM {users} WHERE email LIKE %s) GROUP BY i.id) c "
        f"WHERE {ideas}.id = c.idea_id "
        f"AND ({ideas}.support_count <> c.n OR {ideas}.milestone_index <> {rung})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, ["%@" + SEED_DOMAIN])
        return int(cursor.rowcount)


register(
    Generator(
        name="challenges",
        order=30,
        run=_challenges,
        rows=f"{len(THEMED)} themed challenges (slugs {SLUG_PREFIX}…) and the always-open one",
    )
)
register(
    Generator(
        name="ideas",
        order=40,
        run=_ideas,
        rows=f"{IDEAS_PER_SCALE:,} × N ideas by seeded members, dated over two years",
    )
)
register(
    Generator(
        name="supports",
        order=50,
        run=_supports,
        rows=f"about {SUPPORTS_PER_SCALE:,} × N supports, long-tailed: a few ideas with thousands",
    )
)

__all__ = ["plan_block", "plans", "recount_supports", "rung_of", "seeded_challenges", "seeded_ideas"]
