"""Prototype tests through the JSON API: the brand team builds a test, a member responds, staff read the
results; every refusal answers the one error shape and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from cocreate.accounts.models import User
from cocreate.insights.models import PrototypeInvitation, PrototypeResponse, PrototypeTest
from cocreate.journeys.models import Persona
from tests.conftest import assert_error_shape

from .conftest import PDF, png

pytestmark = pytest.mark.django_db

BASE = "/api/v1/prototype-tests"


def test_the_brand_team_builds_opens_and_invites_through_the_api(
    api_for: Any,
    brand_admin: User,
    builder: Callable[[str], User],
    personas: tuple[Persona, Persona],
    django_capture_on_commit_callbacks: Any,
) -> None:
    admin = api_for(brand_admin)
    weekend, _rare = personas
    made = admin.post(
        BASE,
        {
            "title": "Alpine Cable Car",
            "criteria": ["Ease of use", "Looks"],
            "questions": ["What would you change?"],
            "persona_ids": [weekend.pk],
        },
    )
    assert made.status_code == 201, made.content
    test = made.json()
    assert (test["status"], test["persona_ids"], test["versions"]) == ("draft", [weekend.pk], [])

    opened_too_soon = admin.patch(f"{BASE}/{test['id']}", {"status": "open"})
    assert_error_shape(opened_too_soon, 400, "status")

    version = admin.post(
        f"{BASE}/{test['id']}/versions",
        {
            "label": "v1",
            "link": "https://northbrick.example/v1",
            "images": [png("a.png")],
            "image_alts": ["The cabin"],
            "file": SimpleUploadedFile("plan.pdf", PDF),
        },
        content_type=MULTIPART_CONTENT,
    )
    assert version.status_code == 201, version.content
    body = version.json()
    assert (
        body["label"] == "v1" and body["file_name"] == "plan.pdf" and body["images"][0]["alt"] == "The cabin"
    )

    lying = admin.post(
        f"{BASE}/{test['id']}/versions",
        {"label": "v2", "file": SimpleUploadedFile("plan.pdf", b"<html></html>")},
        content_type=MULTIPART_CONTENT,
    )
    assert_error_shape(lying, 400, "file")
    assert PrototypeTest.objects.get().versions.count() == 1

    fans = [builder("Every weekend") for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.patch(f"{BASE}/{test['id']}", {"status": "open"}).json()["status"] == "open"
        invited = admin.post(f"{BASE}/{test['id']}/invitations", {"persona_ids": [weekend.pk]})
    assert invited.status_code == 202 and invited.json()["personas_queued"] == [weekend.pk]
    assert set(PrototypeInvitation.objects.values_list("user_id", flat=True)) == {u.pk for u in fans}


def test_a_member_responds_and_cannot_read_results_or_create(
    api_for: Any, brand_admin: User, member: User, other_member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test()
    v1 = test.versions.order_by("position").first()
    PrototypeInvitation.objects.create(test=test, user=member)
    client = api_for(member)

    listed = client.get(BASE).json()
    assert [t["id"] for t in listed["items"]] == [test.pk]

    out_of_range = client.post(
        f"{BASE}/{test.pk}/responses",
        {"version_id": v1.pk, "ratings": {"Ease of use": 7, "Looks": 4}, "purchase_intent": 4},
    )
    body = assert_error_shape(out_of_range, 400, "ratings.Ease of use")
    assert "from 1 to 5" in body["detail"]
    assert not PrototypeResponse.objects.exists()

    ok = client.post(
        f"{BASE}/{test.pk}/responses",
        {
            "version_id": v1.pk,
            "ratings": {"Ease of use": 3, "1": 5},
            "answers": ["More grip"],
            "purchase_intent": 5,
        },
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["ratings"] == {"Ease of use": 3, "Looks": 5}
    twice = client.post(
        f"{BASE}/{test.pk}/responses",
        {"version_id": v1.pk, "ratings": {"Ease of use": 3, "Looks": 5}, "purchase_intent": 5},
    )
    assert_error_shape(twice, 409)
    assert client.get(f"{BASE}/{test.pk}").json()["responded_version_ids"] == [v1.pk]

    assert_error_shape(client.get(f"{BASE}/{test.pk}/results"), 403)
    assert_error_shape(client.post(BASE, {"title": "Mine", "criteria": ["Looks"]}), 403)
    assert_error_shape(client.patch(f"{BASE}/{test.pk}", {"title": "Mine"}), 403)
    assert PrototypeTest.objects.get().title == "Alpine Cable Car"

    stranger = api_for(other_member)
    assert_error_shape(stranger.get(f"{BASE}/{test.pk}"), 404)
    assert_error_shape(
        stranger.post(f"{BASE}/{test.pk}/responses", {"version_id": v1.pk, "ratings": {}}), 404
    )
    assert_error_shape(api_for(None).get(BASE), 401)

    results = api_for(brand_admin).get(f"{BASE}/{test.pk}/results")
    assert results.status_code == 200
    data = results.json()
    assert data["versions"][0]["responses"] == 1
    assert data["versions"][0]["criteria"][1]["distribution"]["counts"] == [0, 0, 0, 0, 1]
    assert data["versions"][0]["purchase_intent"]["top2"] == 100
    assert data["versions"][0]["open_answers"][0]["text"] == "More grip"
    assert data["comparison"][0] == {"label": "Ease of use", "means": [3.0, None], "differences": [0.0, None]}
