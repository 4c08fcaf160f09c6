"""TF-IDF similarity over short texts (idea titles and descriptions), offline and model-free.

A text becomes three families of features, each weighted by sublinear term frequency times inverse document
frequency and normalised on its own, then mixed with fixed shares (`FAMILY_SHARES`):
- words: accent-folded, lower-cased, stop words dropped, lightly stemmed ("lights" and "lighting" → "light"),
  a few spelling variants unified ("color" → "colour");
- word bigrams of those stems (word order matters a little: "train station" is not "station train");
- character 4-grams inside each word, with word boundaries ("<lig", "ligh", …), which forgive typos, compound
  words and inflections the stemmer does not know.
The score of two texts is the sum over families of share × cosine, so it lies in [0, 1].

The index is an inverted index held in numpy arrays (term → postings of document slots and weights, in CSR
form): a query only touches documents that share a term with it, and sums their contributions with one
`bincount`. It is immutable once built: `updated()` returns a new index that shares the big arrays and keeps
changes in a small side segment (plus tombstones for removed documents), and `compacted()` folds the
segment back in. A reader holding an index is never disturbed by a writer making the next one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt

# Shares of the score: words carry most of the meaning, character grams catch inflections and typos,
# bigrams reward the same phrase. Chosen on tests/intelligence/data/near_duplicates.json.
FAMILY_SHARES = (0.5, 0.15, 0.35)  # words, bigrams, character grams
WORD, BIGRAM, CHARS = 0, 1, 2
CHAR_N = 4
# Only the start of a long description is indexed: the gist of an idea is in its first paragraphs, and a
# bounded text keeps the index small and every document comparable.
MAX_DESCRIPTION_CHARS = 1000

_NOT_ALNUM = re.compile(r"[\W_]+")

_STOPWORDS = """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each even every few for from further get
    got had has have having he her here hers herself him himself his how i if in into is it its itself
    just like lot lots make me more most much my myself no nor not now of off on once one only or other
    our ours ourselves out over own please really same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up us very want was we
    were what when where which while who whom why will with would you your yours yourself yourselves
    idea ideas set sets lego brick bricks build built building builds think love would could maybe thing
    things something someone anyone everyone
"""
STOPWORDS = frozenset(_STOPWORDS.split())

# Spelling variants and shorthands members use for the same thing.
VARIANTS = {
    "color": "colour",
    "colors": "colour",
    "colored": "coloured",
    "gray": "grey",
    "motorized": "motorised",
    "motorize": "motorise",
    "minifig": "minifigure",
    "minifigs": "minifigure",
    "minifigures": "minifigure",
    "figs": "figure",
    "figures": "figure",
    "led": "light",
    "leds": "light",
    "lamp": "light",
    "lamps": "light",
    "theater": "theatre",
    "center": "centre",
    "aluminum": "aluminium",
    "modeled": "modelled",
    "pcs": "pieces",
    "pc": "pieces",
}


def normalise(text: str) -> str:
    """Accents folded, case folded, everything but letters and digits turned into single spaces."""
    text = text or ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_ALNUM.sub(" ", text.casefold()).split())


def _stem(word: str) -> str:
    """A deliberately light English suffix stripper: plurals, -ing, -ed. Both sides of a comparison go
    through it, so its mistakes cancel out; what matters is that variants of one word meet."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "running" → "run", but "spelling" → "spell"
            break
    return word


@lru_cache(maxsize=200_000)
def _word_features(word: str) -> tuple[str, tuple[str, ...]] | None:
    """(stem, character grams) of one normalised word, or None for a stop word or a bare number."""
    word = VARIANTS.get(word, word)
    if word in STOPWORDS or len(word) < 2 or word.isdigit():
        return None
    padded = f"<{word}>"
    grams = tuple(f"~{padded[i : i + CHAR_N]}" for i in range(max(1, len(padded) - CHAR_N + 1)))
    return _stem(word), grams


