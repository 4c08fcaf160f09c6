"""Sentiment of a short customer post, offline: a lexicon with negation, intensifiers and "but".

Each word found in the lexicon adds its valence (−3 … +3). Before it, up to three words back, a negation
("not", "never", "doesn't", "no") turns it around and weakens it (not great ≠ terrible), and an intensifier
("very", "so", "extremely") or a softener ("a bit", "slightly") scales it. After "but" or "however" the
rest of the sentence counts more and what came before counts less ("nice design but it broke in a week"
is a complaint). A few phrases customers use for complaints and praise ("waste of money", "stopped
working", "works great") count as one word. The sum is squashed into [−1, 1] (x / √(x² + 15), as VADER
does) and labelled with a dead zone around zero. A plain question with no feeling words stays neutral.

Measured on tests/intelligence/data/feedback_themes.json (accuracy recorded in docs/benchmarks.md).
"""

from __future__ import annotations

import math
import re

from .similarity import normalise

POSITIVE_AT = 0.25
NEGATIVE_AT = -0.2

_LEXICON_TEXT = """
amazing 3  awesome 3  brilliant 3  excellent 3  exceptional 3  fantastic 3  flawless 3  flawlessly 3
gorgeous 3  incredible 3  love 3  loved 3  loving 3  outstanding 3  perfect 3  perfectly 3  stunning 3
superb 3  wonderful 3  best 3  impressive 2  impressed 2  beautiful 2  lovely 2  great 2  happy 2
good 2  nice 2  enjoy 2  enjoyed 2  pleased 2  recommend 2  reliable 2  solid 2  sturdy 2  robust 2
comfortable 2  comfy 2  cozy 2  clear 1  clean 1  crisp 2  easy 2  easily 1  quick 1
smooth 2  stable 2  stylish 2  elegant 2  premium 2  pretty 2  friendly 2  helpful 2  kind 2  patient 1
thank 2  thanks 2  grateful 2  glad 2  improvement 1  improved 1  worth 2  affordable 1  fair 1
reasonable 1  generous 1  accurate 1  intuitive 2  soft 1  warm 1  rich 1  sleek 2  thoughtful 2
tough 1  right 1  works 1  well 1  cool 1  fine 1  favourite 2  favorite 2  joy 3  satisfied 2
solved 2  fixed 1  improvment 1  surprised 1  instant 1  instantly 1  effortless 2  lightweight 1
awful 3  terrible 3  horrible 3  useless 3  worst 3  hate 3  hated 3  disgusting 3  unacceptable 3
nightmare 3  unusable 3  unsafe 3  dangerous 2  disappointed 2  disappointing 2  disappointment 2
frustrating 2  frustrated 2  annoying 2  annoyed 2  poor 2  poorly 2  bad 2  broken 2  broke 2
break 2  breaks 2  cracked 2  crack 1  snapped 2  crash 2  crashes 2  crashed 2  crashing 2  fail 2
fails 2  failed 2  failing 2  faulty 2  defective 2  flimsy 2  fragile 2  cheap 1  overpriced 2
expensive 1  pricey 1  rude 2  slow 2  slowly 1  late 2  delayed 2  lost 2  missing 2  damaged 2
wrong 2  dead 2  dies 2  died 2  drain 1  drains 2  drained 2  flicker 2  flickers 2  flickering 2
freeze 2  freezes 2  freezing 2  froze 2  disconnect 2  disconnects 2  disconnecting 2  drop 1  drops 1
dropping 2  hurt 2  hurts 2  painful 2  pain 2  ache 2  sore 2  uncomfortable 2  itch 1  sweaty 1
muddy 1  distorted 2  distortion 2  tinny 2  muffled 2  harsh 2  hiss 1  crackling 2  static 1
buggy 2  bugs 1  laggy 2  lag 1  ugly 2  shabby 2  boring 1  bulky 1  confusing 2  unclear 2
vague 1  impossible 2  ridiculous 2  ignore 2  ignores 2  ignored 2  never 1  waste 2  wasted 2
problem 1  problems 1  issue 1  issues 1  complaint 1  regret 2  ripped 2  scam 3  careless 2
unreliable 2  weak 1  worse 2  awkward 1  peeling 2  peel 1  rust 2  wobbles 1  wobble 1  loose 1
tight 1  heavy 1  blinding 2  blindingly 2  dim 1  glaring 2  uneven 1  patchy 1  cold 1  noisy 1
stuck 2  hassle 1  smell 1  smelled 1  chemicals 1  mess 2  soaking 1  crushed 2  dented 2  torn 2
scratched 2  scuffed 2  unbearable 3  concerning 1  sadly 1  unfortunately 1  meh 1  mediocre 2
forever 1  waiting 1  error 2  errors 2  rejected 2  denied 2  refund 1  landfill 1  crumbles 2
fortune 1  anymore 1  stop 1  overcomplicated 2  blurry 1  microscopic 1  pointless 2  tiny 1
fault 1  flaw 2  sharp 1  gaps 1  gave 1  rattles 1  rattle 1  creaks 1  creak 1  scratches 1
"""
# Words whose line above carries a negative meaning (the lexicon stores magnitudes only).
_NEGATIVE_FROM = "awful"

