"""Feedback themes: group short texts by meaning, offline, with numpy alone.

The pipeline (latent semantic analysis, then spherical k-means):
1. Each text becomes words and word bigrams through the tokenizer of `similarity` (accent and case folded,
   stop words dropped, lightly stemmed, spelling variants unified). Terms in fewer than `min_df` texts or
   in more than half of them are dropped, and the vocabulary is capped at the most common `max_terms`.
2. TF-IDF with sublinear term frequency, each row L2-normalised, held as CSR arrays. Sparse × dense
   products are written with numpy (a gather, a multiply and `np.add.reduceat` per chunk of rows), so no
   scipy is needed and memory stays bounded however many texts there are.
3. A randomized truncated SVD (Halko, Martinsson and Tropp, with two power iterations) projects the texts
   onto ~100 latent dimensions, where "battery dies" and "won't hold a charge" meet even when they share
   no word; the vectors are L2-normalised, so a dot product is a cosine.
4. Spherical k-means (k-means++ seeding, a few restarts, deterministic for a seed). Unless given, k is
   chosen by the best silhouette over a range of candidates, measured on a sample.
5. Each cluster gets key terms (the terms whose mean TF-IDF weight in the cluster most exceeds their mean
   weight overall, shown as the most frequent surface word of each stem), a label of two to four of them,
   and representative texts (the closest to its centroid).

`ThemeModel` is what assigning a new text needs (vocabulary, idf, the SVD projection); it is saved to one
`.npz` file per run and loaded once per process. A text whose best cosine to every centroid stays below
`ASSIGN_THRESHOLD` joins no theme.
"""

from __future__ import annotations

import io
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from .similarity import _word_features, normalise

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

DIMENSIONS = 100
MAX_TERMS = 20_000
MAX_DF_SHARE = 0.5
# Only the start of a long post is read: its gist is there, and a bounded text keeps every run bounded.
MAX_BODY_CHARS = 1000
# Below this score (cosine in the latent space to the nearest centroid, times the share of the text the
# model knows) a text stays unsorted. On tests/intelligence/data/feedback_themes.json 95% of the texts
# sit above 0.3 to their own cluster's centroid; chit-chat that shares a word or two with the feedback
# ("happy new year", "the weather is lovely today") mostly falls below it.
ASSIGN_THRESHOLD = 0.3
# Non-zeros per chunk in sparse × dense products: the gathered block is CHUNK_NNZ × k floats (~14 MB).
CHUNK_NNZ = 32_768
# Large corpora: the SVD and the k-means seeding and restarts run on a sample of this many texts (the
# latent directions and the themes of 20,000 posts are those of 100,000), then every text is projected
# and a few full passes of k-means refine the centroids on all of them.
SAMPLE = 20_000
REFINE_ITERATIONS = 5
SURFACE_SAMPLE = 20_000
K_CANDIDATES = (
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    12,
    13,
    14,
    15,
    16,
    18,
    20,
    22,
    25,
    28,
    32,
    36,
    40,
    45,
    50,
    60,
)
MAX_K = 60
SAMPLE_FOR_K = 3000
LABEL_TERMS = 3
KEY_TERMS = 8
REPRESENTATIVES = 5


def feedback_document(title: str, body: str) -> str:
    """The text a post is clustered by: its title twice (the gist) and the start of its body."""
    title = title or ""
    return f"{title}\n{title}\n{(body or '')[:MAX_BODY_CHARS]}"


# What is left of "don't", "isn't", "we've" once the apostrophe is gone: common, and no theme.
CONTRACTION_STUBS = frozenset(
    [
        "don",
        "doesn",
        "didn",
        "isn",
        "wasn",
        "aren",
        "weren",
        "won",
        "wouldn",
        "couldn",
        "shouldn",
        "haven",
        "hasn",
        "ve",
        "ll",
        "re",
    ]
)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str | None:
    """The stem a normalised word counts as, or None for a stop word, a number or a contraction stub."""
    if word in CONTRACTION_STUBS:
        return None
    features = _word_features(word)
    return None if features is None else features[0]


def _stems(text: str) -> tuple[list[str], list[str]]:
    """(stems, the words they were written as) of the meaningful words of `text`, in order."""
    stems: list[str] = []
    kept: list[str] = []
    for word in normalise(text).split():
        stem = _stem(word)
        if stem is not None:
            stems.append(stem)
            kept.append(word)
    return stems, kept


