"""The matching engine: the skills similarity matrix and the members × skills matrix, kept in memory and
scored with numpy (the scoring itself is `cocreate.intelligence.skills`).

Why in memory: a match reads every member who has any skill close to a required one, which on a large
community is tens of thousands of rows; fetching them per request costs more than the whole budget. So:
- the skills × skills similarity is computed once per taxonomy version (the count of skills and their
  latest `updated_at`, which every taxonomy change touches) and shared through the Django cache, so one
  process computes it and the others load it;
- each process holds the members' levels (a uint8 matrix, one contiguous column per skill) and their
  availability, built once, then brought up to date on every match by one indexed query for the talent
  profiles whose `changed_at` moved since the last look (every skill or availability change moves it). The
  look-back overlaps by `OVERLAP` so a change committed a little after a later one is not missed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from cocreate.intelligence import skills as engine

from .models import MemberSkill, Skill, SkillSynonym, TalentProfile

# How far back each refresh looks again: a change stamped just before the previous look but committed just
# after it is still picked up. Rows already applied with the same stamp are skipped, so the cost of the
# overlap is one indexed range read.
OVERLAP = timedelta(seconds=10)
CACHE_SECONDS = 24 * 3600
EPOCH = date(1970, 1, 1)


def day_number(value: date | None, default: int) -> int:
    return (value - EPOCH).days if value is not None else default


# --- The taxonomy -----------------------------------------------------------------------------------------
@dataclass
class Taxonomy:
    version: str
    skill_ids: npt.NDArray[np.int64]
    names: list[str]
    column_of: dict[int, int]
    sim: engine.F32


_lock = threading.Lock()
_taxonomy: Taxonomy | None = None


def taxonomy_version() -> str:
    found = Skill.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    stamp = found["t"].timestamp() if found["t"] else 0
    return f"{found['n']}:{stamp:.6f}"


def _compute(version: str) -> Taxonomy:
    skills = list(Skill.objects.order_by("id").values_list("id", "name", "category", "description"))
    synonyms: dict[int, list[str]] = {}
    for skill_id, alias in SkillSynonym.objects.values_list("skill_id", "alias"):
        synonyms.setdefault(skill_id, []).append(alias)
    related: dict[int, list[int]] = {}
    through = Skill.related.through
    for a, b in through.objects.values_list("from_skill_id", "to_skill_id"):
        related.setdefault(a, []).append(b)
    texts = [
        engine.SkillText(
            id=pk,
            name=name,
            category=category,
            description=description,
            synonyms=tuple(sorted(synonyms.get(pk, []))),
            related=tuple(related.get(pk, [])),
        )
        for pk, name, category, description in skills
    ]
    ids = np.asarray([t.id for t in texts], dtype=np.int64)
    return Taxonomy(
        version=version,
        skill_ids=ids,
        names=[t.name for t in texts],
        column_of={int(pk): i for i, pk in enumerate(ids.tolist())},
        sim=engine.similarity_matrix(texts),
    )


def taxonomy() -> Taxonomy:
    """The current taxonomy with its similarity matrix (computed at most once per version per site)."""
    global _taxonomy
    version = taxonomy_version()
    current = _taxonomy
    if current is not None and current.version == version:
        return current
    key = f"talent:similarity:{version}"
    stored = cache.get(key)
    if stored is not None:
        ids, names, matrix = stored
        skill_ids = np.asarray(ids, dtype=np.int64)
        found = Taxonomy(
            version=version,
            skill_ids=skill_ids,
            names=list(names),
            column_of={int(pk): i for i, pk in enumerate(ids)},
            sim=np.frombuffer(matrix, dtype=np.float32).reshape(len(ids), len(ids)).copy(),
        )
    else:
        found = _compute(version)
        cache.set(key, (found.skill_ids.tolist(), found.names, found.sim.tobytes()), CACHE_SECONDS)
    _taxonomy = found
    return found


# --- The members --------------------------------------------------------------------------------------------
@dataclass
class Members:
    taxonomy_version: str
    n_skills: int
    size: int = 0
    user_ids: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    levels: npt.NDArray[np.uint8] = field(default_factory=lambda: np.zeros((0, 0), dtype=np.uint8, order="F"))
    hours: engine.F32 = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    available_from: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    available_until: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    row_of: dict[int, int] = field(default_factory=dict)
    since: datetime | None = None
    # The stamp each member was last applied with, for the members inside the look-back window.
    applied: dict[int, Any] = field(default_factory=dict)
    # Rows holding each skill (column), computed when first asked and kept up to date by `upsert`.
    _held: dict[int, npt.NDArray[np.int64]] = field(default_factory=dict)

    def held_by(self, column: int) -> npt.NDArray[np.int64]:
        rows = self._held.get(column)
        if rows is None:
            rows = self._held[column] = np.flatnonzero(self.levels[: self.size, column]).astype(np.int64)
        return rows

    def _grow(self, needed: int) -> None:
        capacity = len(self.user_ids)
        if needed <= capacity:
            return
        new = max(needed, capacity * 2, 1024)
        levels = np.zeros((new, self.n_skills), dtype=np.uint8, order="F")
        if capacity:
            levels[:capacity] = self.levels
        self.levels = levels
        for name, fill, dtype in (
            ("user_ids", 0, np.int64),
            ("hours", 0, np.float32),
            ("available_from", engine.OPEN_START, np.int32),
            ("available_until", engine.OPEN_START, np.int32),  # empty rows are never available
        ):
            old = getattr(self, name)
            grown = np.full(new, fill, dtype=dtype)
            grown[:capacity] = old
            setattr(self, name, grown)

    def upsert(
        self,
        profiles: list[tuple[int, int, date | None, date | None]],
        skills: list[tuple[int, int, int]],
        column_of: dict[int, int],
    ) -> None:
        """Set the rows of these members (profiles: user, hours, from, until; skills: user, skill, level)."""
        new_ids = [p[0] for p in profiles if p[0] not in self.row_of]
        self._grow(self.size + len(new_ids))
        for user_id in new_ids:
            self.row_of[user_id] = self.size
            self.user_ids[self.size] = user_id
            self.size += 1
        rows = np.asarray([self.row_of[p[0]] for p in profiles], dtype=np.int64)
        if not len(rows):
            return
        self.levels[rows, :] = 0
        self.hours[rows] = np.asarray([p[1] for p in profiles], dtype=np.float32)
        self.available_from[rows] = [day_number(p[2], engine.OPEN_START) for p in profiles]
        self.available_until[rows] = [day_number(p[3], engine.OPEN_END) for p in profiles]
        if skills:
            data = np.asarray(
                [(self.row_of.get(u, -1), column_of.get(s, -1), lv) for u, s, lv in skills], dtype=np.int64
            )
            keep = (data[:, 0] >= 0) & (data[:, 1] >= 0)
            data = data[keep]
            self.levels[data[:, 0], data[:, 1]] = np.clip(data[:, 2], 0, 5).astype(np.uint8)
        self._reindex(rows)

    def set_levels(self, data: npt.NDArray[np.int64], column_lookup: npt.NDArray[np.int64]) -> None:
        """Bulk load: rows of (user, skill, level) for members already added, vectorised."""
        if not len(data):
            return
        ids = self.user_ids[: self.size]
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        position = np.minimum(np.searchsorted(sorted_ids, data[:, 0]), max(0, len(ids) - 1))
        known = sorted_ids[position] == data[:, 0] if len(ids) else np.zeros(len(data), dtype=bool)
        skill_ids = data[:, 1]
        in_range = (skill_ids >= 0) & (skill_ids < len(column_lookup))
        columns = np.where(in_range, column_lookup[np.where(in_range, skill_ids, 0)], -1)
        keep = known & (columns >= 0)
        rows = order[position[keep]]
        self.levels[rows, columns[keep]] = np.clip(data[keep, 2], 0, 5).astype(np.uint8)
        self._held.clear()

    def _reindex(self, rows: npt.NDArray[np.int64]) -> None:
        """Bring the held-by index up to date for these changed rows (a bulk change simply drops it)."""
        if len(rows) > 1000:
            self._held.clear()
            return
        rows = np.unique(rows)
        for column, held in list(self._held.items()):
            kept = held[~np.isin(held, rows)]
            now = rows[self.levels[rows, column] > 0]
            self._held[column] = np.sort(np.concatenate([kept, now]))

    def deactivate(self, user_ids: list[int]) -> None:
        rows = [self.row_of[u] for u in user_ids if u in self.row_of]
        if rows:
            self.levels[rows, :] = 0
            self._reindex(np.asarray(rows, dtype=np.int64))


_members: Members | None = None


def _profiles_sql(*, recent: bool) -> str:
    """All profiles with their member's active flag (a join, for the full load), or those changed since a
    moment (the changed_at index, with the flag looked up per row: a join's plan may scan every member)."""
    profile = TalentProfile._meta.db_table
    user = TalentProfile._meta.get_field("user").related_model._meta.db_table  # type: ignore[union-attr]
    # Table names come from the models; values are parameters.
    columns = "p.user_id, p.hours_per_week, p.available_from, p.available_until"
    if recent:
        active = f"(SELECT u.is_active FROM {user} u WHERE u.id = p.user_id)"  # noqa: S608
        return f"SELECT {columns}, {active}, p.changed_at FROM {profile} p WHERE p.changed_at >= %s"  # noqa: S608
    return f"SELECT {columns}, u.is_active, p.changed_at FROM {profile} p JOIN {user} u ON u.id = p.user_id"  # noqa: S608


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _load(members: Members, tax: Taxonomy, since: datetime | None) -> None:
    skill_table = MemberSkill._meta.db_table
    with connection.cursor() as cursor:
        if since is None:
            cursor.execute(_profiles_sql(recent=False))
        else:
            cursor.execute(_profiles_sql(recent=True), [since])
        rows = cursor.fetchall()
        seen = members.applied
        members.applied = {r[0]: r[5] for r in rows}
        if since is not None:
            rows = [r for r in rows if seen.get(r[0]) != r[5]]
        active = [(r[0], r[1], _as_date(r[2]), _as_date(r[3])) for r in rows if r[4]]
        inactive = [r[0] for r in rows if not r[4]]
        if since is None:
            # The full load streams the member skills into the matrix in chunks (half a million rows as
            # Python tuples at once would cost far more memory than the matrix itself).
            members.upsert(active, [], tax.column_of)
            lookup = np.full(max(tax.column_of, default=0) + 1, -1, dtype=np.int64)
            for skill_id, column in tax.column_of.items():
                lookup[skill_id] = column
            cursor.execute(f"SELECT user_id, skill_id, level FROM {skill_table}")  # noqa: S608
            while chunk := cursor.fetchmany(50_000):
                members.set_levels(np.asarray(chunk, dtype=np.int64).reshape(-1, 3), lookup)
            return
        if active:
            skills = []
            ids = [r[0] for r in active]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT user_id, skill_id, level FROM {skill_table} WHERE user_id IN ({marks})",  # noqa: S608
                    chunk,
                )
                skills.extend(cursor.fetchall())
        else:
            skills = []
    members.upsert(active, skills, tax.column_of)
    members.deactivate(inactive)


def _refresh(tax: Taxonomy) -> Members:
    global _members
    current = _members
    started = timezone.now()
    if current is None or current.taxonomy_version != tax.version:
        current = Members(taxonomy_version=tax.version, n_skills=len(tax.skill_ids))
        _load(current, tax, None)
    else:
        assert current.since is not None
        _load(current, tax, current.since - OVERLAP)
    current.since = started
    _members = current
    return current


@contextmanager
def locked(tax: Taxonomy) -> Iterator[Members]:
    """The members matrix, up to date with the database as of this call, held for the caller alone: a
    refresh by another thread changes the arrays in place (and may append rows), so scoring reads them
    under the same lock. Keep the block to numpy work; database reads go before or after it."""
    with _lock:
        yield _refresh(tax)


def reset() -> None:
    """Forget the in-memory state (tests that rebuild the database between cases)."""
    global _members, _taxonomy
    with _lock:
        _members = None
        _taxonomy = None
