"""Slugs are readable, unique, and never a reserved page name."""

from __future__ import annotations

import pytest

from cocreate.brand.models import Product
from cocreate.core.addresses import unique_slug

pytestmark = pytest.mark.django_db


def test_slugs_are_numbered_past_taken_and_reserved_ones() -> None:
    Product.objects.create(name="Lamp", slug="lamp")
    Product.objects.create(name="Lamp", slug="lamp-2")
    products = Product.objects.all()
    assert unique_slug(products, "Lamp", fallback="product", max_length=50) == "lamp-3"
    assert unique_slug(products, "New", fallback="product", max_length=50, reserved={"new"}) == "new-2"
    assert unique_slug(products, "!!!", fallback="product", max_length=50) == "product"
    assert unique_slug(products, "A long name", fallback="product", max_length=6) == "a-long"


def test_an_object_keeps_its_own_slug_when_renamed_to_the_same_text() -> None:
    lamp = Product.objects.create(name="Lamp", slug="lamp")
    assert (
        unique_slug(Product.objects.all(), "Lamp", fallback="p", max_length=50, exclude_pk=lamp.pk) == "lamp"
    )