def _term_list(stems: list[str]) -> list[str]:
    """Word stems and bigrams of consecutive stems, one entry per occurrence."""
    return stems + [f"{a} {b}" for a, b in pairwise(stems)]


def _terms(text: str) -> Counter[str]:
    return Counter(_term_list(_stems(text)[0]))


class _Vocabulary(dict[str, int]):
    """Term → id, a new id for a term not seen before (so ids can be looked up with a C-level map)."""

    def __missing__(self, term: str) -> int:
        index = self[term] = len(self)
        return index


# --- Sparse rows --------------------------------------------------------------------------------------
@dataclass
class Csr:
    """A sparse matrix in compressed rows: row r holds columns indices[indptr[r]:indptr[r+1]]."""

    indptr: I64
    indices: npt.NDArray[np.int32]
    data: F32
    n_cols: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def transposed(self) -> Csr:
        rows = np.repeat(np.arange(self.n_rows, dtype=np.int32), np.diff(self.indptr))
        order = np.argsort(self.indices, kind="stable")
        counts = np.bincount(self.indices, minlength=self.n_cols)
        indptr = np.zeros(self.n_cols + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return Csr(indptr=indptr, indices=rows[order], data=self.data[order], n_cols=self.n_rows)

    def dot(self, dense: F32) -> F32:
        """self @ dense, a chunk of rows at a time (chunks bounded by their non-zeros, so the gathered
        block stays small enough to live in cache whatever the row lengths)."""
        out = np.zeros((self.n_rows, dense.shape[1]), dtype=np.float32)
        lengths = np.diff(self.indptr)
        start = 0
        while start < self.n_rows:
            stop = int(np.searchsorted(self.indptr, self.indptr[start] + CHUNK_NNZ, side="right")) - 1
            stop = min(self.n_rows, max(stop, start + 1))
            lo, hi = int(self.indptr[start]), int(self.indptr[stop])
            if lo < hi:
                block = dense[self.indices[lo:hi]]
                block *= self.data[lo:hi, None]
                filled = np.flatnonzero(lengths[start:stop])
                # reduceat sums each non-empty row's slice; empty rows stay zero.
                offsets = (self.indptr[start:stop][filled] - lo).astype(np.int64)
                out[start + filled] = np.add.reduceat(block, offsets, axis=0)
            start = stop
        return out

    def group_sums(self, labels: I64, k: int) -> F32:
        """Σ of the rows of each of `k` groups (rows labelled −1 belong to none): k × columns."""
        rows = np.repeat(labels, np.diff(self.indptr))
        keep = rows >= 0
        flat = rows[keep] * self.n_cols + self.indices[keep]
        sums = np.bincount(flat, weights=self.data[keep], minlength=k * self.n_cols)
        return sums.reshape(k, self.n_cols).astype(np.float32)

    def take(self, rows: I64) -> Csr:
        lengths = np.diff(self.indptr)[rows]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        starts = self.indptr[rows]
        positions = (
            np.repeat(starts - indptr[:-1], lengths) + np.arange(int(indptr[-1]), dtype=np.int64)
            if len(rows)
            else np.zeros(0, dtype=np.int64)
        )
        return Csr(
            indptr=indptr, indices=self.indices[positions], data=self.data[positions], n_cols=self.n_cols
        )


def _normalise_rows(matrix: F32) -> F32:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32, copy=False)


