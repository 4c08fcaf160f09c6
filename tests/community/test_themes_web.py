"""Theme pages and the themes API: staff see and change themes; members and anonymous callers get nothing
and change nothing; bad input gets a clear answer in place."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import User
from cocreate.community.models import ClusterRun, RunStatus, Theme, Thread
from cocreate.community.services import themes as services
from tests.community.test_themes import labelled
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_model() -> Iterator[None]:
    # The loaded model is cached per process; each test starts from its own database.
    services.invalidate()
    yield
    services.invalidate()


@pytest.fixture
def clustered(member: User, post_thread: Callable[..., Thread]) -> list[Theme]:
    for n, (_subject, text) in enumerate(labelled(("battery", "delivery", "packaging"), per_subject=12)):
        thread = post_thread(member, kind=("bug", "suggestion")[n % 2], title=text[:150], body=text)
        Thread.objects.filter(pk=thread.pk).update(sentiment=("negative", "positive", "neutral")[n % 3])
    assert services.recluster().status == RunStatus.DONE
    return list(Theme.objects.filter(active=True).order_by("-size", "id"))


@pytest.fixture
def staff_client(moderator: User) -> Client:
    c = Client()
    c.force_login(moderator)
    return c


def test_staff_see_themes_with_sizes_growth_and_sentiment(
    staff_client: Client, clustered: list[Theme]
) -> None:
    page = staff_client.get(reverse("community:themes"))
    assert page.status_code == 200
    html = page.content.decode()
    for theme in clustered:
        assert theme.name in html
    assert "Re-cluster now" in html and "Last clustering" in html
    assert 'class="theme-mix"' in html and "neg." in html
    detail = staff_client.get(reverse("community:theme-detail", args=[clustered[0].pk]))
    assert detail.status_code == 200
    assert "Representative posts" in detail.content.decode()


def test_members_and_visitors_are_kept_out(member_client: Client, clustered: list[Theme]) -> None:
    assert member_client.get(reverse("community:themes")).status_code == 403
    theme = clustered[0]
    response = member_client.post(reverse("community:theme-rename", args=[theme.pk]), {"name": "Mine"})
    assert response.status_code == 403
    theme.refresh_from_db()
    assert theme.custom_label == ""
    anonymous = Client().get(reverse("community:themes"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_rename_merge_and_split_from_the_page(staff_client: Client, clustered: list[Theme]) -> None:
    first, second = clustered[0], clustered[1]
    response = staff_client.post(
        reverse("community:theme-rename", args=[first.pk]), {"name": "Flat batteries"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.custom_label == "Flat batteries"
    too_long = staff_client.post(reverse("community:theme-rename", args=[first.pk]), {"name": "x" * 200})
    assert too_long.status_code == 400 and "errorlist" in too_long.content.decode()
    total = first.size + second.size
    response = staff_client.post(reverse("community:theme-merge", args=[second.pk]), {"target": first.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.size == total == Thread.objects.filter(theme=first).count()
    response = staff_client.post(reverse("community:theme-split", args=[first.pk]), {"parts": "9"})
    assert response.status_code == 400
    response = staff_client.post(reverse("community:theme-split", args=[first.pk]), {"parts": "2"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert not first.active


def test_recluster_button_queues_one_run(
    staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("community:themes-recluster"))
    assert response.status_code == 302
    # The test task backend runs the queued run at once.
    assert ClusterRun.objects.get().status == RunStatus.DONE


def test_api_lists_and_shows_themes_for_staff_only(
    api_for: Callable[[User | None], Any], moderator: User, member: User, clustered: list[Theme]
) -> None:
    staff = api_for(moderator)
    body = staff.get("/api/v1/themes").json()
    assert [t["id"] for t in body["items"]] == [t.pk for t in clustered]
    first = body["items"][0]
    assert first["size"] == clustered[0].size and first["key_terms"]
    assert [g["days"] for g in first["growth"]] == [7, 30]
    assert first["growth"][0]["current"] == clustered[0].size
    assert sum(first["sentiment"].values()) == clustered[0].size
    assert body["last_run"]["status"] == "done"
    detail = staff.get(f"/api/v1/themes/{clustered[0].pk}").json()
    assert len(detail["posts"]["items"]) == clustered[0].size
    assert_error_shape(api_for(member).get("/api/v1/themes"), 403)
    assert_error_shape(api_for(None).get("/api/v1/themes"), 401)
    assert_error_shape(staff.get("/api/v1/themes/999999"), 404)


def test_api_writes(
    api_for: Callable[[User | None], Any],
    moderator: User,
    member: User,
    clustered: list[Theme],
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff, other = api_for(moderator), api_for(member)
    first, second, third = clustered[0], clustered[1], clustered[2]
    assert_error_shape(other.patch(f"/api/v1/themes/{first.pk}", {"name": "Mine"}), 403)
    assert_error_shape(other.post(f"/api/v1/themes/{first.pk}/merge", {"target_id": second.pk}), 403)
    assert_error_shape(other.post("/api/v1/themes/recluster"), 403)
    first.refresh_from_db()
    assert first.custom_label == "" and first.active

    renamed = staff.patch(f"/api/v1/themes/{first.pk}", {"name": "Batteries"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Batteries"
    assert_error_shape(staff.patch(f"/api/v1/themes/{first.pk}", {"name": "x" * 161}), 400, "name")

    total = first.size + second.size
    merged = staff.post(f"/api/v1/themes/{second.pk}/merge", {"target_id": first.pk})
    assert merged.status_code == 200 and merged.json()["size"] == total
    assert_error_shape(staff.post(f"/api/v1/themes/{second.pk}/merge", {"target_id": first.pk}), 409)
    assert_error_shape(
        staff.post(f"/api/v1/themes/{first.pk}/merge", {"target_id": 10**12}), 404, "target_id"
    )

    assert_error_shape(staff.post(f"/api/v1/themes/{third.pk}/split", {"parts": 7}), 422, "parts")
    split = staff.post(f"/api/v1/themes/{first.pk}/split", {"parts": 2})
    assert split.status_code == 201 and len(split.json()) == 2
    assert sum(t["size"] for t in split.json()) == total

    assert_error_shape(
        staff.post(f"/api/v1/themes/{third.pk}/link-idea", {"idea_id": 123456}), 404, "idea_id"
    )
    unlinked = staff.post(f"/api/v1/themes/{third.pk}/link-idea", {"idea_id": None})
    assert unlinked.status_code == 200 and unlinked.json()["idea_id"] is None

    with django_capture_on_commit_callbacks(execute=False):
        queued = staff.post("/api/v1/themes/recluster")
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    assert_error_shape(staff.post("/api/v1/themes/recluster"), 409)


def test_the_list_costs_the_same_queries_whatever_the_number_of_themes(
    staff_client: Client, clustered: list[Theme], django_assert_max_num_queries: Any
) -> None:
    staff_client.get(reverse("community:themes"))  # sessions and caches warmed
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("community:themes"))
    assert response.status_code == 200
    for n in range(20):
        Theme.objects.create(label=f"extra {n}", key_terms=["extra"], size=n)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("community:themes"))
    assert "extra 19" in response.content.decode()


def test_link_a_theme_to_an_idea_found_by_search_or_number(
    staff_client: Client,
    clustered: list[Theme],
    brand_admin: User,
    member: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from cocreate.challenges.services import ideas as idea_services

    challenge = idea_services.challenge_create(actor=brand_admin, title="Lamps")
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_services.idea_create(
            actor=member,
            challenge=challenge,
            title="Longer battery life",
            description="A bigger cell so the battery lasts a week.",
        )
    theme = clustered[0]
    page = staff_client.get(reverse("community:theme-detail", args=[theme.pk]), {"q": "battery life"})
    assert f'name="idea" value="{idea.pk}"' in page.content.decode()
    response = staff_client.post(reverse("community:theme-link-idea", args=[theme.pk]), {"idea": idea.pk})
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.idea_id == idea.pk
    assert "Longer battery life" in staff_client.get(reverse("community:themes")).content.decode()
    missing = staff_client.post(reverse("community:theme-link-idea", args=[theme.pk]), {"idea": 10**9})
    assert missing.status_code == 400 and "no idea with this number" in missing.content.decode()
    theme.refresh_from_db()
    assert theme.idea_id == idea.pk
    staff_client.post(reverse("community:theme-link-idea", args=[theme.pk]), {"idea": ""})
    theme.refresh_from_db()
    assert theme.idea_id is None


def test_a_cursor_that_does_not_decode_shows_the_first_page(
    staff_client: Client, clustered: list[Theme]
) -> None:
    for bad in ("abc", "-1", str(2**63)):
        page = staff_client.get(reverse("community:themes"), {"cursor": bad})
        assert page.status_code == 200
        assert clustered[0].label in page.content.decode()
        detail = staff_client.get(reverse("community:theme-detail", args=[clustered[0].pk]), {"cursor": bad})
        assert detail.status_code == 200
