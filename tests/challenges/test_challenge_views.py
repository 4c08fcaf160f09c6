"""The challenge pages: the list, a challenge's page with who may see it, and the administrators' form."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.challenges.models import Challenge, ChallengeInvite, ChallengeTerms, FieldKind, Visibility
from cocreate.challenges.services import ideas as services

pytestmark = pytest.mark.django_db


def rows(prefix: str, items: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def challenge_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Harbour sets",
        "brief": "Build **the harbour** of your dreams.",
        "theme": "Harbours",
        "visibility": "public",
        "royalty_percent": "2.5",
        "prize": "A signed box",
        "contract": "Designer contract",
        "review_periods_per_year": "3",
        "survey_enabled": "on",
        "price_bands": "Under €30\nOver €30",
        "audiences": "Myself\nAs a gift",
        "submission_closes": "2099-05-01T12:00",
        "invites": "",
        "terms_title": "",
        "terms_body": "",
        **rows(
            "ladder",
            [
                {"at": "0", "days": "30"},
                {"at": "50", "days": "90"},
                {"at": "500", "days": "0", "qualifies": "on"},
                {"at": "", "days": ""},
            ],
        ),
        **rows(
            "criteria",
            [
                {"name": "Originality", "description": "Never seen before", "weight": "2"},
                {"name": "Buildability", "description": "", "weight": "1"},
                {"name": "", "description": "", "weight": ""},
            ],
        ),
        **rows(
            "questions",
            [
                {"label": "Pieces", "help_text": "", "kind": "number", "choices": "", "required": "on"},
                {"label": "Scale", "help_text": "", "kind": "choice", "choices": "H0\nN"},
            ],
        ),
    }
    data.update(overrides)
    return data


# --- Visibility ---------------------------------------------------------------------------------------


def test_the_list_shows_what_each_visitor_may_see(
    client: Client, member: User, other_member: User, brand_admin: User
) -> None:
    services.challenge_create(actor=brand_admin, title="Open to all")
    services.challenge_create(actor=brand_admin, title="Members club", visibility=Visibility.MEMBERS)
    secret = services.challenge_create(actor=brand_admin, title="Secret sets", visibility=Visibility.INVITE)
    services.challenge_invites_set(actor=brand_admin, challenge=secret, users=[member])

    html = client.get("/challenges/").content.decode()
    assert "Open to all" in html and "Ideas" in html  # the default challenge is always there
    assert "Members club" not in html and "Secret sets" not in html
    assert Challenge.objects.filter(is_default=True).count() == 1

    client.force_login(other_member)
    html = client.get("/challenges/").content.decode()
    assert "Members club" in html and "Secret sets" not in html
    assert client.get("/challenges/secret-sets/").status_code == 404
    assert client.get("/ideas/new/?challenge=secret-sets").status_code == 404

    client.force_login(member)
    assert "Secret sets" in client.get("/challenges/").content.decode()
    assert client.get("/challenges/secret-sets/").status_code == 200
    assert Client().get("/challenges/members-club/").status_code == 404


def test_ideas_of_an_invite_only_challenge_stay_hidden(
    client: Client, member: User, brand_admin: User
) -> None:
    secret = services.challenge_create(actor=brand_admin, title="Secret sets", visibility=Visibility.INVITE)
    services.challenge_invites_set(actor=brand_admin, challenge=secret, users=[member])
    idea = services.idea_create(
        actor=member, challenge=secret, title="Hidden harbour", description="A harbour nobody should see yet."
    )
    assert "Hidden harbour" not in client.get("/ideas/").content.decode()
    assert client.get(f"/ideas/{idea.pk}/hidden-harbour/").status_code == 404
    client.force_login(member)
    assert "Hidden harbour" in client.get("/ideas/").content.decode()


# --- The challenge page -------------------------------------------------------------------------------


def test_the_challenge_page_shows_brief_reward_phases_criteria_and_ideas(
    member_client: Client, member: User, brand_admin: User
) -> None:
    challenge = services.challenge_create(
        actor=brand_admin,
        title="Harbour sets",
        brief="Build **the harbour**. <script>alert(1)</script>",
        theme="Harbours",
        royalty_rate=Decimal("0.025"),
        prize="A signed box",
        submission_closes=timezone.now() + timedelta(days=30),
    )
    services.challenge_criteria_set(
        actor=brand_admin, challenge=challenge, criteria=[{"name": "Originality", "weight": "2.5"}]
    )
    services.idea_create(
        actor=member, challenge=challenge, title="Lighthouse", description="A lighthouse with a lamp."
    )
    html = member_client.get("/challenges/harbour-sets/").content.decode()
    assert "Build <strong>the harbour</strong>." in html and "<script>alert" not in html
    assert "2.5% of net sales" in html and "A signed box" in html and "Theme: Harbours" in html
    assert "Submissions close" in html and "Originality" in html and "<td>2.5</td>" in html
    assert "100 supporters: 365 more days" in html
    assert "Lighthouse" in html and 'href="/ideas/new/?challenge=harbour-sets"' in html
    assert "Edit the challenge" not in html


def test_no_share_button_when_the_challenge_is_closed(
    client: Client, member: User, brand_admin: User
) -> None:
    now = timezone.now()
    services.challenge_create(
        actor=brand_admin,
        title="Past",
        submission_opens=now - timedelta(days=9),
        submission_closes=now - timedelta(days=1),
    )
    assert "Log in to share an idea" in client.get("/challenges/past/").content.decode()
    client.force_login(member)
    html = client.get("/challenges/past/").content.decode()
    assert "Share an idea" not in html and "not taking ideas now" in html


# --- The administrators' form -------------------------------------------------------------------------


def test_only_administrators_manage_challenges(client: Client, member: User, moderator: User) -> None:
    response = client.get("/challenges/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (member, moderator):
        client.force_login(user)
        assert client.get("/challenges/new/").status_code == 403
        assert client.post("/challenges/new/", challenge_post()).status_code == 403
    assert not Challenge.objects.filter(title="Harbour sets").exists()


def test_an_administrator_creates_a_challenge_with_everything(
    admin_client_: Client, member: User, other_member: User
) -> None:
    page = admin_client_.get("/challenges/new/").content.decode()
    assert 'name="ladder-0-at" value="0"' in page and "Evaluation criteria" in page
    response = admin_client_.post(
        "/challenges/new/",
        challenge_post(
            visibility="invite",
            invites="member@example.com, OTHER@example.com",
            terms_title="NDA",
            terms_body="Keep it quiet.",
        ),
    )
    assert response.status_code == 302 and response["Location"] == "/challenges/harbour-sets/"
    challenge = Challenge.objects.get(slug="harbour-sets")
    assert challenge.royalty_rate == Decimal("0.025") and challenge.visibility == Visibility.INVITE
    assert challenge.ladder == [
        {"at": 0, "days": 30},
        {"at": 50, "days": 90},
        {"at": 500, "days": 0, "qualifies": True},
    ]
    assert [(c.name, c.weight) for c in challenge.criteria.all()] == [
        ("Originality", Decimal("2")),
        ("Buildability", Decimal("1")),
    ]
    assert [(f.label, f.kind, f.choices, f.required) for f in challenge.fields.all()] == [
        ("Pieces", FieldKind.NUMBER, [], True),
        ("Scale", FieldKind.CHOICE, ["H0", "N"], False),
    ]
    assert challenge.price_bands == ["Under €30", "Over €30"]
    assert {i.user for i in ChallengeInvite.objects.filter(challenge=challenge)} == {member, other_member}
    assert challenge.terms_versions.get().version == 1
    html = admin_client_.get(response["Location"]).content.decode()
    assert "2.5% of net sales" in html and "50 supporters: 90 more days" in html


def test_a_refused_part_saves_nothing_and_shows_in_place(admin_client_: Client) -> None:
    ladder = rows(
        "ladder",
        [{"at": "0", "days": "30"}, {"at": "50", "days": "0", "qualifies": "on"}, {"at": "90", "days": "5"}],
    )
    response = admin_client_.post("/challenges/new/", challenge_post(**ladder))
    assert response.status_code == 400 and "Only the last rung can qualify" in response.content.decode()
    assert 'value="Harbour sets"' in response.content.decode()
    assert not Challenge.objects.filter(title="Harbour sets").exists()

    questions = rows("questions", [{"label": "Scale", "kind": "choice", "choices": "Only one"}])
    response = admin_client_.post("/challenges/new/", challenge_post(**questions))
    assert response.status_code == 400 and "at least two answers" in response.content.decode()
    response = admin_client_.post("/challenges/new/", challenge_post(invites="ghost@example.com"))
    assert response.status_code == 400 and "ghost@example.com" in response.content.decode()
    response = admin_client_.post("/challenges/new/", challenge_post(royalty_percent="80"))
    assert response.status_code == 400
    assert not Challenge.objects.filter(title="Harbour sets").exists()


def test_editing_updates_rows_in_place_and_versions_the_terms(
    admin_client_: Client, brand_admin: User, member: User
) -> None:
    admin_client_.post("/challenges/new/", challenge_post(terms_title="NDA", terms_body="Keep it quiet."))
    challenge = Challenge.objects.get(slug="harbour-sets")
    originality = challenge.criteria.get(name="Originality")
    page = admin_client_.get("/challenges/harbour-sets/edit/").content.decode()
    assert 'value="Harbour sets"' in page and 'value="2.5"' in page and "Keep it quiet." in page
    assert f'name="criteria-0-id" value="{originality.pk}"' in page

    data = challenge_post(
        title="Harbour and sea",
        terms_title="NDA",
        terms_body="Keep it quiet.",
        **rows(
            "criteria",
            [
                {"id": str(originality.pk), "name": "Originality", "weight": "3"},
                {"name": "Fun", "weight": "1"},
            ],
            initial=1,
        ),
    )
    assert admin_client_.post("/challenges/harbour-sets/edit/", data).status_code == 302
    challenge.refresh_from_db()
    assert challenge.title == "Harbour and sea" and challenge.slug == "harbour-sets"
    assert [(c.pk == originality.pk, c.name, c.weight) for c in challenge.criteria.all()] == [
        (True, "Originality", Decimal("3")),
        (False, "Fun", Decimal("1")),
    ]
    assert challenge.terms_versions.count() == 1  # unchanged terms: no new version
    admin_client_.post("/challenges/harbour-sets/edit/", {**data, "terms_body": "Keep it very quiet."})
    assert list(ChallengeTerms.objects.filter(challenge=challenge).values_list("version", flat=True)) == [
        2,
        1,
    ]

    # Once ideas gather support, the ladder is fixed.
    pieces = challenge.fields.get(label="Pieces")
    services.idea_create(
        actor=member,
        challenge=challenge,
        title="Lighthouse",
        description="A lighthouse with a lamp.",
        field_answers={pieces.pk: "300"},
    )
    changed = {**data, "ladder-1-at": "60"}
    response = admin_client_.post("/challenges/harbour-sets/edit/", changed)
    assert response.status_code == 400 and "can no longer change" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.ladder[1]["at"] == 50


def test_the_default_challenge_is_used_when_none_is_chosen(member_client: Client) -> None:
    assert not Challenge.objects.exists()
    page = member_client.get("/ideas/new/").content.decode()
    assert "For the challenge “Ideas”." in page
    assert Challenge.objects.get().is_default
