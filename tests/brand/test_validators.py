"""Brand colours must stay readable: WCAG contrast against white of at least 4.5:1."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from cocreate.brand.validators import contrast_ratio, validate_readable_on_white


def test_known_contrast_ratios() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey
    assert contrast_ratio("#ffee00", "#ffffff") == pytest.approx(1.20, abs=0.01)


@pytest.mark.parametrize("colour", ["#1f4e8c", "#a3361f", "#767676", "#000000", "#0B5394"])
def test_dark_enough_colours_pass(colour: str) -> None:
    validate_readable_on_white(colour)


@pytest.mark.parametrize("colour", ["#777777", "#ffee00", "#FFFFFF"])
def test_light_colours_are_refused_with_their_contrast(colour: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_readable_on_white(colour)
    assert exc.value.code == "contrast"
    assert f"{contrast_ratio(colour, '#ffffff'):.1f}:1" in exc.value.messages[0]


@given(st.text(max_size=10))
def test_anything_but_a_hex_colour_is_a_validation_error(value: str) -> None:
    try:
        validate_readable_on_white(value)
    except ValidationError as exc:
        assert exc.code in {"colour", "contrast"}
    else:
        assert contrast_ratio(value, "#ffffff") >= 4.5
