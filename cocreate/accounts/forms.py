from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cocreate.brand.selectors import terms_current

from .models import ProfileQuestion, QuestionKind, User
from .selectors import answers_of, questions_active


def question_field(question: ProfileQuestion) -> forms.Field:
    """A form field for a profile question. Every answer is optional: members choose what to share."""
    common: dict[str, Any] = {"label": question.text, "required": False, "help_text": question.help_text}
    if question.kind == QuestionKind.NUMBER:
        return forms.DecimalField(
            min_value=question.min_value,
            max_value=question.max_value,
            decimal_places=2,
            max_digits=12,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    choices = [(c, c) for c in question.choices]
    if question.kind == QuestionKind.MULTI_CHOICE:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    return forms.ChoiceField(
        choices=[("", _("Prefer not to say")), *choices], widget=forms.RadioSelect, **common
    )


class QuestionFieldsMixin:
    """Adds one optional field per active profile question (named `q_<id>`)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_question_fields(self, questions: list[ProfileQuestion]) -> None:
        self.questions = questions
        for question in questions:
            self.fields[f"q_{question.pk}"] = question_field(question)

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}


class AnswersForm(QuestionFieldsMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_question_fields(questions_active())

    @classmethod
    def for_user(cls, user: User) -> AnswersForm:
        given = answers_of(user=user)
        return cls(initial={f"q_{qid}": value for qid, value in given.items()})


class SignupExtraForm(QuestionFieldsMixin, forms.Form):
    """Fields allauth's sign-up form adds: a display name, the profile questions asked at sign-up (all
    optional) and acceptance of the current terms."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown next to your ideas and posts. You can change it later."),
    )
    accept_terms = forms.BooleanField(
        label=_("I accept the participation terms"),
        required=True,
        error_messages={"required": _("Accept the participation terms to join.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = self.fields.pop("accept_terms")
        self.add_question_fields(questions_active(at_signup=True))
        self.fields["accept_terms"] = terms  # keep the terms checkbox last, next to the button

    def signup(self, request: HttpRequest, user: User) -> None:
        from . import services

        services.profile_update(actor=user, user=user, display_name=self.cleaned_data.get("display_name", ""))
        services.answers_set(actor=user, user=user, answers=self.answers())
        current = terms_current()
        if current is not None:
            services.terms_accept(actor=user, terms=current)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    bio = forms.CharField(
        label=_("About you"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text=_("Markdown is allowed."),
    )
    interests = forms.CharField(
        label=_("Interests"),
        required=False,
        max_length=2000,
        help_text=_("Separate with commas, e.g. city sets, trains, architecture."),
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=2000,
        help_text=_("Separate with commas, e.g. 3D modelling, illustration, electronics."),
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, up to 5 MB. Metadata is removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    @classmethod
    def for_user(cls, user: User, **kwargs: Any) -> ProfileForm:
        initial = {
            "display_name": user.display_name,
            "bio": user.bio,
            "interests": ", ".join(user.interests),
            "skills": ", ".join(user.skills),
        }
        return cls(initial=initial, **kwargs)


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=80, help_text=_("What will use it, e.g. “sales import script”.")
    )
