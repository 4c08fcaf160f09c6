"""Profile questions: members answer them (optionally) at sign-up or later; staff manage them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from cocreate.accounts import selectors, services
from cocreate.accounts.models import ProfileAnswer, ProfileQuestion, QuestionKind, User
from cocreate.core.errors import Conflict, DomainError, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(brand_admin: User) -> dict[str, ProfileQuestion]:
    return {
        "freq": services.question_create(
            actor=brand_admin,
            text="How often do you build?",
            kind="choice",
            choices=["Every weekend", "Rarely"],
            help_text="To invite you.",
        ),
        "who": services.question_create(
            actor=brand_admin,
            text="Who do you build for?",
            kind="multi_choice",
            choices=["Myself", "My children", "As a gift"],
        ),
        "sets": services.question_create(
            actor=brand_admin,
            text="How many sets do you own?",
            kind="number",
            min_value=Decimal(0),
            max_value=Decimal(5000),
            ask_at_signup=False,
        ),
    }


def test_a_member_answers_and_changes_their_answers(
    member_client: Any, member: User, questions: dict[str, ProfileQuestion]
) -> None:
    page = member_client.get(reverse("accounts:about-you"))
    assert page.status_code == 200
    assert "How often do you build?" in page.content.decode() and "To invite you." in page.content.decode()
    data = {
        f"q_{questions['freq'].pk}": "Rarely",
        f"q_{questions['who'].pk}": ["Myself", "As a gift"],
        f"q_{questions['sets'].pk}": "120",
    }
    response = member_client.post(reverse("accounts:about-you"), data)
    assert response.status_code == 302
    assert selectors.answers_of(user=member) == {
        questions["freq"].pk: "Rarely",
        questions["who"].pk: ["Myself", "As a gift"],
        questions["sets"].pk: Decimal("120.00"),
    }
    # Clearing an answer removes it; the others stay as given.
    data[f"q_{questions['who'].pk}"] = []
    member_client.post(reverse("accounts:about-you"), data)
    assert questions["who"].pk not in selectors.answers_of(user=member)


def test_out_of_range_and_unknown_answers_are_refused_in_place(
    member_client: Any, member: User, questions: dict[str, ProfileQuestion]
) -> None:
    response = member_client.post(
        reverse("accounts:about-you"),
        {f"q_{questions['sets'].pk}": "-4", f"q_{questions['freq'].pk}": "Daily"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice" in body and "greater than or equal to 0" in body
    assert not ProfileAnswer.objects.filter(user=member).exists()
    with pytest.raises(DomainError):
        services.answers_set(actor=member, user=member, answers={questions["who"].pk: ["Everyone"]})


def test_sign_up_asks_the_sign_up_questions_and_records_answers(
    client: Any, questions: dict[str, ProfileQuestion]
) -> None:
    page = client.get(reverse("account_signup")).content.decode()
    assert "How often do you build?" in page and "How many sets" not in page
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-enough-pass-77",
            "password2": "a-long-enough-pass-77",
            "display_name": "New Builder",
            "accept_terms": "on",
            f"q_{questions['freq'].pk}": "Every weekend",
        },
    )
    assert response.status_code == 302, response.content
    user = User.objects.get(email="new@example.com")
    assert selectors.answers_of(user=user) == {questions["freq"].pk: "Every weekend"}
    assert len(mail.outbox) == 1


def test_only_the_brand_team_manages_questions_and_answered_ones_keep_their_meaning(
    brand_admin: User, moderator: User, member: User, questions: dict[str, ProfileQuestion]
) -> None:
    with pytest.raises(NotAllowed):
        services.question_create(
            actor=moderator, text="Favourite colour?", kind="choice", choices=["Red", "Blue"]
        )
    with pytest.raises(DomainError) as err:
        services.question_create(actor=brand_admin, text="One option?", kind="choice", choices=["Only"])
    assert err.value.field == "choices"
    services.answers_set(actor=member, user=member, answers={questions["freq"].pk: "Rarely"})
    with pytest.raises(Conflict):
        services.question_update(actor=brand_admin, question=questions["freq"], kind=QuestionKind.NUMBER)
    with pytest.raises(Conflict):
        services.question_update(
            actor=brand_admin, question=questions["freq"], choices=["Every weekend", "Often"]
        )
    services.question_update(
        actor=brand_admin, question=questions["freq"], choices=["Every weekend", "Rarely", "Monthly"]
    )
    assert ProfileQuestion.objects.get(pk=questions["freq"].pk).choices == [
        "Every weekend",
        "Rarely",
        "Monthly",
    ]
