"""Fixtures for prototype tests: a persona question, two personas, and a test with two versions."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cocreate.accounts.models import ProfileAnswer, ProfileQuestion, QuestionKind, User
from cocreate.insights import services
from cocreate.insights.models import PrototypeStatus, PrototypeTest
from cocreate.journeys import services as journey_services
from cocreate.journeys.models import Persona


def png(name: str = "proto.png", colour: str = "#c0392b") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def often(db: None) -> ProfileQuestion:
    return ProfileQuestion.objects.create(
        text="How often do you build?", kind=QuestionKind.CHOICE, choices=["Every weekend", "Rarely"]
    )


@pytest.fixture
def personas(brand_admin: User, often: ProfileQuestion) -> tuple[Persona, Persona]:
    weekend = journey_services.persona_create(actor=brand_admin, name="Weekend builders")
    journey_services.persona_rules_set(
        actor=brand_admin,
        persona=weekend,
        rules=[{"question_id": often.pk, "operator": "any_of", "values": ["Every weekend"]}],
    )
    rare = journey_services.persona_create(actor=brand_admin, name="Occasional builders")
    journey_services.persona_rules_set(
        actor=brand_admin,
        persona=rare,
        rules=[{"question_id": often.pk, "operator": "any_of", "values": ["Rarely"]}],
    )
    return weekend, rare


@pytest.fixture
def builder(make_user: Callable[..., User], often: ProfileQuestion) -> Callable[[str], User]:
    """A member who answered how often they build (so they fall in one persona)."""

    def make(answer: str = "Every weekend") -> User:
        user = make_user("member")
        ProfileAnswer.objects.create(user=user, question=often, choice=answer)
        return user

    return make


@pytest.fixture
def make_test(brand_admin: User) -> Callable[..., PrototypeTest]:
    def make(
        status: str = PrototypeStatus.OPEN, versions: tuple[str, ...] = ("v1", "v2"), **fields: Any
    ) -> PrototypeTest:
        fields.setdefault("criteria", ["Ease of use", "Looks"])
        fields.setdefault("questions", ["What would you change?"])
        test = services.prototype_test_create(
            actor=brand_admin, title=fields.pop("title", "Alpine Cable Car"), **fields
        )
        for label in versions:
            services.version_create(
                actor=brand_admin, test=test, label=label, description=f"The {label} build"
            )
        if status != PrototypeStatus.DRAFT:
            services.prototype_test_update(actor=brand_admin, test=test, status=status)
        return test

    return make