# --- The model a new text is assigned with ------------------------------------------------------------
@dataclass
class ThemeModel:
    """Vocabulary, idf and the projection onto the latent space: everything a new text needs."""

    terms: list[str]
    idf: F32
    projection: F32  # terms × dimensions
    readable: list[str] = field(default_factory=list)  # each term as people write it
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self._index:
            self._index = {term: i for i, term in enumerate(self.terms)}
        if len(self.readable) != len(self.terms):
            self.readable = list(self.terms)

    @property
    def dimensions(self) -> int:
        return int(self.projection.shape[1])

    def embed(self, text: str) -> tuple[F32 | None, float]:
        """`text` in the latent space (unit length, or None when it shares no term with the vocabulary),
        and its coverage: the share of its TF-IDF weight that falls on known terms. A post about something
        else entirely ("my cat sleeps on the sofa") may share one word with a theme and point straight at
        it; its low coverage gives it away."""
        ids, weights = [], []
        unknown = 0.0
        rare = float(self.idf.max()) if len(self.idf) else 1.0
        for term, count in _terms(text).items():
            tf = 1.0 + math.log(count)
            index = self._index.get(term)
            if index is None:
                if " " not in term:  # an unknown bigram of known words is not news
                    unknown += (tf * rare) ** 2
            else:
                ids.append(index)
                weights.append(tf * float(self.idf[index]))
        if not ids:
            return None, 0.0
        w = np.asarray(weights, dtype=np.float32)
        known = float(w @ w)
        coverage = math.sqrt(known / (known + unknown))
        w /= math.sqrt(known)
        v = w @ self.projection[ids]
        norm = float(np.linalg.norm(v))
        return ((v / norm).astype(np.float32) if norm > 0 else None), coverage

    def vector(self, text: str) -> F32 | None:
        return self.embed(text)[0]

    def tfidf(self, texts: Sequence[str]) -> Csr:
        return _tfidf_rows(texts, self._index, self.idf, len(self.terms))

    def vectors(self, texts: Sequence[str]) -> F32:
        """Many texts at once (rows of zeros for texts that share no term)."""
        return _normalise_rows(self.tfidf(texts).dot(self.projection))

    def key_terms(self, matrix: Csr, labels: I64, k: int) -> list[list[str]]:
        """Readable key terms of each of `k` groups of the rows of `matrix` (a `tfidf` of this model)."""
        return [[self.readable[i] for i in found] for found in describe(matrix, self.terms, labels, k)]

    def to_bytes(self) -> bytes:
        """The model as an .npz blob (no pickles), for storage beside the run that made it."""
        out = io.BytesIO()
        np.savez(
            out,
            terms=np.asarray(self.terms, dtype=str),
            readable=np.asarray(self.readable, dtype=str),
            idf=self.idf,
            projection=self.projection,
        )
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> ThemeModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as saved:
            return cls(
                terms=[str(t) for t in saved["terms"].tolist()],
                readable=[str(t) for t in saved["readable"].tolist()],
                idf=saved["idf"].astype(np.float32),
                projection=saved["projection"].astype(np.float32),
            )


def _tfidf_rows(texts: Iterable[str], index: dict[str, int], idf: F32, n_cols: int) -> Csr:
    indptr = [0]
    cols: list[int] = []
    weights: list[float] = []
    for text in texts:
        row = [(index[t], c) for t, c in _terms(text).items() if t in index]
        for col, count in row:
            cols.append(col)
            weights.append((1.0 + math.log(count)) * float(idf[col]))
        indptr.append(len(cols))
    matrix = Csr(
        indptr=np.asarray(indptr, dtype=np.int64),
        indices=np.asarray(cols, dtype=np.int32),
        data=np.asarray(weights, dtype=np.float32),
        n_cols=n_cols,
    )
    _normalise_csr(matrix)
    return matrix


def _normalise_csr(matrix: Csr) -> None:
    rows = np.repeat(np.arange(matrix.n_rows), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=matrix.data.astype(np.float64) ** 2, minlength=matrix.n_rows))
    norms[norms == 0] = 1.0
    matrix.data /= norms[rows].astype(np.float32)


# --- Building the vocabulary and the TF-IDF matrix ------------------------------------------------------
@dataclass
class Tfidf:
    matrix: Csr
    terms: list[str]
    idf: F32
    surface: dict[str, str]  # stem → most frequent word written for it


