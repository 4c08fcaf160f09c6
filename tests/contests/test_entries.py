"""Submitting and revising entries: who may, when, with which files; history is kept per round."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cocreate.contests import services
from cocreate.contests.models import Contest, Entry, EntryFile, EntryRevision, Visibility
from cocreate.core.errors import DomainError
from cocreate.notifications.models import Notification

from .conftest import at_round, close_all, png

pytestmark = pytest.mark.django_db


def fresh(entry: Entry) -> Entry:
    return Entry.objects.select_related("contest", "first_round").get(pk=entry.pk)


def test_invite_only_contest_takes_entries_from_accepted_designers(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any], staff: Any, make_user: Any
) -> None:
    contest = make_contest()
    with pytest.raises(DomainError) as err:
        submit(contest, fans[0])
    assert err.value.status == 403
    late = make_user(email="late@example.com")
    services.designers_invite(actor=staff, contest=contest, emails=[late.email])
    with pytest.raises(DomainError):
        submit(contest, late)  # invited but not accepted yet
    services.designer_answer(actor=late, contest=contest, accept=True)
    entry = submit(contest, late, uploads=[png()])
    revision = entry.revisions.get()
    assert revision.number == 1 and revision.files.get().is_image
    assert not Entry.objects.filter(designer=fans[0]).exists()


def test_open_submission_lets_any_member_enter(make_contest: Any, submit: Any, fans: list[Any]) -> None:
    contest = make_contest(open_submission=True)
    assert submit(contest, fans[0]).designer == fans[0]


def test_invitations_notify_the_designers_once(
    make_contest: Any, designers: list[Any], staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import cocreate.notifications.contests  # noqa: F401  (connected by NotificationsConfig.ready)

    with django_capture_on_commit_callbacks(execute=True):
        contest = make_contest()
    assert Notification.objects.filter(user=designers[0], key=f"contest-invite:{contest.pk}").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.designers_invite(actor=staff, contest=contest, emails=[designers[0].email])
    assert Notification.objects.filter(user=designers[0], key=f"contest-invite:{contest.pk}").count() == 1


def test_unknown_addresses_invite_nobody(make_contest: Any, staff: Any) -> None:
    contest = make_contest()
    before = contest.designers.count()
    with pytest.raises(DomainError) as err:
        services.designers_invite(actor=staff, contest=contest, emails=["nobody@example.com"])
    assert err.value.field == "emails" and contest.designers.count() == before


def test_files_are_checked_and_capped(make_contest: Any, submit: Any, designers: list[Any]) -> None:
    contest = make_contest()
    fake = SimpleUploadedFile("design.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(DomainError) as err:
        submit(contest, designers[0], uploads=[fake])
    assert err.value.field == "files"
    with pytest.raises(DomainError) as err:
        submit(contest, designers[0], uploads=[png(f"{i}.png") for i in range(6)])
    assert err.value.field == "files"
    assert not Entry.objects.exists() and not EntryFile.objects.exists()


def test_entry_cap_per_designer(make_contest: Any, submit: Any, designers: list[Any]) -> None:
    contest = make_contest(max_entries_per_designer=1)
    submit(contest, designers[0])
    with pytest.raises(DomainError) as err:
        submit(contest, designers[0], title="Second")
    assert err.value.status == 409 and Entry.objects.count() == 1


def test_revisions_keep_history_only_by_the_owner_and_only_in_an_open_round(
    make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]
) -> None:
    contest = make_contest(visibility=Visibility.OPEN)
    entry = submit(contest, designers[0], title="Amber", uploads=[png()])
    # In the same round the revision is updated in place.
    services.entry_revise(actor=designers[0], entry=fresh(entry), description="Tweaked.")
    assert EntryRevision.objects.filter(entry=entry).count() == 1
    with pytest.raises(DomainError) as err:
        services.entry_revise(actor=designers[1], entry=fresh(entry), title="Stolen")
    assert err.value.status == 403
    with pytest.raises(DomainError):
        services.entry_revise(actor=fans[0], entry=fresh(entry), title="Stolen")

    at_round(contest, contest.rounds.get(position=2))
    services.entry_revise(actor=designers[0], entry=fresh(entry), title="Amber II", note="Taller neck.")
    revisions = list(EntryRevision.objects.filter(entry=entry).order_by("number"))
    assert [(r.number, r.title) for r in revisions] == [(1, "Amber"), (2, "Amber II")]
    assert revisions[1].files.count() == 1  # the files carried over
    assert fresh(entry).title == "Amber II"

    close_all(contest)
    with pytest.raises(DomainError) as err:
        services.entry_revise(actor=designers[0], entry=fresh(entry), title="Too late")
    assert err.value.status == 409
    assert fresh(entry).title == "Amber II"


def test_with_shortlisting_only_shortlisted_entries_are_revised_later_and_no_new_ones(
    make_contest: Any, submit: Any, designers: list[Any], staff: Any
) -> None:
    contest = make_contest(shortlisting=True)
    a = submit(contest, designers[0], title="A")
    b = submit(contest, designers[1], title="B")
    services.entry_shortlist(actor=staff, entry=a, shortlisted=True)
    at_round(contest, contest.rounds.get(position=2))
    services.entry_revise(actor=designers[0], entry=fresh(a), title="A2")
    with pytest.raises(DomainError) as err:
        services.entry_revise(actor=designers[1], entry=fresh(b), title="B2")
    assert err.value.status == 409 and fresh(b).title == "B"
    with pytest.raises(DomainError) as err:
        submit(Contest.objects.get(pk=contest.pk), designers[2], title="Late")
    assert err.value.status == 409


def test_only_staff_manage(make_contest: Any, submit: Any, designers: list[Any], fans: list[Any]) -> None:
    contest = make_contest()
    entry = submit(contest, designers[0])
    for call in (
        lambda: services.contest_create(actor=fans[0], title="Mine"),
        lambda: services.designers_invite(actor=designers[0], contest=contest, emails=[fans[0].email]),
        lambda: services.jurors_appoint(actor=fans[0], contest=contest, emails=[fans[0].email]),
        lambda: services.entry_shortlist(actor=designers[0], entry=entry, shortlisted=True),
        lambda: services.winners_set(actor=fans[0], contest=contest, places={1: entry}),
        lambda: services.criteria_set(actor=fans[0], contest=contest, criteria=[{"name": "X"}]),
    ):
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.status == 403
    assert not fresh(entry).shortlisted


def test_rounds_never_overlap(make_contest: Any, staff: Any) -> None:
    contest = make_contest()
    first = contest.rounds.get(position=1)
    with pytest.raises(DomainError) as err:
        services.round_add(
            actor=staff, contest=contest, name="Clash", opens_at=first.opens_at, closes_at=first.closes_at
        )
    assert err.value.field == "opens_at" and contest.rounds.count() == 2


def test_rounds_keep_their_order_when_edited(make_contest: Any, staff: Any) -> None:
    contest = make_contest()
    first, second = contest.rounds.order_by("position")
    moved = services.round_update(
        actor=staff,
        rnd=second,
        name="Finals",
        opens_at=second.opens_at + timedelta(days=1),
        closes_at=second.closes_at + timedelta(days=1),
    )
    assert moved.name == "Finals"
    with pytest.raises(DomainError) as err:
        services.round_update(
            actor=staff,
            rnd=first,
            name="Concepts",
            opens_at=second.closes_at + timedelta(days=5),
            closes_at=second.closes_at + timedelta(days=9),
        )
    assert err.value.field == "opens_at"
    assert contest.rounds.get(pk=first.pk).opens_at == first.opens_at
