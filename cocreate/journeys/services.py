"""Writes for personas, journeys, participation points and attribution.

Invariants guarded here:
- only the brand team (administrators, analysts) changes personas, journeys and points;
- a persona's rules can always be met by some possible set of answers (no rule that can never match);
- a stage is deleted only with explicit consent when points or contributions sit on it, and nothing is
  deleted silently: points are moved or removed as the actor chose;
- every contribution records the point, stage and touchpoint it came through; a visitor's contribution
  counts only once its email is confirmed, and confirming twice counts it once;
- a point only accepts contributions while it is open and within its dates, of its own kind.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.accounts.models import ProfileQuestion, QuestionKind
from cocreate.brand.validators import validate_hex_colour
from cocreate.core.errors import Conflict, DomainError, NotFound, validation_error_to_domain
from cocreate.core.images import clean_image

from .models import (
    Channel,
    Contribution,
    ContributionKind,
    ContributionSource,
    ContributionStatus,
    Journey,
    ParticipationPoint,
    Persona,
    PersonaOverride,
    PersonaRule,
    PointKind,
    PointStatus,
    RuleOperator,
    Stage,
    StageEmotion,
    Touchpoint,
)
from .policies import check_can_design_journeys
from .selectors import confirm_key_digest

JOURNEY_TEMPLATE = [
    ("Awareness", "Discovers the brand and its products."),
    ("Consideration", "Compares, reads reviews, imagines owning it."),
    ("Purchase", "Buys in a store or online."),
    ("Development", "Prototypes and pre-launch: the product is still being shaped."),
    ("Usage", "Builds, plays, displays; meets problems and delights."),
    ("Advocacy", "Recommends, shares builds, comes back for the next set."),
]

# The contribution a widget collects for each kind of point.
WIDGET_KIND = {
    PointKind.IDEA: ContributionKind.IDEA,
    PointKind.SUGGESTION: ContributionKind.SUGGESTION,
    PointKind.BOARD: ContributionKind.SUGGESTION,
    PointKind.REVIEW: ContributionKind.RATING,
    PointKind.PROTOTYPE: ContributionKind.RATING,
    PointKind.POLL: ContributionKind.POLL_ANSWER,
    PointKind.WORKSHOP: ContributionKind.REGISTRATION,
    PointKind.CONTEST: ContributionKind.IDEA,
}

PERSONA_FIELDS = {
    "name",
    "quote",
    "goals",
    "pains",
    "behaviours",
    "demographics",
    "estimated_size",
    "colour",
    "position",
}
STAGE_FIELDS = {"name", "description", "customer_goals", "thoughts", "pain_points"}
POINT_FIELDS = {
    "kind",
    "title",
    "prompt",
    "starts_on",
    "ends_on",
    "goal",
    "goal_unit",
    "status",
    "poll_options",
    "poll_multiple",
    "allowed_origins",
    "target_type",
    "target_id",
}


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise validation_error_to_domain(exc) from None


def _reject_unknown(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise DomainError(message=_("Unknown field %(f)s.") % {"f": unknown[0]}, field=unknown[0])


# --- Personas -----------------------------------------------------------------------------------------
@transaction.atomic
def persona_create(*, actor: Any, name: str, picture: UploadedFile | None = None, **fields: Any) -> Persona:
    check_can_design_journeys(actor)
    _reject_unknown(fields, PERSONA_FIELDS)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(message=_("A persona needs a name."), field="name")
    if Persona.objects.filter(name__iexact=name).exists():
        raise Conflict(_("A persona with this name exists."), field="name")
    persona = Persona(name=name, **{k: v for k, v in fields.items() if v is not None})
    if "position" not in fields:
        persona.position = (Persona.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    if picture is not None:
        _set_picture(persona, picture)
    _check_colour(persona)
    _clean(persona)
    persona.save()
    return persona


def _check_colour(persona: Persona) -> None:
    # The colour is drawn on charts and posters: keep it a real colour whichever door it came through.
    try:
        validate_hex_colour(persona.colour)
    except ValidationError as exc:
        raise validation_error_to_domain(exc, "colour") from None


def _set_picture(persona: Persona, upload: UploadedFile) -> None:
    try:
        clean = clean_image(upload, max_side=600, name_prefix="persona")
    except ValidationError as exc:
        raise validation_error_to_domain(exc, "picture") from None
    persona.picture.save(clean.name or "persona.png", clean, save=False)


@transaction.atomic
def persona_update(
    *, actor: Any, persona: Persona, picture: UploadedFile | None = None, **fields: Any
) -> Persona:
    check_can_design_journeys(actor)
    _reject_unknown(fields, PERSONA_FIELDS)
    if "name" in fields:
        name = " ".join((fields.pop("name") or "").split())
        if not name:
            raise DomainError(message=_("A persona needs a name."), field="name")
        if Persona.objects.filter(name__iexact=name).exclude(pk=persona.pk).exists():
            raise Conflict(_("A persona with this name exists."), field="name")
        persona.name = name
    for key, value in fields.items():
        # None leaves a field as it is, except the estimated size, which may be emptied.
        keep = value is None and key != "estimated_size"
        setattr(persona, key, getattr(persona, key) if keep else value)
    if picture is not None:
        _set_picture(persona, picture)
    _check_colour(persona)
    _clean(persona)
    persona.save()
    return persona


@transaction.atomic
def persona_delete(*, actor: Any, persona: Persona) -> None:
    check_can_design_journeys(actor)
    persona.delete()


@dataclass
class RuleSpec:
    question_id: int
    operator: str
    values: list[str]
    min_value: Decimal | None = None
    max_value: Decimal | None = None


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(message=_("Enter a number."), field=field) from None


def _parse_rule(raw: Any, index: int) -> RuleSpec:
    if isinstance(raw, RuleSpec):
        return raw
    if not isinstance(raw, dict):
        raise DomainError(message=_("Each rule needs a question and a condition."), field=f"rules.{index}")
    values = raw.get("values") or []
    if isinstance(values, str):
        values = [values]
    try:
        question_id = int(raw.get("question_id") or raw.get("question") or 0)
    except (TypeError, ValueError):
        question_id = 0
    return RuleSpec(
        question_id=question_id,
        operator=str(raw.get("operator") or ""),
        values=[str(v) for v in values],
        min_value=_decimal(raw.get("min_value"), f"rules.{index}.min_value"),
        max_value=_decimal(raw.get("max_value"), f"rules.{index}.max_value"),
    )


def _check_rule(spec: RuleSpec, question: ProfileQuestion, field: str) -> None:
    """Reject a single rule that no answer to `question` could ever satisfy."""
    if spec.operator not in RuleOperator.values:
        raise DomainError(message=_("Choose a condition."), field=f"{field}.operator")
    if spec.operator in (RuleOperator.ANY_OF, RuleOperator.ALL_OF):
        if question.kind == QuestionKind.NUMBER:
            raise DomainError(
                message=_("“%(q)s” is answered with a number: use “number is between”.")
                % {"q": question.text},
                field=f"{field}.operator",
            )
        if not spec.values:
            raise DomainError(message=_("Pick at least one answer."), field=f"{field}.values")
        unknown = [v for v in spec.values if v not in question.choices]
        if unknown:
            raise DomainError(
                message=_("“%(v)s” is not one of the answers to “%(q)s”, so this rule could never match.")
                % {"v": unknown[0], "q": question.text},
                field=f"{field}.values",
            )
        if (
            spec.operator == RuleOperator.ALL_OF
            and question.kind == QuestionKind.CHOICE
            and len(set(spec.values)) > 1
        ):
            raise DomainError(
                message=_(
                    "“%(q)s” takes a single answer, so requiring all of several answers can never "
                    "match. Use “answer is any of”."
                )
                % {"q": question.text},
                field=f"{field}.operator",
            )
        return
    if question.kind != QuestionKind.NUMBER:
        raise DomainError(
            message=_("“%(q)s” is answered by choosing: use “answer is any of”.") % {"q": question.text},
            field=f"{field}.operator",
        )
    if spec.min_value is None and spec.max_value is None:
        raise DomainError(message=_("Give a lowest or a highest value."), field=f"{field}.min_value")
    if spec.min_value is not None and spec.max_value is not None and spec.min_value > spec.max_value:
        raise DomainError(
            message=_("The lowest value (%(lo)s) is above the highest (%(hi)s): no number is between them.")
            % {"lo": spec.min_value, "hi": spec.max_value},
            field=f"{field}.max_value",
        )
    q_lo, q_hi = question.min_value, question.max_value
    if (spec.max_value is not None and q_lo is not None and spec.max_value < q_lo) or (
        spec.min_value is not None and q_hi is not None and spec.min_value > q_hi
    ):
        raise DomainError(
            message=_("Answers to “%(q)s” run from %(lo)s to %(hi)s, so this range can never match.")
            % {
                "q": question.text,
                "lo": q_lo if q_lo is not None else "…",
                "hi": q_hi if q_hi is not None else "…",
            },
            field=f"{field}.min_value",
        )


def _check_rules_together(specs: list[RuleSpec], questions: dict[int, ProfileQuestion]) -> None:
    """Rules on the same question must leave some answer that meets them all."""
    by_question: dict[int, list[RuleSpec]] = {}
    for spec in specs:
        by_question.setdefault(spec.question_id, []).append(spec)
    for qid, group in by_question.items():
        if len(group) < 2:
            continue
        question = questions[qid]
        if question.kind == QuestionKind.NUMBER:
            lows = [s.min_value for s in group if s.min_value is not None]
            highs = [s.max_value for s in group if s.max_value is not None]
            if lows and highs and max(lows) > min(highs):
                raise DomainError(
                    message=_(
                        "The ranges given for “%(q)s” do not overlap, so together they can never match."
                    )
                    % {"q": question.text},
                    field="rules",
                )
        elif question.kind == QuestionKind.CHOICE:
            possible = set(question.choices)
            for spec in group:
                possible &= set(spec.values)
            if not possible:
                raise DomainError(
                    message=_("“%(q)s” takes a single answer, and no answer meets all its rules together.")
                    % {"q": question.text},
                    field="rules",
                )


@transaction.atomic
def persona_rules_set(*, actor: Any, persona: Persona, rules: list[Any]) -> list[PersonaRule]:
    """Replace a persona's rules (all of them must hold for a member to match)."""
    check_can_design_journeys(actor)
    specs = [_parse_rule(raw, i) for i, raw in enumerate(rules)]
    questions = ProfileQuestion.objects.in_bulk([s.question_id for s in specs])
    for i, spec in enumerate(specs):
        question = questions.get(spec.question_id)
        if question is None:
            raise NotFound(_("No such profile question."), field=f"rules.{i}.question_id")
        _check_rule(spec, question, f"rules.{i}")
    _check_rules_together(specs, questions)
    persona.rules.all().delete()
    made = [
        PersonaRule(
            persona=persona,
            question_id=s.question_id,
            operator=s.operator,
            values=list(dict.fromkeys(s.values)),
            min_value=s.min_value,
            max_value=s.max_value,
        )
        for s in specs
    ]
    PersonaRule.objects.bulk_create(made)
    Persona.objects.filter(pk=persona.pk).update(updated_at=timezone.now())
    return list(persona.rules.all())


