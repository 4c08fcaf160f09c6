from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile

from .images import clean_image


class CleanImagesModelForm(forms.ModelForm):
    """A ModelForm (used by the back office) whose image uploads pass the same checks as everywhere else."""

    image_fields: ClassVar[tuple[str, ...]] = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.image_fields:
            value = data.get(name)
            if isinstance(value, UploadedFile):
                try:
                    data[name] = clean_image(value, name_prefix=name)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data
