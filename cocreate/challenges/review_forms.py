"""Forms for review periods, scoring, decisions and sales imports. They only shape input; the services
decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreate.brand.models import Product

from .models import Criterion, DecisionOutcome, Review

DATE = forms.DateInput(attrs={"type": "date"})


class ReviewPeriodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    results_on = forms.DateField(label=_("Results on"), required=False, widget=DATE)


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    per_year = forms.IntegerField(label=_("Periods in the year"), min_value=1, max_value=12, initial=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1


SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ScoreForm(forms.Form):
    """One 1–5 choice per criterion of the idea's challenge, and internal notes."""

    notes = forms.CharField(
        label=_("Notes (reviewers and administrators only)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, criteria: list[Criterion], review: Review | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for criterion in criteria:
            fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=[("", "—"), *SCORE_CHOICES],
                required=True,
                initial=str((review.scores or {}).get(str(criterion.pk), "")) if review else "",
            )
        fields["notes"] = self.fields.pop("notes")
        if review is not None:
            fields["notes"].initial = review.notes
        self.fields = fields  # type: ignore[assignment]
        self.criteria = criteria

    def scores(self) -> dict[str, str]:
        return {str(c.pk): self.data.get(self.add_prefix(f"score_{c.pk}"), "") for c in self.criteria}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale (public: the creator and everyone see it)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    product = forms.ModelChoiceField(
        label=_("Product (needed to approve)"),
        queryset=Product.objects.order_by("name", "id"),
        required=False,
        help_text=_("The product the idea becomes: the creator is credited on it and earns royalties."),
    )


class AdvanceForm(forms.Form):
    message = forms.CharField(
        label=_("Public message (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SalesImportForm(forms.Form):
    file = forms.FileField(
        label=_("Sales file (CSV)"),
        help_text=_(
            "Columns: product (SKU or address), period (YYYY-MM or YYYY-Qn), units, net_sales, currency "
            "(ISO code such as EUR). At most 5 MB. A period imported again replaces the earlier figures."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class PaymentForm(forms.Form):
    agreement = forms.IntegerField(widget=forms.HiddenInput)
    period = forms.CharField(widget=forms.HiddenInput)
    currency = forms.CharField(widget=forms.HiddenInput)
    amount = forms.CharField(label=_("Amount paid"), max_length=20)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