@transaction.atomic
def persona_override_set(*, actor: Any, persona: Persona, user: Any, include: bool | None) -> None:
    """Put a member in (True) or keep them out of (False) a persona; None goes back to the rules."""
    check_can_design_journeys(actor)
    if include is None:
        PersonaOverride.objects.filter(persona=persona, user=user).delete()
        return
    PersonaOverride.objects.update_or_create(
        persona=persona, user=user, defaults={"include": include, "set_by": actor}
    )


# --- Journeys and stages ------------------------------------------------------------------------------
@transaction.atomic
def journey_create(*, actor: Any, name: str, description: str = "", from_template: bool = True) -> Journey:
    check_can_design_journeys(actor)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(message=_("A journey needs a name."), field="name")
    journey = Journey(name=name, description=(description or "").strip(), created_by=actor)
    _clean(journey, exclude=["created_by"])
    journey.save()
    if from_template:
        Stage.objects.bulk_create(
            [
                Stage(journey=journey, name=str(_(n)), description=str(_(d)), position=i + 1)
                for i, (n, d) in enumerate(JOURNEY_TEMPLATE)
            ]
        )
    return journey


@transaction.atomic
def journey_update(
    *, actor: Any, journey: Journey, name: str | None = None, description: str | None = None
) -> Journey:
    check_can_design_journeys(actor)
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise DomainError(message=_("A journey needs a name."), field="name")
        journey.name = name
    if description is not None:
        journey.description = description.strip()
    _clean(journey, exclude=["created_by"])
    journey.save()
    return journey


