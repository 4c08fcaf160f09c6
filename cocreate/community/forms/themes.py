"""Forms of the staff theme pages. They shape what was typed; the rules (staff only, active themes, 2–5
parts, name length) belong to `services.themes`, whose errors the views put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Theme


class RenameForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=160,
        required=False,
        help_text=_("Kept by later re-clusterings. Leave empty to go back to the generated label."),
    )


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.size})"


class MergeForm(forms.Form):
    target = ThemeChoiceField(
        label=_("Merge into"), queryset=Theme.objects.none(), empty_label=_("Choose a theme")
    )

    def __init__(self, *args: Any, targets: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Theme.objects.filter(pk__in=[t.pk for t in targets]).order_by("-size", "id")


class SplitForm(forms.Form):
    parts = forms.TypedChoiceField(
        label=_("Split into"),
        coerce=int,
        choices=[(n, _("%(n)d themes") % {"n": n}) for n in range(2, 6)],
        initial=2,
    )


class LinkIdeaForm(forms.Form):
    idea = forms.IntegerField(
        label=_("Idea number"),
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text=_("Leave empty to unlink."),
    )


class IdeaSearchForm(forms.Form):
    q = forms.CharField(label=_("Find an idea"), max_length=200, required=False)
