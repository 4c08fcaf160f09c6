"""Forms for the forum: a new post of any kind, a reply, an edit, and a board for the brand team. They parse
and bound the input; the rules (one review per product, locks, attachments by content) are the services'."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cocreate.brand.models import Product

from ..models import ThreadKind

ATTACHMENT_ACCEPT = "image/jpeg,image/png,image/webp,image/gif,application/pdf,text/plain,.txt,.md,.csv,.log"
STARS = [("", _("Choose…"))] + [(str(n), _("%(n)s of 5 stars") % {"n": n}) for n in range(5, 0, -1)]
_SPLIT = re.compile(r"[\s,;]+")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files under one name; each is checked by its content in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault(
            "help_text", _("Up to 5 files: images (JPEG, PNG, WebP, GIF), PDFs or plain text; 5 MB each.")
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of post"), choices=ThreadKind.choices, initial=ThreadKind.DISCUSSION
    )
    title = forms.CharField(label=_("Title"), max_length=160)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20_000,
        help_text=_(
            "Markdown works: **bold**, *italic*, [a link](https://…), > a quote. Mention a member with @."
        ),
    )
    product = forms.ModelChoiceField(
        label=_("Product (for a review)"), queryset=Product.objects.order_by("name", "id"), required=False
    )
    rating = forms.TypedChoiceField(
        label=_("Stars (for a review)"), choices=STARS, coerce=int, required=False, empty_value=None
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=300, help_text=_("Up to 5, separated by commas.")
    )
    attachments = AttachmentsField()

    def __init__(self, *args: Any, board: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if board is not None and board.product_id and not self.is_bound:
            self.fields["product"].initial = board.product_id


class ThreadEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000)
    rating = forms.TypedChoiceField(
        label=_("Stars"), choices=STARS, coerce=int, required=False, empty_value=None
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=300, help_text=_("Separated by commas.")
    )

    def __init__(self, *args: Any, is_review: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_review:
            del self.fields["rating"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        help_text=_(
            "Markdown works. Quote with > at the start of a line; mention a member with @ and their name."
        ),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    attachments = AttachmentsField()


def members_by_email(value: str) -> tuple[list[Any], list[str]]:
    emails = list(dict.fromkeys(e.lower() for e in _SPLIT.split(value or "") if e))[:50]
    users = {u.email.lower(): u for u in get_user_model().objects.filter(email__in=emails, is_active=True)}
    return [users[e] for e in emails if e in users], [e for e in emails if e not in users]


class BoardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description (markdown)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.order_by("name", "id"),
        required=False,
        help_text=_("Leave empty for a board about a topic rather than a product."),
    )
    moderators = forms.CharField(
        label=_("Moderators"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Their email addresses, separated by commas or new lines. Staff moderate every board."),
    )
    position = forms.IntegerField(label=_("Position in the list"), min_value=0, max_value=10_000, initial=0)
    archived = forms.BooleanField(label=_("Archived (takes no new posts)"), required=False)

    def clean_moderators(self) -> list[Any]:
        users, unknown = members_by_email(self.cleaned_data.get("moderators", ""))
        if unknown:
            raise forms.ValidationError(
                _("No active member has these addresses: %(emails)s") % {"emails": ", ".join(unknown)}
            )
        return users