def tfidf(texts: Iterable[str], *, min_df: int = 2, max_terms: int = MAX_TERMS) -> Tfidf:
    """The TF-IDF matrix of `texts` over a vocabulary chosen from them. Term occurrences are collected as
    ids in one flat array and counted per text by numpy, which is what keeps 100,000 posts in seconds."""
    vocabulary = _Vocabulary()
    surfaces: Counter[str] = Counter()
    occurrences = array("i")
    lengths = array("q")
    lookup = vocabulary.__getitem__
    for n, text in enumerate(texts):
        stems, words = _stems(text)
        if n < SURFACE_SAMPLE:  # how people write each stem is settled long before the end of the corpus
            surfaces.update(words)
        terms = _term_list(stems)
        occurrences.extend(map(lookup, terms))
        lengths.append(len(terms))
    n_docs = len(lengths)
    n_terms = len(vocabulary)
    ids = np.frombuffer(occurrences, dtype=np.int32).astype(np.int64)
    docs = np.repeat(np.arange(n_docs, dtype=np.int64), np.frombuffer(lengths, dtype=np.int64))
    keys, counts = np.unique(docs * max(1, n_terms) + ids, return_counts=True)
    rows, cols_all = np.divmod(keys, max(1, n_terms))
    df = np.bincount(cols_all, minlength=n_terms)
    max_df = max(min_df, int(MAX_DF_SHARE * n_docs)) if n_docs >= 10 else n_docs
    eligible = np.flatnonzero((df >= min_df) & (df <= max_df))
    if len(eligible) > max_terms:
        # The most common terms, ties broken by first appearance so a run is reproducible.
        eligible = np.sort(eligible[np.argsort(-df[eligible], kind="stable")[:max_terms]])
    new_id = np.full(n_terms, -1, dtype=np.int64)
    new_id[eligible] = np.arange(len(eligible))
    by_id = list(vocabulary)
    terms = [by_id[i] for i in eligible.tolist()]
    idf = (np.log((1 + n_docs) / (1 + df[eligible])) + 1.0).astype(np.float32)

    mapped = new_id[cols_all]
    keep = mapped >= 0
    cols = mapped[keep].astype(np.int32)
    weights = (1.0 + np.log(counts[keep].astype(np.float32))) * idf[cols]
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[keep], minlength=n_docs), out=indptr[1:])
    matrix = Csr(indptr=indptr, indices=cols, data=weights.astype(np.float32), n_cols=len(terms))
    _normalise_csr(matrix)

    best: dict[str, tuple[int, str]] = {}
    for word, n in surfaces.items():
        stem = _stem(word)
        if stem is not None and (stem not in best or n > best[stem][0]):
            best[stem] = (n, word)
    return Tfidf(matrix=matrix, terms=terms, idf=idf, surface={s: w for s, (_n, w) in best.items()})


# --- Randomized truncated SVD -----------------------------------------------------------------------------
def _orthonormal(y: F32) -> F32:
    """An orthonormal basis of the columns of a tall `y`, by Cholesky QR done twice (two small Gram
    matrices and two products instead of a Householder QR of the tall matrix)."""
    q = y.astype(np.float64)
    for _ in range(2):
        gram = q.T @ q
        gram[np.diag_indices_from(gram)] += 1e-10 * max(1.0, float(np.trace(gram)))
        lower = np.linalg.cholesky(gram)
        q = q @ np.linalg.inv(lower).T
    return q.astype(np.float32)


def truncated_svd(matrix: Csr, dimensions: int, *, seed: int = 0, power_iterations: int = 2) -> F32:
    """The top right singular vectors of `matrix` (columns × dimensions), by randomized range finding."""
    rank = max(1, min(dimensions, matrix.n_rows - 1, matrix.n_cols - 1))
    width = min(rank + 10, matrix.n_rows, matrix.n_cols)
    rng = np.random.default_rng(seed)
    transposed = matrix.transposed()
    omega = rng.standard_normal((matrix.n_cols, width)).astype(np.float32)
    q = _orthonormal(matrix.dot(omega))
    for _ in range(power_iterations):
        z = _orthonormal(transposed.dot(q))
        q = _orthonormal(matrix.dot(z))
    b_t = transposed.dot(q).astype(np.float64)  # (Qᵀ X)ᵀ: columns × width
    # B Bᵀ = U S² Uᵀ (width × width), then V = Bᵀ U S⁻¹: the right singular vectors without an SVD of B.
    values, vectors = np.linalg.eigh(b_t.T @ b_t)
    order = np.argsort(-values)[:rank]
    singular = np.sqrt(np.maximum(values[order], 1e-12))
    right = (b_t @ vectors[:, order]) / singular
    return np.ascontiguousarray(right, dtype=np.float32)


