"""Workshops pages and the JSON API: what members and staff see, and the errors they get."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import Role, User
from cocreate.workshops import ics, services
from cocreate.workshops.models import Registration, SurveyResponse, Workshop, WorkshopStatus

from ..conftest import assert_error_shape
from .conftest import move_to_past

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- Pages --------------------------------------------------------------------------------------------
def test_list_detail_register_and_waitlist_pages(
    make_workshop: Callable[..., Workshop], members: list[User]
) -> None:
    workshop = make_workshop(capacity=1, agenda="1. **Welcome**\n2. Ideas\n<script>x</script>")
    draft = make_workshop(status=WorkshopStatus.DRAFT, title="Secret plan")
    anonymous = Client()
    page = anonymous.get(reverse("workshops:workshop-list")).content.decode()
    assert workshop.title in page and "Secret plan" not in page
    assert anonymous.get(reverse("workshops:workshop-detail", args=[draft.slug])).status_code == 404
    first, second = client_for(members[0]), client_for(members[1])
    url = reverse("workshops:workshop-register", args=[workshop.slug])
    assert first.post(url).status_code == 302
    response = second.post(url, follow=True)
    body = response.content.decode()
    assert "on the waitlist" in body and "number 1 in line" in body
    assert "<strong>Welcome</strong>" in body and "<script>" not in body
    again = second.post(url)
    assert again.status_code == 409 and "already on the waitlist" in again.content.decode()
    first.post(reverse("workshops:workshop-cancel", args=[workshop.slug]))
    mine = second.get(reverse("workshops:workshop-mine")).content.decode()
    assert workshop.title in mine and "Registered" in mine


def test_meeting_link_only_for_registered_members(
    make_workshop: Callable[..., Workshop], members: list[User]
) -> None:
    workshop = make_workshop(
        capacity=3, format="online", centre=None, meeting_url="https://meet.example.com/secret-room"
    )
    outsider = client_for(members[1]).get(reverse("workshops:workshop-detail", args=[workshop.slug]))
    assert "secret-room" not in outsider.content.decode()
    services.registration_create(actor=members[0], workshop=workshop)
    inside = client_for(members[0]).get(reverse("workshops:workshop-detail", args=[workshop.slug]))
    assert "secret-room" in inside.content.decode()
    assert (
        "secret-room"
        not in Client().get(reverse("workshops:workshop-ics", args=[workshop.slug])).content.decode()
    )


def test_ics_file_is_rfc5545(make_workshop: Callable[..., Workshop], centre: Any) -> None:
    centre.address = "Kurt-Schumacher-Str. 1; Gate 3"
    centre.save()
    workshop = make_workshop(
        title="Returns, reimagined: a very long workshop title that needs folding across lines in the file",
        goal="Rethink returns; together, with customers\nand staff",
        room="Room Ä",
    )
    response = Client().get(reverse("workshops:workshop-ics", args=[workshop.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    text = raw.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends with CRLF
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert f"UID:workshop-{workshop.uid}@cocreate" in unfolded
    assert "DTSTAMP:" in unfolded and "DTSTART:" + workshop.starts_at.strftime("%Y%m%dT%H%M%SZ") in unfolded
    assert "DTEND:" in unfolded and unfolded.count("BEGIN:VEVENT") == 1
    assert "LOCATION:Room Ä\\, Innovation Centre Bonn\\, Kurt-Schumacher-Str. 1\\; Gate 3\\, Bonn" in unfolded
    assert "DESCRIPTION:Rethink returns\\; together\\, with customers\\nand staff" in unfolded
    assert "SUMMARY:Returns\\, reimagined: a very long workshop title" in unfolded
    assert f"URL:http://testserver/workshops/{workshop.slug}/" in unfolded


def test_fold_never_splits_a_character() -> None:
    line = "SUMMARY:" + "é" * 100
    folded = ics.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_survey_page_errors_in_place_and_saves_once(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User
) -> None:
    workshop = make_workshop(capacity=3)
    services.registration_create(actor=members[0], workshop=workshop)
    move_to_past(workshop)
    services.attendance_take(actor=staff, workshop=workshop, marks={members[0].pk: "present"})
    c = client_for(members[0])
    url = reverse("workshops:workshop-survey", args=[workshop.slug])
    bad = c.post(url, {"csat": "9", "nps": "3"})
    assert bad.status_code == 400 and "from 1 to 5" in bad.content.decode()
    assert not SurveyResponse.objects.exists()
    assert c.post(url, {"csat": "4", "nps": "9", "comment": "Useful"}).status_code == 302
    assert c.post(url, {"csat": "4", "nps": "9"}).status_code == 409
    page = Client().get(reverse("workshops:satisfaction")).content.decode()
    assert workshop.title in page and "<svg" in page
    assert "Useful" not in page  # members' comments are for the team
    team_page = client_for(staff).get(reverse("workshops:satisfaction")).content.decode()
    assert "Useful" in team_page.split('id="comments"')[1]


def test_members_cannot_open_staff_pages(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User
) -> None:
    workshop = make_workshop(capacity=3)
    services.registration_create(actor=members[0], workshop=workshop)
    move_to_past(workshop)
    c = client_for(members[0])
    for name in ("workshop-attendance", "workshop-outputs", "workshop-edit", "workshop-invite"):
        assert c.get(reverse(f"workshops:{name}", args=[workshop.slug])).status_code == 404
    assert (
        c.post(
            reverse("workshops:workshop-attendance", args=[workshop.slug]),
            {f"attendance-{members[0].pk}": "present"},
        ).status_code
        == 404
    )
    assert c.get(reverse("workshops:manage")).status_code == 404
    assert Registration.objects.get(user=members[0]).attendance == ""
    s = client_for(staff)
    sheet = s.get(reverse("workshops:workshop-attendance", args=[workshop.slug]))
    assert sheet.status_code == 200 and members[0].display_name in sheet.content.decode()
    saved = s.post(
        reverse("workshops:workshop-attendance", args=[workshop.slug]),
        {f"attendance-{members[0].pk}": "present"},
    )
    assert saved.status_code == 302
    assert Registration.objects.get(user=members[0]).attendance == "present"


def test_staff_plans_a_workshop_with_the_form(staff: User, centre: Any) -> None:
    c = client_for(staff)
    assert c.get(reverse("workshops:workshop-create")).status_code == 200
    bad = c.post(
        reverse("workshops:workshop-create"),
        {
            "title": "Lab",
            "starts_at": "2030-05-01T10:00",
            "ends_at": "2030-05-01T09:00",
            "capacity": "10",
            "format": "venue",
            "centre": str(centre.pk),
            "status": "published",
        },
    )
    assert bad.status_code == 400 and "end after it starts" in bad.content.decode()
    assert not Workshop.objects.exists()
    ok = c.post(
        reverse("workshops:workshop-create"),
        {
            "title": "Lab",
            "starts_at": "2030-05-01T10:00",
            "ends_at": "2030-05-01T12:00",
            "capacity": "10",
            "format": "venue",
            "centre": str(centre.pk),
            "status": "published",
            "waitlist_open": "on",
            "facilitators": [str(staff.pk)],
        },
    )
    assert ok.status_code == 302
    workshop = Workshop.objects.get()
    assert workshop.capacity == 10 and list(workshop.facilitators.all()) == [staff]


# --- API ----------------------------------------------------------------------------------------------
def test_api_register_waitlist_cancel_and_errors(
    make_workshop: Callable[..., Workshop], members: list[User], api_for: Any
) -> None:
    workshop = make_workshop(capacity=1)
    a, b = api_for(members[0]), api_for(members[1])
    listed = a.get("/api/v1/workshops").json()
    assert [w["id"] for w in listed] == [workshop.pk]
    first = a.post(f"/api/v1/workshops/{workshop.pk}/registration")
    assert first.status_code == 201 and first.json()["status"] == "registered"
    second = b.post(f"/api/v1/workshops/{workshop.pk}/registration")
    assert second.status_code == 201
    assert second.json()["status"] == "waitlisted" and second.json()["waitlist_position"] == 1
    assert_error_shape(a.post(f"/api/v1/workshops/{workshop.pk}/registration"), 409, "workshop")
    assert_error_shape(a.post("/api/v1/workshops/999999/registration"), 404, "workshop")
    assert_error_shape(a.post(f"/api/v1/workshops/{2**70}/registration"), 404)
    assert a.delete(f"/api/v1/workshops/{workshop.pk}/registration").status_code == 200
    mine = b.get("/api/v1/members/me/workshops").json()
    assert mine[0]["status"] == "registered"
    detail = b.get(f"/api/v1/workshops/{workshop.pk}").json()
    assert detail["my_status"] == "registered" and detail["registered"] == 1
    assert_error_shape(api_for(None).get("/api/v1/members/me/workshops"), 401)


def test_api_attendance_outputs_survey_and_satisfaction(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User, api_for: Any
) -> None:
    workshop = make_workshop(capacity=3)
    for m in members[:2]:
        services.registration_create(actor=m, workshop=workshop)
    move_to_past(workshop)
    member_api, staff_api = api_for(members[0]), api_for(staff)
    marks = {"marks": [{"user_id": members[0].pk, "attendance": "present"}]}
    assert_error_shape(member_api.put(f"/api/v1/workshops/{workshop.pk}/attendance", marks), 403)
    assert_error_shape(
        staff_api.put(
            f"/api/v1/workshops/{workshop.pk}/attendance",
            {"marks": [{"user_id": members[5].pk, "attendance": "present"}]},
        ),
        404,
        "attendance",
    )
    taken = staff_api.put(f"/api/v1/workshops/{workshop.pk}/attendance", marks)
    assert taken.status_code == 200 and taken.json()["recorded"] == 1
    output = staff_api.post(
        f"/api/v1/workshops/{workshop.pk}/outputs",
        {
            "kind": "idea",
            "title": "Green last mile",
            "body": "Cargo bikes from micro-depots in every city.",
            "co_creator_ids": [members[0].pk, members[1].pk],
        },
    )
    assert output.status_code == 201, output.content
    assert output.json()["co_creator_ids"] == sorted([members[0].pk, members[1].pk])
    assert_error_shape(
        staff_api.post(
            f"/api/v1/workshops/{workshop.pk}/outputs",
            {"kind": "idea", "title": "x", "co_creator_ids": [2**40]},
        ),
        404,
        "co_creator_ids",
    )
    body = assert_error_shape(
        member_api.post(f"/api/v1/workshops/{workshop.pk}/survey", {"csat": 7, "nps": 12}), 400, "csat"
    )
    assert "nps" in [e["field"] for e in body["errors"]]
    assert not SurveyResponse.objects.exists()
    assert (
        member_api.post(f"/api/v1/workshops/{workshop.pk}/survey", {"csat": 5, "nps": 10}).status_code == 201
    )
    assert_error_shape(
        member_api.post(f"/api/v1/workshops/{workshop.pk}/survey", {"csat": 5, "nps": 10}), 409, "workshop"
    )
    assert_error_shape(
        api_for(members[1]).post(f"/api/v1/workshops/{workshop.pk}/survey", {"csat": 5, "nps": 10}), 403
    )
    summary = member_api.get("/api/v1/workshops/satisfaction").json()
    assert summary["sessions"][0]["csat"] == 5.0 and summary["sessions"][0]["nps"] == 100
    assert summary["sessions"][0]["ideas"][0]["title"] == "Green last mile"
    assert summary["overall"]["responses"] == 1


def test_api_draft_is_hidden_from_members(
    make_workshop: Callable[..., Workshop], make_user: Any, api_for: Any
) -> None:
    draft = make_workshop(status=WorkshopStatus.DRAFT)
    member = make_user(Role.MEMBER)
    assert_error_shape(api_for(member).get(f"/api/v1/workshops/{draft.pk}"), 404)


def test_survey_invitations_and_profile_section(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User
) -> None:
    from cocreate.notifications.models import Notification
    from cocreate.notifications.workshops import send_workshop_surveys

    workshop = make_workshop(capacity=3)
    for m in members[:3]:
        services.registration_create(actor=m, workshop=workshop)
    move_to_past(workshop, days=0.5)
    services.attendance_take(
        actor=staff, workshop=workshop, marks={members[0].pk: "present", members[1].pk: "present"}
    )
    services.survey_answer(actor=members[1], workshop=workshop, csat=5, nps=10)
    send_workshop_surveys.call()
    send_workshop_surveys.call()
    told = Notification.objects.filter(key=f"workshop-survey:{workshop.pk}")
    assert list(told.values_list("user_id", flat=True)) == [members[0].pk]
    profile = reverse("accounts:member-detail", args=[members[0].pk])
    assert workshop.title in client_for(members[0]).get(profile).content.decode()
    assert workshop.title not in client_for(members[2]).get(profile).content.decode()


def test_list_page_query_count(
    make_workshop: Callable[..., Workshop], members: list[User], django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        w = make_workshop(capacity=1, title=f"Session {n}")
        for m in members[:3]:
            services.registration_create(actor=m, workshop=w)
    c = client_for(members[0])
    c.get(reverse("workshops:workshop-list"))  # warm the session and caches
    with django_assert_max_num_queries(12):
        page = c.get(reverse("workshops:workshop-list"))
    assert page.content.decode().count("1 of 1 places taken") == 6


def test_staff_capture_outputs_and_the_page_shows_what_became_of_them(
    make_workshop: Callable[..., Workshop], members: list[User], staff: User
) -> None:
    workshop = make_workshop(capacity=3)
    for m in members[:2]:
        services.registration_create(actor=m, workshop=workshop)
    move_to_past(workshop)
    s = client_for(staff)
    url = reverse("workshops:workshop-outputs", args=[workshop.slug])
    short = s.post(url, {"kind": "idea", "title": "Tiny", "body": "Too short"})
    assert short.status_code == 400 and "at least 20 characters" in short.content.decode()
    made = s.post(
        url,
        {
            "kind": "idea",
            "title": "Night-time parcel boxes",
            "body": "Boxes at the office door that couriers can open at night with a one-time code.",
            "co_creators": [str(members[0].pk), str(members[1].pk)],
        },
    )
    assert made.status_code == 302
    s.post(url, {"kind": "note", "title": "Pain points", "body": "- **late** deliveries"})
    page = Client().get(reverse("workshops:workshop-detail", args=[workshop.slug])).content.decode()
    assert "Night-time parcel boxes" in page and "now: Gathering support" in page
    assert members[0].display_name in page and "<strong>late</strong>" in page
    assert 'href="/ideas/' in page