@transaction.atomic
def journey_delete(*, actor: Any, journey: Journey, confirm: bool = False) -> None:
    check_can_design_journeys(actor)
    contributions = Contribution.objects.filter(stage__journey=journey).count()
    if contributions and not confirm:
        raise Conflict(
            _("%(n)s contributions were made through this journey's points. Confirm to delete them with it.")
            % {"n": contributions},
            field="confirm",
        )
    ParticipationPoint.objects.filter(journey=journey).delete()
    journey.delete()


@transaction.atomic
def stage_add(*, actor: Any, journey: Journey, name: str, after: Stage | None = None, **fields: Any) -> Stage:
    check_can_design_journeys(actor)
    _reject_unknown(fields, STAGE_FIELDS - {"name"})
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(message=_("A stage needs a name."), field="name")
    stages = Journey.objects.select_for_update().filter(pk=journey.pk)  # serialise reorders of one journey
    list(stages)
    if after is not None:
        if after.journey_id != journey.pk:
            raise DomainError(message=_("That stage belongs to another journey."), field="after")
        position = after.position + 1
        journey.stages.filter(position__gte=position).update(position=F("position") + 1)
    else:
        position = (journey.stages.aggregate(m=Max("position"))["m"] or 0) + 1
    # null leaves a text field blank, as when it is left out: the columns are NOT NULL.
    fields = {k: v for k, v in fields.items() if v is not None}
    stage = Stage(journey=journey, name=name, position=position, **fields)
    _clean(stage)
    stage.save()
    return stage