def tokenize(text: str) -> list[str]:
    """The stems of the meaningful words of `text`, in order."""
    out = []
    for word in normalise(text).split():
        features = _word_features(word)
        if features is not None:
            out.append(features[0])
    return out


def idea_document(title: str, description: str) -> str:
    """The text an idea is indexed and queried by: the title twice (it is the gist), then the start of the
    description."""
    title = title or ""
    return f"{title}\n{title}\n{(description or '')[:MAX_DESCRIPTION_CHARS]}"


def term_counts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    previous = None
    for word in normalise(text).split():
        features = _word_features(word)
        if features is None:
            continue
        stem, grams = features
        counts[stem] += 1
        if previous is not None:
            counts[f"{previous} {stem}"] += 1
        counts.update(grams)
        previous = stem
    return counts


def family_of(term: str) -> int:
    if term.startswith("~"):
        return CHARS
    return BIGRAM if " " in term else WORD


@dataclass(frozen=True)
class _Segment:
    """Documents added since the last compaction, kept as plain vectors (few, so scored in Python)."""

    vectors: dict[int, dict[str, float]] = field(default_factory=dict)
    df: Counter[str] = field(default_factory=Counter)

    def postings(self) -> dict[str, list[tuple[int, float]]]:
        inverted: dict[str, list[tuple[int, float]]] = {}
        for doc_id, vector in self.vectors.items():
            for term, weight in vector.items():
                inverted.setdefault(term, []).append((doc_id, weight))
        return inverted


