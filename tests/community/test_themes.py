"""Themes: a new post joins the nearest theme, re-clustering keeps what staff decided, merge and split keep
sizes exact, and only staff change themes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from cocreate.accounts.models import User
from cocreate.community.models import ClusterRun, RunStatus, Theme, Thread
from cocreate.community.services import forum
from cocreate.community.services import themes as services
from cocreate.core.errors import DomainError, NotAllowed

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parents[1] / "intelligence" / "data" / "feedback_themes.json"
SUBJECTS = ("battery", "delivery", "app crashes and login", "sound quality")


@pytest.fixture(autouse=True)
def _fresh_model() -> Iterator[None]:
    # The loaded model is cached per process; each test starts from its own database.
    services.invalidate()
    yield
    services.invalidate()


def labelled(subjects: tuple[str, ...] = SUBJECTS, per_subject: int = 14) -> list[tuple[str, str]]:
    items = json.loads(DATA.read_text())["items"]
    out: list[tuple[str, str]] = []
    for subject in subjects:
        out += [(i["theme"], i["text"]) for i in items if i["theme"] == subject][:per_subject]
    return out


@pytest.fixture
def corpus(member: User, post_thread: Callable[..., Thread]) -> dict[str, list[Thread]]:
    """Fourteen posts on each of four subjects, posted through the forum service."""
    found: dict[str, list[Thread]] = {}
    for n, (subject, text) in enumerate(labelled()):
        kind = ("bug", "suggestion", "question")[n % 3]
        found.setdefault(subject, []).append(post_thread(member, kind=kind, title=text[:150], body=text))
    return found


def theme_of_most(threads: list[Thread]) -> int:
    ids = [t.theme_id for t in Thread.objects.filter(pk__in=[t.pk for t in threads])]
    return max(set(ids), key=ids.count)


def exact_sizes() -> None:
    for theme in Theme.objects.all():
        assert theme.size == Thread.objects.filter(theme=theme).count(), theme


def test_no_model_yet_leaves_the_theme_empty_but_finds_the_sentiment(
    member: User, post_thread: Callable[..., Thread], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        thread = post_thread(
            member, kind="bug", title="Broken again", body="The hinge broke, terrible quality."
        )
    thread.refresh_from_db()
    assert thread.sentiment == "negative" and thread.sentiment_score is not None
    assert thread.sentiment_score < 0
    assert thread.theme_id is None


def test_recluster_finds_the_subjects_and_counts_sizes_exactly(
    corpus: dict[str, list[Thread]], moderator: User
) -> None:
    run = services.recluster()
    assert run.status == RunStatus.DONE, run.error
    assert run.documents == 56 and run.themes == Theme.objects.filter(active=True).count() >= 3
    assert ClusterRun.objects.get(pk=run.pk).model
    exact_sizes()
    # Most posts of one subject share a theme, and different subjects land in different themes.
    majority = {subject: theme_of_most(threads) for subject, threads in corpus.items()}
    assert len(set(majority.values())) >= 3
    battery = Theme.objects.get(pk=majority["battery"])
    assert "battery" in battery.label and "battery" in battery.key_terms


def test_a_new_post_joins_the_nearest_theme_when_it_arrives(
    corpus: dict[str, list[Thread]],
    member: User,
    board: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.recluster()
    battery = Theme.objects.get(pk=theme_of_most(corpus["battery"]))
    size = battery.size
    with django_capture_on_commit_callbacks(execute=True):
        thread = forum.thread_create(
            actor=member,
            board=board,
            kind="bug",
            title="Battery is flat after one evening",
            body="The battery drains so fast, I have to charge it every day now.",
            rate_limited=False,
        )
    thread.refresh_from_db()
    assert thread.theme_id == battery.pk
    assert thread.theme_similarity is not None and thread.theme_similarity >= 0.3
    assert thread.sentiment == "negative"
    battery.refresh_from_db()
    assert battery.size == size + 1
    # Analysing it again (a task run twice) does not count it twice.
    services.thread_analyse(thread_id=thread.pk)
    battery.refresh_from_db()
    assert battery.size == size + 1


def test_chit_chat_and_discussions_join_no_theme(
    corpus: dict[str, list[Thread]], member: User, post_thread: Callable[..., Thread]
) -> None:
    services.recluster()
    chat = post_thread(
        member, kind="discussion", title="Battery talk", body="The battery dies after an hour."
    )
    off_topic = post_thread(member, kind="question", title="Stamps", body="Anyone want to swap stamps?")
    for thread in (chat, off_topic):
        services.thread_analyse(thread_id=thread.pk)
        thread.refresh_from_db()
        assert thread.theme_id is None


def test_staff_sentiment_is_not_overwritten(member: User, post_thread: Callable[..., Thread]) -> None:
    thread = post_thread(member, kind="review", rating=5, title="Great", body="Amazing lamp, I love it.")
    Thread.objects.filter(pk=thread.pk).update(sentiment="negative", sentiment_by_staff=True)
    services.thread_analyse(thread_id=thread.pk)
    thread.refresh_from_db()
    assert thread.sentiment == "negative"


def test_a_renamed_theme_keeps_its_name_and_idea_across_runs(
    corpus: dict[str, list[Thread]], moderator: User
) -> None:
    services.recluster()
    delivery = Theme.objects.get(pk=theme_of_most(corpus["delivery"]))
    services.theme_rename(actor=moderator, theme=delivery, name="  Late   parcels ")
    delivery.refresh_from_db()
    assert delivery.name == "Late parcels"
    second = services.recluster()
    assert second.status == RunStatus.DONE
    again = Theme.objects.get(pk=theme_of_most(corpus["delivery"]))
    assert again.pk == delivery.pk and again.custom_label == "Late parcels" and again.active
    assert again.run_id == second.pk
    exact_sizes()
    # Old models are tidied away; the current one and the one before stay.
    assert ClusterRun.objects.get(pk=second.pk).model


def test_vanished_themes_are_deactivated(corpus: dict[str, list[Thread]], moderator: User) -> None:
    services.recluster()
    stale = Theme.objects.create(label="gone", size=3, active=True)
    services.recluster()
    stale.refresh_from_db()
    assert not stale.active and stale.size == 0


def test_merge_moves_posts_and_sizes(corpus: dict[str, list[Thread]], moderator: User) -> None:
    services.recluster()
    source = Theme.objects.get(pk=theme_of_most(corpus["sound quality"]))
    target = Theme.objects.get(pk=theme_of_most(corpus["battery"]))
    total = source.size + target.size
    merged = services.theme_merge(actor=moderator, source=source, target=target)
    source.refresh_from_db()
    assert merged.size == total == Thread.objects.filter(theme=target).count()
    assert not source.active and source.merged_into_id == target.pk and source.size == 0
    exact_sizes()
    # The merged theme's centroid still attracts posts, and sends them to the theme it was merged into.
    loaded = services.current_model()
    assert loaded is not None
    assert source.pk not in loaded.theme_ids and loaded.theme_ids.count(target.pk) == 2
    sound = corpus["sound quality"][0]
    found = loaded.nearest(sound.title, sound.body)
    assert found is not None and found[0] != source.pk
    with pytest.raises(DomainError) as err:
        services.theme_merge(actor=moderator, source=source, target=target)
    assert err.value.status == 409
    with pytest.raises(DomainError) as err:
        services.theme_merge(actor=moderator, source=target, target=target)
    assert err.value.field == "target"


def test_split_makes_parts_with_exact_sizes(corpus: dict[str, list[Thread]], moderator: User) -> None:
    services.recluster()
    # Merge two subjects, then split them apart again.
    app = Theme.objects.get(pk=theme_of_most(corpus["app crashes and login"]))
    delivery = Theme.objects.get(pk=theme_of_most(corpus["delivery"]))
    merged = services.theme_merge(actor=moderator, source=app, target=delivery)
    parts = services.theme_split(actor=moderator, theme=merged, parts=2)
    assert len(parts) == 2
    merged.refresh_from_db()
    assert not merged.active and merged.size == 0
    assert sum(p.size for p in parts) == Thread.objects.filter(theme__in=parts).count() > 0
    exact_sizes()
    # The split follows meaning: most app posts end up together, apart from most delivery posts.
    assert theme_of_most(corpus["app crashes and login"]) != theme_of_most(corpus["delivery"])
    for bad in (1, 6, True):
        with pytest.raises(DomainError) as err:
            services.theme_split(actor=moderator, theme=parts[0], parts=bad)
        assert err.value.field == "parts"


def test_only_staff_change_themes(corpus: dict[str, list[Thread]], member: User, moderator: User) -> None:
    services.recluster()
    theme = Theme.objects.filter(active=True).first()
    other = Theme.objects.filter(active=True).exclude(pk=theme.pk).first()
    assert theme is not None and other is not None
    for call in (
        lambda: services.theme_rename(actor=member, theme=theme, name="Mine"),
        lambda: services.theme_merge(actor=member, source=theme, target=other),
        lambda: services.theme_split(actor=member, theme=theme, parts=2),
        lambda: services.theme_link_idea(actor=member, theme=theme, idea=None),
        lambda: services.recluster_request(actor=member),
    ):
        with pytest.raises(NotAllowed):
            call()
    theme.refresh_from_db()
    assert theme.custom_label == "" and theme.active
    assert not ClusterRun.objects.filter(status=RunStatus.QUEUED).exists()


def test_one_run_queued_at_a_time(moderator: User) -> None:
    run = services.recluster_request(actor=moderator)
    assert run.status == RunStatus.QUEUED and run.requested_by == moderator
    with pytest.raises(DomainError) as err:
        services.recluster_request(actor=moderator)
    assert err.value.status == 409
    done = services.recluster(run=run)
    assert done.status == RunStatus.DONE and done.documents == 0
    # A finished run no longer blocks the next, and running it again does nothing.
    assert services.recluster(run=done).finished_at == done.finished_at
    assert services.recluster_request(actor=moderator).status == RunStatus.QUEUED


def test_a_long_name_is_refused_and_changes_nothing(corpus: dict[str, list[Thread]], moderator: User) -> None:
    services.recluster()
    theme = Theme.objects.filter(active=True).first()
    assert theme is not None
    with pytest.raises(DomainError) as err:
        services.theme_rename(actor=moderator, theme=theme, name="x" * 161)
    assert err.value.field == "name"
    theme.refresh_from_db()
    assert theme.custom_label == ""


def test_the_nightly_task_runs_once_and_skips_while_a_run_is_pending(
    corpus: dict[str, list[Thread]], moderator: User
) -> None:
    from cocreate.community import tasks

    result = tasks.recluster_nightly.enqueue()
    assert result.return_value == RunStatus.DONE
    assert ClusterRun.objects.filter(status=RunStatus.DONE, requested_by=None).count() == 1
    services.recluster_request(actor=moderator)
    assert tasks.recluster_nightly.enqueue().return_value == "skipped"
    assert [("cocreate.community.tasks.recluster_nightly", timedelta(days=1))] == tasks.SCHEDULE