@transaction.atomic
def stage_update(*, actor: Any, stage: Stage, **fields: Any) -> Stage:
    check_can_design_journeys(actor)
    _reject_unknown(fields, STAGE_FIELDS)
    for key, value in fields.items():
        if value is None:
            continue
        value = value.strip()
        if key == "name" and not value:
            raise DomainError(message=_("A stage needs a name."), field="name")
        setattr(stage, key, value)
    _clean(stage)
    stage.save()
    return stage


@transaction.atomic
def stage_move(*, actor: Any, stage: Stage, offset: int) -> list[Stage]:
    """Move a stage left (negative) or right (positive); positions are renumbered 1…n."""
    check_can_design_journeys(actor)
    list(Journey.objects.select_for_update().filter(pk=stage.journey_id))
    stages = list(Stage.objects.filter(journey_id=stage.journey_id).order_by("position", "id"))
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    target = max(0, min(len(stages) - 1, index + offset))
    stages.insert(target, stages.pop(index))
    for i, s in enumerate(stages, start=1):
        if s.position != i:
            s.position = i
    Stage.objects.bulk_update(stages, ["position"])
    return stages


@dataclass
class StageContents:
    points: int
    contributions: int
    touchpoints: int

    @property
    def empty(self) -> bool:
        return not (self.points or self.contributions)


def stage_contents(stage: Stage) -> StageContents:
    return StageContents(
        points=stage.points.count(),
        contributions=stage.contributions.count(),
        touchpoints=stage.touchpoints.count(),
    )