class SimilarityIndex:
    """Documents (id, text) searchable by similarity to a text. Build it with `build_index`."""

    def __init__(
        self,
        *,
        vocabulary: dict[str, int],
        df: npt.NDArray[np.int64],
        offsets: npt.NDArray[np.int64],
        slots: npt.NDArray[np.int32],
        weights: npt.NDArray[np.float32],
        doc_ids: npt.NDArray[np.int64],
        dead: npt.NDArray[np.bool_] | None = None,
        segment: _Segment | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.df = df
        self.offsets = offsets
        self.slots = slots
        self.weights = weights
        self.doc_ids = doc_ids
        self.dead = dead if dead is not None else np.zeros(len(doc_ids), dtype=bool)
        self.segment = segment or _Segment()
        self._slot_of = {int(doc_id): slot for slot, doc_id in enumerate(doc_ids.tolist())}
        for slot in np.flatnonzero(self.dead).tolist():
            self._slot_of.pop(int(doc_ids[slot]), None)
        self._segment_postings = self.segment.postings()
        self.n_docs = len(self._slot_of) + len(self.segment.vectors)

    # --- Reading -----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.n_docs

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._slot_of or doc_id in self.segment.vectors

    def idf(self, term: str) -> float:
        index = self.vocabulary.get(term)
        df = int(self.df[index]) if index is not None else 0
        df += self.segment.df.get(term, 0)
        return math.log((1 + self.n_docs) / (1 + df)) + 1.0

    def vector(self, text: str) -> dict[str, float]:
        """`text` as a weighted, normalised feature vector against this index's document frequencies."""
        return _vector(term_counts(text), self.idf)

    def query(self, text: str, k: int = 5, exclude: Iterable[int] = ()) -> list[tuple[int, float]]:
        """The `k` documents most similar to `text`, best first, as (id, score in [0, 1]); only documents
        sharing at least one feature with the text are scored."""
        if k <= 0:
            return []
        vector = self.vector(text)
        if not vector:
            return []
        excluded = set(exclude)
        found: list[tuple[int, float]] = []
        # The main arrays: gather the postings of the query's terms and add them up per document.
        term_ids, query_weights = [], []
        for term, weight in vector.items():
            index = self.vocabulary.get(term)
            if index is not None:
                term_ids.append(index)
                query_weights.append(weight)
        if term_ids and len(self.doc_ids):
            starts = self.offsets[term_ids]
            ends = self.offsets[np.asarray(term_ids) + 1]
            lengths = ends - starts
            if int(lengths.sum()):
                positions = np.concatenate(
                    [np.arange(s, e) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
                )
                contributions = self.weights[positions] * np.repeat(
                    np.asarray(query_weights, dtype=np.float32), lengths
                )
                scores = np.bincount(
                    self.slots[positions], weights=contributions, minlength=len(self.doc_ids)
                )
                scores[self.dead] = 0.0
                for doc_id in excluded:
                    slot = self._slot_of.get(doc_id)
                    if slot is not None:
                        scores[slot] = 0.0
                take = min(k, int(np.count_nonzero(scores > 0)))
                if take:
                    best = np.argpartition(-scores, take - 1)[:take]
                    found.extend((int(self.doc_ids[s]), float(scores[s])) for s in best.tolist())
        # The side segment: few documents, scored from its own small inverted lists.
        if self._segment_postings:
            extra: dict[int, float] = {}
            for term, weight in vector.items():
                for doc_id, doc_weight in self._segment_postings.get(term, ()):
                    extra[doc_id] = extra.get(doc_id, 0.0) + weight * doc_weight
            found.extend((doc_id, score) for doc_id, score in extra.items() if doc_id not in excluded)
        found.sort(key=lambda item: (-item[1], item[0]))
        return [(doc_id, min(1.0, round(score, 6))) for doc_id, score in found[:k] if score > 0]

    # --- Changing (each returns a new index; this one is left as it was) ----------------------------
    def updated(
        self, upserts: Iterable[tuple[int, str]] = (), removals: Iterable[int] = ()
    ) -> SimilarityIndex:
        """A new index with `upserts` added or replaced and `removals` gone."""
        dead = self.dead.copy()
        vectors = dict(self.segment.vectors)
        df = Counter(self.segment.df)
        upserts = list(upserts)

        def drop(doc_id: int) -> None:
            slot = self._slot_of.get(doc_id)
            if slot is not None:
                dead[slot] = True
            old = vectors.pop(doc_id, None)
            if old is not None:
                df.subtract(old.keys())

        for doc_id in removals:
            drop(int(doc_id))
        for doc_id, _text in upserts:
            drop(int(doc_id))
        for doc_id, text in upserts:
            vector = self.vector(text)
            vectors[int(doc_id)] = vector
            df.update(vector.keys())
        df = Counter({term: n for term, n in df.items() if n > 0})
        return SimilarityIndex(
            vocabulary=self.vocabulary,
            df=self.df,
            offsets=self.offsets,
            slots=self.slots,
            weights=self.weights,
            doc_ids=self.doc_ids,
            dead=dead,
            segment=_Segment(vectors=vectors, df=df),
        )

    @property
    def pending(self) -> int:
        """How many changes sit outside the main arrays (side documents and tombstones)."""
        return len(self.segment.vectors) + int(self.dead.sum())

    def compacted(self) -> SimilarityIndex:
        """The same documents with the side segment folded into the main arrays and tombstones dropped."""
        if not self.pending:
            return self
        vocabulary = dict(self.vocabulary)
        n_terms = len(self.offsets) - 1
        term_of_posting = np.repeat(np.arange(n_terms, dtype=np.int64), np.diff(self.offsets))
        alive_slots = np.flatnonzero(~self.dead)
        new_slot = np.full(len(self.doc_ids), -1, dtype=np.int64)
        new_slot[alive_slots] = np.arange(len(alive_slots))
        keep = ~self.dead[self.slots]
        terms = [term_of_posting[keep]]
        slots = [new_slot[self.slots[keep]]]
        weights = [self.weights[keep]]
        doc_ids = [self.doc_ids[alive_slots]]
        extra_terms, extra_slots, extra_weights = array("q"), array("q"), array("f")
        next_slot = len(alive_slots)
        extra_ids = []
        for doc_id, vector in self.segment.vectors.items():
            for term, weight in vector.items():
                extra_terms.append(vocabulary.setdefault(term, len(vocabulary)))
                extra_slots.append(next_slot)
                extra_weights.append(weight)
            extra_ids.append(doc_id)
            next_slot += 1
        terms.append(np.frombuffer(extra_terms, dtype=np.int64))
        slots.append(np.frombuffer(extra_slots, dtype=np.int64))
        weights.append(np.frombuffer(extra_weights, dtype=np.float32))
        doc_ids.append(np.asarray(extra_ids, dtype=np.int64))
        return _assemble(
            vocabulary,
            np.concatenate(terms),
            np.concatenate(slots),
            np.concatenate(weights),
            np.concatenate(doc_ids),
        )


def _vector(counts: dict[str, int], idf: Callable[[str], float]) -> dict[str, float]:
    """Sublinear tf × idf per term, each family normalised to the square root of its share, so the dot
    product of two vectors is Σ share × cosine per family."""
    raw: dict[str, float] = {}
    norms = [0.0, 0.0, 0.0]
    for term, count in counts.items():
        weight = (1.0 + math.log(count)) * idf(term)
        raw[term] = weight
        norms[family_of(term)] += weight * weight
    scale = [math.sqrt(s / n) if n else 0.0 for s, n in zip(FAMILY_SHARES, norms, strict=True)]
    return {term: weight * scale[family_of(term)] for term, weight in raw.items()}


def _assemble(
    vocabulary: dict[str, int],
    terms: npt.NDArray[np.integer],
    slots: npt.NDArray[np.integer],
    weights: npt.NDArray[np.floating],
    doc_ids: npt.NDArray[np.int64],
) -> SimilarityIndex:
    """Sort postings by term into CSR arrays."""
    order = np.argsort(terms, kind="stable")
    df = np.bincount(terms, minlength=len(vocabulary)).astype(np.int64)
    offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    np.cumsum(df, out=offsets[1:])
    return SimilarityIndex(
        vocabulary=vocabulary,
        df=df,
        offsets=offsets,
        slots=slots[order].astype(np.int32),
        weights=weights[order].astype(np.float32),
        doc_ids=doc_ids.astype(np.int64),
    )


def build_index(docs: Iterable[tuple[int, str]]) -> SimilarityIndex:
    """Index `docs` (id, text) in one pass over them. Raw counts are collected into compact arrays first,
    then weighted all at once when the document frequencies are known."""
    vocabulary: dict[str, int] = {}
    families: list[int] = []
    # 4-byte items: a hundred thousand ideas make some seventeen million postings.
    terms, slots, counts = array("i"), array("i"), array("f")
    doc_ids: list[int] = []
    seen: set[int] = set()
    for doc_id, text in docs:
        if doc_id in seen:
            continue
        found = term_counts(text)  # may be empty: the document is still counted, it just matches nothing
        slot = len(doc_ids)
        doc_ids.append(int(doc_id))
        seen.add(doc_id)
        ids = []
        for term in found:
            index = vocabulary.get(term)
            if index is None:
                index = vocabulary[term] = len(vocabulary)
                families.append(family_of(term))
            ids.append(index)
        terms.extend(ids)
        slots.extend([slot] * len(ids))
        counts.extend(found.values())
    term_arr = np.frombuffer(terms, dtype=np.int32)
    slot_arr = np.frombuffer(slots, dtype=np.int32)
    count_arr = np.frombuffer(counts, dtype=np.float32)
    n_docs = len(doc_ids)
    df = np.bincount(term_arr, minlength=len(vocabulary))
    idf = (np.log((1 + n_docs) / (1 + df)) + 1.0).astype(np.float32)
    weights = (1.0 + np.log(count_arr)) * idf[term_arr]
    family_arr = np.asarray(families, dtype=np.int32)[term_arr]
    key = slot_arr * 3 + family_arr
    norms = np.bincount(key, weights=weights * weights, minlength=n_docs * 3)
    del count_arr, df
    shares = np.asarray(FAMILY_SHARES, dtype=np.float32)[family_arr]
    with np.errstate(divide="ignore", invalid="ignore"):
        weights *= np.sqrt(shares / norms[key]).astype(np.float32)
    del key, shares, family_arr
    return _assemble(vocabulary, term_arr, slot_arr, weights, np.asarray(doc_ids, dtype=np.int64))
