"""CleanImagesModelForm: back-office uploads pass the same checks and cleaning as every other upload."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from cocreate.brand.models import Product
from tests.core.files import CAMERA_MAKE, jpeg_with_metadata, metadata_of, upload

pytestmark = pytest.mark.django_db


def _add_product(client: Client, content: bytes, name: str = "photo.jpg") -> object:
    return client.post(
        "/admin/brand/product/add/",
        {"name": "Crane", "slug": "crane", "status": "concept", "image": upload(name, content, "image/jpeg")},
    )


def test_a_back_office_image_is_stored_clean(admin_client_: Client) -> None:
    response = _add_product(admin_client_, jpeg_with_metadata())
    assert response.status_code == 302  # type: ignore[attr-defined]
    product = Product.objects.get()
    assert product.image.name.startswith("products/image-")
    data = Path(product.image.path).read_bytes()
    assert metadata_of(data) == {} and CAMERA_MAKE.encode() not in data


def test_a_back_office_upload_that_is_not_an_image_is_refused_in_place(admin_client_: Client) -> None:
    response = _add_product(admin_client_, b"MZ\x90\x00 not an image", "photo.png")
    assert response.status_code == 200  # type: ignore[attr-defined]
    errors = response.context["adminform"].form.errors  # type: ignore[attr-defined]
    assert list(errors) == ["image"] and "image" in errors["image"][0]
    assert not Product.objects.exists()
