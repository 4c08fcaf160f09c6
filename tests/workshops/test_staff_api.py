"""The staff side of the workshops API: centres, planning and changing workshops, completing a session and
inviting members — with the errors a client gets and nothing saved when a call fails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cocreate.accounts.models import Role, User
from cocreate.journeys import services as journeys
from cocreate.workshops import services
from cocreate.workshops.models import Centre, Invitation, Registration, Workshop, WorkshopStatus

from ..conftest import assert_error_shape
from .conftest import move_to_past

pytestmark = pytest.mark.django_db
FORGED = [2**63, 2**63 - 1, -1, 0, 999_999]


def _when(days: float = 5, hours: float = 2) -> tuple[str, str]:
    starts = timezone.now() + timedelta(days=days)
    return starts.isoformat(), (starts + timedelta(hours=hours)).isoformat()


def _body(centre: Centre, **extra: Any) -> dict[str, Any]:
    starts, ends = _when()
    return {
        "title": "Packaging lab",
        "goal": "Less cardboard",
        "agenda": "1. **Welcome**",
        "starts_at": starts,
        "ends_at": ends,
        "format": "venue",
        "centre_id": centre.pk,
        "room": "Room 2",
        "capacity": 12,
        **extra,
    }


def test_centres_listed_and_created_by_staff_only(staff: User, member: User, api_for: Any) -> None:
    staff_api = api_for(staff)
    created = staff_api.post(
        "/api/v1/centres",
        {"name": "  Hub   Hamburg ", "city": "Hamburg", "capacity": 30, "timezone": "Europe/Berlin"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["name"] == "Hub Hamburg" and created.json()["capacity"] == 30
    assert [c["name"] for c in staff_api.get("/api/v1/centres").json()] == ["Hub Hamburg"]
    assert_error_shape(staff_api.post("/api/v1/centres", {"name": "hub hamburg"}), 409, "name")
    assert_error_shape(staff_api.post("/api/v1/centres", {"name": "   "}), 400, "name")
    assert_error_shape(staff_api.post("/api/v1/centres", {"name": "Big", "capacity": 2**63}), 400, "capacity")
    assert_error_shape(staff_api.post("/api/v1/centres", {"name": "Nul\x00"}), 422, "name")
    assert_error_shape(api_for(member).post("/api/v1/centres", {"name": "Mine"}), 403)
    assert list(Centre.objects.values_list("name", flat=True)) == ["Hub Hamburg"]


def test_staff_plan_a_workshop_with_every_link(
    staff: User, centre: Centre, make_user: Callable[..., User], api_for: Any
) -> None:
    facilitator = make_user(Role.ADMIN)
    persona = journeys.persona_create(actor=staff, name="Shipping managers")
    response = api_for(staff).post(
        "/api/v1/workshops",
        _body(
            centre,
            facilitator_ids=[facilitator.pk],
            persona_ids=[persona.pk, persona.pk],
            invite_only=True,
            waitlist_open=False,
            status="published",
        ),
    )
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["title"] == "Packaging lab" and out["status"] == "published"
    assert out["centre"]["id"] == centre.pk and out["room"] == "Room 2"
    assert out["invite_only"] is True and out["waitlist_open"] is False
    assert out["facilitator_ids"] == [facilitator.pk] and out["persona_ids"] == [persona.pk]
    workshop = Workshop.objects.get(pk=out["id"])
    assert workshop.created_by == staff and workshop.slug == "packaging-lab"


def test_online_workshop_needs_a_link_and_naive_times_take_the_site_zone(
    staff: User, centre: Centre, api_for: Any
) -> None:
    staff_api = api_for(staff)
    body = _body(centre, format="online", centre_id=None)
    assert_error_shape(staff_api.post("/api/v1/workshops", body), 400, "meeting_url")
    body["meeting_url"] = "https://meet.example.com/lab"
    starts = (timezone.localtime() + timedelta(days=3)).replace(tzinfo=None, microsecond=0)
    body["starts_at"], body["ends_at"] = starts.isoformat(), (starts + timedelta(hours=1)).isoformat()
    created = staff_api.post("/api/v1/workshops", body)
    assert created.status_code == 201, created.content
    assert created.json()["meeting_url"] == "https://meet.example.com/lab"
    assert timezone.localtime(Workshop.objects.get().starts_at).replace(tzinfo=None) == starts


@pytest.mark.parametrize(
    ("extra", "status", "field"),
    [
        ({"centre_id": 2**63}, 404, "centre_id"),
        ({"centre_id": -1}, 404, "centre_id"),
        ({"centre_id": None}, 400, "centre_id"),
        ({"product_id": 2**63}, 404, "product_id"),
        ({"challenge_id": -1}, 404, "challenge_id"),
        ({"participation_point_id": 999_999}, 404, "participation_point_id"),
        ({"persona_ids": [2**63]}, 404, "persona_ids"),
        ({"facilitator_ids": [-1]}, 404, "facilitator_ids"),
        ({"title": " "}, 400, "title"),
        ({"capacity": 0}, 400, "capacity"),
        ({"capacity": 2**63}, 400, "capacity"),
        ({"format": "hybrid"}, 400, "format"),
        ({"room": "x" * 121}, 400, "room"),
        ({"status": "completed"}, 422, "status"),
        ({"starts_at": "tomorrow"}, 422, "starts_at"),
    ],
)
def test_create_refuses_bad_input_and_saves_nothing(
    staff: User, centre: Centre, api_for: Any, extra: dict[str, Any], status: int, field: str
) -> None:
    assert_error_shape(api_for(staff).post("/api/v1/workshops", _body(centre, **extra)), status, field)
    assert not Workshop.objects.exists()


def test_member_facilitator_is_refused_and_nothing_is_saved(
    staff: User, centre: Centre, member: User, api_for: Any
) -> None:
    body = _body(centre, facilitator_ids=[member.pk])
    assert_error_shape(api_for(staff).post("/api/v1/workshops", body), 400, "facilitator_ids")
    assert not Workshop.objects.exists()


def test_members_and_anonymous_cannot_use_the_staff_api(
    make_workshop: Callable[..., Workshop], centre: Centre, member: User, api_for: Any
) -> None:
    workshop = make_workshop()
    member_api = api_for(member)
    assert_error_shape(member_api.post("/api/v1/workshops", _body(centre)), 403)
    assert_error_shape(member_api.patch(f"/api/v1/workshops/{workshop.pk}", {"title": "Mine"}), 403)
    assert_error_shape(member_api.post(f"/api/v1/workshops/{workshop.pk}/complete"), 403)
    invite = {"member_ids": [member.pk]}
    assert_error_shape(member_api.post(f"/api/v1/workshops/{workshop.pk}/invitations", invite), 403)
    assert api_for(None).post("/api/v1/workshops", _body(centre)).status_code in (401, 403)
    workshop.refresh_from_db()
    assert workshop.title == "Last-mile lab" and Workshop.objects.count() == 1
    assert not Invitation.objects.exists()


def test_patch_changes_only_what_is_sent(
    make_workshop: Callable[..., Workshop], staff: User, api_for: Any
) -> None:
    workshop = make_workshop(goal="Faster parcels", room="Lab 1")
    staff_api = api_for(staff)
    response = staff_api.patch(f"/api/v1/workshops/{workshop.pk}", {"title": "Parcel lab", "capacity": 5})
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["title"] == "Parcel lab" and out["capacity"] == 5 and out["slug"] == "parcel-lab"
    assert out["goal"] == "Faster parcels" and out["room"] == "Lab 1" and out["centre"] is not None
    product_cleared = staff_api.patch(f"/api/v1/workshops/{workshop.pk}", {"product_id": None})
    assert product_cleared.status_code == 200


def test_patch_failures_change_nothing(
    make_workshop: Callable[..., Workshop], staff: User, members: list[User], api_for: Any
) -> None:
    workshop = make_workshop(capacity=3)
    services.registration_create(actor=members[0], workshop=workshop)
    services.registration_create(actor=members[1], workshop=workshop)
    staff_api = api_for(staff)
    url = f"/api/v1/workshops/{workshop.pk}"
    # The title is valid, the capacity is not: neither is saved.
    assert_error_shape(staff_api.patch(url, {"title": "Renamed", "capacity": 1}), 400, "capacity")
    assert_error_shape(staff_api.patch(url, {"title": "Renamed", "centre_id": 2**63}), 404, "centre_id")
    assert_error_shape(staff_api.patch(url, {"title": "Renamed", "persona_ids": [-1]}), 404, "persona_ids")
    assert_error_shape(staff_api.patch(url, {"title": None}), 400, "title")
    ends_first = (workshop.starts_at - timedelta(hours=1)).isoformat()
    assert_error_shape(staff_api.patch(url, {"title": "Renamed", "ends_at": ends_first}), 400, "ends_at")
    assert_error_shape(staff_api.patch(url, {"status": "draft"}), 400, "status")
    for forged in FORGED:
        assert_error_shape(staff_api.patch(f"/api/v1/workshops/{forged}", {"title": "X"}), 404)
    workshop.refresh_from_db()
    assert workshop.title == "Last-mile lab" and workshop.capacity == 3
    assert workshop.status == WorkshopStatus.PUBLISHED


def test_larger_capacity_lets_the_waitlist_in(
    make_workshop: Callable[..., Workshop], staff: User, members: list[User], api_for: Any
) -> None:
    workshop = make_workshop(capacity=1)
    services.registration_create(actor=members[0], workshop=workshop)
    waiting = services.registration_create(actor=members[1], workshop=workshop)
    out = api_for(staff).patch(f"/api/v1/workshops/{workshop.pk}", {"capacity": 2}).json()
    assert out["registered"] == 2 and out["waitlisted"] == 0
    waiting.refresh_from_db()
    assert waiting.status == "registered"


def test_complete_only_after_the_end(
    make_workshop: Callable[..., Workshop], staff: User, api_for: Any
) -> None:
    workshop = make_workshop()
    staff_api = api_for(staff)
    assert_error_shape(staff_api.post(f"/api/v1/workshops/{workshop.pk}/complete"), 409, "status")
    move_to_past(workshop)
    done = staff_api.post(f"/api/v1/workshops/{workshop.pk}/complete")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert_error_shape(staff_api.patch(f"/api/v1/workshops/{workshop.pk}", {"status": "published"}), 400)
    for forged in FORGED:
        assert_error_shape(staff_api.post(f"/api/v1/workshops/{forged}/complete"), 404)


def test_invitations_by_persona_id_and_email(
    make_workshop: Callable[..., Workshop], staff: User, members: list[User], api_for: Any
) -> None:
    workshop = make_workshop(invite_only=True)
    persona = journeys.persona_create(actor=staff, name="Shipping managers")
    journeys.persona_override_set(actor=staff, persona=persona, user=members[0], include=True)
    journeys.persona_override_set(actor=staff, persona=persona, user=members[1], include=True)
    staff_api = api_for(staff)
    url = f"/api/v1/workshops/{workshop.pk}/invitations"
    first = staff_api.post(
        url,
        {"persona_ids": [persona.pk], "member_ids": [members[2].pk], "emails": [members[3].email.upper()]},
    )
    assert first.status_code == 201, first.content
    assert first.json() == {"invited": 4, "total": 4}
    again = staff_api.post(url, {"member_ids": [members[0].pk, members[4].pk]})
    assert again.json() == {"invited": 1, "total": 5}
    # An invited member may now register for the invitation-only workshop.
    assert api_for(members[3]).post(f"/api/v1/workshops/{workshop.pk}/registration").status_code == 201
    assert list(workshop.personas.all()) == [persona]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"member_ids": [2**63]}, 404, "member_ids"),
        ({"member_ids": [-1]}, 404, "member_ids"),
        ({"persona_ids": [2**63]}, 404, "persona_ids"),
        ({"persona_ids": [-1]}, 404, "persona_ids"),
        ({"emails": ["nobody@example.com"]}, 404, "emails"),
        ({}, 400, "persona_ids"),
    ],
)
def test_invitation_errors_invite_nobody(
    make_workshop: Callable[..., Workshop],
    staff: User,
    members: list[User],
    api_for: Any,
    payload: dict[str, Any],
    status: int,
    field: str,
) -> None:
    workshop = make_workshop()
    # A valid member alongside the bad one: the call is all or nothing.
    body = {"member_ids": [members[0].pk], **payload} if payload else payload
    if "member_ids" in payload:
        body["member_ids"] = [members[0].pk, *payload["member_ids"]]
    response = api_for(staff).post(f"/api/v1/workshops/{workshop.pk}/invitations", body)
    assert_error_shape(response, status, field)
    assert not Invitation.objects.exists()


def test_invitations_to_a_finished_or_unknown_workshop(
    make_workshop: Callable[..., Workshop], staff: User, members: list[User], api_for: Any
) -> None:
    workshop = make_workshop()
    staff_api = api_for(staff)
    staff_api.patch(f"/api/v1/workshops/{workshop.pk}", {"status": "cancelled"})
    body = {"member_ids": [members[0].pk]}
    assert_error_shape(staff_api.post(f"/api/v1/workshops/{workshop.pk}/invitations", body), 409, "workshop")
    for forged in FORGED:
        assert_error_shape(staff_api.post(f"/api/v1/workshops/{forged}/invitations", body), 404)
    assert not Invitation.objects.exists()
    assert not Registration.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_update_runs_in_its_own_transaction(make_workshop: Callable[..., Workshop], staff: User) -> None:
    # Without a surrounding transaction (a script, the shell) the row lock still has one to live in.
    workshop = make_workshop()
    services.workshop_update(actor=staff, workshop=workshop, title="Locked and saved")
    workshop.refresh_from_db()
    assert workshop.title == "Locked and saved"


def test_openapi_document_lists_the_staff_operations(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/centres"])
    assert {"get", "patch"} <= set(paths["/api/v1/workshops/{workshop_id}"])
    assert "post" in paths["/api/v1/workshops"]
    assert "post" in paths["/api/v1/workshops/{workshop_id}/invitations"]
    assert "post" in paths["/api/v1/workshops/{workshop_id}/complete"]