@transaction.atomic
def stage_delete(
    *, actor: Any, stage: Stage, move_points_to: Stage | None = None, delete_points: bool = False
) -> None:
    """Delete a stage. With points on it the actor must choose: move them (and their contributions) to
    another stage of the journey, or delete them explicitly. Touchpoints and emotions go with the stage."""
    check_can_design_journeys(actor)
    contents = stage_contents(stage)
    if not contents.empty:
        if move_points_to is not None:
            if move_points_to.journey_id != stage.journey_id or move_points_to.pk == stage.pk:
                raise DomainError(
                    message=_("Choose another stage of the same journey."), field="move_points_to"
                )
            ParticipationPoint.objects.filter(stage=stage).update(stage=move_points_to, touchpoint=None)
            Contribution.objects.filter(stage=stage).update(stage=move_points_to, touchpoint=None)
        elif delete_points:
            Contribution.objects.filter(stage=stage).delete()
            ParticipationPoint.objects.filter(stage=stage).delete()
        else:
            raise Conflict(
                _(
                    "%(p)s participation points with %(c)s contributions sit on “%(s)s”. "
                    "Move them to another stage, or confirm that they are deleted with it."
                )
                % {"p": contents.points, "c": contents.contributions, "s": stage.name},
                field="stage",
            )
    journey_id = stage.journey_id
    stage.delete()
    remaining = list(Stage.objects.filter(journey_id=journey_id).order_by("position", "id"))
    for i, s in enumerate(remaining, start=1):
        s.position = i
    Stage.objects.bulk_update(remaining, ["position"])


@transaction.atomic
def touchpoint_add(
    *, actor: Any, stage: Stage, name: str, channel: str = Channel.WEBSITE, description: str = ""
) -> Touchpoint:
    check_can_design_journeys(actor)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(message=_("A touchpoint needs a name."), field="name")
    if channel not in Channel.values:
        raise DomainError(message=_("Choose a channel."), field="channel")
    touchpoint = Touchpoint(stage=stage, name=name, channel=channel, description=(description or "").strip())
    _clean(touchpoint)
    touchpoint.save()
    return touchpoint


@transaction.atomic
def touchpoint_delete(*, actor: Any, touchpoint: Touchpoint) -> None:
    check_can_design_journeys(actor)
    touchpoint.delete()  # points and contributions keep their stage; their touchpoint becomes empty


@transaction.atomic
def emotion_set(*, actor: Any, stage: Stage, persona: Persona, score: int | None, note: str = "") -> None:
    """Set how a persona feels at a stage (−2…+2); None clears it."""
    check_can_design_journeys(actor)
    if score is None:
        StageEmotion.objects.filter(stage=stage, persona=persona).delete()
        return
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise DomainError(
            message=_("An emotion score is a whole number from −2 to +2."), field="score"
        ) from None
    if not -2 <= score <= 2:
        raise DomainError(
            message=_("An emotion score runs from −2 (frustrated) to +2 (delighted)."), field="score"
        )
    StageEmotion.objects.update_or_create(
        stage=stage, persona=persona, defaults={"score": score, "note": (note or "")[:200]}
    )


# --- Participation points ----------------------------------------------------------------------------
def normalise_origin(value: str) -> str:
    """'https://shop.example.com/path' -> 'https://shop.example.com'; rejects anything not http(s)."""
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise DomainError(
            message=_("“%(v)s” is not a web address like https://shop.example.com.") % {"v": value[:80]},
            field="allowed_origins",
        )
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def _point_checks(point: ParticipationPoint, personas: list[Persona] | None) -> None:
    if point.kind not in PointKind.values:
        raise DomainError(message=_("Choose what kind of participation this is."), field="kind")
    if point.status not in PointStatus.values:
        raise DomainError(message=_("Unknown status."), field="status")
    if not (point.title or "").strip():
        raise DomainError(message=_("A participation point needs a title."), field="title")
    if point.stage.journey_id != point.journey_id:
        raise DomainError(message=_("That stage belongs to another journey."), field="stage")
    if point.touchpoint is not None and point.touchpoint.stage_id != point.stage_id:
        raise DomainError(message=_("That touchpoint is not at the chosen stage."), field="touchpoint")
    if point.starts_on and point.ends_on and point.ends_on < point.starts_on:
        raise DomainError(message=_("The end date is before the start date."), field="ends_on")
    if point.goal is not None and point.goal < 1:
        raise DomainError(message=_("A goal is at least 1."), field="goal")
    options = [" ".join(str(o).split()) for o in (point.poll_options or []) if str(o).strip()]
    if point.kind == PointKind.POLL and not 2 <= len(set(options)) <= 12:
        raise DomainError(message=_("A poll needs between 2 and 12 different options."), field="poll_options")
    if any(len(o) > 120 for o in options):
        raise DomainError(message=_("A poll option has at most 120 characters."), field="poll_options")
    point.poll_options = list(dict.fromkeys(options))
    # Only a poll takes several answers; any other kind keeps the flag off so nothing reads it wrongly.
    point.poll_multiple = bool(point.poll_multiple) and point.kind == PointKind.POLL
    point.allowed_origins = sorted(
        {normalise_origin(o) for o in (point.allowed_origins or []) if str(o).strip()}
    )
    if personas is not None and len(personas) > 50:
        raise DomainError(message=_("Too many personas."), field="personas")


