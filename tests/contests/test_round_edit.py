"""Editing a round on the staff's manage page: the form shows the round as it is, saves a change, and a
refused change is shown in place, next to the fields sent, with nothing saved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cocreate.contests.models import Round

pytestmark = pytest.mark.django_db


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def staff_client(staff: Any) -> Client:
    c = Client()
    c.force_login(staff)
    return c


def test_the_form_shows_each_round_and_saves_a_change(staff_client: Client, make_contest: Any) -> None:
    contest = make_contest()
    first, second = contest.rounds.order_by("position")
    url = reverse("contests:manage", args=[contest.slug])
    page = staff_client.get(url).content.decode()
    assert f'id="round-{second.pk}"' in page
    assert f'value="{_local(second.opens_at)}"' in page and 'value="Final designs"' in page

    new_close = timezone.localtime(second.closes_at + timedelta(days=3)).replace(second=0, microsecond=0)
    saved = staff_client.post(
        url,
        {
            "form": "round_edit",
            "round": second.pk,
            "name": "Finalists",
            "opens_at": _local(second.opens_at),
            "closes_at": new_close.strftime("%Y-%m-%dT%H:%M"),
            "description": "The shortlisted designs, refined.",
        },
        follow=True,
    )
    assert saved.status_code == 200
    assert "The round is saved." in saved.content.decode()
    second.refresh_from_db()
    assert (second.name, second.description) == ("Finalists", "The shortlisted designs, refined.")
    assert second.closes_at == new_close
    first.refresh_from_db()
    assert first.name == "Concepts"


def test_a_refused_change_is_shown_in_place(staff_client: Client, make_contest: Any) -> None:
    contest = make_contest()
    first, second = contest.rounds.order_by("position")
    before = list(Round.objects.order_by("pk").values_list("name", "opens_at", "closes_at", "description"))
    url = reverse("contests:manage", args=[contest.slug])
    refused = staff_client.post(
        url,
        {
            "form": "round_edit",
            "round": first.pk,
            "name": "Concepts (longer)",
            "opens_at": _local(first.opens_at),
            "closes_at": _local(second.closes_at - timedelta(days=1)),
        },
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    # The round's own form opens again with the values sent and the message beside them.
    start = page.index(f'id="round-{first.pk}"')
    form = page[start : page.index("</details>", start)]
    assert " open>" in form and f'id="round-{first.pk}-error"' in form
    assert "overlaps" in form and 'value="Concepts (longer)"' in form
    assert 'aria-invalid="true"' in form
    assert 'id="manage-error"' not in page  # said once, where it applies
    other = page[page.index(f'id="round-{second.pk}"') :]
    assert f'round-edit" id="round-{second.pk}" open' not in page and 'value="Final designs"' in other
    assert (
        list(Round.objects.order_by("pk").values_list("name", "opens_at", "closes_at", "description"))
        == before
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"closes_at": "not a date"}, "closes_at"),
        ({"opens_at": ""}, "opens_at"),
    ],
)
def test_missing_or_unreadable_values_name_the_field(
    staff_client: Client, make_contest: Any, change: dict[str, str], field: str
) -> None:
    contest = make_contest()
    rnd = contest.rounds.get(position=2)
    data = {
        "form": "round_edit",
        "round": rnd.pk,
        "name": rnd.name,
        "opens_at": _local(rnd.opens_at),
        "closes_at": _local(rnd.closes_at),
        **change,
    }
    refused = staff_client.post(reverse("contests:manage", args=[contest.slug]), data)
    assert refused.status_code == 400
    page = refused.content.decode()
    start = page.index(f'id="round-{rnd.pk}"')
    form = page[start : page.index("</details>", start)]
    assert (
        f'field has-error"><label for="re-{rnd.pk}-{field.split("_")[0] if field != "name" else "name"}'
        in form
    )
    rnd_after = Round.objects.get(pk=rnd.pk)
    assert (rnd_after.name, rnd_after.opens_at, rnd_after.closes_at) == (
        rnd.name,
        rnd.opens_at,
        rnd.closes_at,
    )


@pytest.mark.parametrize("forged", [str(2**63), "-1", "abc", ""])
def test_a_forged_round_is_refused_without_a_crash(
    staff_client: Client, make_contest: Any, forged: str
) -> None:
    contest = make_contest()
    other = make_contest(title="Another contest").rounds.get(position=1)
    url = reverse("contests:manage", args=[contest.slug])
    for value in (forged, str(other.pk)):
        refused = staff_client.post(
            url, {"form": "round_edit", "round": value, "name": "X", "opens_at": "", "closes_at": ""}
        )
        assert refused.status_code == 404
        assert "No such round in this contest." in refused.content.decode()
    assert Round.objects.filter(name="X").count() == 0


def test_members_cannot_reach_the_form(client: Client, make_contest: Any, fans: list[Any]) -> None:
    contest = make_contest()
    rnd = contest.rounds.get(position=1)
    client.force_login(fans[0])
    url = reverse("contests:manage", args=[contest.slug])
    assert client.get(url).status_code == 404
    answer = client.post(url, {"form": "round_edit", "round": rnd.pk, "name": "Mine"})
    assert answer.status_code == 404
    assert Round.objects.get(pk=rnd.pk).name == "Concepts"
