"""Skills by meaning, and ranking people for opportunities by them, offline and with numpy alone.

Skill similarity. Each skill of a taxonomy becomes a text (its name twice, its synonyms, its description,
its category), and two similarities are computed between those texts:
- direct: the TF-IDF vectors of `similarity` (stemmed words, word bigrams and character 4-grams, so
  "prototype" meets "prototyping" and "UX research" meets "UX design" through "ux");
- latent: latent semantic analysis (the TF-IDF matrix of `clustering` projected by its truncated SVD),
  where skills whose descriptions use the same words end up close even when their names share nothing:
  "UX research" and "user interviews" both speak of interviews, users and research.
They are mixed (`DIRECT_SHARE`), then the taxonomy has its say: a skill is itself (1.0), skills staff
marked as related are at least `RELATED_FLOOR`, skills of the same category get `CATEGORY_BONUS`, and
anything under `FLOOR` counts as no match (a little shared vocabulary is not competence). The result is a
dense skills × skills matrix: taxonomies hold hundreds of skills, so it is small and computed once per
taxonomy version.

Ranking. Members are rows of a skills matrix of levels (0 = does not have it, 1–5). An opportunity needs
skills with weights and minimum levels. For each required skill a member's fit is the best, over the
member's skills, of similarity × level factor (full at or above the minimum level, less per level short);
the skill score is the weighted mean of those fits. Availability (hours per week against the hours asked,
and the overlap of the member's available dates with the opportunity's) and past participation (how much
the member has taken part before, with diminishing returns) complete the score with fixed shares
(`SHARES`). Everything is vectorised over members; only the skills similar enough to a required skill
are read, one contiguous column each.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .clustering import _normalise_rows, tfidf, truncated_svd
from .similarity import build_index

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

# Chosen on tests/intelligence/data/skill_matches.json (NDCG@10, see test_skills.py).
DIRECT_SHARE = 0.55
RELATED_FLOOR = 0.6
CATEGORY_BONUS = 0.1
FLOOR = 0.2
# Two different skills are never "the same" however close their texts are.
MAX_OTHER = 0.9
# Latent dimensions: about a third of the skills, so skills sharing vocabulary fold together.
LATENT_SHARE = 0.35

# Score = skills × availability × participation shares; skills dominate, the rest separate equals.
SHARES = (0.7, 0.2, 0.1)
# A level short of the minimum costs this share of the fit (two short: twice), never below LEVEL_MIN.
LEVEL_STEP = 0.25
LEVEL_MIN = 0.25
# Unknown availability (no hours given) is neither a yes nor a no.
UNKNOWN_HOURS_FIT = 0.5
# Participation fit = 1 - exp(-count / PARTICIPATION_SCALE): the first few contributions count most.
PARTICIPATION_SCALE = 4.0
# Dates as day numbers; an open end is far away.
OPEN_START = -(2**30)
OPEN_END = 2**30
# An opportunity without an end date is judged on its first weeks.
OPEN_WINDOW_DAYS = 90


@dataclass(frozen=True)
class SkillText:
    id: int
    name: str
    category: str = ""
    description: str = ""
    synonyms: tuple[str, ...] = ()
    related: tuple[int, ...] = ()


def skill_document(skill: SkillText) -> str:
    """The text a skill is compared by: the name twice (it is the gist), synonyms, description, category."""
    synonyms = "\n".join(skill.synonyms)
    return f"{skill.name}\n{skill.name}\n{synonyms}\n{skill.description}\n{skill.category}"


def _direct(docs: list[str]) -> F32:
    index = build_index(enumerate(docs))
    vectors = [index.vector(doc) for doc in docs]
    vocabulary: dict[str, int] = {}
    for vector in vectors:
        for term in vector:
            vocabulary.setdefault(term, len(vocabulary))
    dense = np.zeros((len(docs), max(1, len(vocabulary))), dtype=np.float32)
    for row, vector in enumerate(vectors):
        for term, weight in vector.items():
            dense[row, vocabulary[term]] = weight
    # Each family is normalised to the square root of its share, so a dot product lies in [0, 1].
    return np.clip(dense @ dense.T, 0.0, 1.0)


def _latent(docs: list[str], *, seed: int = 0) -> F32:
    n = len(docs)
    if n < 3:
        return np.zeros((n, n), dtype=np.float32)
    model = tfidf(docs, min_df=1)
    if model.matrix.n_cols < 2:
        return np.zeros((n, n), dtype=np.float32)
    dimensions = max(2, round(n * LATENT_SHARE))
    projection = truncated_svd(model.matrix, dimensions, seed=seed)
    points = _normalise_rows(model.matrix.dot(projection))
    return np.clip(points @ points.T, 0.0, 1.0)


def similarity_matrix(skills: Sequence[SkillText]) -> F32:
    """Skills × skills similarity in [0, 1], in the order given; deterministic for a taxonomy."""
    n = len(skills)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float32)
    docs = [skill_document(s) for s in skills]
    text = DIRECT_SHARE * _direct(docs) + (1.0 - DIRECT_SHARE) * _latent(docs)
    position = {s.id: i for i, s in enumerate(skills)}
    categories = np.asarray([s.category for s in skills])
    same_category = (categories[:, None] == categories[None, :]) & (categories[:, None] != "")
    sim = text + CATEGORY_BONUS * same_category
    for i, skill in enumerate(skills):
        for other in skill.related:
            j = position.get(other)
            if j is not None:
                sim[i, j] = max(sim[i, j], RELATED_FLOOR)
                sim[j, i] = max(sim[j, i], RELATED_FLOOR)
    sim = np.minimum(np.maximum(sim, sim.T), MAX_OTHER)  # symmetric, whatever the rounding
    sim[sim < FLOOR] = 0.0
    np.fill_diagonal(sim, 1.0)
    return sim.astype(np.float32)


# --- Scoring members ------------------------------------------------------------------------------------
def level_table(min_level: int) -> F32:
    """Fit by level (index 0–5; 0 = no such skill) for a requirement of `min_level`."""
    table = np.zeros(6, dtype=np.float32)
    for level in range(1, 6):
        short = max(0, min_level - level)
        table[level] = max(LEVEL_MIN, 1.0 - LEVEL_STEP * short)
    return table


@dataclass(frozen=True)
class Requirement:
    column: int  # the required skill's position in the similarity matrix
    weight: float = 1.0
    min_level: int = 1


def skill_fits(
    levels: npt.NDArray[np.uint8],
    sim: F32,
    requirements: Sequence[Requirement],
    held_by: Callable[[int], npt.NDArray[np.int64]] | None = None,
) -> F32:
    """Members × requirements: each member's best fit for each required skill, in [0, 1].

    `levels` is members × skills (Fortran order keeps each skill's column contiguous); `held_by(k)`, when
    given, returns the rows holding skill k (a caller that keeps that index saves a scan per skill)."""
    # Column-major: each requirement's fits are contiguous, for the updates here and the sums after.
    fits = np.zeros((levels.shape[0], len(requirements)), dtype=np.float32, order="F")
    for j, req in enumerate(requirements):
        table = level_table(req.min_level)
        best = fits[:, j]
        for k in np.flatnonzero(sim[:, req.column] > 0).tolist():
            column = levels[:, k]
            # A skill is held by a few percent of members: work on those rows only.
            held = held_by(k) if held_by is not None else np.flatnonzero(column)
            if not len(held):
                continue
            candidate = table[column[held]]
            candidate *= sim[k, req.column]
            best[held] = np.maximum(best[held], candidate)
    return fits


def skill_score(fits: F32, requirements: Sequence[Requirement]) -> F32:
    if not requirements:
        return np.zeros(fits.shape[0], dtype=np.float32)
    weights = [max(0.0, float(r.weight)) for r in requirements]
    total = sum(weights) or 1.0
    # A column at a time: a matrix-vector product with so few columns is slower than this in numpy.
    score = np.zeros(fits.shape[0], dtype=np.float32)
    for j, weight in enumerate(weights):
        if weight:
            score += fits[:, j] * np.float32(weight / total)
    return score


def availability_fit(
    hours: F32,
    available_from: npt.NDArray[np.int32],
    available_until: npt.NDArray[np.int32],
    *,
    need_hours: float,
    starts: int | None,
    ends: int | None,
) -> F32:
    """Per member, in [0, 1]: hours fit (hours offered ÷ hours asked, capped; unknown = half) times the
    share of the opportunity's days the member is available for."""
    if need_hours > 0:
        hours_fit = np.minimum(1.0, hours / np.float32(need_hours))
        hours_fit = np.where(hours > 0, hours_fit, np.float32(UNKNOWN_HOURS_FIT))
    else:
        hours_fit = np.ones_like(hours)
    if starts is None:
        return hours_fit.astype(np.float32)
    end = ends if ends is not None else starts + OPEN_WINDOW_DAYS
    end = max(end, starts)
    span = end - starts + 1
    lo = np.maximum(available_from, starts)
    hi = np.minimum(available_until, end)
    overlap = np.clip(hi.astype(np.int64) - lo + 1, 0, span)
    return (hours_fit * (overlap / span)).astype(np.float32)


def participation_fit(counts: npt.ArrayLike) -> F32:
    values = np.asarray(counts, dtype=np.float32)
    return (1.0 - np.exp(-np.maximum(values, 0) / PARTICIPATION_SCALE)).astype(np.float32)


def combine(skills: F32, availability: F32, participation: F32) -> F32:
    a, b, c = SHARES
    return (a * skills + b * availability + c * participation).astype(np.float32)


def shortlist(base: F32, k: int, *, slack: float, minimum: float = 0.0, cap: int = 5000) -> I64:
    """Rows that can still reach the top `k` once up to `slack` is added to their `base` score: every row
    within `slack` of the k-th best (and above `minimum`), best first, at most `cap`."""
    eligible = np.flatnonzero(base > minimum)
    if not len(eligible) or k <= 0:
        return np.zeros(0, dtype=np.int64)
    scores = base[eligible]
    if len(eligible) > k:
        kth = float(np.partition(scores, len(scores) - k)[len(scores) - k])
        eligible = eligible[scores >= kth - slack]
        scores = base[eligible]
    order = np.argsort(-scores, kind="stable")[:cap]
    return eligible[order].astype(np.int64)


@dataclass
class SkillReason:
    """Why a member fits one required skill: the member skill that covers it best, and how well."""

    required: int  # column of the required skill
    matched: int | None  # column of the member's skill, None when nothing covers it
    similarity: float
    level: int
    fit: float

    @property
    def percent(self) -> int:
        return round(self.fit * 100)


def explain(
    levels_row: npt.NDArray[np.uint8], sim: F32, requirements: Sequence[Requirement]
) -> list[SkillReason]:
    """The best-covering member skill for each requirement (one member, so plain loops)."""
    held = np.flatnonzero(levels_row)
    out = []
    for req in requirements:
        table = level_table(req.min_level)
        best = SkillReason(required=req.column, matched=None, similarity=0.0, level=0, fit=0.0)
        for k in held.tolist():
            s = float(sim[k, req.column])
            if s <= 0:
                continue
            level = int(levels_row[k])
            fit = s * float(table[level])
            if fit > best.fit or (fit == best.fit and best.matched is not None and s > best.similarity):
                best = SkillReason(required=req.column, matched=k, similarity=s, level=level, fit=fit)
        out.append(best)
    return out


# --- Ranking quality ------------------------------------------------------------------------------------
def dcg(relevances: Sequence[float], k: int) -> float:
    return sum((2.0**rel - 1.0) / math.log2(i + 2) for i, rel in enumerate(list(relevances)[:k]))


def ndcg_at_k(
    ranked: Sequence[float], k: int = 10, *, all_relevances: Sequence[float] | None = None
) -> float:
    """NDCG@k of relevances in the order a ranker put them; the ideal order is taken from
    `all_relevances` when the ranking is a cut of a bigger judged pool. 1.0 when nothing is relevant."""
    pool = list(all_relevances if all_relevances is not None else ranked)
    ideal = dcg(sorted(pool, reverse=True), k)
    if ideal <= 0:
        return 1.0
    return dcg(ranked, k) / ideal


def rank_members(
    levels: npt.NDArray[np.uint8], sim: F32, requirements: Sequence[Requirement]
) -> tuple[I64, F32]:
    """Rows by skill score, best first (ties by row), with their scores."""
    scores = skill_score(skill_fits(levels, sim, requirements), requirements)
    order = np.lexsort((np.arange(len(scores)), -scores))
    return order.astype(np.int64), scores[order]
