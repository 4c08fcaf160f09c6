"""The journey design screens: who may use them, and a brand admin shaping a journey end to end, with and
without htmx."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import Role, User
from cocreate.journeys import services
from cocreate.journeys.models import (
    Contribution,
    ContributionKind,
    Journey,
    ParticipationPoint,
    Stage,
    StageEmotion,
    Touchpoint,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def names(journey: Journey) -> list[str]:
    return list(journey.stages.order_by("position").values_list("name", flat=True))


@pytest.fixture
def journey(brand_admin: User) -> Journey:
    return services.journey_create(actor=brand_admin, name="Fan journey")


def stage(journey: Journey, name: str) -> Stage:
    return journey.stages.get(name=name)


def point_data(stage_: Stage, **extra: Any) -> dict[str, Any]:
    data = {
        "kind": "idea",
        "title": "What set should we make next?",
        "prompt": "Tell us the set you dream of.",
        "stage": str(stage_.pk),
        "touchpoint": "",
        "owner": "",
        "starts_on": "",
        "ends_on": "",
        "goal": "",
        "goal_unit": "",
        "status": "open",
        "poll_options": "",
        "allowed_origins": "",
    }
    data.update(extra)
    return data


def contribute(point: ParticipationPoint, user: User) -> None:
    services.contribution_record(
        attribution=services.Attribution(point=point, touchpoint=None),
        kind=ContributionKind.IDEA,
        user=user,
        title="A lighthouse",
    )


# --- Who may use the screens --------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_log_in(client: Client, journey: Journey) -> None:
    for url in [
        reverse("journeys:journey-create"),
        reverse("journeys:journey-edit", args=[journey.pk]),
        reverse("journeys:point-create", args=[journey.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("journeys:stage-add", args=[journey.pk]), {"name": "Sneaky"})
    assert response.status_code == 302
    assert "Sneaky" not in names(journey)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
def test_members_and_moderators_cannot_design(
    role: str, make_user: Any, brand_admin: User, journey: Journey
) -> None:
    client = Client()
    client.force_login(make_user(role))
    awareness = stage(journey, "Awareness")
    assert client.get(reverse("journeys:journey-create")).status_code == 403
    assert client.get(reverse("journeys:journey-edit", args=[journey.pk])).status_code == 403
    assert client.post(reverse("journeys:journey-create"), {"name": "Mine"}).status_code == 403
    assert (
        client.post(reverse("journeys:stage-update", args=[awareness.pk]), {"name": "Hacked"}).status_code
        == 403
    )
    assert client.post(reverse("journeys:stage-delete", args=[awareness.pk])).status_code == 403
    assert (
        client.post(reverse("journeys:point-create", args=[journey.pk]), point_data(awareness)).status_code
        == 403
    )
    assert (
        client.post(reverse("journeys:journey-delete", args=[journey.pk]), {"confirm": "on"}).status_code
        == 403
    )
    assert Journey.objects.count() == 1
    assert names(journey)[0] == "Awareness"
    assert not ParticipationPoint.objects.exists()


def test_a_moderator_may_read_a_point_but_not_change_it(
    make_user: Any, brand_admin: User, journey: Journey
) -> None:
    point = services.point_create(
        actor=brand_admin, journey=journey, stage=stage(journey, "Usage"), kind="review", title="Rate it"
    )
    client = Client()
    client.force_login(make_user(Role.MODERATOR))
    page = client.get(reverse("journeys:point-detail", args=[point.pk]))
    assert page.status_code == 200
    assert "Rate it" in page.content.decode()
    assert reverse("journeys:point-edit", args=[point.pk]) not in page.content.decode()
    assert client.get(reverse("journeys:point-edit", args=[point.pk])).status_code == 403


# --- A brand admin designs a journey ------------------------------------------------------------------
def test_a_brand_admin_designs_a_journey_and_places_a_point(
    admin_client_: Client, brand_admin: User, member: User
) -> None:
    client = admin_client_
    form = client.get(reverse("journeys:journey-create")).content.decode()
    assert 'name="from_template"' in form and "checked" in form

    response = client.post(
        reverse("journeys:journey-create"),
        {"name": "Fan journey", "description": "From first set to fan", "from_template": "on"},
    )
    journey = Journey.objects.get(name="Fan journey")
    assert response.status_code == 302
    assert response["Location"] == reverse("journeys:journey-edit", args=[journey.pk])
    page = client.get(response["Location"]).content.decode()
    for name in ["Awareness", "Consideration", "Purchase", "Development", "Usage", "Advocacy"]:
        assert name in page
    assert 'href="/static/cocreate/design.css"' in page or "design.css" in page

    # Add a stage after Awareness, then move it left and rename it.
    awareness = stage(journey, "Awareness")
    response = client.post(
        reverse("journeys:stage-add", args=[journey.pk]), {"name": "Discovery", "after": awareness.pk}
    )
    assert response.status_code == 302
    assert names(journey)[:3] == ["Awareness", "Discovery", "Consideration"]
    discovery = stage(journey, "Discovery")
    client.post(reverse("journeys:stage-move", args=[discovery.pk]), {"offset": "-1"})
    assert names(journey)[:2] == ["Discovery", "Awareness"]
    client.post(
        reverse("journeys:stage-update", args=[discovery.pk]),
        {"name": "First glimpse", "customer_goals": "Find a gift", "thoughts": "", "pain_points": ""},
    )
    discovery.refresh_from_db()
    assert (discovery.name, discovery.customer_goals) == ("First glimpse", "Find a gift")

    # A persona's feeling, and a touchpoint.
    persona = services.persona_create(actor=brand_admin, name="Parents")
    client.post(reverse("journeys:emotions-set", args=[awareness.pk]), {f"p{persona.pk}": "-1"})
    assert StageEmotion.objects.get(stage=awareness, persona=persona).score == -1
    usage = stage(journey, "Usage")
    client.post(
        reverse("journeys:touchpoint-add", args=[usage.pk]), {"name": "Booklet", "channel": "packaging"}
    )
    booklet = Touchpoint.objects.get(stage=usage, name="Booklet")
    edit = client.get(reverse("journeys:journey-edit", args=[journey.pk])).content.decode()
    assert "First glimpse" in edit and "Booklet" in edit
    assert '<option value="-1" selected>' in edit

    # Place a point on Usage at the booklet, for the persona.
    response = client.post(
        reverse("journeys:point-create", args=[journey.pk]),
        point_data(
            usage,
            touchpoint=str(booklet.pk),
            personas=[str(persona.pk)],
            goal="50",
            goal_unit="ideas",
            allowed_origins="https://shop.example.com/page\nhttp://localhost:8000",
        ),
    )
    point = ParticipationPoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("journeys:point-detail", args=[point.pk])
    assert (point.stage_id, point.touchpoint_id, point.owner_id) == (usage.pk, booklet.pk, brand_admin.pk)
    assert list(point.personas.all()) == [persona]
    assert point.allowed_origins == ["http://localhost:8000", "https://shop.example.com"]

    contribute(point, member)
    detail = client.get(response["Location"]).content.decode()
    assert "What set should we make next?" in detail
    assert f"/?pp={point.public_id}" in detail
    assert f"/?pp={point.public_id}&amp;tp={booklet.pk}" in detail
    assert f"/w/{point.public_id}/" in detail
    assert "&lt;script" in detail and 'data-copy="embed-snippet"' in detail
    assert "A lighthouse" in detail and member.public_name in detail
    assert '<progress id="goal-progress" max="100" value="2">' in detail
    # The map page names the stage and the point is listed under it on the edit screen.
    edit = client.get(reverse("journeys:journey-edit", args=[journey.pk])).content.decode()
    assert reverse("journeys:point-detail", args=[point.pk]) in edit


def test_the_point_page_offers_the_embed_snippet(
    admin_client_: Client, brand_admin: User, journey: Journey
) -> None:
    point = services.point_create(
        actor=brand_admin, journey=journey, stage=stage(journey, "Usage"), kind="idea", title="Ideas"
    )
    page = admin_client_.get(reverse("journeys:point-detail", args=[point.pk])).content.decode()
    assert f"data-cocreate-widget=&quot;http://127.0.0.1:8000/w/{point.public_id}/&quot;" in page
    assert "/static/cocreate/widget.js" in page


def test_htmx_edits_answer_only_the_part_that_changed(admin_client_: Client, journey: Journey) -> None:
    client = admin_client_
    awareness = stage(journey, "Awareness")
    response = client.post(
        reverse("journeys:stage-update", args=[awareness.pk]), {"name": "Noticing"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li class="d-stage card" id="stage-{awareness.pk}"')
    assert "Noticing" in body and "<html" not in body

    response = client.post(reverse("journeys:stage-update", args=[awareness.pk]), {"name": " "}, headers=HTMX)
    assert response.status_code == 200  # htmx swaps only successful answers
    assert "This field is required." in response.content.decode()
    assert stage(journey, "Noticing")

    response = client.post(
        reverse("journeys:stage-add", args=[journey.pk]), {"name": "Farewell", "after": ""}, headers=HTMX
    )
    body = response.content.decode()
    assert body.startswith('<div id="stages"') and "Farewell" in body
    assert names(journey)[-1] == "Farewell"

    farewell = stage(journey, "Farewell")
    response = client.post(reverse("journeys:stage-move", args=[farewell.pk]), {"offset": "-1"}, headers=HTMX)
    assert response.content.decode().startswith('<div id="stages"')
    assert names(journey)[-2:] == ["Farewell", "Advocacy"]

    response = client.post(
        reverse("journeys:touchpoint-add", args=[farewell.pk]),
        {"name": "", "channel": "website"},
        headers=HTMX,
    )
    assert "This field is required." in response.content.decode()
    assert not Touchpoint.objects.exists()
    client.post(reverse("journeys:touchpoint-add", args=[farewell.pk]), {"name": "Email", "channel": "other"})
    touchpoint = Touchpoint.objects.get()
    response = client.post(reverse("journeys:touchpoint-delete", args=[touchpoint.pk]), headers=HTMX)
    assert response.status_code == 200 and "Email" not in response.content.decode()
    assert not Touchpoint.objects.exists()


def test_an_emotion_is_set_and_cleared(admin_client_: Client, brand_admin: User, journey: Journey) -> None:
    persona = services.persona_create(actor=brand_admin, name="Parents")
    purchase = stage(journey, "Purchase")
    url = reverse("journeys:emotions-set", args=[purchase.pk])
    response = admin_client_.post(url, {f"p{persona.pk}": "2"}, headers=HTMX)
    assert StageEmotion.objects.get(stage=purchase).score == 2
    assert '<option value="2" selected>' in response.content.decode()
    admin_client_.post(url, {f"p{persona.pk}": ""})
    assert not StageEmotion.objects.exists()
    response = admin_client_.post(url, {f"p{persona.pk}": "5"})
    assert response.status_code == 400
    assert not StageEmotion.objects.exists()


def test_a_stage_with_points_is_deleted_only_after_an_explicit_choice(
    admin_client_: Client, brand_admin: User, member: User, journey: Journey
) -> None:
    client = admin_client_
    usage, advocacy = stage(journey, "Usage"), stage(journey, "Advocacy")
    point = services.point_create(actor=brand_admin, journey=journey, stage=usage, kind="idea", title="Ideas")
    contribute(point, member)
    url = reverse("journeys:stage-delete", args=[usage.pk])

    page = client.get(url).content.decode()
    assert "1 participation point" in page and "1 contribution made through them" in page
    assert "Move the points to another stage" in page and "Delete them too" in page
    assert f'<option value="{advocacy.pk}">Advocacy</option>' in page
    assert f'<option value="{usage.pk}"' not in page

    response = client.post(url, {})
    assert response.status_code == 400
    assert "Choose whether the points are moved or deleted." in response.content.decode()
    response = client.post(url, {"what": "move", "move_points_to": ""})
    assert "Choose the stage the points move to." in response.content.decode()
    assert Stage.objects.filter(pk=usage.pk).exists()
    assert ParticipationPoint.objects.get(pk=point.pk).stage_id == usage.pk

    response = client.post(url, {"what": "move", "move_points_to": str(advocacy.pk)})
    assert response.status_code == 302
    assert not Stage.objects.filter(pk=usage.pk).exists()
    assert ParticipationPoint.objects.get(pk=point.pk).stage_id == advocacy.pk
    assert Contribution.objects.get().stage_id == advocacy.pk


def test_a_stage_and_its_points_are_deleted_when_told(
    admin_client_: Client, brand_admin: User, member: User, journey: Journey
) -> None:
    usage = stage(journey, "Usage")
    point = services.point_create(actor=brand_admin, journey=journey, stage=usage, kind="idea", title="Ideas")
    contribute(point, member)
    response = admin_client_.post(reverse("journeys:stage-delete", args=[usage.pk]), {"what": "delete"})
    assert response.status_code == 302
    assert not ParticipationPoint.objects.exists() and not Contribution.objects.exists()


def test_an_empty_stage_asks_once_then_goes(admin_client_: Client, journey: Journey) -> None:
    purchase = stage(journey, "Purchase")
    url = reverse("journeys:stage-delete", args=[purchase.pk])
    assert "Delete the stage" in admin_client_.get(url).content.decode()
    assert Stage.objects.filter(pk=purchase.pk).exists()
    assert admin_client_.post(url).status_code == 302
    assert "Purchase" not in names(journey)


# --- The point form -----------------------------------------------------------------------------------
def test_the_point_form_preselects_the_stage_and_offers_only_its_touchpoints(
    admin_client_: Client, brand_admin: User, journey: Journey
) -> None:
    usage, awareness = stage(journey, "Usage"), stage(journey, "Awareness")
    services.touchpoint_add(actor=brand_admin, stage=usage, name="Booklet", channel="packaging")
    services.touchpoint_add(actor=brand_admin, stage=awareness, name="Shop window", channel="store")
    url = reverse("journeys:point-create", args=[journey.pk])
    page = admin_client_.get(url, {"stage": usage.pk}).content.decode()
    assert f'<option value="{usage.pk}" selected>Usage</option>' in page
    assert "Booklet" in page and "Shop window" not in page

    fragment = admin_client_.get(
        reverse("journeys:point-touchpoints", args=[journey.pk]), {"stage": awareness.pk}, headers=HTMX
    ).content.decode()
    assert fragment.startswith('<div class="field" id="touchpoint-field">')
    assert "Shop window" in fragment and "Booklet" not in fragment


def test_the_point_form_shows_the_services_refusals_in_place(
    admin_client_: Client, brand_admin: User, journey: Journey
) -> None:
    usage, awareness = stage(journey, "Usage"), stage(journey, "Awareness")
    booklet = services.touchpoint_add(actor=brand_admin, stage=usage, name="Booklet", channel="packaging")
    url = reverse("journeys:point-create", args=[journey.pk])

    response = admin_client_.post(url, point_data(awareness, touchpoint=str(booklet.pk)))
    assert response.status_code == 400
    body = response.content.decode()
    assert "That touchpoint is not at the chosen stage." in body
    assert 'id="id_touchpoint_errors"' in body

    response = admin_client_.post(url, point_data(usage, kind="poll", poll_options="Only one"))
    assert "A poll needs between 2 and 12 different options." in response.content.decode()

    response = admin_client_.post(url, point_data(usage, allowed_origins="javascript:alert(1)"))
    assert "is not a web address like https://shop.example.com." in response.content.decode()

    response = admin_client_.post(url, point_data(usage, starts_on="2030-05-02", ends_on="2030-05-01"))
    assert "The end date is before the start date." in response.content.decode()
    assert not ParticipationPoint.objects.exists()

    response = admin_client_.post(url, point_data(usage, kind="poll", poll_options="Red\nBlue\n\nGreen"))
    assert response.status_code == 302
    assert ParticipationPoint.objects.get().poll_options == ["Red", "Blue", "Green"]


def test_a_point_is_edited_and_moved_to_another_stage(
    admin_client_: Client, brand_admin: User, journey: Journey
) -> None:
    usage, awareness = stage(journey, "Usage"), stage(journey, "Awareness")
    booklet = services.touchpoint_add(actor=brand_admin, stage=usage, name="Booklet", channel="packaging")
    point = services.point_create(
        actor=brand_admin, journey=journey, stage=usage, touchpoint=booklet, kind="idea", title="Ideas"
    )
    url = reverse("journeys:point-edit", args=[point.pk])
    page = admin_client_.get(url).content.decode()
    assert 'value="Ideas"' in page and f'<option value="{booklet.pk}" selected>' in page
    response = admin_client_.post(url, point_data(awareness, title="Early ideas", status="closed"))
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.title, point.stage_id, point.touchpoint_id, point.status) == (
        "Early ideas",
        awareness.pk,
        None,
        "closed",
    )


def test_deleting_a_point_with_contributions_needs_the_box_ticked(
    admin_client_: Client, brand_admin: User, member: User, journey: Journey
) -> None:
    point = services.point_create(
        actor=brand_admin, journey=journey, stage=stage(journey, "Usage"), kind="idea", title="Ideas"
    )
    contribute(point, member)
    page = admin_client_.get(reverse("journeys:point-edit", args=[point.pk])).content.decode()
    assert "1 contribution came through this point" in page
    url = reverse("journeys:point-delete", args=[point.pk])
    response = admin_client_.post(url, {})
    assert response.status_code == 409
    assert "Confirm to delete them with it." in response.content.decode()
    assert ParticipationPoint.objects.filter(pk=point.pk).exists()
    response = admin_client_.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert not ParticipationPoint.objects.exists() and not Contribution.objects.exists()


def test_deleting_a_journey_with_contributions_needs_the_box_ticked(
    admin_client_: Client, brand_admin: User, member: User, journey: Journey
) -> None:
    point = services.point_create(
        actor=brand_admin, journey=journey, stage=stage(journey, "Usage"), kind="idea", title="Ideas"
    )
    contribute(point, member)
    url = reverse("journeys:journey-delete", args=[journey.pk])
    response = admin_client_.post(url, {})
    assert response.status_code == 409
    assert "Confirm to delete them with it." in response.content.decode()
    assert Journey.objects.filter(pk=journey.pk).exists()
    response = admin_client_.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("journeys:journey-list")
    assert not Journey.objects.exists() and not Contribution.objects.exists()


def test_the_journey_is_renamed_and_a_blank_name_is_refused(admin_client_: Client, journey: Journey) -> None:
    url = reverse("journeys:journey-edit", args=[journey.pk])
    response = admin_client_.post(url, {"name": "Builder journey", "description": "All of it"})
    assert response.status_code == 302
    journey.refresh_from_db()
    assert (journey.name, journey.description) == ("Builder journey", "All of it")
    response = admin_client_.post(url, {"name": "", "description": ""})
    assert response.status_code == 400
    journey.refresh_from_db()
    assert journey.name == "Builder journey"


def test_a_journey_can_start_empty(admin_client_: Client) -> None:
    admin_client_.post(reverse("journeys:journey-create"), {"name": "Blank"})
    journey = Journey.objects.get()
    assert names(journey) == []
    page = admin_client_.get(reverse("journeys:journey-edit", args=[journey.pk])).content.decode()
    assert "This journey has no stages yet." in page
