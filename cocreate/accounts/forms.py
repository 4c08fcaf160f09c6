from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cocreate.brand.selectors import terms_current

from .models import User


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds: a display name and acceptance of the current terms."""

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

    def signup(self, request: HttpRequest, user: User) -> None:
        from . import services

        user.display_name = self.cleaned_data.get("display_name", "")
        user.save(update_fields=["display_name"])
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
