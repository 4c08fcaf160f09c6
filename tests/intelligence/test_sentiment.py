"""Sentiment: negation, intensifiers, "but", questions, and accuracy on the labelled feedback set (printed
with `pytest -s`)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from cocreate.intelligence.sentiment import sentiment

DATA = Path(__file__).parent / "data" / "feedback_themes.json"
# Measured 0.81 on the set (three labels); always answering the majority label ("negative") scores 0.57.
ACCURACY_FLOOR = 0.78


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I love this lamp, the light is beautiful.", "positive"),
        ("Terrible battery, it died after an hour.", "negative"),
        ("The headphones are not good.", "negative"),
        ("Not bad at all, actually.", "positive"),
        ("It doesn't work after the update.", "negative"),
        ("Nice design but it broke within a week.", "negative"),
        ("It broke once but support replaced it quickly and now it is excellent.", "positive"),
        ("Which charger do you recommend?", "neutral"),
        ("Can I use the app without an account?", "neutral"),
        ("The lamp arrived on Tuesday.", "neutral"),
        ("", "neutral"),
    ],
)
def test_labels_follow_the_words(text: str, label: str) -> None:
    assert sentiment(text)[0] == label


def test_intensifiers_and_softeners_move_the_score() -> None:
    plain, very, slightly = (
        sentiment(t)[1] for t in ("It is good.", "It is very good.", "It is slightly good.")
    )
    assert slightly < plain < very
    assert sentiment("It is really awful!!")[1] < sentiment("It is awful.")[1] < 0
    for text in ("amazing " * 200, "awful " * 200):
        assert -1.0 <= sentiment(text)[1] <= 1.0


def test_accuracy_on_the_labelled_feedback_set() -> None:
    items = json.loads(DATA.read_text())["items"]
    confusion: Counter[tuple[str, str]] = Counter()
    for item in items:
        confusion[(item["sentiment"], sentiment(item["text"])[0])] += 1
    right = sum(n for (truth, found), n in confusion.items() if truth == found)
    accuracy = right / len(items)
    majority = Counter(i["sentiment"] for i in items).most_common(1)[0][1] / len(items)
    per_label = {
        label: confusion[(label, label)] / sum(n for (t, _f), n in confusion.items() if t == label)
        for label in ("positive", "neutral", "negative")
    }
    print(
        f"\nsentiment on {len(items)} labelled posts: accuracy {accuracy:.3f} "
        f"(majority label {majority:.3f}); " + ", ".join(f"{k} recall {v:.2f}" for k, v in per_label.items())
    )
    assert accuracy >= ACCURACY_FLOOR
    # Opposite mistakes (praise read as a complaint or the reverse) stay rare.
    assert confusion[("positive", "negative")] + confusion[("negative", "positive")] <= 0.03 * len(items)