# --- Spherical k-means ------------------------------------------------------------------------------------
def _kmeans_pp(points: F32, k: int, rng: np.random.Generator) -> F32:
    n = len(points)
    first = int(rng.integers(n))
    centres = [points[first]]
    distance = np.maximum(0.0, 1.0 - points @ points[first])
    for _ in range(1, k):
        total = float(distance.sum())
        if total <= 0:
            pick = int(rng.integers(n))
        else:
            pick = int(np.searchsorted(np.cumsum(distance), rng.random() * total))
            pick = min(pick, n - 1)
        centres.append(points[pick])
        distance = np.minimum(distance, np.maximum(0.0, 1.0 - points @ points[pick]))
    return np.asarray(centres, dtype=np.float32)


def _centroids(points: F32, labels: I64, k: int) -> tuple[F32, I64]:
    sums = np.zeros((k, points.shape[1]), dtype=np.float64)
    _add_by_label(sums, points, labels)
    sizes = np.bincount(labels, minlength=k)
    return _normalise_rows(sums.astype(np.float32)), sizes


def _add_by_label(sums: npt.NDArray[np.float64], points: F32, labels: I64) -> None:
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    present, starts = np.unique(sorted_labels, return_index=True)
    sums[present] = np.add.reduceat(points[order].astype(np.float64), starts, axis=0)


def spherical_kmeans(
    points: F32,
    k: int,
    *,
    seed: int = 0,
    restarts: int = 3,
    max_iter: int = 60,
    init: F32 | None = None,
) -> tuple[F32, I64, F32]:
    """(centroids, labels, cosine of each point to its centroid), the best of `restarts` runs (one run
    from `init` when given)."""
    n = len(points)
    k = max(1, min(k if init is None else len(init), n))
    rng = np.random.default_rng(seed)
    best: tuple[float, F32, I64, F32] | None = None
    for _ in range(1 if init is not None else max(1, restarts)):
        centres = _kmeans_pp(points, k, rng) if init is None else init.copy()
        labels = np.zeros(n, dtype=np.int64)
        previous = -1.0
        for _iteration in range(max_iter):
            scores = points @ centres.T
            labels = scores.argmax(axis=1)
            sims = scores[np.arange(n), labels]
            objective = float(sims.sum())
            centres, sizes = _centroids(points, labels, k)
            empty = np.flatnonzero(sizes == 0)
            if len(empty):
                # An emptied cluster restarts at the points worst served by theirs.
                worst = np.argsort(sims)[: len(empty)]
                centres[empty] = points[worst]
                labels[worst] = empty
            if objective - previous <= 1e-5 * max(1.0, abs(objective)) and not len(empty):
                break
            previous = objective
        scores = points @ centres.T
        labels = scores.argmax(axis=1)
        sims = scores[np.arange(n), labels].astype(np.float32)
        objective = float(sims.sum())
        if best is None or objective > best[0]:
            best = (objective, centres, labels, sims)
    assert best is not None
    return best[1], best[2].astype(np.int64), best[3]


def silhouette(points: F32, labels: I64) -> float:
    """Mean silhouette with cosine distance (points are unit vectors); 0 for a single cluster."""
    k = int(labels.max()) + 1 if len(labels) else 0
    if k < 2:
        return 0.0
    distance = np.maximum(0.0, 1.0 - points @ points.T)
    onehot = np.zeros((len(points), k), dtype=np.float32)
    onehot[np.arange(len(points)), labels] = 1.0
    sizes = onehot.sum(axis=0)
    totals = distance @ onehot  # sum of distances from each point to each cluster
    own = sizes[labels]
    a = totals[np.arange(len(points)), labels] / np.maximum(own - 1, 1)
    means = totals / np.maximum(sizes, 1)
    means[np.arange(len(points)), labels] = np.inf
    means[:, sizes == 0] = np.inf
    b = means.min(axis=1)
    s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-9), 0.0)
    return float(s.mean())


