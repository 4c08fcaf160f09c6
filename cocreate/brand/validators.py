from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def validate_hex_colour(value: str) -> None:
    if not HEX.match(value or ""):
        raise ValidationError(_("Use a colour like #1a5fb4 (a # and six hex digits)."), code="colour")


def validate_readable_on_white(value: str) -> None:
    """Brand colours carry white text and sit on white pages: keep WCAG AA contrast (4.5:1)."""
    validate_hex_colour(value)
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < 4.5:
        raise ValidationError(
            _(
                "This colour has a contrast of %(ratio).1f:1 with white; at least 4.5:1 keeps text readable. "
                "Pick a darker shade."
            )
            % {"ratio": ratio},
            code="contrast",
        )
