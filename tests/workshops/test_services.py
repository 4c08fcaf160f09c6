"""Registration, the waitlist, attendance, outputs and the survey, through the services."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreate.accounts import services as account_services
from cocreate.accounts.models import Role, User
from cocreate.challenges.models import IdeaStatus
from cocreate.core.errors import Conflict, DomainError, NotAllowed, NotFound
from cocreate.notifications.models import Notification, Verb
from cocreate.workshops import events, selectors, services
from cocreate.workshops.models import (
    Attendance,
    Registration,
    RegistrationStatus,
    SurveyResponse,
    Workshop,
    WorkshopOutput,
    WorkshopStatus,
)

from .conftest import move_to_past

pytestmark = pytest.mark.django_db


def statuses(workshop: Workshop) -> list[tuple[int, str]]:
    return list(
        Registration.objects.filter(workshop=workshop)
        .exclude(status=RegistrationStatus.CANCELLED)
        .order_by("position")
        .values_list("user_id", "status")
    )


class Capture:
    def __init__(self, signal: Any) -> None:
        self.calls: list[dict[str, Any]] = []
        signal.connect(self, weak=False)
        self.signal = signal

    def __call__(self, sender: Any, **kwargs: Any) -> None:
        self.calls.append(kwargs)

    def close(self) -> None:
        self.signal.disconnect(self)


@pytest.fixture
def capture() -> Any:
    made: list[Capture] = []

    def make(signal: Any) -> Capture:
        c = Capture(signal)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


# --- Registration and the waitlist --------------------------------------------------------------------
def test_over_capacity_goes_to_waitlist_and_cancel_promotes_first_in_line(
    make_workshop: Callable[..., Workshop], members: list[User], django_capture_on_commit_callbacks: Any
) -> None:
    workshop = make_workshop(capacity=2)
    regs = [services.registration_create(actor=m, workshop=workshop) for m in members[:5]]
    assert [r.status for r in regs] == ["registered", "registered", "waitlisted", "waitlisted", "waitlisted"]
    assert selectors.my_place(user=members[3], workshop=workshop).waitlist_position == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=members[0], workshop=workshop)
    assert statuses(workshop) == [
        (members[1].pk, "registered"),
        (members[2].pk, "registered"),
        (members[3].pk, "waitlisted"),
        (members[4].pk, "waitlisted"),
    ]
    assert selectors.my_place(user=members[3], workshop=workshop).waitlist_position == 1
    told = Notification.objects.get(user=members[2], verb=Verb.INVITATION)
    assert "place opened up" in told.title
    # Leaving the waitlist frees no place: nobody else is promoted.
    services.registration_cancel(actor=members[3], workshop=workshop)
    assert selectors.my_place(user=members[4], workshop=workshop).waitlist_position == 1


def test_registering_twice_is_a_conflict_and_changes_nothing(
    make_workshop: Callable[..., Workshop], member: User
) -> None:
    workshop = make_workshop(capacity=1)
    services.registration_create(actor=member, workshop=workshop)
    with pytest.raises(Conflict, match="already registered"):
        services.registration_create(actor=member, workshop=workshop)
    assert Registration.objects.filter(workshop=workshop).count() == 1


def test_waitlisted_twice_and_waitlist_closed(
    make_workshop: Callable[..., Workshop], members: list[User]
) -> None:
    workshop = make_workshop(capacity=1)
    services.registration_create(actor=members[0], workshop=workshop)
    services.registration_create(actor=members[1], workshop=workshop)
    with pytest.raises(Conflict, match="already on the waitlist"):
        services.registration_create(actor=members[1], workshop=workshop)
    closed = make_workshop(capacity=1, waitlist_open=False, title="Closed list")
    services.registration_create(actor=members[0], workshop=closed)
    with pytest.raises(Conflict, match="waitlist is closed"):
        services.registration_create(actor=members[1], workshop=closed)
    assert not Registration.objects.filter(workshop=closed, user=members[1]).exists()


def test_register_again_after_cancelling_goes_to_the_back(
    make_workshop: Callable[..., Workshop], members: list[User]
) -> None:
    workshop = make_workshop(capacity=1)
    for m in members[:3]:
        services.registration_create(actor=m, workshop=workshop)
    services.registration_cancel(actor=members[1], workshop=workshop)
    services.registration_create(actor=members[1], workshop=workshop)
    assert statuses(workshop) == [
        (members[0].pk, "registered"),
        (members[2].pk, "waitlisted"),
        (members[1].pk, "waitlisted"),
    ]


def test_registration_refused_after_start_when_cancelled_draft_or_invite_only(
    make_workshop: Callable[..., Workshop], member: User, staff: User
) -> None:
    started = make_workshop(in_days=-0.01, hours=3)
    with pytest.raises(Conflict, match="already started"):
        services.registration_create(actor=member, workshop=started)
    cancelled = make_workshop(status=WorkshopStatus.CANCELLED, title="Gone")
    with pytest.raises(Conflict, match="cancelled"):
        services.registration_create(actor=member, workshop=cancelled)
    draft = make_workshop(status=WorkshopStatus.DRAFT, title="Draft")
    with pytest.raises(Conflict):
        services.registration_create(actor=member, workshop=draft)
    private = make_workshop(invite_only=True, title="Private")
    with pytest.raises(DomainError, match="invitation only") as err:
        services.registration_create(actor=member, workshop=private)
    assert err.value.status == 403
    services.invitations_send(actor=staff, workshop=private, users=[member])
    assert services.registration_create(actor=member, workshop=private).status == "registered"
    assert Registration.objects.filter(user=member).count() == 1


def test_capacity_raised_lets_the_waitlist_in(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User
) -> None:
    workshop = make_workshop(capacity=1)
    for m in members[:4]:
        services.registration_create(actor=m, workshop=workshop)
    services.workshop_update(actor=staff, workshop=workshop, capacity=3)
    assert [s for _u, s in statuses(workshop)] == ["registered", "registered", "registered", "waitlisted"]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    capacity=st.integers(min_value=1, max_value=4),
    ops=st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=7)), max_size=30),
)
def test_random_sequences_keep_capacity_and_fifo(
    make_workshop: Callable[..., Workshop], members: list[User], make_user: Any, capacity: int, ops: Any
) -> None:
    people = members + [make_user(Role.MEMBER) for _ in range(2)] if len(members) < 8 else members
    workshop = make_workshop(capacity=capacity, title=f"Random {random.random()}")
    # A model of the queue: arrival order of the members currently holding a place or waiting.
    queue: list[int] = []
    for register, index in ops:
        user = people[index % len(people)]
        try:
            if register:
                services.registration_create(actor=user, workshop=workshop)
                queue.append(user.pk)
            else:
                services.registration_cancel(actor=user, workshop=workshop)
                queue.remove(user.pk)
        except Conflict:
            pass
        rows = statuses(workshop)
        assert [u for u, _s in rows] == queue
        registered = [u for u, s in rows if s == "registered"]
        # Places go to the earliest arrivals still in line: the first `capacity` of the queue.
        assert registered == queue[:capacity]
        assert len(registered) <= capacity


# --- Invitations --------------------------------------------------------------------------------------
def test_invitations_by_hand_notify_once(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User, member: User
) -> None:
    workshop = make_workshop()
    assert services.invitations_send(actor=staff, workshop=workshop, users=members[:2]) == 2
    assert services.invitations_send(actor=staff, workshop=workshop, users=members[:3]) == 1
    # on_commit runs at the end of the test transaction only when captured; check the rows instead.
    assert workshop.invitations.count() == 3
    with pytest.raises(NotAllowed):
        services.invitations_send(actor=member, workshop=workshop, users=members[:1])
    with pytest.raises(DomainError) as err:
        services.invitations_send(actor=staff, workshop=workshop)
    assert err.value.field == "personas"


def test_invitation_notification(
    make_workshop: Callable[..., Workshop],
    members: list[User],
    staff: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    workshop = make_workshop()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(actor=staff, workshop=workshop, users=members[:2])
    assert (
        Notification.objects.filter(verb=Verb.INVITATION, key=f"workshop-invite:{workshop.pk}").count() == 2
    )


def test_invitations_by_persona(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User
) -> None:
    from cocreate.journeys import services as journeys

    persona = journeys.persona_create(actor=staff, name="Shipping managers")
    journeys.persona_override_set(actor=staff, persona=persona, user=members[0], include=True)
    journeys.persona_override_set(actor=staff, persona=persona, user=members[1], include=True)
    workshop = make_workshop()
    assert services.invitations_send(actor=staff, workshop=workshop, personas=[persona]) == 2
    assert set(workshop.invitations.values_list("user_id", flat=True)) == {members[0].pk, members[1].pk}
    assert list(workshop.personas.all()) == [persona]


# --- Reminders ----------------------------------------------------------------------------------------
def test_reminders_are_sent_once_to_registered_members(
    make_workshop: Callable[..., Workshop], members: list[User]
) -> None:
    from cocreate.notifications.workshops import send_workshop_reminders

    soon = make_workshop(capacity=1, in_days=0.5)
    later = make_workshop(capacity=5, in_days=3, title="Later")
    services.registration_create(actor=members[0], workshop=soon)
    services.registration_create(actor=members[1], workshop=soon)  # waitlisted: no reminder
    services.registration_create(actor=members[2], workshop=later)
    send_workshop_reminders.call()
    send_workshop_reminders.call()
    reminders = Notification.objects.filter(verb=Verb.REMINDER)
    assert list(reminders.values_list("user_id", flat=True)) == [members[0].pk]


# --- Attendance ---------------------------------------------------------------------------------------
def test_attendance_events_sent_once_and_withdrawn_on_correction(
    make_workshop: Callable[..., Workshop],
    members: list[User],
    staff: User,
    capture: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    workshop = make_workshop(capacity=3)
    for m in members[:3]:
        services.registration_create(actor=m, workshop=workshop)
    move_to_past(workshop)
    recorded, withdrawn = capture(events.attendance_recorded), capture(events.attendance_withdrawn)
    marks = {members[0].pk: "present", members[1].pk: "present", members[2].pk: "no_show"}
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_take(actor=staff, workshop=workshop, marks=marks)
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_take(actor=staff, workshop=workshop, marks=marks)
    assert sorted(c["user"].pk for c in recorded.calls) == [members[0].pk, members[1].pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_take(actor=staff, workshop=workshop, marks={members[1].pk: "absent"})
    assert [c["user"].pk for c in withdrawn.calls] == [members[1].pk]
    assert Registration.objects.get(workshop=workshop, user=members[1]).attendance == Attendance.ABSENT
    assert len(recorded.calls) == 2


def test_members_cannot_take_attendance_and_unknown_members_are_refused(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User
) -> None:
    workshop = make_workshop(capacity=3)
    services.registration_create(actor=members[0], workshop=workshop)
    move_to_past(workshop)
    with pytest.raises(NotAllowed):
        services.attendance_take(actor=members[0], workshop=workshop, marks={members[0].pk: "present"})
    with pytest.raises(NotFound):
        services.attendance_take(
            actor=staff, workshop=workshop, marks={members[0].pk: "present", members[1].pk: "present"}
        )
    with pytest.raises(DomainError):
        services.attendance_take(actor=staff, workshop=workshop, marks={members[0].pk: "maybe"})
    assert Registration.objects.get(user=members[0]).attendance == ""


def test_facilitator_takes_attendance_not_before_the_session(
    make_workshop: Callable[..., Workshop], members: list[User], make_user: Any
) -> None:
    facilitator = make_user(Role.MODERATOR)
    workshop = make_workshop(capacity=3, facilitators=[facilitator])
    services.registration_create(actor=members[0], workshop=workshop)
    with pytest.raises(Conflict):
        services.attendance_take(actor=facilitator, workshop=workshop, marks={members[0].pk: "present"})
    move_to_past(workshop)
    services.attendance_take(actor=facilitator, workshop=workshop, marks={members[0].pk: "present"})
    assert Registration.objects.get(user=members[0]).attendance == "present"


def test_attendance_records_a_journeys_contribution(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User
) -> None:
    from cocreate.journeys import services as journeys
    from cocreate.journeys.models import Contribution, PointKind

    journey = journeys.journey_create(actor=staff, name="Shipping")
    stage = journey.stages.first()
    point = journeys.point_create(
        actor=staff, journey=journey, stage=stage, kind=PointKind.WORKSHOP, title="Lab"
    )
    workshop = make_workshop(capacity=3, participation_point=point)
    services.registration_create(actor=members[0], workshop=workshop)
    move_to_past(workshop)
    services.attendance_take(actor=staff, workshop=workshop, marks={members[0].pk: "present"})
    contribution = Contribution.objects.get(kind="attendance")
    assert contribution.user == members[0] and contribution.point == point
    services.attendance_take(actor=staff, workshop=workshop, marks={members[0].pk: "no_show"})
    contribution.refresh_from_db()
    assert contribution.status == "withdrawn"


# --- Outputs ------------------------------------------------------------------------------------------
def test_idea_output_creates_an_idea_with_co_creators(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User
) -> None:
    workshop = make_workshop(capacity=4)
    for m in members[:3]:
        services.registration_create(actor=m, workshop=workshop)
    move_to_past(workshop)
    output = services.output_add(
        actor=staff,
        workshop=workshop,
        kind="idea",
        title="Parcel lockers at petrol stations",
        body="Customers pick up parcels while refuelling, open around the clock.",
        co_creators=members[:2],
    )
    idea = output.idea
    assert idea is not None and idea.status != IdeaStatus.DRAFT
    assert set(idea.co_creators.values_list("pk", flat=True)) == {members[0].pk, members[1].pk}
    assert [o.idea for o in selectors.outputs_of(workshop=workshop)] == [idea]
    note = services.output_add(
        actor=staff, workshop=workshop, kind="note", title="Pain points", body="- *slow*"
    )
    assert note.idea is None
    outsider = members[5]
    with pytest.raises(DomainError) as err:
        services.output_add(
            actor=staff,
            workshop=workshop,
            kind="idea",
            title="Another",
            body="Long enough description of an idea here.",
            co_creators=[outsider],
        )
    assert err.value.field == "co_creators"
    with pytest.raises(NotAllowed):
        services.output_add(actor=members[0], workshop=workshop, kind="note", title="x")
    assert WorkshopOutput.objects.count() == 2


# --- Survey -------------------------------------------------------------------------------------------
@pytest.fixture
def attended(make_workshop: Callable[..., Workshop], members: list[User], staff: User) -> Workshop:
    workshop = make_workshop(capacity=5)
    for m in members[:4]:
        services.registration_create(actor=m, workshop=workshop)
    move_to_past(workshop)
    services.attendance_take(
        actor=staff,
        workshop=workshop,
        marks={
            members[0].pk: "present",
            members[1].pk: "present",
            members[2].pk: "present",
            members[3].pk: "no_show",
        },
    )
    return workshop


@pytest.mark.parametrize(
    ("csat", "nps", "fields"),
    [(0, 5, {"csat"}), (6, 5, {"csat"}), (3, 11, {"nps"}), (3, -1, {"nps"}), ("x", None, {"csat", "nps"})],
)
def test_survey_out_of_range_is_refused_with_fields(
    attended: Workshop, members: list[User], csat: Any, nps: Any, fields: set[str]
) -> None:
    with pytest.raises(DomainError) as err:
        services.survey_answer(actor=members[0], workshop=attended, csat=csat, nps=nps)
    assert {e.field for e in err.value.errors} == fields
    assert not SurveyResponse.objects.exists()


def test_survey_once_attendees_only_after_the_end(
    attended: Workshop,
    members: list[User],
    make_workshop: Callable[..., Workshop],
    capture: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    completed = capture(events.survey_completed)
    with django_capture_on_commit_callbacks(execute=True):
        response = services.survey_answer(actor=members[0], workshop=attended, csat=4, nps=9, comment="Great")
    assert (response.csat, response.nps, response.comment) == (4, 9, "Great")
    assert [c["response"] for c in completed.calls] == [response]
    with pytest.raises(Conflict, match="already answered"):
        services.survey_answer(actor=members[0], workshop=attended, csat=5, nps=10)
    with pytest.raises(DomainError, match="attended") as err:
        services.survey_answer(actor=members[3], workshop=attended, csat=5, nps=10)
    assert err.value.status == 403
    upcoming = make_workshop(title="Upcoming")
    with pytest.raises(Conflict, match="opens when"):
        services.survey_answer(actor=members[0], workshop=upcoming, csat=5, nps=10)
    assert SurveyResponse.objects.count() == 1


# --- Satisfaction -------------------------------------------------------------------------------------
def test_satisfaction_aggregates(
    attended: Workshop, members: list[User], staff: User, make_workshop: Callable[..., Workshop]
) -> None:
    services.survey_answer(actor=members[0], workshop=attended, csat=5, nps=10)
    services.survey_answer(actor=members[1], workshop=attended, csat=4, nps=9)
    services.survey_answer(actor=members[2], workshop=attended, csat=2, nps=3)
    online = make_workshop(
        capacity=5,
        title="Online sprint",
        format="online",
        centre=None,
        meeting_url="https://meet.example.com/x",
    )
    services.registration_create(actor=members[4], workshop=online)
    move_to_past(online, days=0.5)
    services.attendance_take(actor=staff, workshop=online, marks={members[4].pk: "present"})
    services.survey_answer(actor=members[4], workshop=online, csat=3, nps=7)
    figures = selectors.satisfaction()
    first, second = figures.sessions
    assert first.workshop == attended and second.workshop.pk == online.pk
    assert first.csat == pytest.approx(3.67) and first.responses == 3 and first.attendees == 3
    assert first.nps == 33  # 2 promoters, 1 detractor out of 3
    assert first.response_rate == 100
    assert (second.csat, second.nps, second.response_rate) == (3.0, 0, 100)
    assert {c.name: (c.responses, c.nps) for c in figures.centres} == {
        "Innovation Centre Bonn": (3, 33),
        "Online": (1, 0),
    }
    assert figures.overall.responses == 4 and figures.overall.nps == 25
    assert figures.overall.csat == pytest.approx(3.5)


# --- Concurrency (PostgreSQL) -------------------------------------------------------------------------
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"
)


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_fill_exactly_the_capacity() -> None:
    staff = account_services.user_create_verified(
        actor=None,
        email="staff@example.com",
        role=Role.ADMIN,
        password="pw-long-enough-123",
        display_name="S",
    )
    people = [
        account_services.user_create_verified(
            actor=None,
            email=f"m{i}@example.com",
            role=Role.MEMBER,
            password="pw-long-enough-123",
            display_name=f"M{i}",
        )
        for i in range(24)
    ]
    starts = timezone.now() + timedelta(days=2)
    workshop = services.workshop_create(
        actor=staff,
        title="Rush",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=7,
        format="online",
        meeting_url="https://meet.example.com/rush",
        status=WorkshopStatus.PUBLISHED,
    )
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(user: User) -> None:
        try:
            barrier.wait()
            registration = services.registration_create(actor=user, workshop=workshop)
            with lock:
                outcomes.append(registration.status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("registered") == 7 and outcomes.count("waitlisted") == 17
    rows = list(Registration.objects.filter(workshop=workshop).order_by("position"))
    positions = [r.position for r in rows]
    assert positions == sorted(set(positions))  # unique, in order of arrival
    # The first seven to arrive hold the places; everyone after waits in line.
    assert [r.status for r in rows] == ["registered"] * 7 + ["waitlisted"] * 17


def test_attendance_and_survey_earn_points_once(
    make_workshop: Callable[..., Workshop],
    members: list[User],
    staff: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from cocreate.rewards import services as rewards
    from cocreate.rewards.models import Action, PointBalance

    rewards.rule_set(actor=staff, action=Action.WORKSHOP_ATTENDED, points=50)
    rewards.rule_set(actor=staff, action=Action.SURVEY_COMPLETED, points=10)
    workshop = make_workshop(capacity=2)
    services.registration_create(actor=members[0], workshop=workshop)
    move_to_past(workshop)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.attendance_take(actor=staff, workshop=workshop, marks={members[0].pk: "present"})
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_answer(actor=members[0], workshop=workshop, csat=5, nps=9)
    assert PointBalance.objects.get(user=members[0]).balance == 60
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_take(actor=staff, workshop=workshop, marks={members[0].pk: "no_show"})
    assert PointBalance.objects.get(user=members[0]).balance == 10


def test_capacity_cannot_drop_below_registered_and_cancelling_tells_members(
    make_workshop: Callable[..., Workshop],
    members: list[User],
    staff: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    workshop = make_workshop(capacity=2)
    for m in members[:3]:
        services.registration_create(actor=m, workshop=workshop)
    with pytest.raises(DomainError) as err:
        services.workshop_update(actor=staff, workshop=workshop, capacity=1)
    assert err.value.field == "capacity"
    assert Workshop.objects.get(pk=workshop.pk).capacity == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.workshop_update(actor=staff, workshop=workshop, status=WorkshopStatus.CANCELLED)
    told = Notification.objects.filter(key=f"workshop-cancelled:{workshop.pk}")
    assert set(told.values_list("user_id", flat=True)) == {m.pk for m in members[:3]}
