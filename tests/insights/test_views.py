"""Prototype test pages: the member's invitations and response forms, the brand team's forms, the staff
results, and who is kept out of what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cocreate.accounts.models import User
from cocreate.insights import services
from cocreate.insights.models import PrototypeResponse, PrototypeStatus, PrototypeTest, PrototypeVersion

from .conftest import PDF, png

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return response.content.decode()


def invite(admin: User, test: PrototypeTest, *users: User) -> None:
    services.invitations_send(actor=admin, test=test, emails=[u.email for u in users])


def answer_data(version: PrototypeVersion, **values: Any) -> dict[str, Any]:
    prefix = f"v{version.pk}-"
    data = {"rating_0": "4", "rating_1": "5", "answer_0": "A roof rack", "purchase_intent": "4", **values}
    return {prefix + k: v for k, v in data.items() if v is not None}


def test_a_member_sees_only_the_tests_they_are_invited_to(
    member_client: Client, member: User, brand_admin: User, make_test: Callable[..., PrototypeTest]
) -> None:
    invited = make_test(title="Cable car")
    make_test(title="Secret tram")
    make_test(title="Draft harbour", status=PrototypeStatus.DRAFT)
    invite(brand_admin, invited, member)
    page = member_client.get("/prototypes/")
    assert page.status_code == 200
    assert "Cable car" in text(page) and "Secret tram" not in text(page) and "Draft harbour" not in text(page)
    assert member_client.get(f"/prototypes/{invited.pk}/").status_code == 200
    hidden = PrototypeTest.objects.get(title="Secret tram")
    assert member_client.get(f"/prototypes/{hidden.pk}/").status_code == 404


def test_an_invited_member_responds_per_version_without_javascript(
    member_client: Client, member: User, brand_admin: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test()
    invite(brand_admin, test, member)
    v1, _v2 = test.versions.order_by("position")
    page = member_client.get(f"/prototypes/{test.pk}/")
    body = text(page)
    assert body.count("Your verdict on") == 2 and "Definitely would buy" in body
    url = f"/prototypes/{test.pk}/versions/{v1.pk}/respond/"

    wrong = member_client.post(url, answer_data(v1, rating_0="9", purchase_intent=None))
    assert wrong.status_code == 400
    assert "rated from 1 to 5; 9 is not." in text(wrong) and "Say how likely you are to buy it." in text(
        wrong
    )
    assert not PrototypeResponse.objects.exists()

    done = member_client.post(url, answer_data(v1), follow=True)
    assert done.status_code == 200
    assert "Your response to v1 is recorded." in text(done)
    assert text(done).count("Your verdict on") == 1  # only v2's form is left
    response = PrototypeResponse.objects.get()
    assert (response.version, response.purchase_intent, response.answers) == (v1, 4, ["A roof rack"])

    again = member_client.post(url, answer_data(v1))
    assert again.status_code == 409 and PrototypeResponse.objects.count() == 1


def test_an_htmx_response_swaps_only_the_version_card(
    member_client: Client, member: User, brand_admin: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test()
    invite(brand_admin, test, member)
    v1 = test.versions.first()
    url = f"/prototypes/{test.pk}/versions/{v1.pk}/respond/"
    bad = member_client.post(url, answer_data(v1, rating_1=None), HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "<html" not in text(bad)
    assert "Rate “Looks” from 1 to 5." in text(bad)
    good = member_client.post(url, answer_data(v1), HTTP_HX_REQUEST="true")
    assert "Thank you! Your response to v1 is recorded." in text(good) and "<html" not in text(good)


def test_an_uninvited_member_cannot_respond(
    client: Client, other_member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test()
    client.force_login(other_member)
    v1 = test.versions.first()
    assert client.post(f"/prototypes/{test.pk}/versions/{v1.pk}/respond/", answer_data(v1)).status_code == 404
    assert not PrototypeResponse.objects.exists()


def test_members_cannot_see_results_or_create_tests(
    member_client: Client, member: User, brand_admin: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test()
    invite(brand_admin, test, member)
    assert member_client.get(f"/prototypes/{test.pk}/results/").status_code == 403
    assert member_client.get("/prototypes/new/").status_code == 403
    assert member_client.post("/prototypes/new/", {"title": "Mine", "criteria": "Looks"}).status_code == 403
    assert member_client.get(f"/prototypes/{test.pk}/edit/").status_code == 403
    assert member_client.get(f"/prototypes/{test.pk}/invite/").status_code == 403
    assert PrototypeTest.objects.count() == 1
    assert "Results" not in text(member_client.get(f"/prototypes/{test.pk}/"))


def test_anonymous_visitors_log_in_first(client: Client, make_test: Callable[..., PrototypeTest]) -> None:
    test = make_test()
    response = client.get(f"/prototypes/{test.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_brand_team_creates_a_test_adds_versions_invites_and_reads_results(
    admin_client_: Client, brand_admin: User, member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    form = admin_client_.get("/prototypes/new/")
    assert form.status_code == 200 and "Ease of use" in text(form)
    bad = admin_client_.post("/prototypes/new/", {"title": "Tram", "criteria": "", "status": "draft"})
    assert bad.status_code == 400 and "at least one criterion" in text(bad)
    made = admin_client_.post(
        "/prototypes/new/",
        {
            "title": "City Tram No. 8",
            "description": "Try **both** cabins.",
            "criteria": "Ease of use\nLooks",
            "questions": "What would you change?",
            "ask_purchase_intent": "on",
            "status": "draft",
        },
    )
    test = PrototypeTest.objects.get(title="City Tram No. 8")
    assert made.status_code == 302 and made["Location"] == f"/prototypes/{test.pk}/versions/new/"

    lying = admin_client_.post(
        f"/prototypes/{test.pk}/versions/new/",
        {"label": "v1", "file": png("plans.pdf")},
    )
    assert lying.status_code == 400 and "neither" in text(lying)
    from django.core.files.uploadedfile import SimpleUploadedFile

    added = admin_client_.post(
        f"/prototypes/{test.pk}/versions/new/",
        {
            "label": "v1",
            "description": "Red cabin",
            "link": "https://northbrick.example/v1",
            "images": [png("a.png"), png("b.png")],
            "image_alts": "Front\nSide",
            "file": SimpleUploadedFile("plan.pdf", PDF),
        },
    )
    assert added.status_code == 302
    version = test.versions.get()
    assert version.images.count() == 2 and version.file_name == "plan.pdf"

    opened = admin_client_.post(
        f"/prototypes/{test.pk}/edit/",
        {
            "title": "City Tram No. 8",
            "criteria": "Ease of use\nLooks",
            "status": "open",
            "ask_purchase_intent": "on",
        },
    )
    assert opened.status_code == 302
    test.refresh_from_db()
    assert test.status == PrototypeStatus.OPEN and test.questions == []

    invited = admin_client_.post(f"/prototypes/{test.pk}/invite/", {"emails": member.email}, follow=True)
    assert "1 members invited by hand." in text(invited)
    unknown = admin_client_.post(f"/prototypes/{test.pk}/invite/", {"emails": "ghost@example.com"})
    assert unknown.status_code == 400 and "ghost@example.com" in text(unknown)

    services.response_submit(
        actor=member, version=version, ratings={"Ease of use": 2, "Looks": 4}, purchase_intent=5
    )
    results = admin_client_.get(f"/prototypes/{test.pk}/results/")
    assert results.status_code == 200
    body = text(results)
    assert "Side by side" in body and "Definitely would buy" in body and "100%" in body
    assert admin_client_.get("/prototypes/").status_code == 200


def test_moderators_read_results_but_cannot_run_tests(
    client: Client, moderator: User, make_test: Callable[..., PrototypeTest]
) -> None:
    test = make_test()
    client.force_login(moderator)
    assert client.get(f"/prototypes/{test.pk}/results/").status_code == 200
    assert client.get("/prototypes/new/").status_code == 403


def test_the_list_costs_the_same_queries_for_more_tests(
    admin_client_: Client, brand_admin: User, member: User, make_test: Callable[..., PrototypeTest]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(client: Client) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/prototypes/").status_code == 200
        return len(ctx.captured_queries)

    member_view = Client()
    member_view.force_login(member)
    for _ in range(2):
        invite(brand_admin, make_test(), member)
    queries(admin_client_), queries(member_view)  # the first page of a session fills caches
    few = (queries(admin_client_), queries(member_view))
    for _ in range(4):
        invite(brand_admin, make_test(), member)
    assert (queries(admin_client_), queries(member_view)) == few
    assert text(member_view.get("/prototypes/")).count("Invited") >= 6
