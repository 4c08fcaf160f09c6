"""Brand writes: organization settings, products and participation terms, all for administrators."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from cocreate.accounts.models import Role, User
from cocreate.brand import selectors, services
from cocreate.brand.models import Organization, Product, ProductStatus, TermsVersion
from cocreate.brand.validators import contrast_ratio
from cocreate.core.errors import Conflict, DomainError, NotAllowed
from tests.core.files import jpeg_with_metadata, metadata_of, upload

pytestmark = pytest.mark.django_db


# --- Organization ------------------------------------------------------------------------------------


def test_an_admin_changes_the_brand_and_every_page_shows_it(
    brand_admin: User, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert "Cocreate" in client.get("/").content.decode()  # the settings are now cached
    with django_capture_on_commit_callbacks(execute=True):
        org = services.organization_update(
            actor=brand_admin,
            name="  Brickworks ",
            tagline="Build it together",
            primary_color="#0B5394",
            contact_email="hello@brickworks.example",
        )
    assert Organization.objects.get().name == "Brickworks" and org.primary_color == "#0B5394"
    home = client.get("/").content.decode()
    assert "Brickworks" in home and "Build it together" in home and "hello@brickworks.example" in home
    assert "--brand: #0B5394;" in client.get("/theme.css").content.decode()


@pytest.mark.parametrize("colour", ["#ffee00", "#ffffff", "#9cc3e5", "#f4a261"])
def test_light_brand_colours_are_refused_with_the_contrast(brand_admin: User, colour: str) -> None:
    with pytest.raises(DomainError) as exc:
        services.organization_update(actor=brand_admin, name="Changed", primary_color=colour)
    assert exc.value.field == "primary_color"
    ratio = contrast_ratio(colour, "#ffffff")
    assert f"contrast of {ratio:.1f}:1" in exc.value.message and "Pick a darker shade" in exc.value.message
    org = selectors.organization_get()
    assert org.primary_color == "#1f4e8c" and org.name == "Cocreate"


def test_a_refused_first_update_leaves_the_brand_usable(brand_admin: User) -> None:
    # On a fresh install the first update creates the settings row; a refusal rolls that back.
    with pytest.raises(DomainError):
        services.organization_update(actor=brand_admin, primary_color="#ffee00")
    org = services.organization_update(actor=brand_admin, primary_color="#0b5394")
    assert Organization.objects.get().primary_color == "#0b5394" == org.primary_color


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "1f4e8c1", ""])
def test_malformed_colours_are_refused(brand_admin: User, colour: str) -> None:
    with pytest.raises(DomainError) as exc:
        services.organization_update(actor=brand_admin, accent_color=colour)
    assert exc.value.field == "accent_color"


def test_a_dark_colour_is_accepted(brand_admin: User) -> None:
    services.organization_update(actor=brand_admin, accent_color="#7a1f0f")
    assert Organization.objects.get().accent_color == "#7a1f0f"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contact_email": "not an email"}, "contact_email"),
        ({"contact_url": "javascript:alert(1)"}, "contact_url"),
        ({"name": "x" * 121}, "name"),
        ({"secret_flag": True}, "secret_flag"),
    ],
)
def test_bad_organization_input_names_the_field(
    brand_admin: User, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(DomainError) as exc:
        services.organization_update(actor=brand_admin, **changes)
    assert exc.value.field == field


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR, Role.ANALYST])
def test_only_admins_change_the_brand(make_user: Any, role: str) -> None:
    with pytest.raises(NotAllowed):
        services.organization_update(actor=make_user(role), name="Mine now")
    with pytest.raises(NotAllowed):
        services.organization_update(actor=None, name="Mine now")
    assert selectors.organization_get().name == "Cocreate"


def test_a_logo_is_cleaned_like_every_image(brand_admin: User) -> None:
    org = services.organization_update(actor=brand_admin, logo=upload("logo.jpg", jpeg_with_metadata()))
    assert org.logo.name.startswith("brand/logo-")
    assert metadata_of(Path(org.logo.path).read_bytes()) == {}


# --- Products ----------------------------------------------------------------------------------------


def test_an_admin_adds_a_product_with_a_unique_address(brand_admin: User) -> None:
    first = services.product_create(actor=brand_admin, name="  Harbour   Crane ", category="Sets")
    second = services.product_create(actor=brand_admin, name="Harbour crane")
    third = services.product_create(actor=brand_admin, name="Harbour Crane!")
    assert first.name == "Harbour Crane" and first.status == ProductStatus.CONCEPT
    assert [first.slug, second.slug, third.slug] == ["harbour-crane", "harbour-crane-2", "harbour-crane-3"]
    assert Product.objects.count() == 3


def test_a_name_without_letters_still_gets_an_address(brand_admin: User) -> None:
    assert services.product_create(actor=brand_admin, name="🚂").slug == "product"


def test_a_slug_already_in_use_is_refused(brand_admin: User) -> None:
    services.product_create(actor=brand_admin, name="Crane", slug="crane")
    with pytest.raises(DomainError) as exc:
        services.product_create(actor=brand_admin, name="Other crane", slug="crane")
    assert exc.value.field == "slug"
    other = services.product_create(actor=brand_admin, name="Other crane")
    with pytest.raises(DomainError) as exc:
        services.product_update(actor=brand_admin, product=other, slug="crane")
    assert exc.value.field == "slug"
    assert Product.objects.get(pk=other.pk).slug == "other-crane"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "Not a slug!"}, "slug"),
        ({"status": "sold_out"}, "status"),
        ({"sku": "x" * 41}, "sku"),
        ({"price": 3}, "price"),
    ],
)
def test_bad_product_input_names_the_field(brand_admin: User, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as exc:
        services.product_create(actor=brand_admin, name="Crane", **changes)
    assert exc.value.field == field
    assert not Product.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "\n\t"])
def test_a_product_needs_a_name(brand_admin: User, name: str) -> None:
    with pytest.raises(DomainError) as exc:
        services.product_create(actor=brand_admin, name=name)
    assert exc.value.field == "name"
    crane = services.product_create(actor=brand_admin, name="Crane")
    with pytest.raises(DomainError) as exc:
        services.product_update(actor=brand_admin, product=crane, name=name)
    assert exc.value.field == "name"
    assert Product.objects.get(pk=crane.pk).name == "Crane"


def test_an_admin_updates_a_product(brand_admin: User) -> None:
    crane = services.product_create(actor=brand_admin, name="Crane")
    services.product_update(
        actor=brand_admin,
        product=crane,
        name="  Harbour   crane ",
        status=ProductStatus.LAUNCHED,
        launch_date=date(2026, 3, 1),
    )
    crane.refresh_from_db()
    assert crane.name == "Harbour crane" and crane.status == "launched"
    assert crane.launch_date == date(2026, 3, 1) and crane.slug == "crane"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR, Role.REVIEWER])
def test_only_admins_manage_products(make_user: Any, brand_admin: User, role: str) -> None:
    actor = make_user(role)
    with pytest.raises(NotAllowed):
        services.product_create(actor=actor, name="Crane")
    crane = services.product_create(actor=brand_admin, name="Crane")
    with pytest.raises(NotAllowed):
        services.product_update(actor=actor, product=crane, name="Mine")
    assert Product.objects.get().name == "Crane"


# --- Terms -------------------------------------------------------------------------------------------


def test_publishing_terms_numbers_the_versions(brand_admin: User) -> None:
    assert selectors.terms_current() is None
    first = services.terms_publish(actor=brand_admin, title=" Terms ", body="Be kind.")
    second = services.terms_publish(
        actor=brand_admin, title="Terms", body="Be kinder.", summary_of_changes="Kinder."
    )
    assert (first.version, second.version) == (1, 2)
    assert first.title == "Terms"
    assert selectors.terms_current() == second
    assert TermsVersion.objects.get(version=1).body == "Be kind."  # the old version is kept as it was


@pytest.mark.parametrize(
    ("title", "body", "field"), [("", "Text", "title"), ("   ", "Text", "title"), ("T", " ", "body")]
)
def test_terms_need_a_title_and_a_text(brand_admin: User, title: str, body: str, field: str) -> None:
    with pytest.raises(DomainError) as exc:
        services.terms_publish(actor=brand_admin, title=title, body=body)
    assert exc.value.field == field
    assert not TermsVersion.objects.exists()


def test_only_admins_publish_terms(member: User, moderator: User) -> None:
    for actor in (member, moderator):
        with pytest.raises(NotAllowed):
            services.terms_publish(actor=actor, title="Terms", body="Obey.")
    assert not TermsVersion.objects.exists()


def test_conflict_is_a_domain_error() -> None:
    assert issubclass(Conflict, DomainError) and Conflict("x").status == 409
