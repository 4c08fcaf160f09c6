"""`cocreate seed` for challenges, ideas and supports: consistent counts, a long tail, dates that follow
the ladder, the same rows for the same seed, and re-runs that add only what is missing."""

from __future__ import annotations

import io
import re
import statistics
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from cocreate.challenges.models import Challenge, Idea, IdeaStatus, Support
from cocreate.challenges.seed import recount_supports, rung_of, seeded_challenges, seeded_ideas
from cocreate.demo.generate import seeded_members

pytestmark = pytest.mark.django_db

TODAY = "2026-06-01"
NOW = datetime.combine(date.fromisoformat(TODAY), time(9), tzinfo=UTC)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed", "--today", TODAY, *args, stdout=out)
    return out.getvalue()


def supports_snapshot() -> list[tuple[Any, ...]]:
    return list(
        Support.objects.order_by("idea__slug", "user__email").values_list(
            "idea__slug", "user__email", "created_at", "would_buy", "price_band", "audience"
        )
    )


def ideas_snapshot() -> list[tuple[Any, ...]]:
    return list(
        seeded_ideas()
        .order_by("slug")
        .values_list(
            "slug", "challenge__slug", "author__email", "title", "status", "support_count", "deadline"
        )
    )


def assert_counts_match_rows() -> None:
    drift = seeded_ideas().annotate(rows=Count("supports")).exclude(rows=F("support_count"))
    assert list(drift.values_list("pk", "support_count", "rows")) == []


def test_scale_one_gives_a_realistic_program_with_consistent_counts() -> None:
    out = seed("--scale", "1")
    ideas = list(seeded_ideas())
    assert len(ideas) == 1000
    assert "challenges_idea" in out and "challenges_support" in out
    supports = Support.objects.count()
    assert 7_000 <= supports <= 14_000  # about ten per idea
    assert_counts_match_rows()
    # No member supports an idea twice, nor their own idea.
    pairs = Support.objects.values("idea_id", "user_id").annotate(n=Count("id")).filter(n__gt=1)
    assert not pairs.exists()
    assert not Support.objects.filter(user_id=F("idea__author_id")).exists()
    assert set(Support.objects.values_list("user_id", flat=True)) <= set(
        seeded_members().values_list("pk", flat=True)
    )
    # A long tail: most ideas have a handful, a few have hundreds.
    counts = sorted(i.support_count for i in ideas)
    assert statistics.median(counts) <= 5 and counts[-1] >= 300 and sum(c >= 100 for c in counts) >= 3
    # Statuses of a real program, with dates that follow the default ladder.
    statuses = {s: sum(i.status == s for i in ideas) for s in IdeaStatus.values}
    assert statuses[IdeaStatus.PUBLISHED] > 450 and statuses[IdeaStatus.EXPIRED] > 150
    assert min(statuses[s] for s in ("in_review", "approved", "not_approved", "launched")) > 0
    for idea in ideas:
        assert idea.milestone_index == rung_of(idea.support_count)
        assert idea.search_text == f"{idea.title}\n{idea.description}" and idea.discussion_id is None
        assert idea.published_at is not None and idea.published_at <= NOW
        if idea.status == IdeaStatus.PUBLISHED:
            assert idea.deadline is not None and idea.deadline >= NOW
        if idea.status == IdeaStatus.EXPIRED:
            assert idea.deadline is not None and idea.deadline < NOW
    published = [i.published_at for i in ideas if i.published_at]
    assert (NOW - min(published)).days > 500
    # The always-open challenge takes most ideas; themed ones the rest.
    assert Challenge.objects.filter(is_default=True).count() == 1 and seeded_challenges().count() == 5
    default = Idea.objects.filter(challenge__is_default=True).count()
    assert 700 <= default <= 900
    assert (
        seeded_ideas().filter(challenge__slug="seed-space-exploration").exclude(status="in_review").count()
        == 0
    )
    assert len({i.title for i in ideas}) > 900


def test_same_seed_same_rows_and_a_rerun_adds_only_what_is_missing() -> None:
    small = ["--rows", "members=300", "--rows", "products=5", "--rows", "ideas=120"]
    # A capped first run stops in the middle of an idea's supports; the next run carries on from there.
    seed(*small, "--rows", "supports=333", "--batch-size", "50")
    assert Support.objects.count() == 333
    assert_counts_match_rows()
    out = seed(*small)
    assert re.search(r"challenges_support\s*│\s*[\d,]+\s*│\s*333\s*│", out), out
    resumed = (ideas_snapshot(), supports_snapshot())
    assert_counts_match_rows()

    again = seed(*small)
    assert re.search(r"challenges_support\s*│\s*0\s*│", again), again
    assert re.search(r"challenges_idea\s*│\s*0\s*│\s*120\s*│", again), again
    assert (ideas_snapshot(), supports_snapshot()) == resumed

    Support.objects.all().delete()
    seeded_ideas().delete()
    seed(*small)
    assert (ideas_snapshot(), supports_snapshot()) == resumed
    assert len(resumed[0]) == 120 and len(resumed[1]) > 600

    Support.objects.all().delete()
    seeded_ideas().delete()
    seed(*small, "--seed", "7")
    assert ideas_snapshot() != resumed[0]


def test_growing_the_seed_keeps_earlier_ideas_and_counts_the_new_ones() -> None:
    seed("--rows", "members=200", "--rows", "ideas=40")
    before = supports_snapshot()
    seed("--rows", "members=200", "--rows", "ideas=90")
    assert seeded_ideas().count() == 90
    after = supports_snapshot()
    assert set(before) <= set(after) and len(after) > len(before)
    assert_counts_match_rows()


def test_recount_repairs_drifted_counts_and_rungs_only() -> None:
    seed("--rows", "members=150", "--rows", "ideas=30")
    assert recount_supports() == 0
    idea = seeded_ideas().order_by("-support_count").first()
    assert idea is not None
    Idea.objects.filter(pk=idea.pk).update(support_count=5000, milestone_index=3)
    assert recount_supports() == 1
    idea.refresh_from_db()
    assert idea.support_count == Support.objects.filter(idea=idea).count()
    assert idea.milestone_index == rung_of(idea.support_count)


def test_scale_zero_makes_nothing() -> None:
    seed("--scale", "0")
    assert not seeded_ideas().exists() and not Support.objects.exists() and not seeded_challenges().exists()
