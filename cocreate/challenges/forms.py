"""Forms for the challenge and idea pages.

Forms only parse and shape what was typed (emails into members, lines into lists, percentages into rates);
the rules themselves (image checks, required questions, the ladder, the challenge's terms) belong to the
services, whose errors the views put back in place on these forms.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cocreate.brand.models import Product

from .models import Challenge, ChallengeField, FieldKind, Idea, Visibility

TEXTAREA = {"rows": 4}
_SPLIT = re.compile(r"[\s,;]+")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by the service, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


def members_by_email(value: str, *, limit: int = 50) -> tuple[list[Any], list[str]]:
    """The active members with these emails, and the emails that match no one."""
    emails = list(dict.fromkeys(e.lower() for e in _SPLIT.split(value or "") if e))[:limit]
    users = {u.email.lower(): u for u in get_user_model().objects.filter(email__in=emails, is_active=True)}
    return [users[e] for e in emails if e in users], [e for e in emails if e not in users]


def _emails_clean(value: str) -> list[Any]:
    users, unknown = members_by_email(value)
    if unknown:
        raise forms.ValidationError(
            _("No member has the email %(emails)s. Co-creators and invitees need an account first.")
            % {"emails": ", ".join(unknown[:5])}
        )
    return users


# --- Ideas --------------------------------------------------------------------------------------------
class IdeaForm(forms.Form):
    """An idea with the challenge's own questions (named `field_<id>`, as the service names their errors).

    No question is required here: a draft may be incomplete; the service checks required answers when the
    idea is submitted.
    """

    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "What it is, who it is for and why it would be great. Markdown works: **bold**, *italic*, "
            "lists with “- ”, links."
        ),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=400,
        help_text=_("Separated by commas, for example: harbour, lighthouse, trains."),
    )
    product = forms.ModelChoiceField(
        label=_("Product it relates to"),
        queryset=Product.objects.order_by("name", "id"),
        required=False,
        empty_label=_("None"),
    )
    images = MultipleFileField(
        label=_("Images"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, up to 8 images. You can pick several at once."),
    )
    co_creators = forms.CharField(
        label=_("Co-creators"),
        required=False,
        max_length=2000,
        help_text=_("Emails of members who created this with you, separated by commas."),
    )

    def __init__(
        self,
        *args: Any,
        challenge: Challenge,
        terms: Any = None,
        idea: Idea | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        self.idea = idea
        self.question_fields: list[ChallengeField] = list(challenge.fields.all())
        for question in self.question_fields:
            self.fields[f"field_{question.pk}"] = self._question_field(question, idea)
        if idea is not None and idea.pk:
            images = list(idea.images.all())
            if images:
                self.fields["remove_images"] = forms.MultipleChoiceField(
                    label=_("Remove images"),
                    required=False,
                    choices=[
                        (str(img.pk), img.alt or (img.image.name or "").rsplit("/", 1)[-1]) for img in images
                    ],
                    widget=forms.CheckboxSelectMultiple,
                )
        if terms is not None:
            self.fields["accept_terms"] = forms.BooleanField(
                label=_("I accept “%(title)s” (version %(v)s)") % {"title": terms.title, "v": terms.version},
                required=False,
            )
            # Sent back as shown (the template writes it): a newer version published meanwhile is refused.
            self.fields["terms_version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def _question_field(question: ChallengeField, idea: Idea | None) -> forms.Field:
        label = question.label + ("" if not question.required else " " + str(_("(required to submit)")))
        common: dict[str, Any] = {"label": label, "required": False, "help_text": question.help_text}
        if question.kind == FieldKind.CHOICE:
            return forms.ChoiceField(choices=[("", "—"), *[(c, c) for c in question.choices]], **common)
        if question.kind == FieldKind.NUMBER:
            return forms.CharField(
                max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
            )
        if question.kind == FieldKind.FILE:
            if idea is not None and idea.pk:
                common["help_text"] = " ".join(
                    filter(None, [question.help_text, str(_("Choose a file to replace the one attached."))])
                )
            return forms.FileField(**common)
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), **common)

    @classmethod
    def initial_for(cls, idea: Idea) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": idea.title,
            "description": idea.description,
            "tags": ", ".join(t.name for t in idea.tags.all()),
            "product": idea.product_id,
            "co_creators": ", ".join(u.email for u in idea.co_creators.all()),
        }
        for answer in idea.field_answers.all():
            if not answer.file:
                initial[f"field_{answer.field_id}"] = answer.value
        return initial

    def clean_co_creators(self) -> list[Any]:
        return _emails_clean(self.cleaned_data.get("co_creators", ""))

    def question_bound_fields(self) -> list[forms.BoundField]:
        return [self[f"field_{q.pk}"] for q in self.question_fields]

    def answers(self) -> dict[int, Any]:
        """The answers as the service takes them: {question id: value or uploaded file}."""
        out: dict[int, Any] = {}
        for question in self.question_fields:
            value = self.cleaned_data.get(f"field_{question.pk}")
            if value not in (None, "", False):
                out[question.pk] = value
        return out

    def accepted_terms_version(self) -> int | None:
        if self.cleaned_data.get("accept_terms"):
            return self.cleaned_data.get("terms_version")
        return None


class ModerationForm(forms.Form):
    message = forms.CharField(
        label=_("Public message to the creator"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to remove an idea: say which rule it breaks."),
    )


class WithdrawForm(forms.Form):
    message = forms.CharField(
        label=_("Why (optional, public)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


# --- Challenges ---------------------------------------------------------------------------------------
class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _when(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=False, widget=DateTimeInput(), input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
    )


class ChallengeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    brief = forms.CharField(
        label=_("Brief"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you are looking for. Markdown works."),
    )
    theme = forms.CharField(label=_("Theme"), required=False, max_length=80)
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.order_by("name", "id"),
        required=False,
        empty_label=_("None"),
    )
    cover = forms.FileField(
        label=_("Cover image"), required=False, widget=forms.FileInput(attrs={"accept": "image/*"})
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices)
    submission_opens = _when(_("Submissions open"))
    submission_closes = _when(_("Submissions close"))
    support_closes = _when(_("Support closes"))
    review_starts = _when(_("Review starts"))
    results_on = _when(_("Results announced"))
    moderation_required = forms.BooleanField(
        label=_("Staff approve new ideas before they are public"), required=False
    )
    allow_self_support = forms.BooleanField(label=_("Creators may support their own idea"), required=False)
    royalty_percent = forms.DecimalField(
        label=_("Royalty (% of net sales)"),
        min_value=Decimal(0),
        max_value=Decimal(50),
        decimal_places=2,
        initial=Decimal(1),
    )
    prize = forms.CharField(label=_("Prize"), required=False, max_length=200)
    contract = forms.CharField(label=_("Contract on offer"), required=False, max_length=200)
    review_periods_per_year = forms.IntegerField(
        label=_("Review periods per year"), min_value=1, max_value=12, initial=3
    )
    survey_enabled = forms.BooleanField(label=_("Ask supporters the survey"), required=False, initial=True)
    price_bands = forms.CharField(
        label=_("Price bands offered in the survey"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("One per line."),
    )
    audiences = forms.CharField(
        label=_("Audiences offered in the survey"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("One per line."),
    )
    invites = forms.CharField(
        label=_("Invited members"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_(
            "Their emails, separated by commas or new lines. Only they see an invite-only challenge."
        ),
    )
    terms_title = forms.CharField(label=_("Terms title"), required=False, max_length=200)
    terms_body = forms.CharField(
        label=_("Terms"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "For invite-only challenges: what participants accept with each idea (an NDA, an IP agreement). "
            "Changing the text publishes a new version."
        ),
    )

    SERVICE_FIELDS = (
        "brief",
        "theme",
        "product",
        "visibility",
        "submission_opens",
        "submission_closes",
        "support_closes",
        "review_starts",
        "results_on",
        "moderation_required",
        "allow_self_support",
        "prize",
        "contract",
        "review_periods_per_year",
        "survey_enabled",
    )

    @classmethod
    def initial_for(cls, challenge: Challenge, invite_emails: list[str], terms: Any) -> dict[str, Any]:
        initial = {name: getattr(challenge, name) for name in cls.SERVICE_FIELDS if name != "product"}
        initial.update(
            title=challenge.title,
            product=challenge.product_id,
            royalty_percent=(challenge.royalty_rate * 100).normalize(),
            price_bands="\n".join(challenge.price_bands or []),
            audiences="\n".join(challenge.audiences or []),
            invites="\n".join(invite_emails),
            terms_title=terms.title if terms else "",
            terms_body=terms.body if terms else "",
        )
        return initial

    def clean_invites(self) -> list[Any]:
        return _emails_clean(self.cleaned_data.get("invites", ""))

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.SERVICE_FIELDS}
        for name in ("brief", "theme", "prize", "contract"):
            fields[name] = data.get(name) or ""
        fields["royalty_rate"] = (data["royalty_percent"] / 100).quantize(Decimal("0.0001"))
        fields["price_bands"] = lines(data.get("price_bands", ""))
        fields["audiences"] = lines(data.get("audiences", ""))
        return fields


class RungForm(forms.Form):
    at = forms.IntegerField(label=_("At supports"), min_value=0, required=False)
    days = forms.IntegerField(label=_("Days added"), min_value=0, required=False)
    qualifies = forms.BooleanField(label=_("Qualifies for review"), required=False)

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data.get("at") is None:
            return None
        return {
            "at": data["at"],
            "days": data.get("days") or 0,
            **({"qualifies": True} if data.get("qualifies") else {}),
        }


class CriterionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Criterion"), max_length=120, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal("0.01"), max_digits=5, decimal_places=2, required=False
    )

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not (data.get("name") or "").strip() or data.get("DELETE"):
            return None
        row = {
            "name": data["name"].strip(),
            "description": data.get("description") or "",
            "weight": data.get("weight") or Decimal(1),
        }
        return {**row, "id": data["id"]} if data.get("id") else row


class QuestionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label=_("Question"), max_length=200, required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Answer"), choices=FieldKind.choices, required=False)
    choices = forms.CharField(
        label=_("Answers offered (choice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not (data.get("label") or "").strip() or data.get("DELETE"):
            return None
        row = {
            "label": data["label"].strip(),
            "help_text": data.get("help_text") or "",
            "kind": data.get("kind") or FieldKind.TEXT,
            "choices": lines(data.get("choices", "")),
            "required": bool(data.get("required")),
        }
        return {**row, "id": data["id"]} if data.get("id") else row


# Two blank rows under the saved ones: enough to add without JavaScript; save to get two more.
RungFormSet = forms.formset_factory(RungForm, extra=2, max_num=20, validate_max=True)
CriterionFormSet = forms.formset_factory(
    CriterionForm, extra=2, can_delete=True, max_num=30, validate_max=True
)
QuestionFormSet = forms.formset_factory(QuestionForm, extra=2, can_delete=True, max_num=30, validate_max=True)
