"""Forms of the “you said, we did” staff pages. They parse what was typed (a post's number or the address
copied from the browser); the rules belong to `services.improvements`, whose errors come back in place."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from cocreate.brand.models import Product
from cocreate.core.addresses import MAX_ID


def parse_reference(value: str, view_names: tuple[str, ...], message: str) -> int:
    """A number ("42", "#42") or the address of the page of the thing (the id taken from its URL)."""
    text = (value or "").strip().lstrip("#")
    if text.isascii() and text.isdigit() and len(text) <= 19:
        number = int(text)
        if 0 < number <= MAX_ID:
            return number
        raise forms.ValidationError(message)
    try:
        match = resolve(urlsplit(text).path or "/")
    except (Resolver404, ValueError):
        raise forms.ValidationError(message) from None
    if match.view_name not in view_names:
        raise forms.ValidationError(message)
    for arg in [*match.args, *match.kwargs.values()]:
        if isinstance(arg, int) and 0 < arg <= MAX_ID:
            return arg
    raise forms.ValidationError(message)


class ImprovementForm(forms.Form):
    title = forms.CharField(label=_("What changed"), max_length=160)
    body = forms.CharField(
        label=_("Details (markdown)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What is different now, and for whom."),
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("name", "id"), required=False
    )
    version = forms.CharField(label=_("Version"), max_length=40, required=False)
    released_on = forms.DateField(label=_("Released on"), widget=forms.DateInput(attrs={"type": "date"}))

    @classmethod
    def initial_from(cls, improvement: Any) -> dict[str, Any]:
        return {
            "title": improvement.title,
            "body": improvement.body,
            "product": improvement.product_id,
            "version": improvement.version,
            "released_on": improvement.released_on,
        }


class LinkForm(forms.Form):
    """One of: a post, an idea or a theme."""

    thread = forms.CharField(
        label=_("A post"),
        required=False,
        max_length=500,
        help_text=_("Its number or its address, e.g. copied from the browser."),
    )
    idea = forms.CharField(
        label=_("An idea"), required=False, max_length=500, help_text=_("Its number or its address.")
    )
    theme = forms.TypedChoiceField(label=_("A theme"), required=False, coerce=int, empty_value=None)
    mark_done = forms.BooleanField(
        label=_("Mark the linked post done (once the improvement is published)"), required=False
    )

    def __init__(self, *args: Any, themes: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        theme_field: Any = self.fields["theme"]
        theme_field.choices = [("", _("— none —")), *[(t.pk, f"{t.name} ({t.size})") for t in themes or []]]

    def clean_thread(self) -> int | None:
        value = self.cleaned_data.get("thread") or ""
        if not value.strip():
            return None
        return parse_reference(
            value, ("community:thread",), str(_("Give the post's number or the address of its page."))
        )

    def clean_idea(self) -> int | None:
        value = self.cleaned_data.get("idea") or ""
        if not value.strip():
            return None
        return parse_reference(
            value,
            ("challenges:idea-detail", "challenges:idea-short"),
            str(_("Give the idea's number or the address of its page.")),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("thread", "idea", "theme") if data.get(name)]
        if not self.errors and len(given) != 1:
            self.add_error(None, _("Link one post, one idea or one theme at a time."))
        return data


class PublishForm(forms.Form):
    mark_done = forms.BooleanField(label=_("Mark the linked posts done"), required=False)
