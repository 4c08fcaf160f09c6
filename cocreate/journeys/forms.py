"""Forms for the brand team's design screens: journeys, stages, touchpoints, feelings, participation
points, personas with their membership rules, and the profile questions rules are built on.

Forms only parse and shape what was typed; the rules themselves (a rule that could never match, a
touchpoint of another stage, what a poll needs) belong to the services, whose errors the views show in
place on these forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cocreate.accounts.models import STAFF_ROLES, ProfileQuestion, QuestionKind

from .models import (
    Channel,
    Journey,
    ParticipationPoint,
    Persona,
    PointKind,
    PointStatus,
    RuleOperator,
    Stage,
)

TEXTAREA = {"rows": 3}


def _choices(field: forms.Field) -> forms.ChoiceField:
    """The field as the choice field it is (choices are filled in per request)."""
    assert isinstance(field, forms.ChoiceField)
    return field


def lines(value: str) -> list[str]:
    """One item per non-empty line, surrounding spaces dropped."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


# --- Journeys, stages, touchpoints, feelings -----------------------------------------------------------
class JourneyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Whose journey this is and what it covers."),
    )


class JourneyCreateForm(JourneyForm):
    from_template = forms.BooleanField(
        label=_("Start from the template (Awareness, Consideration, Purchase, Development, Usage, Advocacy)"),
        required=False,
        initial=True,
    )


class ConfirmDeleteForm(forms.Form):
    """Deleting something that contributions came through needs this box ticked."""

    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["confirm"].label = label