@transaction.atomic
def point_create(
    *,
    actor: Any,
    journey: Journey,
    stage: Stage,
    kind: str,
    title: str,
    touchpoint: Touchpoint | None = None,
    personas: list[Persona] | None = None,
    owner: Any = None,
    **fields: Any,
) -> ParticipationPoint:
    check_can_design_journeys(actor)
    _reject_unknown(fields, POINT_FIELDS - {"kind", "title"})
    point = ParticipationPoint(
        journey=journey,
        stage=stage,
        touchpoint=touchpoint,
        kind=kind,
        title=" ".join((title or "").split()),
        owner=owner or actor,
        **{k: v for k, v in fields.items() if v is not None},
    )
    _point_checks(point, personas)
    _clean(point, exclude=["owner", "journey", "stage", "touchpoint"])
    point.save()
    if personas:
        point.personas.set(personas)
    return point


@transaction.atomic
def point_update(
    *,
    actor: Any,
    point: ParticipationPoint,
    stage: Stage | None = None,
    touchpoint: Touchpoint | bool | None = False,
    personas: list[Persona] | None = None,
    owner: Any = None,
    **fields: Any,
) -> ParticipationPoint:
    """Change a point. `touchpoint=False` leaves it as it is; None removes it."""
    check_can_design_journeys(actor)
    _reject_unknown(fields, POINT_FIELDS)
    if stage is not None and stage.pk != point.stage_id:
        point.stage = stage
        if touchpoint is False:
            touchpoint = None
    if touchpoint is not False:
        point.touchpoint = touchpoint  # type: ignore[assignment]
    if owner is not None:
        point.owner = owner
    for key, value in fields.items():
        if key in ("title",) and value is not None:
            value = " ".join(str(value).split())
        setattr(point, key, value)
    _point_checks(point, personas)
    _clean(point, exclude=["owner", "journey", "stage", "touchpoint"])
    point.save()
    if personas is not None:
        point.personas.set(personas)
    return point


@transaction.atomic
def point_delete(*, actor: Any, point: ParticipationPoint, confirm: bool = False) -> None:
    check_can_design_journeys(actor)
    n = point.contributions.count()
    if n and not confirm:
        raise Conflict(
            _("%(n)s contributions came through this point. Confirm to delete them with it.") % {"n": n},
            field="confirm",
        )
    point.delete()


# --- Attribution --------------------------------------------------------------------------------------
SESSION_KEY = "cocreate_attribution"


@dataclass
class Attribution:
    point: ParticipationPoint
    touchpoint: Touchpoint | None
    source: str = ContributionSource.LINK


def attribution_remember(session: Any, point: ParticipationPoint, touchpoint_id: Any = None) -> None:
    """Keep the point (and touchpoint) a visitor arrived through, for their next contributions."""
    touchpoint = None
    if touchpoint_id:
        try:
            touchpoint = point.stage.touchpoints.filter(pk=int(touchpoint_id)).first()
        except (TypeError, ValueError):
            touchpoint = None
    session[SESSION_KEY] = {
        "point": point.pk,
        "touchpoint": touchpoint.pk if touchpoint else (point.touchpoint_id or None),
        "at": timezone.now().isoformat(),
    }


def attribution_from_session(session: Any) -> Attribution | None:
    data = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(data, dict):
        return None
    point_id, touchpoint_id = data.get("point"), data.get("touchpoint")
    if not isinstance(point_id, int):
        return None
    point = (
        ParticipationPoint.objects.select_related("stage")
        .filter(pk=point_id, status=PointStatus.OPEN)
        .first()
    )
    if point is None:
        return None
    touchpoint = (
        point.stage.touchpoints.filter(pk=touchpoint_id).first() if isinstance(touchpoint_id, int) else None
    )
    return Attribution(point=point, touchpoint=touchpoint)


