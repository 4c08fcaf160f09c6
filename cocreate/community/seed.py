"""Generated forum boards, threads and replies for `cocreate seed` (see cocreate/demo/generate.py).

Every thread has a plan that is a pure function of the seed, its index and how many members and boards
there are: its board, kind, author, product, dates, triage status and how many replies it gathers
(long-tailed: most threads a reply or two, a few hundreds). Threads are written with their planned
reply count on their discussion; the replies generator recomputes the same plans and writes that many
replies per thread, then counts every seeded discussion and board in set-based statements that normally
change no row at all.

Seeded boards have slugs starting `seed-`; seeded threads are the ones seeded members wrote on them.
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

from cocreate.accounts.models import User
from cocreate.brand.models import Product
from cocreate.demo.generate import (
    BLOCK_SIZE,
    SEED_DOMAIN,
    Context,
    Generator,
    Row,
    TableWriter,
    chunks,
    indexed_rows,
    load_ids,
    read_ahead,
    register,
    seeded_members,
    seeded_products,
)
from cocreate.demo.text import ForumTextFactory
from cocreate.discussions.models import Comment, Discussion

from .models import FEEDBACK_KINDS, Board, FeedbackStatus, Sentiment, Thread, ThreadKind

SLUG_PREFIX = "seed-"
THREADS_PER_SCALE = 400
REPLIES_PER_SCALE = 600  # about: the mean of the per-thread draw below, times THREADS_PER_SCALE
HISTORY_DAYS = 365
THREAD_BATCH = 10_000  # threads per transaction: their discussions are created in the same one

# Topic boards (name, the kind of post that mostly goes there) and product boards after them.
TOPIC_BOARDS: list[tuple[str, str, str]] = [
    ("Ideas & suggestions", ThreadKind.SUGGESTION, "Tell us what would make our sets better."),
    ("Help & questions", ThreadKind.QUESTION, "Ask the community and our team; mark the answer that helped."),
    ("Bugs & instructions", ThreadKind.BUG, "Missing parts, wrong colours, steps that do not fit."),
    ("General discussion", ThreadKind.DISCUSSION, "Everything else about building."),
    ("Show your builds", ThreadKind.DISCUSSION, "Photos, modifications and club layouts."),
]
# A fixed number, whatever the scale: every thread's plan depends on the boards, so growing a seed must
# not add boards under the threads already written.
PRODUCT_BOARDS = 20

KIND_WEIGHTS = {
    ThreadKind.DISCUSSION: 20,
    ThreadKind.QUESTION: 20,
    ThreadKind.SUGGESTION: 22,
    ThreadKind.BUG: 13,
    ThreadKind.REVIEW: 25,
}
TOPIC_SHARE = 0.5  # of non-review threads: on the topic board of their kind, the rest on a product board
# Triage statuses of feedback, by age: recent posts are mostly new, old ones mostly answered.
STATUS_MIX_RECENT = {"new": 80, "acknowledged": 12, "planned": 4, "in_progress": 2, "done": 1, "wont_do": 1}
STATUS_MIX_OLD = {"new": 25, "acknowledged": 25, "planned": 12, "in_progress": 8, "done": 18, "wont_do": 12}
ANSWERED_SHARE = 0.45  # of questions with replies: the first reply is accepted as the answer
# Replies per thread: a shifted Pareto tail, mean about 1.5, at most REPLIES_MAX.
REPLY_ALPHA = 1.6
REPLY_SCALE = 1.0
REPLIES_MAX = 400
NO_REPLY_SHARE = 0.3

SENTIMENT_OF_KIND = {
    ThreadKind.SUGGESTION: Sentiment.NEUTRAL,
    ThreadKind.BUG: Sentiment.NEGATIVE,
    ThreadKind.QUESTION: Sentiment.NEUTRAL,
}


def _at(today: date, days: float) -> datetime:
    return datetime.combine(today, time(), tzinfo=UTC) + timedelta(days=days)


def seeded_boards() -> QuerySet[Board]:
    return Board.objects.filter(slug__startswith=SLUG_PREFIX)


def seeded_threads() -> QuerySet[Thread]:
    return Thread.objects.filter(
        board__slug__startswith=SLUG_PREFIX, author__email__endswith="@" + SEED_DOMAIN
    )


def _analyze(*models: type[Any]) -> None:
    """Fresh planner statistics for tables that just grew (see challenges.seed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        if connection.vendor in {"postgresql", "sqlite"}:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- Boards -----------------------------------------------------------------------------------------


def _boards(ctx: Context) -> int:
    products = list(seeded_products().order_by("pk").values_list("pk", "name"))
    wanted_products = min(PRODUCT_BOARDS, len(products))
    wanted = ctx.target(len(TOPIC_BOARDS) + wanted_products if ctx.scale else 0)
    existing = seeded_boards().count()
    ctx.count(Board._meta.db_table, existing=existing)
    ctx.progress(existing, max(wanted, existing))
    members = ctx.ids.get("members") or load_ids(seeded_members())
    specs: list[tuple[str, str, str, int | None]] = [
        (name, f"{SLUG_PREFIX}{n + 1}-{kind}", about, None)
        for n, (name, kind, about) in enumerate(TOPIC_BOARDS)
    ]
    for _n, (pk, name) in enumerate(products[: max(0, wanted - len(TOPIC_BOARDS))]):
        specs.append((name, f"{SLUG_PREFIX}product-{pk}", f"Everything about the {name}.", pk))
    added = 0
    rng = ctx.rng
    for position, (name, slug, about, product_id) in enumerate(specs[:wanted]):
        with transaction.atomic():
            board, created = Board.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name[:120],
                    "description": about,
                    "product_id": product_id,
                    "position": position,
                },
            )
            if created and members:
                # Two volunteer moderators from the community per board.
                board.moderators.add(
                    *rng.sample(list(members[: min(len(members), 1000)]), min(2, len(members)))
                )
        added += int(created)
        ctx.progress(position + 1, wanted)
    ctx.count(Board._meta.db_table, added=added)
    return added


