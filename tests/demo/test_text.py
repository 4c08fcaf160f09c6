"""Generated texts: deterministic per seed, varied at scale, and reading like real customer content."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from cocreate.demo.text import (
    FeedbackKind,
    FeedbackTextFactory,
    IdeaTextFactory,
    MemberFactory,
    ProductTextFactory,
    Sentiment,
)

# The shared autouse fixture clears the (database) cache around every test.
pytestmark = pytest.mark.django_db

# Written here, not imported, so the check does not share a blind spot with the generator.
POSITIVE_WORDS = ("love", "brilliant", "fantastic", "perfect", "joy", "recommend", "superb", "great")
NEGATIVE_WORDS = (
    "disappoint",
    "frustrat",
    "broke",
    "missing",
    "flimsy",
    "waste",
    "not worth",
    "regret",
    "annoying",
    "poor",
)
FILLER = re.compile(r"lorem|ipsum|dolor sit|consectetur|placeholder|todo|\bxxx\b", re.IGNORECASE)
UNFILLED = re.compile(r"[{}]")


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    """Whether a word starts with one of `words` ("Foxglove" is not "love")."""
    return any(re.search(rf"\b{w}", text) for w in words)


def _sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?=\s|$)", text))


def _clean(text: str) -> None:
    assert text and text == text.strip()
    assert not FILLER.search(text), text
    assert not UNFILLED.search(text), text
    assert "  " not in text, text


def test_member_factory_is_deterministic_and_keeps_its_api() -> None:
    a = [MemberFactory(random.Random(5)).person(i) for i in range(3)]
    b = [MemberFactory(random.Random(5)).person(i) for i in range(3)]
    assert a == b
    person = MemberFactory(random.Random(5)).person(7, domain="example.org")
    assert person.email.endswith(".7@example.org")
    assert person.email.isascii() and person.email == person.email.lower()
    assert 1 <= len(person.interests) <= 4 and len(person.skills) <= 3


def test_members_are_varied_and_readable() -> None:
    factory = MemberFactory(random.Random(1))
    people = [factory.person(i, "seed.example") for i in range(3000)]
    assert len({p.email for p in people}) == 3000
    assert len({p.bio for p in people}) > 2000
    assert len({p.display_name for p in people}) > 1000
    for p in people:
        _clean(p.bio)
        assert 0 < len(p.display_name) <= 80
        assert re.fullmatch(r"[a-z0-9]+\.[a-z0-9]+\.\d+@seed\.example", p.email), p.email


def test_product_names_are_unique_across_the_catalogue_cap() -> None:
    factory = ProductTextFactory(seed=42)
    assert factory.combinations >= 5000
    names = [factory.name(i) for i in range(5000)]
    assert len(set(names)) == 5000
    for name in names:
        words = [w.lower() for w in name.split()]
        assert all(a != b for a, b in itertools.pairwise(words)), name  # no "Town Town Hall"
    # Past every combination names still differ, by an edition numeral.
    assert factory.name(factory.combinations) == factory.name(0) + " II"


def test_product_names_depend_on_the_seed() -> None:
    def first(seed: int) -> list[str]:
        return [ProductTextFactory(seed).name(i) for i in range(20)]

    assert first(1) == first(1)
    assert first(1) != first(2)


@pytest.mark.parametrize("status", ["launched", "in_development", "concept", "retired"])
def test_product_copy_is_two_or_three_sentences(status: str) -> None:
    factory = ProductTextFactory(seed=3)
    rng = random.Random(9)
    texts = [factory.product(i, rng, status=status, launch_year=2020, retired_year=2024) for i in range(300)]
    assert len({t.description for t in texts}) == 300
    for text in texts:
        _clean(text.description)
        assert 2 <= _sentences(text.description) <= 3, text.description
        assert text.category and text.pieces > 0
    if status == "in_development":
        assert any("prototype" in t.description or "2020" in t.description for t in texts)


def test_ideas_are_deterministic() -> None:
    a = [IdeaTextFactory(random.Random(8)).idea() for _ in range(5)]
    b = [IdeaTextFactory(random.Random(8)).idea() for _ in range(5)]
    assert a == b


def test_ideas_are_varied_and_well_formed() -> None:
    factory = IdeaTextFactory(random.Random(2026))
    ideas = [factory.idea() for _ in range(2000)]
    assert len({i.title for i in ideas}) > 1500
    assert len({i.description for i in ideas}) > 1950
    for idea in ideas:
        _clean(idea.title)
        _clean(idea.description)
        assert len(idea.title) <= 120
        assert 2 <= _sentences(idea.description) <= 4, idea.description
        assert 1 <= len(idea.tags) <= 3 and all(isinstance(t, str) and t for t in idea.tags)
        assert idea.category


def test_ideas_stay_varied_at_scale() -> None:
    """Tens of thousands of draws should barely repeat: a million seeded ideas must not look copied."""
    factory = IdeaTextFactory(random.Random(7))
    descriptions = {factory.idea().description for _ in range(20_000)}
    assert len(descriptions) > 19_500


def test_ideas_can_name_real_products() -> None:
    factory = IdeaTextFactory(random.Random(4), products=["Harbour Lighthouse"])
    texts = [factory.idea() for _ in range(200)]
    mentions = [t for t in texts if "Lighthouse" in t.title + t.description]
    assert mentions


def test_feedback_is_deterministic() -> None:
    a = [FeedbackTextFactory(random.Random(3)).feedback() for _ in range(5)]
    b = [FeedbackTextFactory(random.Random(3)).feedback() for _ in range(5)]
    assert a == b


def test_feedback_covers_every_kind_and_is_varied() -> None:
    factory = FeedbackTextFactory(random.Random(11))
    posts = [factory.feedback() for _ in range(2000)]
    assert {p.kind for p in posts} == set(FeedbackKind)
    assert len({p.body for p in posts}) > 1900
    assert len({p.title for p in posts}) > 1000
    for post in posts:
        _clean(post.title)
        _clean(post.body)
        assert post.product
        assert (post.rating is not None) == (post.kind == FeedbackKind.REVIEW)
    bugs = [p for p in posts if p.kind == FeedbackKind.BUG]
    assert all(f"- Set: {p.product}" in p.body for p in bugs)
    assert all(p.title.endswith("?") for p in posts if p.kind == FeedbackKind.QUESTION and "?" in p.title)


def test_feedback_stays_varied_at_scale() -> None:
    factory = FeedbackTextFactory(random.Random(12))
    bodies = {factory.feedback().body for _ in range(20_000)}
    assert len(bodies) > 18_000


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_review_sentiment_agrees_with_stars(rating: int) -> None:
    factory = FeedbackTextFactory(random.Random(rating))
    for _ in range(300):
        review = factory.review(rating=rating)
        text = f"{review.title} {review.body}".lower()
        assert review.kind == FeedbackKind.REVIEW and review.rating == rating
        if rating >= 4:
            assert review.sentiment == Sentiment.POSITIVE
            assert _mentions(text, POSITIVE_WORDS), text
            assert not _mentions(text, NEGATIVE_WORDS), text
        elif rating == 3:
            assert review.sentiment == Sentiment.NEUTRAL
        else:
            assert review.sentiment == Sentiment.NEGATIVE
            assert _mentions(text, NEGATIVE_WORDS), text
            assert not _mentions(text, POSITIVE_WORDS), text


def test_review_ratings_lean_positive_like_real_shops() -> None:
    factory = FeedbackTextFactory(random.Random(5))
    ratings = [factory.feedback(kind="review").rating or 0 for _ in range(2000)]
    assert set(ratings) == {1, 2, 3, 4, 5}
    assert sum(ratings) / len(ratings) > 3.5


def test_review_rejects_impossible_ratings() -> None:
    with pytest.raises(ValueError):
        FeedbackTextFactory(random.Random(1)).review(rating=6)


def test_feedback_about_a_given_product() -> None:
    factory = FeedbackTextFactory(random.Random(6), products=["City Tram No. 7"])
    post = factory.feedback(kind=FeedbackKind.SUGGESTION)
    assert post.product == "City Tram No. 7"
    assert post.sentiment == Sentiment.NEUTRAL