def contribution_record(
    *,
    attribution: Attribution | None,
    kind: str,
    user: Any = None,
    email: str = "",
    target: tuple[str, int] | None = None,
    title: str = "",
    body: str = "",
    rating: int | None = None,
    choice: str = "",
    choices: list[str] | None = None,
) -> Contribution | None:
    """Record that a contribution made elsewhere (an idea, a support, a post…) came through a point.

    Called by other apps' services inside their own transaction; does nothing without an attribution.
    """
    if attribution is None:
        return None
    if kind not in ContributionKind.values:
        raise DomainError(message=_("Unknown contribution kind."), field="kind")
    point = attribution.point
    return Contribution.objects.create(
        point=point,
        stage_id=point.stage_id,
        touchpoint=attribution.touchpoint,
        user=user,
        email=email if user is None else "",
        kind=kind,
        source=attribution.source,
        status=ContributionStatus.CONFIRMED,
        target_type=target[0] if target else "",
        target_id=target[1] if target else None,
        title=title[:200],
        body=body[:5000],
        rating=rating,
        choice=choice[:120],
        choices=list(choices or []),
        confirmed_at=timezone.now(),
    )


def contribution_withdraw(*, target: tuple[str, int], user: Any) -> int:
    """The contribution was undone (a support withdrawn, a post deleted): stop counting it."""
    return Contribution.objects.filter(
        target_type=target[0], target_id=target[1], user=user, status=ContributionStatus.CONFIRMED
    ).update(status=ContributionStatus.WITHDRAWN)


# --- Widget contributions -----------------------------------------------------------------------------
MAX_TITLE = 160
MAX_BODY = 2000


@dataclass
class WidgetInput:
    title: str = ""
    body: str = ""
    rating: int | None = None
    choice: str = ""
    choices: list[str] = field(default_factory=list)
    email: str = ""


def point_accepting(point: ParticipationPoint, today: date | None = None) -> None:
    """Raise unless the point takes contributions now."""
    today = today or timezone.localdate()
    if point.status != PointStatus.OPEN:
        raise DomainError(message=_("This participation point is closed."), status=409)
    if point.starts_on and today < point.starts_on:
        raise DomainError(message=_("This opens on %(d)s.") % {"d": point.starts_on.isoformat()}, status=409)
    if point.ends_on and today > point.ends_on:
        raise DomainError(message=_("This closed on %(d)s.") % {"d": point.ends_on.isoformat()}, status=409)


def _widget_fields(point: ParticipationPoint, data: WidgetInput) -> dict[str, Any]:
    kind = WIDGET_KIND[PointKind(point.kind)]
    title = " ".join((data.title or "").split())
    body = (data.body or "").strip()
    if len(title) > MAX_TITLE:
        raise DomainError(
            message=_("A title has at most %(n)s characters.") % {"n": MAX_TITLE}, field="title"
        )
    if len(body) > MAX_BODY:
        raise DomainError(message=_("At most %(n)s characters, please.") % {"n": MAX_BODY}, field="body")
    fields: dict[str, Any] = {"kind": kind, "title": title, "body": body}
    if kind == ContributionKind.IDEA:
        if not title:
            raise DomainError(message=_("Give your idea a title."), field="title")
        if len(body) < 10:
            raise DomainError(message=_("Describe your idea in a sentence or two."), field="body")
    elif kind == ContributionKind.SUGGESTION:
        if len(body) < 5:
            raise DomainError(message=_("Write your suggestion."), field="body")
    elif kind == ContributionKind.RATING:
        try:
            rating = int(data.rating) if data.rating not in (None, "") else None
        except (TypeError, ValueError):
            rating = None
        if rating is None or not 1 <= rating <= 5:
            raise DomainError(message=_("Choose a rating from 1 to 5 stars."), field="rating")
        fields["rating"] = rating
    elif kind == ContributionKind.POLL_ANSWER and point.poll_multiple:
        picked = set(data.choices or [])
        if not picked:
            raise DomainError(message=_("Tick at least one option."), field="choices")
        if picked - set(point.poll_options):
            raise DomainError(message=_("Tick only the options shown."), field="choices")
        fields["choices"] = [o for o in point.poll_options if o in picked]
    elif kind == ContributionKind.POLL_ANSWER:
        if data.choice not in point.poll_options:
            raise DomainError(message=_("Choose one of the options."), field="choice")
        fields["choice"] = data.choice
    return fields