def choose_k(points: F32, *, seed: int = 0, max_k: int = MAX_K) -> int:
    """The candidate k with the best silhouette on a sample of the points."""
    rng = np.random.default_rng(seed)
    n = len(points)
    if n < 6:
        return max(1, min(2, n))
    sample = points if n <= SAMPLE_FOR_K else points[np.sort(rng.choice(n, SAMPLE_FOR_K, replace=False))]
    # Silhouette keeps rising as clusters get smaller and tighter, so it only chooses within a range set by
    # the rule of thumb k ≈ √(n/2): from half of it to all of it, never above `max_k` themes.
    upper = max(2, min(max_k, int(math.sqrt(n / 2)), len(sample) // 3))
    lower = max(2, upper // 2)
    best_k, best_score = upper, -2.0
    for k in sorted({lower, upper, *K_CANDIDATES}):
        if k < lower or k > upper:
            continue
        _c, labels, _s = spherical_kmeans(sample, k, seed=seed, restarts=2, max_iter=30)
        score = silhouette(sample, labels)
        if score > best_score:
            best_k, best_score = k, score
    return best_k


# --- Clustering ---------------------------------------------------------------------------------------------
@dataclass
class Cluster:
    key_terms: list[str]
    label: str
    size: int
    representatives: list[int]  # positions of the closest texts, closest first
    centroid: F32


@dataclass
class Clustering:
    model: ThemeModel
    clusters: list[Cluster]
    labels: I64  # cluster of each text, -1 when it is too far from every centroid
    similarities: F32
    vectors: F32 = field(repr=False)

    @property
    def centroids(self) -> F32:
        if not self.clusters:
            return np.zeros((0, self.model.dimensions), dtype=np.float32)
        return np.asarray([c.centroid for c in self.clusters], dtype=np.float32)


def describe(
    matrix: Csr, terms: Sequence[str], labels: I64, k: int, wanted: int = KEY_TERMS
) -> list[list[int]]:
    """Each group's key terms (indices into `terms`): the highest mean TF-IDF weight in the group above
    the mean over all the rows."""
    counts = np.bincount(labels[labels >= 0], minlength=k).astype(np.float32)
    sizes = np.maximum(counts, 1.0)
    per_group = (matrix.group_sums(labels, k) / sizes[:, None]).T  # terms × k
    overall = per_group @ (counts / max(1.0, float(counts.sum())))
    lift = per_group - overall[:, None]
    out = []
    for c in range(k):
        order = np.argsort(-lift[:, c], kind="stable")[: wanted * 3]
        chosen: list[int] = []
        for i in order.tolist():
            if lift[i, c] <= 0 or len(chosen) >= wanted:
                break
            parts = terms[i].split(" ")
            # A bigram and its own words say the same thing twice: keep whichever came first.
            if any(p in terms[j].split(" ") for j in chosen for p in parts):
                continue
            chosen.append(i)
        out.append(chosen)
    return out


def readable(term: str, surface: dict[str, str]) -> str:
    return " ".join(surface.get(part, part) for part in term.split(" "))


def make_label(key_terms: Sequence[str], n: int = LABEL_TERMS) -> str:
    return ", ".join(key_terms[: max(2, min(4, n))]) or "—"


def dimensions_for(n_texts: int) -> int:
    """Latent dimensions for a corpus: about one per 15 texts, from 20 up to `DIMENSIONS`. Too many
    dimensions for a small corpus keep its noise (measured on the labelled set: 25–40 beat 100 there)."""
    return max(20, min(DIMENSIONS, n_texts // 15))


def cluster(
    texts: Sequence[str],
    *,
    k: int | None = None,
    seed: int = 0,
    dimensions: int | None = None,
    min_df: int | None = None,
    threshold: float = ASSIGN_THRESHOLD,
) -> Clustering:
    """Group `texts` into `k` themes (chosen automatically when None)."""
    n = len(texts)
    if min_df is None:
        min_df = 2 if n < 5000 else 3
    data = tfidf(texts, min_df=min_df)
    if data.matrix.n_cols < 2 or n < 2:
        model = ThemeModel(
            terms=data.terms, idf=data.idf, projection=np.zeros((len(data.terms), 1), np.float32)
        )
        return Clustering(
            model=model,
            clusters=[],
            labels=np.full(n, -1, dtype=np.int64),
            similarities=np.zeros(n, dtype=np.float32),
            vectors=np.zeros((n, 1), dtype=np.float32),
        )
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, SAMPLE, replace=False)) if n > SAMPLE else None
    learn_from = data.matrix if sample is None else data.matrix.take(sample)
    projection = truncated_svd(learn_from, dimensions or dimensions_for(n), seed=seed)
    model = ThemeModel(
        terms=data.terms,
        idf=data.idf,
        projection=projection,
        readable=[readable(t, data.surface) for t in data.terms],
    )
    vectors = _normalise_rows(data.matrix.dot(projection))
    has_terms = np.diff(data.matrix.indptr) > 0
    usable = np.flatnonzero(has_terms)
    if k is None:
        k = choose_k(vectors[usable], seed=seed)
    if len(usable) > SAMPLE:
        seeds = np.sort(rng.choice(usable, SAMPLE, replace=False))
        start, _l, _s = spherical_kmeans(vectors[seeds], k, seed=seed)
        centroids, sub_labels, sub_sims = spherical_kmeans(
            vectors[usable], k, seed=seed, init=start, max_iter=REFINE_ITERATIONS
        )
    else:
        centroids, sub_labels, sub_sims = spherical_kmeans(vectors[usable], k, seed=seed)
    labels = np.full(n, -1, dtype=np.int64)
    sims = np.zeros(n, dtype=np.float32)
    labels[usable] = sub_labels
    sims[usable] = sub_sims
    labels[sims < threshold] = -1
    k = len(centroids)
    descriptions = model.key_terms(data.matrix, labels, k)
    clusters = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if not len(members):
            continue
        closest = members[np.argsort(-sims[members], kind="stable")[:REPRESENTATIVES]]
        words = descriptions[c]
        clusters.append(
            Cluster(
                key_terms=words,
                label=make_label(words),
                size=len(members),
                representatives=closest.tolist(),
                centroid=centroids[c],
            )
        )
    # Renumber so labels index `clusters` (clusters left empty by the threshold are dropped).
    kept = [c for c in range(k) if np.any(labels == c)]
    remap = np.full(k + 1, -1, dtype=np.int64)
    remap[kept] = np.arange(len(kept))
    labels = np.where(labels >= 0, remap[labels], -1)
    return Clustering(model=model, clusters=clusters, labels=labels, similarities=sims, vectors=vectors)


def assign(
    vector: F32 | None, centroids: F32, *, coverage: float = 1.0, threshold: float = ASSIGN_THRESHOLD
) -> tuple[int, float] | None:
    """(index of the nearest centroid, score), or None when nothing is close enough. The score is the
    cosine to the centroid times the text's coverage (see `ThemeModel.embed`): a text the model knows
    only a word of cannot be close to anything."""
    if vector is None or not len(centroids):
        return None
    sims = centroids @ vector
    best = int(sims.argmax())
    score = float(sims[best]) * coverage
    return (best, score) if score >= threshold else None


# --- Agreement with reference labels -----------------------------------------------------------------
def _contingency(a: Sequence[Any], b: Sequence[Any]) -> npt.NDArray[np.float64]:
    _, ai = np.unique(np.asarray(a), return_inverse=True)
    _, bi = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1), dtype=np.float64)
    np.add.at(table, (ai, bi), 1.0)
    return table


def adjusted_rand_index(truth: Sequence[Any], found: Sequence[Any]) -> float:
    """Hubert and Arabie's ARI: 1 for identical partitions, about 0 for chance agreement."""
    table = _contingency(truth, found)
    n = table.sum()

    def pairs(x: npt.NDArray[np.float64]) -> float:
        return float((x * (x - 1) / 2).sum())

    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (n * (n - 1) / 2) if n > 1 else 0.0
    maximum = (rows + cols) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def normalized_mutual_info(truth: Sequence[Any], found: Sequence[Any]) -> float:
    """Mutual information over the arithmetic mean of the two entropies (in [0, 1])."""
    table = _contingency(truth, found)
    n = table.sum()
    p = table / n
    pa, pb = p.sum(axis=1), p.sum(axis=0)
    nz = p > 0
    mi = float((p[nz] * np.log(p[nz] / np.outer(pa, pb)[nz])).sum())

    def entropy(x: npt.NDArray[np.float64]) -> float:
        x = x[x > 0]
        return float(-(x * np.log(x)).sum())

    ha, hb = entropy(pa), entropy(pb)
    if ha == 0 and hb == 0:
        return 1.0
    return mi / ((ha + hb) / 2) if ha + hb > 0 else 0.0
