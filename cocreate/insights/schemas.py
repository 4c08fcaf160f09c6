"""JSON shapes of prototype tests, their versions, responses and results."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from ninja import Field, Schema

from cocreate.core.api import InputSchema


class PrototypePageFilters(InputSchema):
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=settings.COCREATE_API_PAGE_SIZE, ge=1, le=settings.COCREATE_API_MAX_PAGE_SIZE)


class ImageOut(Schema):
    id: int
    url: str
    alt: str

    @staticmethod
    def resolve_url(obj: object) -> str:
        return obj.image.url  # type: ignore[attr-defined]


class VersionOut(Schema):
    id: int
    label: str
    description: str
    link: str
    file_url: str | None
    file_name: str
    images: list[ImageOut]
    position: int

    @staticmethod
    def resolve_file_url(obj: object) -> str | None:
        return obj.file.url if obj.file else None  # type: ignore[attr-defined]

    @staticmethod
    def resolve_images(obj: object) -> list[object]:
        return list(obj.images.all())  # type: ignore[attr-defined]


class TestOut(Schema):
    id: int
    title: str
    description: str
    product_id: int | None
    point_id: int | None
    status: str
    opens_on: date | None
    closes_on: date | None
    criteria: list[str]
    questions: list[str]
    ask_purchase_intent: bool
    open_to_all: bool
    persona_ids: list[int]
    created_at: datetime

    @staticmethod
    def resolve_persona_ids(obj: object) -> list[int]:
        return [p.pk for p in obj.personas.all()]  # type: ignore[attr-defined]


class TestDetailOut(TestOut):
    versions: list[VersionOut]
    responded_version_ids: list[int] = []

    @staticmethod
    def resolve_versions(obj: object) -> list[object]:
        return list(obj.versions.all())  # type: ignore[attr-defined]


class TestPageOut(Schema):
    items: list[TestOut]
    next_cursor: str | None = None


class TestIn(InputSchema):
    title: str = Field(min_length=1, max_length=160)
    description: str = Field(default="", max_length=20000)
    product_id: int | None = None
    point_id: int | None = None
    status: str = "draft"
    opens_on: date | None = None
    closes_on: date | None = None
    criteria: list[str] = Field(min_length=1, max_length=10)
    questions: list[str] = Field(default=[], max_length=5)
    ask_purchase_intent: bool = True
    open_to_all: bool = False
    persona_ids: list[int] = Field(default=[], max_length=50)


class TestPatch(InputSchema):
    title: str | None = Field(default=None, min_length=1, max_length=160)
    description: str | None = Field(default=None, max_length=20000)
    product_id: int | None = None
    point_id: int | None = None
    status: str | None = None
    opens_on: date | None = None
    closes_on: date | None = None
    criteria: list[str] | None = Field(default=None, max_length=10)
    questions: list[str] | None = Field(default=None, max_length=5)
    ask_purchase_intent: bool | None = None
    open_to_all: bool | None = None
    persona_ids: list[int] | None = Field(default=None, max_length=50)


class VersionIn(InputSchema):
    label: str = Field(min_length=1, max_length=40)
    description: str = Field(default="", max_length=10000)
    link: str = Field(default="", max_length=500)
    image_alts: list[str] = Field(default=[], max_length=6)


class InviteIn(InputSchema):
    persona_ids: list[int] = Field(default=[], max_length=50)
    emails: list[str] = Field(default=[], max_length=200)


class InviteOut(Schema):
    invited: int
    already_invited: int
    personas_queued: list[int]


class ResponseIn(InputSchema):
    version_id: int
    ratings: dict[str, int | str | None] = Field(
        description="A score from 1 to 5 per criterion, keyed by the criterion's name (or its position)."
    )
    answers: list[str | None] = Field(default=[], max_length=5)
    purchase_intent: int | str | None = None


class ResponseOut(Schema):
    id: int
    version_id: int
    ratings: dict[str, int]
    answers: list[str]
    purchase_intent: int | None
    created_at: datetime


class DistributionOut(Schema):
    counts: list[int]
    shares: list[int]
    mean: float | None
    top2: int | None


class PrototypeCriterionOut(Schema):
    name: str
    distribution: DistributionOut


class AnswerOut(Schema):
    question: str
    text: str
    created_at: datetime
    respondent: str


class VersionResultOut(Schema):
    version_id: int
    label: str
    responses: int
    criteria: list[PrototypeCriterionOut]
    purchase_intent: DistributionOut
    open_answers: list[AnswerOut] = []


class ComparisonOut(Schema):
    label: str
    means: list[float | None]
    differences: list[float | None]


class PersonaResultOut(Schema):
    persona_id: int
    persona: str
    versions: list[VersionResultOut]


class ResultsOut(Schema):
    test_id: int
    versions: list[VersionResultOut]
    comparison: list[ComparisonOut]
    personas: list[PersonaResultOut]
    purchase_intent_scale: list[str]