# A poll or a rating counts once per person and point; ideas and suggestions may come many times.
ONE_ANSWER_KINDS = (ContributionKind.RATING, ContributionKind.POLL_ANSWER)


def _already_answered(point: ParticipationPoint, kind: str, *, user: Any, email: str) -> bool:
    """Whether this person (the member, or a confirmed answer from their address) already counts here."""
    counted = Contribution.objects.filter(point=point, kind=kind, status=ContributionStatus.CONFIRMED)
    if user is not None and counted.filter(user=user).exists():
        return True
    return bool(email) and counted.filter(email__iexact=email).exists()


@dataclass
class WidgetResult:
    contribution: Contribution
    needs_confirmation: bool
    confirm_key: str = ""


@transaction.atomic
def widget_contribute(
    *, point: ParticipationPoint, user: Any, data: WidgetInput, touchpoint: Touchpoint | None = None
) -> WidgetResult:
    """A contribution through a point's widget. A member's counts at once; a visitor's is kept pending
    until they confirm their email address (the returned key goes into the confirmation link)."""
    point_accepting(point)
    fields = _widget_fields(point, data)
    if touchpoint is not None and touchpoint.stage_id != point.stage_id:
        touchpoint = None
    touchpoint = touchpoint or point.touchpoint
    common = {
        "point": point,
        "stage_id": point.stage_id,
        "touchpoint": touchpoint,
        "source": ContributionSource.WIDGET,
        **fields,
    }
    if getattr(user, "is_authenticated", False):
        if fields["kind"] in ONE_ANSWER_KINDS:
            # Lock the point so two quick clicks cannot both pass the check below.
            ParticipationPoint.objects.select_for_update().filter(pk=point.pk).first()
            if _already_answered(point, fields["kind"], user=user, email=user.email):
                raise Conflict(_("You already answered."))
        contribution = Contribution.objects.create(
            user=user, status=ContributionStatus.CONFIRMED, confirmed_at=timezone.now(), **common
        )
        return WidgetResult(contribution=contribution, needs_confirmation=False)
    email = (data.email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            message=_("Enter your email address so we can confirm it is you."), field="email"
        ) from None
    key = secrets.token_urlsafe(24)
    contribution = Contribution.objects.create(
        email=email, status=ContributionStatus.PENDING, confirm_key_hash=confirm_key_digest(key), **common
    )
    return WidgetResult(contribution=contribution, needs_confirmation=True, confirm_key=key)


@transaction.atomic
def contribution_confirm(*, key: str) -> Contribution:
    """Count a visitor's contribution once they followed the link in the email. Idempotent."""
    if not key or len(key) > 100:
        raise NotFound(_("This confirmation link is not valid."), field="key")
    contribution = (
        Contribution.objects.select_for_update().filter(confirm_key_hash=confirm_key_digest(key)).first()
    )
    if contribution is None:
        raise NotFound(_("This confirmation link is not valid."), field="key")
    if contribution.status == ContributionStatus.PENDING:
        from django.contrib.auth import get_user_model

        # The address is now proven: credit the member who owns it, if there is one.
        owner = get_user_model().objects.with_email(contribution.email).filter(is_active=True).first()
        if contribution.kind in ONE_ANSWER_KINDS:
            ParticipationPoint.objects.select_for_update().filter(pk=contribution.point_id).first()
            if _already_answered(contribution.point, contribution.kind, user=owner, email=contribution.email):
                raise Conflict(_("You already answered: your earlier answer is the one that counts."))
        contribution.status = ContributionStatus.CONFIRMED
        contribution.confirmed_at = timezone.now()
        fields = ["status", "confirmed_at"]
        if owner is not None:
            contribution.user = owner
            fields.append("user")
        try:
            contribution.save(update_fields=fields)
        except IntegrityError:
            raise Conflict(_("This contribution could not be confirmed; try again.")) from None
    return contribution
