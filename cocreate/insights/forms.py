"""Forms for prototype tests. They parse; the rules (ranges, locks, file checks) live in the services,
whose errors come back onto these fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreate.brand.models import Product
from cocreate.core.errors import DomainError
from cocreate.journeys.models import ParticipationPoint, Persona

from .models import PURCHASE_INTENT, PrototypeStatus, PrototypeTest, PrototypeVersion

TEXTAREA = {"rows": 6}
SCORES = [(str(n), str(n)) for n in range(1, 6)]


def lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def show_errors(form: forms.Form, exc: DomainError, rename: dict[str, str] | None = None) -> None:
    """Put a service's errors on the fields they name, or above the form."""
    for err in exc.errors:
        name = (rename or {}).get(err.field or "", err.field)
        form.add_error(name if name in form.fields else None, err.message)


class PrototypeTestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("What testers should know"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Markdown: what the prototype is, how to try it, what you want to learn."),
    )
    product = forms.ChoiceField(label=_("Product"), required=False)
    point = forms.ChoiceField(
        label=_("Participation point"),
        required=False,
        help_text=_(
            "The prototype-feedback point on a journey this test belongs to; its figures count responses."
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=PrototypeStatus.choices, initial=PrototypeStatus.DRAFT
    )
    opens_on = forms.DateField(
        label=_("Opens"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes_on = forms.DateField(
        label=_("Closes"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    criteria = forms.CharField(
        label=_("Criteria rated from 1 to 5"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, e.g. Ease of use, Looks, Play value. Up to 10."),
    )
    questions = forms.CharField(
        label=_("Open questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, up to 5, e.g. What would you change?"),
    )
    ask_purchase_intent = forms.BooleanField(
        label=_("Ask how likely they are to buy it (5-point scale)"), required=False, initial=True
    )
    open_to_all = forms.BooleanField(
        label=_("Any member may respond"), required=False, help_text=_("Otherwise only invited members.")
    )
    personas = forms.MultipleChoiceField(
        label=_("Target personas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The results are broken down by these personas."),
    )

    def __init__(
        self,
        *args: Any,
        products: Iterable[Product],
        points: Iterable[ParticipationPoint],
        personas: Iterable[Persona],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.product_map = {p.pk: p for p in products}
        self.point_map = {p.pk: p for p in points}
        self.persona_map = {p.pk: p for p in personas}
        self.fields["product"].choices = [("", _("None"))] + [  # type: ignore[attr-defined]
            (str(pk), p.name) for pk, p in self.product_map.items()
        ]
        self.fields["point"].choices = [("", _("None"))] + [  # type: ignore[attr-defined]
            (str(pk), f"{p.title} ({p.stage.name})") for pk, p in self.point_map.items()
        ]
        self.fields["personas"].choices = [  # type: ignore[attr-defined]
            (str(pk), p.name) for pk, p in self.persona_map.items()
        ]

    @classmethod
    def initial_for(cls, test: PrototypeTest) -> dict[str, Any]:
        return {
            "title": test.title,
            "description": test.description,
            "product": str(test.product_id or ""),
            "point": str(test.point_id or ""),
            "status": test.status,
            "opens_on": test.opens_on,
            "closes_on": test.closes_on,
            "criteria": "\n".join(test.criteria),
            "questions": "\n".join(test.questions),
            "ask_purchase_intent": test.ask_purchase_intent,
            "open_to_all": test.open_to_all,
            "personas": [str(p.pk) for p in test.personas.all()],
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "product": self.product_map.get(int(data["product"])) if data.get("product") else None,
            "point": self.point_map.get(int(data["point"])) if data.get("point") else None,
            "status": data["status"],
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "criteria": lines(data["criteria"]),
            "questions": lines(data["questions"]),
            "ask_purchase_intent": data["ask_purchase_intent"],
            "open_to_all": data["open_to_all"],
            "personas": [self.persona_map[int(pk)] for pk in data["personas"]],
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class VersionForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=40, help_text=_("e.g. v1, v2, Blue cabin"))
    description = forms.CharField(
        label=_("What changed in this version"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    link = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=500,
        help_text=_("A page, video or 3D viewer (http or https)."),
        widget=forms.URLInput(),
    )
    images = MultipleImageField(
        label=_("Pictures"), required=False, help_text=_("Up to 6 JPEG, PNG, WebP or GIF pictures.")
    )
    image_alts = forms.CharField(
        label=_("Describe the pictures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One line per new picture, in order, for people who cannot see them."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.zip,application/pdf,application/zip"}),
        help_text=_("Building instructions or a kit: a PDF or a ZIP, up to 20 MB."),
    )

    def __init__(self, *args: Any, version: PrototypeVersion | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        if version is not None:
            if version.file:
                self.fields["remove_file"] = forms.BooleanField(
                    label=_("Remove the file %(name)s") % {"name": version.file_name}, required=False
                )
            pictures = list(version.images.all())
            if pictures:
                self.fields["remove_images"] = forms.MultipleChoiceField(
                    label=_("Remove pictures"),
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    choices=[(str(p.pk), p.alt or p.image.name) for p in pictures],
                )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "label": data["label"],
            "description": data["description"],
            "link": data["link"],
            "images": data.get("images") or [],
            "image_alts": lines(data.get("image_alts") or ""),
            "file": data.get("file") or None,
        }
        if self.version is not None:
            kwargs["remove_file"] = bool(data.get("remove_file"))
            kwargs["remove_image_ids"] = [int(pk) for pk in data.get("remove_images") or []]
        return kwargs


class InviteForm(forms.Form):
    personas = forms.MultipleChoiceField(
        label=_("Invite every member of these personas"), required=False, widget=forms.CheckboxSelectMultiple
    )
    emails = forms.CharField(
        label=_("Invite members by email"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One address per line (or separated by commas)."),
    )

    def __init__(self, *args: Any, personas: Iterable[Persona], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persona_map = {p.pk: p for p in personas}
        self.fields["personas"].choices = [  # type: ignore[attr-defined]
            (str(pk), p.name) for pk, p in self.persona_map.items()
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        raw = (data.get("emails") or "").replace(",", "\n").replace(";", "\n")
        return {
            "personas": [self.persona_map[int(pk)] for pk in data["personas"]],
            "emails": lines(raw),
        }


class ScaleField(forms.ChoiceField):
    """Radio buttons whose value is checked by the service, so every mistake is reported at once and in
    the same words as in the API."""

    def valid_value(self, value: Any) -> bool:
        return True


class ResponseForm(forms.Form):
    """One version's form: a 1–5 score per criterion, the open questions, purchase intent."""

    def __init__(self, *args: Any, test: PrototypeTest, version: PrototypeVersion, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"v{version.pk}")
        super().__init__(*args, **kwargs)
        self.test = test
        self.version = version
        for i, name in enumerate(test.criteria):
            self.fields[f"rating_{i}"] = ScaleField(
                label=name, choices=SCORES, required=False, widget=forms.RadioSelect
            )
        for j, question in enumerate(test.questions):
            self.fields[f"answer_{j}"] = forms.CharField(
                label=question, required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": "2000"})
            )
        if test.ask_purchase_intent:
            self.fields["purchase_intent"] = ScaleField(
                label=_("If it were in the shops, would you buy it?"),
                choices=[(str(v), label) for v, label in PURCHASE_INTENT],
                required=False,
                widget=forms.RadioSelect,
            )

    @property
    def rating_fields(self) -> list[forms.BoundField]:
        return [self[f"rating_{i}"] for i in range(len(self.test.criteria))]

    @property
    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{j}"] for j in range(len(self.test.questions))]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "ratings": {name: data.get(f"rating_{i}") or None for i, name in enumerate(self.test.criteria)},
            "answers": [data.get(f"answer_{j}") or "" for j in range(len(self.test.questions))],
            "purchase_intent": data.get("purchase_intent") or None,
        }

    def add_domain_error(self, exc: DomainError) -> None:
        rename = {f"ratings.{name}": f"rating_{i}" for i, name in enumerate(self.test.criteria)}
        rename.update({f"answers.{j}": f"answer_{j}" for j in range(len(self.test.questions))})
        show_errors(self, exc, rename)