_PHRASES = {
    # Complaints and praise that no single word carries.
    "waste of money": -3,
    "not worth": -2,
    "rip off": -3,
    "cash grab": -3,
    "falls apart": -3,
    "fell apart": -3,
    "stopped working": -3,
    "doesn t work": -3,
    "does not work": -3,
    "don t work": -3,
    "didn t work": -3,
    "won t work": -3,
    "not working": -3,
    "no reply": -2,
    "no response": -2,
    "no answer": -2,
    "never arrived": -3,
    "never came": -2,
    "never received": -3,
    "on hold": -1,
    "too expensive": -2,
    "way too": -1,
    "too small": -1,
    "too big": -1,
    "too low": -1,
    "too high": -1,
    "too much": -1,
    "too dim": -2,
    "too bright": -2,
    "works great": 3,
    "works perfectly": 3,
    "worth every penny": 3,
    "value for money": 2,
    "no complaints": 2,
    "no problems": 2,
    "no issues": 2,
    "just works": 2,
    "above and beyond": 3,
    "last for years": 2,
    "rock solid": 3,
    "can t beat": 3,
    "used to": -1,
    "takes forever": -2,
    "still waiting": -2,
    "shuts off": -1,
    "hung up": -2,
    "went above": 2,
}

_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "nothing",
        "nobody",
        "none",
        "neither",
        "nor",
        "without",
        "hardly",
        "barely",
        "cannot",
        "cant",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "wasnt",
        "arent",
        "werent",
        "wont",
        "wouldnt",
        "couldnt",
        "shouldnt",
        "havent",
        "hasnt",
        "aint",
    ]
)
# "doesn't" arrives as "doesn t" after normalising: the stub before the "t" is the negation.
_NEGATED_STUBS = frozenset(
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
        "can",
        "ain",
    ]
)
_INTENSIFIERS = {
    "very": 1.4,
    "really": 1.3,
    "so": 1.3,
    "super": 1.4,
    "extremely": 1.6,
    "incredibly": 1.6,
    "absolutely": 1.5,
    "totally": 1.4,
    "completely": 1.4,
    "truly": 1.3,
    "too": 1.2,
    "way": 1.2,
    "most": 1.2,
    "constantly": 1.4,
    "always": 1.1,
    "quite": 0.8,
    "slightly": 0.5,
    "somewhat": 0.6,
    "bit": 0.6,
    "little": 0.7,
    "fairly": 0.8,
    "kind": 0.7,
}
_COMPLAINT_NEGATIONS = frozenset(
    [
        "not",
        "never",
        "nobody",
        "nothing",
        "cannot",
        "cant",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "wasnt",
        "wont",
        "wouldnt",
        "couldnt",
        "barely",
    ]
)
_CONTRASTS = frozenset({"but", "however", "although", "though", "yet"})
_SENTENCE = re.compile(r"([.!?;\n]+)")
# In a question feeling words mostly ask rather than judge ("which charger do you recommend?").
QUESTION_WEIGHT = 0.3