@dataclass(frozen=True)
class BoardInfo:
    id: int
    kind: str  # the topic kind, "" for a product board
    product: int | None
    product_name: str


def _board_infos() -> list[BoardInfo]:
    names = dict(Product.objects.filter(boards__slug__startswith=SLUG_PREFIX).values_list("pk", "name"))
    infos = []
    for pk, slug, product_id in (
        seeded_boards().order_by("position", "pk").values_list("pk", "slug", "product_id")
    ):
        kind = "" if product_id else slug.rsplit("-", 1)[-1]
        infos.append(BoardInfo(pk, kind, product_id, names.get(product_id, "")))
    return infos


# --- Plans ------------------------------------------------------------------------------------------


@dataclass
class Plan:
    board: int  # index into the seeded boards
    kind: str
    author: int  # index into the seeded members
    pool: int
    product: int  # index into the product boards (the product the post is about), -1: none
    created_at: datetime
    replies: int
    reply_times: list[datetime]
    status: str
    status_changed_at: datetime | None
    answered: bool
    pinned: bool

    @property
    def last_activity_at(self) -> datetime:
        return self.reply_times[-1] if self.reply_times else self.created_at


def _pool(index: int, members: int) -> int:
    # Threads of block b draw authors from the first 1,000 × (b + 1) members, as ideas do.
    return min(members, 1000 * (index // BLOCK_SIZE + 1))


def _reply_count(rng: random.Random) -> int:
    if rng.random() < NO_REPLY_SHARE:
        return 0
    draw = int(REPLY_SCALE * (1.0 - rng.random()) ** (-1 / REPLY_ALPHA))
    return min(draw, REPLIES_MAX)


def plan_block(seed: int, block: int, members: int, boards: Sequence[BoardInfo], today: date) -> list[Plan]:
    """The plans of the threads of one block, a pure function of its arguments (both generators use it)."""
    rng = random.Random(f"{seed}/thread-plans/{block}")
    now = _at(today, 0)
    product_boards = [n for n, b in enumerate(boards) if b.product is not None]
    topic_of: dict[str, list[int]] = {}
    for n, b in enumerate(boards):
        if b.product is None:
            topic_of.setdefault(b.kind, []).append(n)
    kinds = [str(k) for k in KIND_WEIGHTS]
    weights = list(KIND_WEIGHTS.values())
    # Some boards are busy, most are quiet: Zipf-like weights over the product boards.
    board_weights = [1 / (r + 1) ** 0.8 for r in range(len(product_boards))]
    plans = []
    for index in range(block * BLOCK_SIZE, (block + 1) * BLOCK_SIZE):
        pool = max(1, _pool(index, members))
        kind = rng.choices(kinds, weights)[0]
        author = rng.randrange(pool)
        pinned = index < len(boards)
        product = -1
        if pinned:
            board, kind = index, ThreadKind.DISCUSSION
        elif kind == ThreadKind.REVIEW:
            if product_boards:
                # One review per member and product: a member's reviews go to consecutive product boards
                # from a place fixed by the member, and a member writes at most one per lap of the pool.
                author = index % pool
                lap = index // pool
                start = (author * 2654435761) % len(product_boards)
                if lap < len(product_boards):
                    product = (start + lap) % len(product_boards)
                    board = product_boards[product]
                else:
                    kind = ThreadKind.DISCUSSION
            else:
                kind = ThreadKind.DISCUSSION
        if kind != ThreadKind.REVIEW and not pinned:
            topics = topic_of.get(kind) or topic_of.get(ThreadKind.DISCUSSION) or [0]
            topic = rng.choice(topics)
            on_topic = rng.random() < TOPIC_SHARE or not product_boards
            if product_boards:
                product = rng.choices(range(len(product_boards)), board_weights)[0]
            board = topic if on_topic else product_boards[product]
        age_days = HISTORY_DAYS * (1 - math.sqrt(rng.random()))  # skewed towards recent months
        created = now - timedelta(days=age_days, seconds=rng.randint(60, 86_399))
        replies = 0 if pinned else _reply_count(rng)
        times = []
        moment = created
        for _ in range(replies):
            # Most replies come within hours, some weeks later; never after now.
            moment = min(now, moment + timedelta(minutes=rng.expovariate(1 / 600)))
            times.append(moment)
        status, changed = FeedbackStatus.NEW.value, None
        if kind in FEEDBACK_KINDS:
            mix = STATUS_MIX_OLD if age_days > 45 else STATUS_MIX_RECENT
            status = rng.choices(list(mix), list(mix.values()))[0]
            if status != FeedbackStatus.NEW:
                changed = min(now, created + timedelta(hours=rng.uniform(2, 24 * min(age_days, 40))))
        answered = kind == ThreadKind.QUESTION and replies > 0 and rng.random() < ANSWERED_SHARE
        plans.append(
            Plan(
                board=board,
                kind=str(kind),
                author=author,
                pool=pool,
                product=product,
                created_at=created,
                replies=replies,
                reply_times=times,
                status=status,
                status_changed_at=changed,
                answered=answered,
                pinned=pinned,
            )
        )
    return plans


class Plans:
    """Plans by thread index, a block at a time (a generator walks threads in order)."""

    def __init__(self, seed: int, members: int, boards: Sequence[BoardInfo], today: date) -> None:
        self.args = (seed, members, boards, today)
        self.block = -1
        self.plans: list[Plan] = []

    def __getitem__(self, index: int) -> Plan:
        block = index // BLOCK_SIZE
        if block != self.block:
            seed, members, boards, today = self.args
            self.plans, self.block = plan_block(seed, block, members, boards, today), block
        return self.plans[index % BLOCK_SIZE]


# --- Threads ----------------------------------------------------------------------------------------

THREAD_FIELDS = [
    "board",
    "author",
    "kind",
    "title",
    "body",
    "product",
    "rating",
    "discussion",
    "pinned",
    "created_at",
    "last_activity_at",
    "status",
    "status_changed_at",
    "in_triage",
    "sentiment",
    "first_response_at",
    "resolved_at",
]


def _new_discussions(plans: Sequence[Plan], ctx: Context) -> list[int]:
    """One discussion per planned thread, carrying its planned reply count; ids in the same order."""
    made = Discussion.objects.bulk_create(
        [
            Discussion(
                comment_count=p.replies,
                last_activity_at=p.reply_times[-1] if p.reply_times else None,
            )
            for p in plans
        ],
        batch_size=2000,
    )
    return [d.pk for d in made]


def _threads(ctx: Context) -> int:
    members = ctx.ids.get("members") or load_ids(seeded_members())
    boards = _board_infos()
    target = ctx.target(THREADS_PER_SCALE * ctx.scale) if members and boards else 0
    _analyze(User, Board)
    existing = seeded_threads().count()
    ctx.count(Thread._meta.db_table, existing=existing)
    ctx.count(Discussion._meta.db_table, existing=0)
    product_boards = [b for b in boards if b.product is not None]
    product_names = [b.product_name for b in product_boards] or None
    seed, today, count = ctx.seed, ctx.today, len(members)
    plans = Plans(seed, count, boards, today)

    def block_maker(rng: random.Random) -> Callable[[int], tuple[Plan, Row]]:
        texts = ForumTextFactory(rng, product_names)

        def make(i: int) -> tuple[Plan, Row]:
            plan = plans[i]
            board = boards[plan.board]
            product_id = product_boards[plan.product].product if plan.product >= 0 else None
            name = product_boards[plan.product].product_name if plan.product >= 0 else None
            rating = None
            sentiment = ""
            if plan.pinned:
                post = texts.welcome(board.product_name or ("the " + _board_name(board)))
                title, body = post.title, post.body
            elif plan.kind == ThreadKind.DISCUSSION:
                post = texts.discussion(name)
                title, body = post.title, post.body
            else:
                feedback = texts.feedback(plan.kind, name)
                title, body = feedback.title, feedback.body
                rating = feedback.rating
                sentiment = str(feedback.sentiment)
            responded = plan.status_changed_at
            resolved = responded if plan.status in ("done", "wont_do") else None
            return plan, (
                board.id,
                members[plan.author],
                plan.kind,
                title[:160],
                body,
                product_id,
                rating,
                None,  # the discussion, created with its batch
                plan.pinned,
                ctx.db_datetime(plan.created_at),
                ctx.db_datetime(plan.last_activity_at),
                plan.status,
                ctx.db_datetime(responded) if responded else None,
                plan.kind in FEEDBACK_KINDS,
                sentiment,
                ctx.db_datetime(responded) if responded else None,
                ctx.db_datetime(resolved) if resolved else None,
            )

        return make

    writer = TableWriter(Thread, THREAD_FIELDS)
    where = THREAD_FIELDS.index("discussion")
    total = max(target, existing)
    ctx.progress(existing, total)
    source: Iterator[Any] = indexed_rows(ctx, existing, target, block_maker)  # type: ignore[arg-type]
    if ctx.vendor == "postgresql":
        source = read_ahead(source)
    added = 0
    for chunk in chunks(source, min(ctx.batch_size, THREAD_BATCH)):
        batch = list(chunk)
        with transaction.atomic():
            ids = _new_discussions([plan for plan, _row in batch], ctx)
            written = writer.write(
                (*row[:where], pk, *row[where + 1 :]) for (_plan, row), pk in zip(batch, ids, strict=True)
            )
        ctx.count(Discussion._meta.db_table, added=len(ids))
        added += written
        ctx.progress(existing + added, total)
    ctx.count(Thread._meta.db_table, added=added)
    _analyze(Thread, Discussion)
    return added


def _board_name(board: BoardInfo) -> str:
    for name, kind, _about in TOPIC_BOARDS:
        if kind == board.kind:
            return name
    return "board"


# --- Replies ----------------------------------------------------------------------------------------

REPLY_FIELDS = ["discussion", "author", "body", "depth", "created_at"]


def _thread_discussions() -> tuple[list[int], list[int]]:
    """(thread ids, their discussion ids) of the seeded threads, in creation order."""
    pairs = seeded_threads().order_by("pk").values_list("pk", "discussion_id").iterator(chunk_size=50_000)
    threads: list[int] = []
    discussions: list[int] = []
    for thread, discussion in pairs:
        threads.append(thread)
        discussions.append(discussion)
    return threads, discussions


def _resume_point(discussions: Sequence[int]) -> tuple[int, int, int]:
    """(replies already there, index of the thread to go on with, its replies already there).

    Replies are written thread by thread in order, so only the last thread with any can be incomplete.
    """
    if not discussions:
        return 0, 0, 0
    ordered = sorted(discussions)
    on_seeded = Comment.objects.filter(
        discussion_id__gte=ordered[0],
        discussion_id__lte=ordered[-1],
        author__email__endswith="@" + SEED_DOMAIN,
    )
    summary = on_seeded.aggregate(n=Count("id"), last=Max("discussion_id"))
    if not summary["n"]:
        return 0, 0, 0
    last = int(summary["last"])
    index = bisect.bisect_left(discussions, last)
    if index >= len(discussions) or discussions[index] != last:
        return int(summary["n"]), len(discussions), 0
    return int(summary["n"]), index, on_seeded.filter(discussion_id=last).count()


def _replies(ctx: Context) -> int:
    members = ctx.ids.get("members") or load_ids(seeded_members())
    boards = _board_infos()
    threads, discussions = _thread_discussions()
    seed, today, count = ctx.seed, ctx.today, len(members)
    plans = Plans(seed, count, boards, today)
    planned = sum(plans[i].replies for i in range(len(threads)))
    target = ctx.target(planned)
    existing, start, done_in_first = _resume_point(discussions)
    ctx.count(Comment._meta.db_table, existing=existing)
    budget = max(0, target - existing)
    product_boards = [b for b in boards if b.product is not None]
    names = [b.product_name for b in product_boards] or None

    def rows() -> Iterator[Row]:
        left = budget
        index = start
        while left > 0 and index < len(threads):
            plan = plans[index]
            rng = random.Random(f"{seed}/replies/{index}")
            texts = ForumTextFactory(rng, names)
            name = product_boards[plan.product].product_name if plan.product >= 0 else None
            skip = done_in_first if index == start else 0
            for n, moment in enumerate(plan.reply_times):
                author = rng.randrange(plan.pool)
                if n == 0 and plan.answered and author == plan.author:
                    author = (author + 1) % plan.pool  # an accepted answer comes from someone else
                body = texts.answer(name) if n == 0 and plan.answered else texts.reply(plan.kind, name)
                if n < skip:
                    continue
                yield (discussions[index], members[author], body, 0, ctx.db_datetime(moment))
                left -= 1
                if left <= 0:
                    return
            index += 1

    writer = TableWriter(Comment, REPLY_FIELDS)
    total = max(target, existing)
    ctx.progress(existing, total)
    source = read_ahead(rows()) if ctx.vendor == "postgresql" else rows()
    added = 0
    for chunk in chunks(source, ctx.batch_size):
        with transaction.atomic():
            added += writer.write(chunk)
        ctx.progress(existing + added, total)
    ctx.count(Comment._meta.db_table, added=added)
    _analyze(Comment)
    answered = [threads[i] for i in range(len(threads)) if plans[i].answered]
    accept_answers(answered)
    recount()
    return added


def accept_answers(thread_ids: Sequence[int]) -> int:
    """Mark the first reply of each of these questions as its accepted answer (where none is set)."""
    qn = connection.ops.quote_name
    threads, comments = qn(Thread._meta.db_table), qn(Comment._meta.db_table)
    changed = 0
    for start in range(0, len(thread_ids), 500):
        part = list(thread_ids[start : start + 500])
        marks = ", ".join(["%s"] * len(part))
        # Table names come from model metadata; ids travel as parameters.
        sql = (
            f"UPDATE {threads} SET accepted_answer_id = (SELECT MIN(c.id) FROM {comments} c "  # noqa: S608
            f"WHERE c.discussion_id = {threads}.discussion_id AND c.depth = 0) "
            f"WHERE id IN ({marks}) AND accepted_answer_id IS NULL"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, part)
            changed += int(cursor.rowcount)
    return changed


def recount() -> int:
    """Set every seeded discussion's and board's counters to their rows; returns how many rows changed.

    Discussions count their visible comments; boards their visible threads, and threads plus replies as
    posts. Grouped, set-based statements that only write rows whose figures are wrong (normally none).
    """
    qn = connection.ops.quote_name
    boards, threads = qn(Board._meta.db_table), qn(Thread._meta.db_table)
    discussions, comments = qn(Discussion._meta.db_table), qn(Comment._meta.db_table)
    visible_thread = "t.deleted_at IS NULL AND t.hidden_at IS NULL"
    # Identifiers come from model metadata; values travel as parameters.
    fix_discussions = (
        f"UPDATE {discussions} SET comment_count = s.n FROM ("  # noqa: S608
        f"SELECT t.discussion_id AS id, COUNT(c.id) AS n FROM {threads} t "
        f"JOIN {boards} b ON b.id = t.board_id AND b.slug LIKE %s "
        f"LEFT JOIN {comments} c ON c.discussion_id = t.discussion_id "
        f"AND c.deleted_at IS NULL AND c.hidden_at IS NULL GROUP BY t.discussion_id) s "
        f"WHERE {discussions}.id = s.id AND {discussions}.comment_count <> s.n"
    )
    fix_boards = (
        f"UPDATE {boards} SET thread_count = s.threads, post_count = s.threads + s.replies, "  # noqa: S608
        f"last_activity_at = s.last FROM ("
        f"SELECT b.id AS id, COUNT(t.id) AS threads, COALESCE(SUM(d.comment_count), 0) AS replies, "
        f"MAX(t.last_activity_at) AS last FROM {boards} b "
        f"LEFT JOIN {threads} t ON t.board_id = b.id AND {visible_thread} "
        f"LEFT JOIN {discussions} d ON d.id = t.discussion_id "
        f"WHERE b.slug LIKE %s GROUP BY b.id) s "
        f"WHERE {boards}.id = s.id AND ({boards}.thread_count <> s.threads "
        f"OR {boards}.post_count <> s.threads + s.replies "
        f"OR {boards}.last_activity_at IS NULL AND s.last IS NOT NULL OR {boards}.last_activity_at <> s.last)"
    )
    pattern = SLUG_PREFIX + "%"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(fix_discussions, [pattern])
        changed = int(cursor.rowcount)
        cursor.execute(fix_boards, [pattern])
        return changed + int(cursor.rowcount)


register(
    Generator(
        name="boards",
        order=60,
        run=_boards,
        rows=f"{len(TOPIC_BOARDS)} topic boards and {PRODUCT_BOARDS} product boards (slugs {SLUG_PREFIX}…)",
    )
)
register(
    Generator(
        name="threads",
        order=70,
        run=_threads,
        rows=f"{THREADS_PER_SCALE:,} × N forum threads of every kind by seeded members, over a year",
    )
)
register(
    Generator(
        name="replies",
        order=80,
        run=_replies,
        rows=f"about {REPLIES_PER_SCALE:,} × N replies, long-tailed: a few threads with hundreds",
    )
)

__all__ = ["accept_answers", "plan_block", "recount", "seeded_boards", "seeded_threads"]
