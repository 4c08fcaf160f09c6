"""Generated benchmark data for `cocreate seed`: a registry of generators and the bulk helpers they share.

A generator makes the rows of one kind of thing (members, products, later ideas, supports, forum posts)
for a given scale. Each app registers its own from a `seed.py` module, which the command imports:

    from cocreate.demo.generate import Generator, register

    def _ideas(ctx: Context) -> int:
        ...  # read ctx.ids["members"], write rows with insert_rows(), return how many were added

    register(Generator(name="ideas", order=30, run=_ideas, rows="1,000 × N ideas"))

Rules every generator follows, so that runs are repeatable and cheap to resume:
- Row `i` depends only on the seed and `i` (use `indexed_rows`), never on what an earlier run made.
- A re-run counts the rows it made before (they carry a marker: an email domain, a SKU prefix) and adds
  only the rest, which is why row `i` must not depend on the target count either.
- Rows stream in batches (COPY on PostgreSQL, executemany elsewhere); nothing holds a whole table.
- Row functions are pure: they run in a read-ahead thread (see `read_ahead`), so they must not query
  the database; read what they need before the rows start.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import json
import math
import queue
import random
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from cocreate.accounts.models import Role, User
from cocreate.brand.models import Product, ProductStatus

from .text import MemberFactory, ProductTextFactory

Row = tuple[Any, ...]
ProgressCallback = Callable[[int, int], None]  # (rows done, rows wanted), both counting earlier runs

# Rows per deterministic block: row i draws from the random stream of block i // BLOCK_SIZE, so a resumed
# run regenerates at most one partial block to reach the first missing row.
BLOCK_SIZE = 1000
DEFAULT_BATCH_SIZE = {"postgresql": 50_000, "sqlite": 20_000}
PROGRESS_EVERY = 2_000
# Where generating rows in a helper thread overlaps with database work (measured; see read_ahead).
READ_AHEAD_VENDORS = {"postgresql"}


@dataclass
class TableCount:
    added: int = 0
    existing: int = 0


@dataclass
class Context:
    """What a generator gets: the seed and scale, the database, and the ids earlier generators made."""

    generator: str
    seed: int
    scale: int
    vendor: str
    rng: random.Random
    today: date
    progress: ProgressCallback
    ids: dict[str, Sequence[int]]  # e.g. ids["members"]: every seeded member's id, in creation order
    batch_size: int = 20_000
    limits: Mapping[str, int] = field(default_factory=dict)
    tables: dict[str, TableCount] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Bound once: row functions run in a read-ahead thread, whose `connection` would be another one.
        self._ops = connection.ops

    def target(self, default: int) -> int:
        """How many rows this generator should end up with (a test may override the scale's answer)."""
        return self.limits.get(self.generator, default)

    def block_rng(self, block: int) -> random.Random:
        # A string seed is hashed with SHA-512, so this is stable across processes and Python runs.
        return random.Random(f"{self.seed}/{self.generator}/{block}")

    def db_datetime(self, value: datetime) -> Any:
        """An aware datetime in the form this database's driver stores (SQLite wants naive UTC text)."""
        return self._ops.adapt_datetimefield_value(value)

    def db_date(self, value: date | None) -> Any:
        return self._ops.adapt_datefield_value(value)

    def count(self, table: str, *, added: int = 0, existing: int = 0) -> None:
        """Record rows for the summary table."""
        entry = self.tables.setdefault(table, TableCount())
        entry.added += added
        entry.existing += existing


@dataclass(frozen=True)
class Generator:
    name: str
    order: int
    run: Callable[[Context], int]  # returns the number of rows it added to its main table
    rows: str = ""  # what one unit of --scale makes, for --help


_registry: dict[str, Generator] = {}


def register(generator: Generator) -> Generator:
    """Add (or replace, so re-importing a module is harmless) a generator."""
    _registry[generator.name] = generator
    return generator


def registered() -> list[Generator]:
    return sorted(_registry.values(), key=lambda g: (g.order, g.name))


def load_app_generators() -> list[str]:
    """Import `cocreate.<app>.seed` for every installed Cocreate app that has one; returns their names."""
    loaded = []
    for config in apps.get_app_configs():
        if not config.name.startswith("cocreate."):
            continue
        module = f"{config.name}.seed"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
            loaded.append(module)
    return loaded


# --- Helpers for generators -------------------------------------------------------------------------


def indexed_rows(
    ctx: Context, start: int, stop: int, block_maker: Callable[[random.Random], Callable[[int], Row]]
) -> Iterator[Row]:
    """Rows `start` to `stop - 1`, each a function of the seed and its index only.

    `block_maker(rng)` is called once per block of BLOCK_SIZE rows with that block's random stream and
    returns the function making row `i`. Rows before `start` in the first block are made and dropped so
    that the stream is at the same point as in a run that made them.
    """
    if start >= stop:
        return
    for block in range(start // BLOCK_SIZE, math.ceil(stop / BLOCK_SIZE)):
        make = block_maker(ctx.block_rng(block))
        first = block * BLOCK_SIZE
        for i in range(first, min(first + BLOCK_SIZE, stop)):
            row = make(i)
            if i >= start:
                yield row


def chunks(rows: Iterable[Row], size: int) -> Iterator[Iterator[Row]]:
    """Consecutive runs of at most `size` rows, as iterators: a batch is streamed, never held in memory.

    Each chunk must be used up before the next one is asked for.
    """
    iterator = iter(rows)
    for first in iterator:
        yield itertools.chain((first,), itertools.islice(iterator, size - 1))


_DONE = object()


def read_ahead(rows: Iterable[Row], *, chunk: int = 1000, depth: int = 32) -> Iterator[Row]:
    """The same rows, made in a helper thread up to `depth` chunks ahead.

    The database driver releases the GIL while it waits for the server, so Python keeps generating rows
    while PostgreSQL inserts and indexes the previous ones. Memory stays bounded by the queue.
    """
    handoff: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> None:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def produce() -> None:
        try:
            source = iter(rows)
            while not stop.is_set() and (block := list(itertools.islice(source, chunk))):
                put(block)
        except BaseException as exc:  # handed to the consumer, which re-raises it in its own thread
            put(exc)
        else:
            put(_DONE)

    worker = threading.Thread(target=produce, name="seed-rows", daemon=True)
    worker.start()
    try:
        while (item := handoff.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        worker.join()


def _concrete(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    f = model._meta.get_field(name)
    if not isinstance(f, models.Field) or not f.column:
        raise ValueError(f"{model.__name__}.{name} is not a column.")
    return f


def _column(model: type[models.Model], name: str) -> str:
    return str(_concrete(model, name).column)


def _field_default(f: models.Field[Any, Any]) -> Any:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return timezone.now()
    return f.get_default()


class TableWriter:
    """Appends rows to one model's table; columns the generator leaves out get the model's defaults.

    Filling defaults here means a column added to the model later does not break seeding.
    """

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        opts = model._meta
        given = [_concrete(model, name) for name in fields]
        rest = [
            f
            for f in opts.concrete_fields
            if f.name not in fields and not f.primary_key and f.column not in {g.column for g in given}
        ]
        self.table = opts.db_table
        self.columns = [str(f.column) for f in [*given, *rest]]
        self.tail: Row = tuple(f.get_db_prep_save(_field_default(f), connection) for f in rest)
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        name = connection.ops.quote_name(self.table)
        self.copy_sql = f"COPY {name} ({quoted}) FROM STDIN"
        marks = ", ".join(["%s"] * len(self.columns))
        # Identifiers come from model metadata and are quoted; values always travel as parameters.
        self.insert_sql = f"INSERT INTO {name} ({quoted}) VALUES ({marks})"  # noqa: S608

    def write(self, rows: Iterable[Row]) -> int:
        """Write rows in the caller's transaction; returns how many."""
        tail = self.tail
        count = 0
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT. Rows go out as they are generated, so the
            # server inserts and indexes while Python makes the next ones. The raw psycopg connection
            # shares Django's transaction: a failed batch rolls back with everything else in it.
            # Errors are wrapped like the ORM's (a duplicate key is an IntegrityError).
            with connection.wrap_database_errors, connection.cursor() as cursor:
                raw = cursor.connection
                with raw.cursor() as cur, cur.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row + tail)
                        count += 1
            return count

        def counted() -> Iterator[Row]:
            nonlocal count
            for row in rows:
                count += 1
                yield row + tail

        with connection.cursor() as cursor:
            # Django streams any iterable here (its debug wrapper even allows for no len()); the stubs
            # only ask for a Sequence.
            cursor.executemany(self.insert_sql, counted())  # type: ignore[arg-type]
        return count


def insert_rows(
    ctx: Context,
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Row],
    *,
    done: int = 0,
    total: int = 0,
    before_batch: Callable[[], None] | None = None,
    after_batch: Callable[[int], None] | None = None,
) -> int:
    """Stream rows into a model's table, one transaction per batch; returns how many were written.

    `done` and `total` only feed the progress callback (rows made by earlier runs count as done).
    `before_batch()` and `after_batch(rows_written)` run inside each batch's transaction, e.g. to add
    rows that depend on the new ones.
    """
    writer = TableWriter(model, fields)
    made = 0
    written = 0
    ctx.progress(done, total)

    def counted(source: Iterable[Row]) -> Iterator[Row]:
        nonlocal made
        for row in source:
            made += 1
            if made % PROGRESS_EVERY == 0:
                ctx.progress(done + made, total)
            yield row

    source = read_ahead(rows) if ctx.vendor in READ_AHEAD_VENDORS else rows
    for chunk in chunks(counted(source), ctx.batch_size):
        with transaction.atomic():
            if before_batch is not None:
                before_batch()
            count = writer.write(chunk)
            if after_batch is not None:
                after_batch(count)
        written += count
        ctx.progress(done + written, total)
    return written


def load_ids(queryset: QuerySet[Any]) -> array[int]:
    """Primary keys in creation order, 8 bytes each (a million members take 8 MB, not 40)."""
    ids = array("q")
    ids.extend(queryset.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=50_000))
    return ids


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


# --- Members ----------------------------------------------------------------------------------------

SEED_DOMAIN = "seed.northbrick.example"
MEMBERS_PER_SCALE = 1000
JOIN_SPAN = timedelta(days=3 * 365)


def seeded_members() -> QuerySet[User]:
    return User.objects.filter(email__endswith="@" + SEED_DOMAIN)


def _email_rows_sql(*, only_missing: bool) -> str:
    """INSERT … SELECT of a verified, primary address for seeded members with an id above a bound.

    Parameters: verified, primary, the id bound, the LIKE pattern of seeded emails.
    """
    qn = connection.ops.quote_name
    users, addresses = qn(User._meta.db_table), qn(EmailAddress._meta.db_table)
    uid, uemail = qn(_column(User, "id")), qn(_column(User, "email"))
    a_user = qn(_column(EmailAddress, "user"))
    a_cols = ", ".join(qn(_column(EmailAddress, f)) for f in ("user", "email", "verified", "primary"))
    # Identifiers come from model metadata and are quoted; values always travel as parameters.
    sql = (
        f"INSERT INTO {addresses} ({a_cols}) "  # noqa: S608
        f"SELECT u.{uid}, u.{uemail}, %s, %s FROM {users} u "
        f"WHERE u.{uid} > %s AND u.{uemail} LIKE %s"
    )
    if only_missing:
        sql += f" AND NOT EXISTS (SELECT 1 FROM {addresses} e WHERE e.{a_user} = u.{uid})"  # noqa: S608
    # Three of the address table's indexes are on the email: inserting in email order touches each
    # B-tree page once per batch instead of at random (measurably faster once they outgrow the cache).
    return sql + f" ORDER BY u.{uemail}"


def _members(ctx: Context) -> int:
    target = ctx.target(MEMBERS_PER_SCALE * ctx.scale)
    existing = seeded_members().count()
    pattern = "%@" + SEED_DOMAIN
    email_table = EmailAddress._meta.db_table
    emails_existing = EmailAddress.objects.filter(email__endswith="@" + SEED_DOMAIN).count()
    repaired = 0
    if emails_existing < existing:
        # Only an interrupted older tool or a manual delete gets here: give every seeded member its
        # verified address back so that all of them can log in after a password reset.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_email_rows_sql(only_missing=True), [True, True, 0, pattern])
            repaired = cursor.rowcount
    ctx.count(User._meta.db_table, existing=existing)
    ctx.count(email_table, added=repaired, existing=emails_existing)

    anchor = datetime.combine(ctx.today, time(), tzinfo=UTC)
    span = JOIN_SPAN.total_seconds()

    def block_maker(rng: random.Random) -> Callable[[int], Row]:
        factory = MemberFactory(rng)

        def make(i: int) -> Row:
            person = factory.person(i, SEED_DOMAIN)
            # sqrt skews joins towards recent months, as in a community that keeps growing.
            joined = anchor - timedelta(seconds=int(span * (1 - math.sqrt(rng.random()))) + 1)
            return (
                # "!" marks an unusable password (as set_unusable_password does) without hashing cost;
                # members get in through a password reset.
                f"!{rng.getrandbits(160):040x}",
                person.email,
                person.display_name[:80],
                Role.MEMBER.value,
                person.bio,
                json.dumps(person.interests),
                json.dumps(person.skills),
                ctx.db_datetime(joined),
            )

        return make

    fields = ["password", "email", "display_name", "role", "bio", "interests", "skills", "date_joined"]
    last_id = [0]

    def before_batch() -> None:
        last_id[0] = User.objects.aggregate(last=Max("pk"))["last"] or 0

    def add_email_rows(_written: int) -> None:
        # One set-based statement per batch: the database already knows the new ids and emails.
        with connection.cursor() as cursor:
            cursor.execute(_email_rows_sql(only_missing=False), [True, True, last_id[0], pattern])
            ctx.count(email_table, added=cursor.rowcount)

    added = insert_rows(
        ctx,
        User,
        fields,
        indexed_rows(ctx, existing, target, block_maker),
        done=existing,
        total=max(target, existing),
        before_batch=before_batch,
        after_batch=add_email_rows,
    )
    ctx.count(User._meta.db_table, added=added)
    ctx.ids["members"] = load_ids(seeded_members())
    return added


# --- Products ---------------------------------------------------------------------------------------

PRODUCTS_BASE = 20
PRODUCTS_MAX = 5000
SKU_PREFIX = "NBS-"  # marks seeded products; the demo catalogue uses NB-
SET_NUMBER_BASE = 60001
STATUS_WEIGHTS = {
    ProductStatus.LAUNCHED: 55,
    ProductStatus.RETIRED: 15,
    ProductStatus.IN_DEVELOPMENT: 15,
    ProductStatus.CONCEPT: 15,
}


def seeded_products() -> QuerySet[Product]:
    return Product.objects.filter(sku__startswith=SKU_PREFIX)


def _products(ctx: Context) -> int:
    target = ctx.target(min(PRODUCTS_BASE + ctx.scale, PRODUCTS_MAX))
    existing = seeded_products().count()
    ctx.count(Product._meta.db_table, existing=existing)
    catalogue = ProductTextFactory(ctx.seed)
    today = ctx.today
    statuses = [str(s.value) for s in STATUS_WEIGHTS]
    weights = list(STATUS_WEIGHTS.values())

    def block_maker(rng: random.Random) -> Callable[[int], Row]:
        def make(i: int) -> Row:
            status = rng.choices(statuses, weights)[0]
            launch: date | None = None
            retired_year = today.year
            if status == ProductStatus.LAUNCHED:
                launch = _between(rng, today - timedelta(days=6 * 365), today - timedelta(days=14))
            elif status == ProductStatus.RETIRED:
                launch = _between(rng, today - timedelta(days=10 * 365), today - timedelta(days=4 * 365))
                retired_year = min(today.year, launch.year + rng.randint(1, 4))
            elif status == ProductStatus.IN_DEVELOPMENT:
                launch = _between(rng, today + timedelta(days=60), today + timedelta(days=540))
            text = catalogue.product(
                i,
                rng,
                status=status,
                launch_year=(launch or today).year,
                retired_year=retired_year,
            )
            # Work on a set starts months before its launch; concepts and prototypes are recent.
            if launch is not None and launch < today:
                created = launch - timedelta(days=rng.randint(90, 400))
            else:
                created = today - timedelta(days=rng.randint(1, 400))
            created_at = datetime.combine(created, time(9), tzinfo=UTC) + timedelta(
                minutes=rng.randint(0, 9 * 60)
            )
            updated_at = min(
                created_at + timedelta(days=rng.randint(0, 300)), datetime.combine(today, time(), UTC)
            )
            number = SET_NUMBER_BASE + i
            return (
                text.name[:160],
                # Real catalogues put the set number in the address; it also keeps slugs unique.
                f"{slugify(text.name)[:170]}-{number}",
                f"{SKU_PREFIX}{number}",
                text.category,
                text.description,
                ctx.db_date(launch),
                status,
                ctx.db_datetime(created_at),
                ctx.db_datetime(updated_at),
            )

        return make

    fields = [
        "name",
        "slug",
        "sku",
        "category",
        "description",
        "launch_date",
        "status",
        "created_at",
        "updated_at",
    ]
    added = insert_rows(
        ctx,
        Product,
        fields,
        indexed_rows(ctx, existing, target, block_maker),
        done=existing,
        total=max(target, existing),
    )
    ctx.count(Product._meta.db_table, added=added)
    ctx.ids["products"] = load_ids(seeded_products())
    return added


register(
    Generator(
        name="members",
        order=10,
        run=_members,
        rows=f"{MEMBERS_PER_SCALE:,} × N members, each with a verified email address (@{SEED_DOMAIN})",
    )
)
register(
    Generator(
        name="products",
        order=20,
        run=_products,
        rows=f"{PRODUCTS_BASE} + N products, at most {PRODUCTS_MAX:,}",
    )
)
