from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from cocreate.core.api import InputSchema


class RuleOut(Schema):
    question_id: int
    operator: str
    values: list[str]
    min_value: Decimal | None
    max_value: Decimal | None


class RuleIn(InputSchema):
    question_id: int
    operator: str
    values: list[str] = []
    min_value: Decimal | None = None
    max_value: Decimal | None = None


class PersonaOut(Schema):
    id: int
    name: str
    quote: str
    goals: str
    pains: str
    behaviours: str
    demographics: str
    estimated_size: int | None
    colour: str
    picture_url: str | None
    rules: list[RuleOut]
    member_count: int | None = None

    @staticmethod
    def resolve_picture_url(obj: object) -> str | None:
        picture = getattr(obj, "picture", None)
        return picture.url if picture else None

    @staticmethod
    def resolve_rules(obj: object) -> list[object]:
        return list(obj.rules.all())  # type: ignore[attr-defined]


class PersonaIn(InputSchema):
    name: str = Field(min_length=1, max_length=80)
    quote: str | None = Field(default=None, max_length=200)
    goals: str | None = Field(default=None, max_length=4000)
    pains: str | None = Field(default=None, max_length=4000)
    behaviours: str | None = Field(default=None, max_length=4000)
    demographics: str | None = Field(default=None, max_length=2000)
    estimated_size: int | None = Field(default=None, ge=0)
    colour: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")


class PersonaPatch(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    quote: str | None = Field(default=None, max_length=200)
    goals: str | None = Field(default=None, max_length=4000)
    pains: str | None = Field(default=None, max_length=4000)
    behaviours: str | None = Field(default=None, max_length=4000)
    demographics: str | None = Field(default=None, max_length=2000)
    estimated_size: int | None = Field(default=None, ge=0)
    colour: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")


class TouchpointOut(Schema):
    id: int
    name: str
    channel: str
    description: str


class EmotionOut(Schema):
    persona_id: int
    score: int
    note: str


class StageOut(Schema):
    id: int
    name: str
    position: int
    description: str
    customer_goals: str
    thoughts: str
    pain_points: str
    touchpoints: list[TouchpointOut]
    emotions: list[EmotionOut]

    @staticmethod
    def resolve_touchpoints(obj: object) -> list[object]:
        return list(obj.touchpoints.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_emotions(obj: object) -> list[object]:
        return list(obj.emotions.all())  # type: ignore[attr-defined]


class JourneySummary(Schema):
    id: int
    name: str
    description: str
    created_at: datetime


class JourneyOut(JourneySummary):
    stages: list[StageOut]


class JourneyIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=4000)
    from_template: bool = True


class JourneyPatch(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=4000)


class StageIn(InputSchema):
    name: str = Field(min_length=1, max_length=80)
    after_stage_id: int | None = None
    description: str | None = Field(default=None, max_length=2000)
    customer_goals: str | None = Field(default=None, max_length=2000)
    thoughts: str | None = Field(default=None, max_length=2000)
    pain_points: str | None = Field(default=None, max_length=2000)


class StagePatch(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    description: str | None = Field(default=None, max_length=2000)
    customer_goals: str | None = Field(default=None, max_length=2000)
    thoughts: str | None = Field(default=None, max_length=2000)
    pain_points: str | None = Field(default=None, max_length=2000)
    move: int | None = Field(default=None, ge=-50, le=50, description="Move left (negative) or right.")


class TouchpointIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    channel: str = "website"
    description: str = Field(default="", max_length=300)


class EmotionIn(InputSchema):
    persona_id: int
    score: int | None = Field(default=None, ge=-2, le=2)
    note: str = Field(default="", max_length=200)


class FiguresOut(Schema):
    contributions: int
    participants: int
    pending: int
    progress: int | None


class PointOut(Schema):
    id: int
    public_id: str
    journey_id: int
    stage_id: int
    touchpoint_id: int | None
    persona_ids: list[int]
    kind: str
    title: str
    prompt: str
    owner_id: int | None
    starts_on: date | None
    ends_on: date | None
    goal: int | None
    goal_unit: str
    status: str
    poll_options: list[str]
    poll_multiple: bool
    allowed_origins: list[str]
    figures: FiguresOut | None = None

    @staticmethod
    def resolve_public_id(obj: object) -> str:
        return str(obj.public_id)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_persona_ids(obj: object) -> list[int]:
        return [p.pk for p in obj.personas.all()]  # type: ignore[attr-defined]


class PointIn(InputSchema):
    stage_id: int
    touchpoint_id: int | None = None
    persona_ids: list[int] = []
    kind: str
    title: str = Field(min_length=1, max_length=160)
    prompt: str = Field(default="", max_length=2000)
    starts_on: date | None = None
    ends_on: date | None = None
    goal: int | None = Field(default=None, ge=1)
    goal_unit: str = Field(default="", max_length=40)
    status: str = "open"
    poll_options: list[str] = []
    poll_multiple: bool = False
    allowed_origins: list[str] = []


class PointPatch(InputSchema):
    stage_id: int | None = None
    touchpoint_id: int | None = None
    persona_ids: list[int] | None = None
    kind: str | None = None
    title: str | None = Field(default=None, min_length=1, max_length=160)
    prompt: str | None = Field(default=None, max_length=2000)
    starts_on: date | None = None
    ends_on: date | None = None
    goal: int | None = Field(default=None, ge=1)
    goal_unit: str | None = Field(default=None, max_length=40)
    status: str | None = None
    poll_options: list[str] | None = None
    poll_multiple: bool | None = None
    allowed_origins: list[str] | None = None


class MatrixCellOut(Schema):
    persona_id: int
    persona: str
    stage_id: int
    stage: str
    points: int
    participants: int
    level: int


class CoverageOut(Schema):
    journey_id: int
    personas: list[str]
    stages: list[str]
    cells: list[MatrixCellOut]
    gaps: list[str]


class QuestionOut(Schema):
    id: int
    text: str
    help_text: str
    kind: str
    choices: list[str]
    min_value: Decimal | None
    max_value: Decimal | None
    unit: str
    active: bool
    ask_at_signup: bool


class PollOptionOut(Schema):
    label: str
    count: int
    share: int


class PollTallyOut(Schema):
    voters: int
    options: list[PollOptionOut]


class PollPersonaOut(Schema):
    persona_id: int
    persona: str
    voters: int
    options: list[PollOptionOut]


class PollOut(Schema):
    point_id: int
    multiple: bool
    voters: int
    options: list[PollOptionOut]
    personas: list[PollPersonaOut]
