"""The persona screens: cards, a persona and its rules saved together (or not at all), the members who
match, staff overrides, and the profile questions rules are built on."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from cocreate.accounts.models import ProfileAnswer, ProfileQuestion, QuestionKind, Role, User
from cocreate.journeys import services
from cocreate.journeys.models import Persona, PersonaOverride

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def often() -> ProfileQuestion:
    return ProfileQuestion.objects.create(
        text="How often do you build with our products?",
        kind=QuestionKind.CHOICE,
        choices=["Every weekend", "Most evenings", "Rarely"],
    )


@pytest.fixture
def sets() -> ProfileQuestion:
    return ProfileQuestion.objects.create(
        text="How many sets do you buy a year?",
        kind=QuestionKind.NUMBER,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        unit="sets",
    )


def persona_data(
    name: str = "Weekend builders", rules: Sequence[dict[str, Any]] = (), **fields: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": name,
        "quote": "Saturday is for building.",
        "goals": "Finish a big set",
        "pains": "Missing pieces",
        "behaviours": "Builds with the kids",
        "demographics": "30–45",
        "estimated_size": "12000",
        "colour": "#2a6f3e",
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for i, rule in enumerate(rules):
        for key, value in rule.items():
            data[f"rules-{i}-{key}"] = value
        data.setdefault(f"rules-{i}-operator", "any_of")
    data.update(fields)
    return data


def png(size: int = 20) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (size, size), "#336699").save(out, "PNG")
    return SimpleUploadedFile("face.png", out.getvalue(), content_type="image/png")


def answer(user: User, question: ProfileQuestion, *choices: str, number: int | None = None) -> None:
    if number is not None:
        ProfileAnswer.objects.create(user=user, question=question, number=Decimal(number))
    for choice in choices:
        ProfileAnswer.objects.create(user=user, question=question, choice=choice)


def rules_of(persona: Persona) -> list[tuple[Any, ...]]:
    return [
        (r.question_id, r.operator, r.values, r.min_value, r.max_value) for r in persona.rules.order_by("id")
    ]


# --- Who may use the screens --------------------------------------------------------------------------
def test_anonymous_visitors_log_in_and_members_are_refused(client: Client, member_client: Client) -> None:
    response = Client().get(reverse("journeys:persona-list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    for url in [
        reverse("journeys:persona-list"),
        reverse("journeys:persona-create"),
        reverse("journeys:question-list"),
        reverse("journeys:question-create"),
    ]:
        assert member_client.get(url).status_code == 403
    assert member_client.post(reverse("journeys:persona-create"), persona_data()).status_code == 403
    assert not Persona.objects.exists()


def test_a_moderator_reads_personas_and_questions_but_changes_nothing(
    make_user: Any, brand_admin: User, often: ProfileQuestion
) -> None:
    persona = services.persona_create(actor=brand_admin, name="Weekend builders")
    client = Client()
    client.force_login(make_user(Role.MODERATOR))
    listing = client.get(reverse("journeys:persona-list")).content.decode()
    assert "Weekend builders" in listing and reverse("journeys:persona-create") not in listing
    detail = client.get(reverse("journeys:persona-detail", args=[persona.pk])).content.decode()
    assert reverse("journeys:persona-edit", args=[persona.pk]) not in detail
    assert 'action="/personas/' not in detail  # no override form
    questions = client.get(reverse("journeys:question-list")).content.decode()
    assert often.text in questions and reverse("journeys:question-create") not in questions
    assert client.get(reverse("journeys:persona-edit", args=[persona.pk])).status_code == 403
    assert client.get(reverse("journeys:question-edit", args=[often.pk])).status_code == 403
    response = client.post(
        reverse("journeys:persona-override", args=[persona.pk]),
        {"email": "x@example.com", "include": "include"},
    )
    assert response.status_code == 403


# --- Personas and their rules -------------------------------------------------------------------------
def test_a_brand_admin_creates_a_persona_with_rules_and_sees_its_real_members(
    admin_client_: Client, make_user: Any, often: ProfileQuestion, sets: ProfileQuestion
) -> None:
    keen, busy, rare = make_user(), make_user(), make_user()
    answer(keen, often, "Every weekend")
    answer(keen, sets, number=12)
    answer(busy, often, "Most evenings")
    answer(busy, sets, number=40)
    answer(rare, often, "Rarely")
    form = admin_client_.get(reverse("journeys:persona-create")).content.decode()
    assert 'name="rules-0-question"' in form and often.text in form

    response = admin_client_.post(
        reverse("journeys:persona-create"),
        persona_data(
            rules=[
                {"question": str(often.pk), "values": ["Every weekend", "Most evenings"]},
                {"question": str(sets.pk), "operator": "between", "min_value": "10", "max_value": ""},
            ],
            picture=png(),
        ),
    )
    persona = Persona.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("journeys:persona-detail", args=[persona.pk])
    assert (persona.quote, persona.estimated_size, persona.colour) == (
        "Saturday is for building.",
        12000,
        "#2a6f3e",
    )
    assert str(persona.picture.name).startswith("personas/persona-")
    assert rules_of(persona) == [
        (often.pk, "any_of", ["Every weekend", "Most evenings"], None, None),
        (sets.pk, "between", [], Decimal("10"), None),
    ]

    detail = admin_client_.get(response["Location"]).content.decode()
    assert "How often do you build with our products? is any of: Every weekend, Most evenings" in detail
    assert "How many sets do you buy a year? is at least 10 sets" in detail
    assert keen.public_name in detail and busy.public_name in detail and rare.public_name not in detail
    assert reverse("accounts:member-detail", args=[keen.pk]) in detail

    listing = admin_client_.get(reverse("journeys:persona-list")).content.decode()
    assert "Weekend builders" in listing and "12,000" in listing and "Saturday is for building." in listing
    assert "<dt>Real members matching</dt><dd>2</dd>" in listing
    assert 'fill="#2a6f3e"' in listing


def test_a_rule_that_can_never_match_changes_nothing(
    admin_client_: Client, brand_admin: User, often: ProfileQuestion, sets: ProfileQuestion
) -> None:
    persona = services.persona_create(actor=brand_admin, name="Weekend builders", quote="Old quote")
    services.persona_rules_set(
        actor=brand_admin,
        persona=persona,
        rules=[{"question_id": often.pk, "operator": "any_of", "values": ["Every weekend"]}],
    )
    before = rules_of(persona)
    url = reverse("journeys:persona-edit", args=[persona.pk])
    page = admin_client_.get(url).content.decode()
    assert 'value="Every weekend" id="id_rules-0-values_0" checked' in page

    response = admin_client_.post(
        url,
        persona_data(
            name="Renamed",
            quote="New quote",
            rules=[{"question": str(often.pk), "operator": "all_of", "values": ["Every weekend", "Rarely"]}],
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "takes a single answer, so requiring all of several answers can never match" in body
    assert 'id="id_rules-0-operator_errors"' in body
    persona.refresh_from_db()
    assert (persona.name, persona.quote) == ("Weekend builders", "Old quote")
    assert rules_of(persona) == before

    response = admin_client_.post(
        url,
        persona_data(
            rules=[
                {"question": str(sets.pk), "operator": "between", "min_value": "1", "max_value": "5"},
                {"question": str(sets.pk), "operator": "between", "min_value": "10", "max_value": "20"},
            ]
        ),
    )
    assert response.status_code == 400
    assert "do not overlap, so together they can never match" in response.content.decode()
    assert rules_of(persona) == before

    response = admin_client_.post(
        url, persona_data(rules=[{"question": str(sets.pk), "operator": "between", "min_value": "500"}])
    )
    assert "so this range can never match" in response.content.decode()
    assert rules_of(persona) == before


def test_choosing_a_question_shows_its_answers_without_saving(
    admin_client_: Client, brand_admin: User, often: ProfileQuestion, sets: ProfileQuestion
) -> None:
    url = reverse("journeys:persona-create")
    data = persona_data(name="", rules=[{"question": str(often.pk)}], rules_action="refresh")
    page = admin_client_.post(url, data).content.decode()
    assert 'name="rules-0-values" value="Most evenings"' in page
    assert 'value="Saturday is for building."' in page and "This field is required." not in page
    assert not Persona.objects.exists()

    fragment = admin_client_.post(
        url, persona_data(rules=[{"question": str(sets.pk)}], rules_action="refresh"), headers=HTMX
    ).content.decode()
    assert fragment.startswith('<fieldset id="persona-rules"')
    assert 'name="rules-0-min_value"' in fragment and "Answers run from 0" in fragment
    first_rule = fragment.split('name="rules-1-question"')[0]
    assert '<option value="between"' in first_rule and '<option value="any_of"' not in first_rule

    added = admin_client_.post(
        url, persona_data(rules=[{"question": str(often.pk)}], rules_action="add"), headers=HTMX
    ).content.decode()
    assert 'name="rules-1-question"' in added and 'name="rules-2-question"' not in added
    assert not Persona.objects.exists()


def test_a_rule_is_removed_and_the_persona_keeps_only_staff_picks(
    admin_client_: Client, brand_admin: User, often: ProfileQuestion
) -> None:
    persona = services.persona_create(actor=brand_admin, name="Weekend builders")
    services.persona_rules_set(
        actor=brand_admin,
        persona=persona,
        rules=[{"question_id": often.pk, "operator": "any_of", "values": ["Every weekend"]}],
    )
    data = persona_data(rules=[{"question": str(often.pk), "values": ["Every weekend"], "DELETE": "on"}])
    data["rules-INITIAL_FORMS"] = "1"
    response = admin_client_.post(reverse("journeys:persona-edit", args=[persona.pk]), data)
    assert response.status_code == 302
    assert not persona.rules.exists()
    detail = admin_client_.get(response["Location"]).content.decode()
    assert "No rules: only the members staff include belong to it." in detail


def test_persona_fields_are_checked_in_place(admin_client_: Client, brand_admin: User) -> None:
    services.persona_create(actor=brand_admin, name="Parents")
    url = reverse("journeys:persona-create")
    response = admin_client_.post(url, persona_data(name="parents"))
    assert response.status_code == 400
    assert "A persona with this name exists." in response.content.decode()
    response = admin_client_.post(url, persona_data(colour="red"))
    assert "A colour like #1f4e8c." in response.content.decode()
    bad = SimpleUploadedFile("face.png", b"not an image at all", content_type="image/png")
    response = admin_client_.post(url, persona_data(picture=bad))
    assert response.status_code == 400
    assert "This file is not an image we can read." in response.content.decode()
    assert Persona.objects.count() == 1


def test_the_estimated_size_can_be_emptied(admin_client_: Client, brand_admin: User) -> None:
    persona = services.persona_create(actor=brand_admin, name="Parents", estimated_size=500)
    response = admin_client_.post(
        reverse("journeys:persona-edit", args=[persona.pk]), persona_data(name="Parents", estimated_size="")
    )
    assert response.status_code == 302
    persona.refresh_from_db()
    assert persona.estimated_size is None


def test_a_persona_is_deleted_once_confirmed(admin_client_: Client, brand_admin: User) -> None:
    persona = services.persona_create(actor=brand_admin, name="Parents")
    url = reverse("journeys:persona-delete", args=[persona.pk])
    response = admin_client_.post(url, {})
    assert response.status_code == 400 and "Tick the box to confirm." in response.content.decode()
    assert Persona.objects.exists()
    response = admin_client_.post(url, {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("journeys:persona-list")
    assert not Persona.objects.exists()


# --- Staff overrides ----------------------------------------------------------------------------------
def test_staff_include_exclude_and_release_members(
    admin_client_: Client, brand_admin: User, make_user: Any, often: ProfileQuestion
) -> None:
    fits = make_user(display_name="Fits Well")
    picked = make_user(display_name="Hand Picked")
    answer(fits, often, "Every weekend")
    persona = services.persona_create(actor=brand_admin, name="Weekend builders")
    services.persona_rules_set(
        actor=brand_admin,
        persona=persona,
        rules=[{"question_id": often.pk, "operator": "any_of", "values": ["Every weekend"]}],
    )
    url = reverse("journeys:persona-override", args=[persona.pk])

    response = admin_client_.post(url, {"email": picked.email.upper(), "include": "include"}, headers=HTMX)
    body = response.content.decode()
    assert body.startswith('<section id="members"')
    assert "Hand Picked" in body and "included by staff" in body
    assert PersonaOverride.objects.get(user=picked).include is True

    response = admin_client_.post(url, {"email": fits.email, "include": "exclude"})
    assert response.status_code == 302
    detail = admin_client_.get(reverse("journeys:persona-detail", args=[persona.pk])).content.decode()
    assert "excluded" in detail
    members_table = detail.split("<h3>")[0]
    assert "Fits Well" not in members_table and "Hand Picked" in members_table

    response = admin_client_.post(url, {"email": "nobody@example.com", "include": "include"})
    assert response.status_code == 400
    assert "No member has this email address." in response.content.decode()

    remove = reverse("journeys:persona-override-remove", args=[persona.pk, fits.pk])
    response = admin_client_.post(remove, headers=HTMX)
    assert "Fits Well" in response.content.decode()
    assert not PersonaOverride.objects.filter(user=fits).exists()


# --- Profile questions --------------------------------------------------------------------------------
def test_a_brand_admin_manages_profile_questions(admin_client_: Client, member: User) -> None:
    url = reverse("journeys:question-create")
    response = admin_client_.post(
        url,
        {
            "text": "How often do you build?",
            "help_text": "To invite you at the right moments.",
            "kind": "choice",
            "choices": "Every weekend\n\nMost evenings\nRarely ",
            "ask_at_signup": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("journeys:question-list")
    question = ProfileQuestion.objects.get()
    assert question.choices == ["Every weekend", "Most evenings", "Rarely"]
    assert (question.ask_at_signup, question.active) == (True, True)

    response = admin_client_.post(
        url,
        {
            "text": "How many sets a year?",
            "kind": "number",
            "min_value": "0",
            "max_value": "200",
            "unit": "sets",
        },
    )
    assert response.status_code == 302
    number = ProfileQuestion.objects.get(kind="number")
    assert (number.min_value, number.max_value, number.unit, number.ask_at_signup) == (0, 200, "sets", False)

    listing = admin_client_.get(reverse("journeys:question-list")).content.decode()
    assert "Every weekend, Most evenings, Rarely" in listing and "0 to 200 sets" in listing

    response = admin_client_.post(url, {"text": "Just one?", "kind": "choice", "choices": "Only"})
    assert response.status_code == 400
    assert "Give at least two answers to choose from, one per line." in response.content.decode()

    edit = reverse("journeys:question-edit", args=[question.pk])
    assert "Every weekend\nMost evenings\nRarely" in admin_client_.get(edit).content.decode()
    ProfileAnswer.objects.create(user=member, question=question, choice="Rarely")
    response = admin_client_.post(
        edit, {"text": "How often do you build?", "kind": "choice", "choices": "Every weekend\nMost evenings"}
    )
    assert response.status_code == 400
    assert "Members chose “Rarely”" in response.content.decode()
    response = admin_client_.post(
        edit,
        {
            "text": "How often do you build with us?",
            "kind": "choice",
            "choices": "Every weekend\nRarely\nMonthly",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.choices, question.active) == (
        "How often do you build with us?",
        ["Every weekend", "Rarely", "Monthly"],
        False,
    )


def test_releasing_an_out_of_range_member_id_is_a_404(admin_client_: Client, brand_admin: User) -> None:
    persona = services.persona_create(actor=brand_admin, name="Weekend builders")
    remove = reverse("journeys:persona-override-remove", args=[persona.pk, 2**63])
    assert admin_client_.post(remove).status_code == 404