def _lexicon() -> dict[str, float]:
    words = _LEXICON_TEXT.split()
    out: dict[str, float] = {}
    sign = 1.0
    for word, value in zip(words[::2], words[1::2], strict=True):
        if word == _NEGATIVE_FROM:
            sign = -1.0
        out[word] = sign * float(value)
    return out


LEXICON = _lexicon()
_PHRASE_TOKENS = sorted(((tuple(p.split()), v) for p, v in _PHRASES.items()), key=lambda x: -len(x[0]))


def _valence(word: str) -> float:
    """The word's valence, trying a few plain endings ("crashing" → "crash", "lamps" → "lamp")."""
    found = LEXICON.get(word)
    if found is not None:
        return found
    for suffix in ("s", "es", "ed", "d", "ing", "ly"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            found = LEXICON.get(word[: -len(suffix)])
            if found is not None:
                return found
    return 0.0


def _sentence_score(tokens: list[str], question: bool = False) -> float:
    items: list[tuple[int, float]] = []  # (position, valence) of each feeling word or phrase
    i = 0
    while i < len(tokens):
        for phrase, weight in _PHRASE_TOKENS:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                items.append((i, float(weight)))
                i += len(phrase)
                break
        else:
            found = _valence(tokens[i])
            if found:
                items.append((i, found))
            i += 1
    if not items:
        return 0.0
    contrast = max((j for j, t in enumerate(tokens) if t in _CONTRASTS), default=-1)
    total = 0.0
    previous = -1
    for position, valence in items:
        value = float(valence)
        scale = 1.0
        negated = False
        for back in range(1, 4):
            j = position - back
            # A negation or an intensifier belongs to the first feeling word after it only.
            if j <= previous:
                break
            word = tokens[j]
            if word in _NEGATIONS or (word == "t" and j > 0 and tokens[j - 1] in _NEGATED_STUBS):
                negated = not negated
            elif word in _INTENSIFIERS:
                scale *= _INTENSIFIERS[word]
        if negated:
            # "not great" is mildly bad, "not bad" mildly good.
            value = -value * 0.6
        if contrast >= 0:
            scale *= 1.5 if position > contrast else 0.5
        total += value * scale
        previous = position
    return total + _implied_complaint(tokens, [p for p, _v in items], question)


def _implied_complaint(tokens: list[str], feeling_at: list[int], question: bool) -> float:
    """A statement that something "won't charge", "can't log in" or "never arrived" is a complaint even
    with no feeling word in it; a question ("can't I…?", "without an account?") is not."""
    if question:
        return 0.0
    for j, word in enumerate(tokens):
        if word == "t" and j > 0 and tokens[j - 1] in _NEGATED_STUBS:
            pass
        elif word not in _COMPLAINT_NEGATIONS:
            continue
        # Already counted when a feeling word follows closely ("not great", "no complaints").
        if any(j < p <= j + 3 for p in feeling_at):
            continue
        return -1.5
    return 0.0


def sentiment(text: str) -> tuple[str, float]:
    """("positive" | "neutral" | "negative", score in [−1, 1]) for a short text."""
    raw = text or ""
    total = 0.0
    parts = _SENTENCE.split(raw)
    for sentence, end in zip(parts[::2], [*parts[1::2], ""], strict=True):
        question = "?" in end
        score = _sentence_score(normalise(sentence).split(), question)
        total += score * QUESTION_WEIGHT if question else score
    if "!" in raw and total:
        total *= 1.1
    score = total / math.sqrt(total * total + 15.0)
    score = max(-1.0, min(1.0, round(score, 4)))
    if score >= POSITIVE_AT:
        return "positive", score
    if score <= NEGATIVE_AT:
        return "negative", score
    return "neutral", score