class StageForm(forms.Form):
    name = forms.CharField(label=_("Stage name"), max_length=80)
    description = forms.CharField(
        label=_("What happens here"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    customer_goals = forms.CharField(
        label=_("Customer goals"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    thoughts = forms.CharField(
        label=_("Thoughts"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    pain_points = forms.CharField(
        label=_("Pain points"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )

    @classmethod
    def for_stage(cls, stage: Stage, **kwargs: Any) -> StageForm:
        initial = {name: getattr(stage, name) for name in cls.base_fields}
        return cls(initial=initial, **kwargs)


class StageAddForm(forms.Form):
    name = forms.CharField(label=_("New stage name"), max_length=80)
    after = forms.IntegerField(required=False, widget=forms.HiddenInput)


class StageDeleteForm(forms.Form):
    MOVE = "move"
    DELETE = "delete"

    what = forms.ChoiceField(
        label=_("What happens to the participation points and their contributions?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the points are moved or deleted.")},
    )
    move_points_to = forms.ChoiceField(label=_("Move them to"), required=False)

    def __init__(self, *args: Any, others: Iterable[Stage] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.others = {s.pk: s for s in others}
        choices = [(self.DELETE, _("Delete them too"))]
        if self.others:
            choices.insert(0, (self.MOVE, _("Move the points to another stage")))
        _choices(self.fields["what"]).choices = choices
        _choices(self.fields["move_points_to"]).choices = [("", _("Choose a stage"))] + [
            (str(s.pk), s.name) for s in self.others.values()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("what") == self.MOVE:
            target = self.others.get(int(data.get("move_points_to") or 0))
            if target is None:
                self.add_error("move_points_to", _("Choose the stage the points move to."))
            data["target"] = target
        return data


class TouchpointForm(forms.Form):
    name = forms.CharField(label=_("Touchpoint"), max_length=120, help_text=_("e.g. Product page"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WEBSITE)


SCORE_CHOICES = [
    ("", _("not set")),
    ("-2", _("−2 frustrated")),
    ("-1", _("−1 unhappy")),
    ("0", _("0 neutral")),
    ("1", _("+1 pleased")),
    ("2", _("+2 delighted")),
]


class EmotionForm(forms.Form):
    """How each persona feels at one stage: one select per persona."""

    def __init__(self, *args: Any, personas: Iterable[Persona] = (), stage: Stage | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.personas = list(personas)
        current = {e.persona_id: str(e.score) for e in stage.emotions.all()} if stage is not None else {}
        for persona in self.personas:
            self.fields[f"p{persona.pk}"] = forms.ChoiceField(
                label=persona.name,
                choices=SCORE_CHOICES,
                required=False,
                initial=current.get(persona.pk, ""),
            )

    def scores(self) -> list[tuple[Persona, int | None]]:
        out: list[tuple[Persona, int | None]] = []
        for persona in self.personas:
            raw = self.cleaned_data.get(f"p{persona.pk}")
            out.append((persona, int(raw) if raw not in (None, "") else None))
        return out


# --- Participation points ------------------------------------------------------------------------------
class PointForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of participation"), choices=PointKind.choices)
    title = forms.CharField(label=_("Title"), max_length=160)
    prompt = forms.CharField(
        label=_("Question asked"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("What the widget asks, e.g. “What set should we make next?”"),
    )
    stage = forms.ChoiceField(label=_("Stage"))
    touchpoint = forms.ChoiceField(
        label=_("Touchpoint"), required=False, help_text=_("Only the touchpoints of the chosen stage fit.")
    )
    personas = forms.MultipleChoiceField(
        label=_("Personas it reaches"), required=False, widget=forms.CheckboxSelectMultiple
    )
    owner = forms.ChoiceField(
        label=_("Owner"), required=False, help_text=_("The staff member in charge; you, unless you choose.")
    )
    starts_on = forms.DateField(
        label=_("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    goal = forms.IntegerField(label=_("Goal"), required=False, min_value=1)
    goal_unit = forms.CharField(
        label=_("Goal unit"), required=False, max_length=40, help_text=_("e.g. ideas, ratings")
    )
    status = forms.ChoiceField(label=_("Status"), choices=PointStatus.choices, initial=PointStatus.OPEN)
    poll_options = forms.CharField(
        label=_("Poll options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For polls only: one option per line, 2 to 12."),
    )
    poll_multiple = forms.ChoiceField(
        label=_("Answers per voter"),
        choices=[("single", _("One option")), ("multiple", _("Several options (tick all that apply)"))],
        required=False,
        initial="single",
        help_text=_("For polls only."),
    )
    allowed_origins = forms.CharField(
        label=_("Sites allowed to embed it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One site per line, e.g. https://shop.example.com"),
    )

    def __init__(
        self,
        *args: Any,
        journey: Journey,
        stages: list[Stage],
        personas: Iterable[Persona],
        touchpoints_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.journey = journey
        self.stages = {s.pk: s for s in stages}
        self.persona_map = {p.pk: p for p in personas}
        self.touchpoint_map = {tp.pk: tp for s in stages for tp in s.touchpoints.all()}
        User = get_user_model()
        self.owner_map = {
            u.pk: u for u in User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("email")
        }
        _choices(self.fields["stage"]).choices = [("", _("Choose a stage"))] + [
            (str(s.pk), s.name) for s in stages
        ]
        _choices(self.fields["personas"]).choices = [(str(p.pk), p.name) for p in self.persona_map.values()]
        _choices(self.fields["owner"]).choices = [("", _("Choose a staff member"))] + [
            (str(u.pk), f"{u.public_name} ({u.email})") for u in self.owner_map.values()
        ]
        # Every touchpoint of the journey is accepted here so that one of another stage reaches the service,
        # which refuses it with a clear message; the list shown holds only the chosen stage's touchpoints.
        _choices(self.fields["touchpoint"]).choices = [("", _("None"))] + [
            (str(pk), str(tp)) for pk, tp in self.touchpoint_map.items()
        ]
        self.fields["touchpoint"].widget.choices = self.touchpoint_choices(self.chosen_stage_id())
        if touchpoints_url:
            self.fields["stage"].widget.attrs.update(
                {
                    "hx-get": touchpoints_url,
                    "hx-trigger": "change",
                    "hx-target": "#touchpoint-field",
                    "hx-swap": "outerHTML",
                }
            )

    def chosen_stage_id(self) -> int | None:
        raw = self["stage"].value()
        try:
            stage_id = int(raw)
        except (TypeError, ValueError):
            return None
        return stage_id if stage_id in self.stages else None

    def touchpoint_choices(self, stage_id: int | None) -> list[Any]:
        none: list[Any] = [("", _("None"))]
        if stage_id is not None:
            return none + [(str(tp.pk), str(tp)) for tp in self.stages[stage_id].touchpoints.all()]
        return none + [
            (s.name, [(str(tp.pk), str(tp)) for tp in s.touchpoints.all()])
            for s in self.stages.values()
            if s.touchpoints.all()
        ]

    @classmethod
    def initial_for(cls, point: ParticipationPoint) -> dict[str, Any]:
        return {
            "kind": point.kind,
            "title": point.title,
            "prompt": point.prompt,
            "stage": str(point.stage_id),
            "touchpoint": str(point.touchpoint_id or ""),
            "personas": [str(p.pk) for p in point.personas.all()],
            "owner": str(point.owner_id or ""),
            "starts_on": point.starts_on,
            "ends_on": point.ends_on,
            "goal": point.goal,
            "goal_unit": point.goal_unit,
            "status": point.status,
            "poll_options": "\n".join(point.poll_options or []),
            "poll_multiple": "multiple" if point.poll_multiple else "single",
            "allowed_origins": "\n".join(point.allowed_origins or []),
        }

    def service_kwargs(self) -> dict[str, Any]:
        """What the point services take, from the cleaned data."""
        data = self.cleaned_data
        owner_id = int(data["owner"]) if data.get("owner") else None
        touchpoint_id = int(data["touchpoint"]) if data.get("touchpoint") else None
        return {
            "stage": self.stages[int(data["stage"])],
            "touchpoint": self.touchpoint_map.get(touchpoint_id) if touchpoint_id else None,
            "personas": [self.persona_map[int(pk)] for pk in data["personas"]],
            "owner": self.owner_map.get(owner_id) if owner_id else None,
            "kind": data["kind"],
            "title": data["title"],
            "prompt": data["prompt"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "goal": data["goal"],
            "goal_unit": data["goal_unit"],
            "status": data["status"],
            "poll_options": lines(data["poll_options"]),
            "allowed_origins": lines(data["allowed_origins"]),
            # A form that does not show the choice leaves it as it is.
            **({"poll_multiple": data["poll_multiple"] == "multiple"} if data.get("poll_multiple") else {}),
        }


# --- Personas and their rules -------------------------------------------------------------------------
hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #1f4e8c."))


class PersonaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    picture = forms.FileField(
        label=_("Picture"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=_("JPEG, PNG, WebP or GIF. Metadata is removed."),
    )
    quote = forms.CharField(label=_("Quote"), max_length=200, required=False)
    goals = forms.CharField(
        label=_("Goals"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    pains = forms.CharField(
        label=_("Pains"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    behaviours = forms.CharField(
        label=_("Behaviours"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    demographics = forms.CharField(
        label=_("Demographics"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    estimated_size = forms.IntegerField(
        label=_("Estimated size"),
        required=False,
        min_value=0,
        help_text=_("Roughly how many customers are like this."),
    )
    colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#1f4e8c",
        validators=[hex_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Draws this persona's line on the emotion curve."),
    )

    FIELDS = ("name", "quote", "goals", "pains", "behaviours", "demographics", "estimated_size", "colour")

    @classmethod
    def initial_for(cls, persona: Persona) -> dict[str, Any]:
        return {name: getattr(persona, name) for name in cls.FIELDS}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS if name != "name"}


class AnyValueMultipleChoiceField(forms.MultipleChoiceField):
    """Answers that are not the question's go to the service, which says why that can never match."""

    def valid_value(self, value: Any) -> bool:
        return True


OPERATOR_LABELS: dict[str, Any] = {
    RuleOperator.ANY_OF: _("is any of"),
    RuleOperator.ALL_OF: _("includes all of"),
    RuleOperator.BETWEEN: _("is a number between"),
}


class RuleForm(forms.Form):
    """One membership rule: a profile question and a condition on its answer."""

    question = forms.ChoiceField(label=_("Profile question"), required=False)
    operator = forms.ChoiceField(
        label=_("Condition"), choices=list(OPERATOR_LABELS.items()), initial=RuleOperator.ANY_OF
    )
    values = AnyValueMultipleChoiceField(
        label=_("Answers"), required=False, widget=forms.CheckboxSelectMultiple
    )
    min_value = forms.DecimalField(label=_("Lowest"), required=False, max_digits=12, decimal_places=2)
    max_value = forms.DecimalField(label=_("Highest"), required=False, max_digits=12, decimal_places=2)

    def __init__(self, *args: Any, questions: dict[int, ProfileQuestion] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.questions = questions or {}
        _choices(self.fields["question"]).choices = [("", _("Choose a question"))] + [
            (str(q.pk), q.text) for q in self.questions.values()
        ]
        # Not `question`: in templates that name is the field.
        self.chosen = self.chosen_question()
        q = self.chosen
        if q is not None and q.kind == QuestionKind.NUMBER:
            self.fields["operator"].widget.choices = [(RuleOperator.BETWEEN, OPERATOR_LABELS["between"])]
            if q.unit:
                self.fields["min_value"].help_text = q.unit
                self.fields["max_value"].help_text = q.unit
        elif q is not None:
            self.fields["operator"].widget.choices = [
                (op, OPERATOR_LABELS[op]) for op in (RuleOperator.ANY_OF, RuleOperator.ALL_OF)
            ]
        if q is not None and q.kind != QuestionKind.NUMBER:
            _choices(self.fields["values"]).choices = [(c, c) for c in q.choices]

    def chosen_question(self) -> ProfileQuestion | None:
        try:
            return self.questions.get(int(self["question"].value()))
        except (TypeError, ValueError):
            return None

    def raw(self) -> dict[str, Any]:
        """What the row holds as typed, without validating it (to redraw the rules)."""
        values = self["values"].value() or []
        return {
            "question": self["question"].value() or "",
            "operator": self["operator"].value() or "",
            "values": [values] if isinstance(values, str) else list(values),
            "min_value": self["min_value"].value(),
            "max_value": self["max_value"].value(),
        }

    def rule(self) -> dict[str, Any] | None:
        """The rule for `services.persona_rules_set`, or None for an empty row."""
        data = self.cleaned_data
        if not data.get("question"):
            return None
        return {
            "question_id": int(data["question"]),
            "operator": data["operator"],
            "values": list(data.get("values") or []),
            "min_value": data.get("min_value"),
            "max_value": data.get("max_value"),
        }


class BaseRuleFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this rule")


def rule_formset_class(extra: int = 1) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        RuleForm, formset=BaseRuleFormSet, extra=extra, can_delete=True, max_num=30, validate_max=True
    )


def rule_initial(rules: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "question": str(r.question_id),
            "operator": r.operator,
            "values": list(r.values or []),
            "min_value": r.min_value,
            "max_value": r.max_value,
        }
        for r in rules
    ]


class OverrideForm(forms.Form):
    INCLUDE = "include"
    EXCLUDE = "exclude"

    email = forms.EmailField(label=_("Member's email address"))
    include = forms.ChoiceField(
        label=_("Staff decision"),
        widget=forms.RadioSelect,
        choices=[
            (INCLUDE, _("Include in this persona, whatever the answers say")),
            (EXCLUDE, _("Keep out of this persona, whatever the answers say")),
        ],
        initial=INCLUDE,
    )

    def clean_email(self) -> Any:
        email = self.cleaned_data["email"]
        user = get_user_model().objects.with_email(email).first()
        if user is None:
            raise forms.ValidationError(_("No member has this email address."))
        self.user = user
        return email


# --- Profile questions --------------------------------------------------------------------------------
class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=200)
    help_text = forms.CharField(
        label=_("Why we ask"), max_length=300, required=False, help_text=_("Shown to members under it.")
    )
    kind = forms.ChoiceField(label=_("Answer type"), choices=QuestionKind.choices, widget=forms.RadioSelect)
    choices = forms.CharField(
        label=_("Answers to choose from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line; for one answer or several answers."),
    )
    min_value = forms.DecimalField(label=_("Lowest number"), required=False, max_digits=12, decimal_places=2)
    max_value = forms.DecimalField(label=_("Highest number"), required=False, max_digits=12, decimal_places=2)
    unit = forms.CharField(
        label=_("Unit"), max_length=30, required=False, help_text=_("For numbers, e.g. sets a year.")
    )
    ask_at_signup = forms.BooleanField(label=_("Ask at sign-up"), required=False, initial=True)
    active = forms.BooleanField(label=_("Active (members can answer it)"), required=False, initial=True)

    @classmethod
    def initial_for(cls, question: ProfileQuestion) -> dict[str, Any]:
        return {
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "choices": "\n".join(question.choices or []),
            "min_value": question.min_value,
            "max_value": question.max_value,
            "unit": question.unit,
            "ask_at_signup": question.ask_at_signup,
            "active": question.active,
        }

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        min_value: Decimal | None = data["min_value"]
        max_value: Decimal | None = data["max_value"]
        return {
            "help_text": data["help_text"],
            "choices": lines(data["choices"]),
            "min_value": min_value,
            "max_value": max_value,
            "unit": data["unit"],
            "ask_at_signup": data["ask_at_signup"],
            "active": data["active"],
        }
