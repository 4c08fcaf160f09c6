"""The embeddable widget: what a member, a visitor, a bot and a forger each get, and what is stored."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

import cocreate
from cocreate.journeys import services
from cocreate.journeys.models import (
    Contribution,
    ContributionSource,
    ContributionStatus,
    ParticipationPoint,
    Stage,
    Touchpoint,
)
from cocreate.journeys.views.widget import widget_snippet

pytestmark = pytest.mark.django_db

SHOP = "https://shop.example.com"
STATIC = Path(cocreate.__file__).parent / "static" / "cocreate"


@pytest.fixture
def stage(brand_admin: Any) -> Stage:
    journey = services.journey_create(actor=brand_admin, name="Fan journey")
    return journey.stages.get(name="Awareness")


@pytest.fixture
def touchpoints(brand_admin: Any, stage: Stage) -> tuple[Touchpoint, Touchpoint]:
    page = services.touchpoint_add(actor=brand_admin, stage=stage, name="Product page")
    app = services.touchpoint_add(actor=brand_admin, stage=stage, name="In the app", channel="app")
    return page, app


@pytest.fixture
def make_point(brand_admin: Any, stage: Stage, touchpoints: tuple[Touchpoint, Touchpoint]) -> Any:
    def make(kind: str = "idea", **fields: Any) -> ParticipationPoint:
        fields.setdefault("allowed_origins", [SHOP])
        if kind == "poll":
            fields.setdefault("poll_options", ["A castle", "A spaceship", "A harbour"])
        return services.point_create(
            actor=brand_admin,
            journey=stage.journey,
            stage=stage,
            kind=kind,
            title=fields.pop("title", f"Tell us: {kind}"),
            touchpoint=touchpoints[0],
            **fields,
        )

    return make


def url(point: ParticipationPoint, tp: Any = None) -> str:
    return f"/w/{point.public_id}/" + (f"?tp={tp}" if tp is not None else "")


def token_of(response: Any) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert found, response.content.decode()
    return found.group(1)


def send(client: Client, point: ParticipationPoint, data: dict[str, Any], tp: Any = None, **kw: Any) -> Any:
    """Open the widget, then send it as the browser would (with the token the page carried)."""
    page = client.get(url(point, tp))
    assert page.status_code == 200, page.content
    return client.post(url(point, tp), {"token": token_of(page), **data}, **kw)


IDEA = {"title": "A lighthouse set", "body": "With a working light and a keeper's cottage."}


def text(response: Any) -> str:
    return response.content.decode()


def confirm_key(message: Any) -> str:
    found = re.search(r"/w/confirm/([\w-]+)/", str(message.body))
    assert found, message.body
    return found.group(1)


# --- Members and visitors -----------------------------------------------------------------------------
def test_a_member_contributes_in_one_click_and_it_counts_at_once(
    member_client: Client, member: Any, make_point: Any, touchpoints: Any
) -> None:
    point = make_point("idea")
    page = member_client.get(url(point, touchpoints[1].pk))
    assert f"Sending as {member.public_name}" in text(page)
    assert 'name="email"' not in text(page)

    response = member_client.post(url(point, touchpoints[1].pk), {"token": token_of(page), **IDEA})
    assert response.status_code == 200
    assert "Your contribution counts." in text(response)
    c = Contribution.objects.get()
    assert (c.user, c.status, c.source) == (member, ContributionStatus.CONFIRMED, ContributionSource.WIDGET)
    assert (c.point, c.stage_id, c.touchpoint) == (point, point.stage_id, touchpoints[1])
    assert (c.title, c.kind, c.confirmed_at is not None) == ("A lighthouse set", "idea", True)


def test_a_touchpoint_from_another_stage_is_ignored(
    member_client: Client, brand_admin: Any, make_point: Any, touchpoints: Any, stage: Stage
) -> None:
    elsewhere = stage.journey.stages.get(name="Usage")
    foreign = services.touchpoint_add(actor=brand_admin, stage=elsewhere, name="Manual")
    point = make_point("idea")
    assert send(member_client, point, IDEA, tp=foreign.pk).status_code == 200
    assert send(member_client, point, IDEA, tp="x").status_code == 200
    assert [c.touchpoint for c in Contribution.objects.all()] == [touchpoints[0], touchpoints[0]]


def test_a_visitor_confirms_by_email_and_counts_once(
    client: Client, make_point: Any, django_capture_on_commit_callbacks: Any
) -> None:
    point = make_point("suggestion")
    page = client.get(url(point))
    assert 'name="email"' in text(page) and "Sending as" not in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(point), {"token": token_of(page), "body": "Bigger boxes, please", "email": "Fan@Example.com"}
        )
    assert response.status_code == 200
    assert "Check your inbox to confirm" in text(response)
    c = Contribution.objects.get()
    assert (c.status, c.email, c.user) == (ContributionStatus.PENDING, "fan@example.com", None)

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["fan@example.com"]
    link = re.search(r"https?://\S+/w/confirm/(\S+)/", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    confirm = f"/w/confirm/{link.group(1)}/"

    # Opening the link (as a mail scanner would) shows a button and counts nothing yet.
    shown = client.get(confirm)
    assert shown.status_code == 200 and 'type="submit"' in text(shown)
    assert Contribution.objects.get().status == ContributionStatus.PENDING

    done = client.post(confirm)
    assert "Thank you, your contribution counts." in text(done)
    again = client.post(confirm)
    assert "Thank you, your contribution counts." in text(again)
    assert Contribution.objects.filter(status=ContributionStatus.CONFIRMED).count() == 1
    assert Contribution.objects.count() == 1


def test_a_bad_confirmation_key_answers_a_clear_404(client: Client) -> None:
    for response in (client.get("/w/confirm/not-a-key/"), client.post("/w/confirm/not-a-key/")):
        assert response.status_code == 404
        assert "This confirmation link is not valid." in text(response)


def test_unknown_or_malformed_point_ids_answer_404(client: Client) -> None:
    assert client.get(f"/w/{uuid.uuid4()}/").status_code == 404
    assert client.post(f"/w/{uuid.uuid4()}/", IDEA).status_code == 404
    assert client.get("/w/12345/").status_code == 404


# --- What each kind of point accepts ------------------------------------------------------------------
@pytest.mark.parametrize("rating", ["0", "6", "x", ""])
def test_a_bad_rating_is_shown_in_place_and_nothing_is_stored(
    member_client: Client, make_point: Any, rating: str
) -> None:
    point = make_point("review")
    response = send(member_client, point, {"rating": rating, "body": "Nice"})
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5 stars." in text(response)
    assert 'name="rating"' in text(response)  # the form is still there, with the error next to it
    assert not Contribution.objects.exists()


def test_a_rating_counts_once_per_member(member_client: Client, make_point: Any) -> None:
    point = make_point("review")
    assert send(member_client, point, {"rating": "4", "body": "Solid build"}).status_code == 200
    second = send(member_client, point, {"rating": "5"})
    assert second.status_code == 409 and "You already answered" in text(second)
    assert list(Contribution.objects.values_list("rating", flat=True)) == [4]


def test_a_poll_answer_must_be_one_of_the_options_and_counts_once(
    member_client: Client, make_point: Any
) -> None:
    point = make_point("poll")
    wrong = send(member_client, point, {"choice": "A submarine"})
    assert wrong.status_code == 400 and "Choose one of the options." in text(wrong)
    assert not Contribution.objects.exists()

    assert send(member_client, point, {"choice": "A harbour"}).status_code == 200
    twice = send(member_client, point, {"choice": "A castle"})
    assert twice.status_code == 409 and "You already answered" in text(twice)
    assert list(Contribution.objects.values_list("choice", flat=True)) == ["A harbour"]


def test_a_visitor_answering_a_poll_twice_counts_once_at_confirmation(
    client: Client, make_point: Any, django_capture_on_commit_callbacks: Any
) -> None:
    point = make_point("poll")
    for choice in ("A castle", "A spaceship"):
        with django_capture_on_commit_callbacks(execute=True):
            send(client, point, {"choice": choice, "email": "fan@example.com"})
    keys = [confirm_key(m) for m in mail.outbox]
    assert "counts" in text(client.post(f"/w/confirm/{keys[0]}/"))
    refused = client.post(f"/w/confirm/{keys[1]}/")
    assert refused.status_code == 409 and "You already answered" in text(refused)
    confirmed = Contribution.objects.filter(status=ContributionStatus.CONFIRMED)
    assert list(confirmed.values_list("choice", flat=True)) == ["A castle"]


def test_an_idea_needs_a_title_and_a_description(member_client: Client, make_point: Any) -> None:
    point = make_point("idea")
    response = send(member_client, point, {"title": "", "body": "short"})
    assert response.status_code == 400 and "Give your idea a title." in text(response)
    assert 'aria-describedby="id_title_errors"' in text(response)
    assert not Contribution.objects.exists()


def test_a_closed_or_not_yet_open_point_says_why_and_refuses(
    member_client: Client, brand_admin: Any, make_point: Any
) -> None:
    point = make_point("idea")
    page = member_client.get(url(point))
    token = token_of(page)
    services.point_update(actor=brand_admin, point=point, status="closed")
    shown = member_client.get(url(point))
    assert "This participation point is closed." in text(shown) and "<form" not in text(shown)
    refused = member_client.post(url(point), {"token": token, **IDEA})
    assert refused.status_code == 409 and "This participation point is closed." in text(refused)

    later = make_point("idea", starts_on=timezone.localdate() + timedelta(days=3))
    assert "This opens on" in text(member_client.get(url(later)))
    assert not Contribution.objects.exists()


# --- Spam and flood protection ------------------------------------------------------------------------
def test_the_honeypot_is_hidden_from_people_and_a_filled_one_stores_nothing(
    client: Client, make_point: Any
) -> None:
    point = make_point("idea")
    page = text(client.get(url(point)))
    honeypot = re.search(r'<div class="hp" aria-hidden="true">(.*?)</div>', page, re.S)
    assert honeypot, page
    assert "Leave this empty" in honeypot.group(1)
    assert 'tabindex="-1"' in honeypot.group(1) and 'autocomplete="off"' in honeypot.group(1)

    response = send(client, point, {**IDEA, "email": "bot@example.com", "website": "http://spam.example"})
    assert response.status_code == 200 and "Thank you!" in text(response)
    assert not Contribution.objects.exists()
    assert not mail.outbox


def test_the_21st_post_from_one_address_within_ten_minutes_is_refused(
    member_client: Client, make_point: Any
) -> None:
    point = make_point("idea")
    token = token_of(member_client.get(url(point)))
    with freeze_time(timezone.now()):
        for _ in range(20):
            assert member_client.post(url(point), {"token": token, **IDEA}).status_code == 200
        flooded = member_client.post(url(point), {"token": token, **IDEA})
        assert flooded.status_code == 429
        assert "Too many messages from your network" in text(flooded)
        assert Contribution.objects.count() == 20
        other = member_client.post(url(point), {"token": token, **IDEA}, REMOTE_ADDR="10.1.2.3")
        assert other.status_code == 200
    assert Contribution.objects.count() == 21


def test_one_email_address_sends_at_most_five_an_hour(client: Client, make_point: Any) -> None:
    point = make_point("idea")
    with freeze_time(timezone.now()):
        for _ in range(5):
            assert send(client, point, {**IDEA, "email": "fan@example.com"}).status_code == 200
        over = send(client, point, {**IDEA, "email": "FAN@example.com"})
        assert over.status_code == 429 and "Too many contributions from this email address" in text(over)
        assert Contribution.objects.count() == 5
        assert send(client, point, {**IDEA, "email": "friend@example.com"}).status_code == 200
    assert Contribution.objects.count() == 6


# --- Forged posts -------------------------------------------------------------------------------------
def test_a_post_from_another_site_is_refused(member_client: Client, make_point: Any) -> None:
    point = make_point("idea")
    token = token_of(member_client.get(url(point)))
    for origin in (SHOP, "https://evil.example", "null"):
        forged = member_client.post(url(point), {"token": token, **IDEA}, HTTP_ORIGIN=origin)
        assert forged.status_code == 403, origin
        assert "This form can only be sent from its own page." in text(forged)
    assert not Contribution.objects.exists()
    ok = member_client.post(url(point), {"token": token, **IDEA}, HTTP_ORIGIN="http://testserver")
    assert ok.status_code == 200
    assert Contribution.objects.count() == 1


def test_a_missing_forged_or_expired_token_is_refused(member_client: Client, make_point: Any) -> None:
    point = make_point("idea")
    start = timezone.now()
    with freeze_time(start):
        token = token_of(member_client.get(url(point)))
    for bad in (None, "", "forged", token[:-2] + "xx"):
        data = dict(IDEA) if bad is None else {"token": bad, **IDEA}
        response = member_client.post(url(point), data)
        assert response.status_code == 400
        assert "Reload the page and try again." in text(response)
    with freeze_time(start + timedelta(hours=5)):
        expired = member_client.post(url(point), {"token": token, **IDEA})
        assert expired.status_code == 400 and "Reload the page" in text(expired)
        # The form shown again carries a fresh token: sending it again works.
        assert member_client.post(url(point), {"token": token_of(expired), **IDEA}).status_code == 200
    assert Contribution.objects.count() == 1


def test_a_token_is_bound_to_its_point_touchpoint_and_session(
    client: Client, member: Any, make_point: Any, touchpoints: Any
) -> None:
    first, second = make_point("idea"), make_point("suggestion")
    client.force_login(member)
    token = token_of(client.get(url(first, touchpoints[1].pk)))
    assert (
        client.post(url(second, touchpoints[1].pk), {"token": token, "body": "Hello there"}).status_code
        == 400
    )
    assert client.post(url(first, touchpoints[0].pk), {"token": token, **IDEA}).status_code == 400
    assert client.post(url(first), {"token": token, **IDEA}).status_code == 400
    other = Client()
    other.force_login(member)  # the same member in another session
    assert other.post(url(first, touchpoints[1].pk), {"token": token, **IDEA}).status_code == 400
    client.logout()
    gone = client.post(url(first, touchpoints[1].pk), {"token": token, **IDEA, "email": "a@example.com"})
    assert gone.status_code == 400
    assert not Contribution.objects.exists()


# --- Framing ------------------------------------------------------------------------------------------
def test_only_allowed_sites_may_frame_the_widget(client: Client, make_point: Any) -> None:
    point = make_point("idea")
    refused = client.get(url(point), HTTP_REFERER="https://evil.example/blog/post")
    assert refused.status_code == 403
    assert "This form is not enabled on https://evil.example." in text(refused)
    assert "<form" not in text(refused)

    framed = client.get(url(point), HTTP_REFERER=f"{SHOP}/products/lighthouse")
    assert framed.status_code == 200 and "<form" in text(framed)
    csp = framed["Content-Security-Policy"]
    ancestors = next(p for p in csp.split("; ") if p.startswith("frame-ancestors"))
    assert ancestors == f"frame-ancestors 'self' {SHOP}"
    assert "X-Frame-Options" not in framed
    assert "script-src 'self'" in csp and "widget-frame.js" in text(framed)

    for own in ("http://testserver/somewhere", "http://127.0.0.1:8000/x", None):
        assert client.get(url(point), headers={"Referer": own} if own else None).status_code == 200, own


def test_a_site_removed_from_the_allowed_list_can_no_longer_post(
    client: Client, brand_admin: Any, make_point: Any
) -> None:
    point = make_point("idea")
    token = token_of(client.get(url(point), HTTP_REFERER=f"{SHOP}/page"))
    services.point_update(actor=brand_admin, point=point, allowed_origins=[])
    response = client.post(url(point), {"token": token, **IDEA, "email": "fan@example.com"})
    assert response.status_code == 403 and f"This form is not enabled on {SHOP}." in text(response)
    assert not Contribution.objects.exists()


def test_the_thank_you_page_stays_frameable(client: Client, make_point: Any) -> None:
    point = make_point("idea")
    response = send(client, point, {**IDEA, "email": "fan@example.com"})
    assert response.status_code == 200
    assert f"frame-ancestors 'self' {SHOP}" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response


# --- The snippet --------------------------------------------------------------------------------------
def test_the_snippet_embeds_the_point_and_the_loader(make_point: Any, touchpoints: Any) -> None:
    point = make_point("idea", title='Ideas "for" <kids>')
    snippet = widget_snippet(point, "https://cocreate.example/", touchpoints[1])
    assert (
        f'data-cocreate-widget="https://cocreate.example/w/{point.public_id}/?tp={touchpoints[1].pk}"'
        in snippet
    )
    assert '<script src="https://cocreate.example/static/cocreate/widget.js" async></script>' in snippet
    assert 'data-title="Ideas &quot;for&quot; &lt;kids&gt;"' in snippet
    plain = widget_snippet(point, "https://cocreate.example")
    assert f'"https://cocreate.example/w/{point.public_id}/"' in plain


def test_the_loader_scripts_ship_as_static_files() -> None:
    loader = (STATIC / "widget.js").read_text()
    assert "data-cocreate-widget" in loader and "cocreate:height" in loader
    assert "event.origin === f.origin" in loader  # resizes only on messages from the widget's origin
    frame = (STATIC / "widget-frame.js").read_text()
    assert "postMessage" in frame and "ResizeObserver" in frame
    for script in (loader, frame):
        assert "fetch(" not in script and "XMLHttpRequest" not in script
