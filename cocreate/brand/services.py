"""Writes for the brand: organization settings, products and participation terms.

Invariants guarded here:
- only administrators change any of it;
- brand colours stay readable (WCAG AA against white);
- a terms version, once published, is never edited: changing the terms publishes a new version.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cocreate.core.addresses import unique_slug
from cocreate.core.errors import Conflict, DomainError, validation_error_to_domain
from cocreate.core.images import clean_image

from .models import Organization, Product, ProductStatus, TermsVersion
from .policies import check_can_manage_brand
from .selectors import ORG_CACHE_KEY, organization_get

ORG_FIELDS = {"name", "tagline", "about", "primary_color", "accent_color", "contact_email", "contact_url"}
PRODUCT_FIELDS = {"name", "slug", "sku", "category", "description", "launch_date", "status"}


def _full_clean(obj: Any, exclude: list[str] | None = None, validate_unique: bool = True) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=validate_unique)
    except ValidationError as exc:
        raise validation_error_to_domain(exc) from None


def _set_image(obj: Any, field: str, upload: UploadedFile, prefix: str) -> None:
    try:
        clean = clean_image(upload, name_prefix=prefix)
    except ValidationError as exc:
        raise validation_error_to_domain(exc, field) from None
    getattr(obj, field).save(clean.name, clean, save=False)


@transaction.atomic
def organization_update(*, actor: Any, logo: UploadedFile | None = None, **fields: Any) -> Organization:
    check_can_manage_brand(actor)
    unknown = set(fields) - ORG_FIELDS
    if unknown:
        raise DomainError(message=_("Unknown field."), field=sorted(unknown)[0])
    org_id: int = organization_get().pk or 0
    org = Organization.objects.select_for_update().get(pk=org_id)
    for name, value in fields.items():
        if value is not None:
            setattr(org, name, value.strip() if isinstance(value, str) else value)
    if logo is not None:
        _set_image(org, "logo", logo, "logo")
    _full_clean(org)
    org.save()
    transaction.on_commit(lambda: cache.delete(ORG_CACHE_KEY))
    return org


def _unique_slug(name: str, exclude_pk: int | None = None) -> str:
    return unique_slug(Product.objects.all(), name, fallback="product", max_length=160, exclude_pk=exclude_pk)


@transaction.atomic
def product_create(*, actor: Any, name: str, image: UploadedFile | None = None, **fields: Any) -> Product:
    check_can_manage_brand(actor)
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise DomainError(message=_("Unknown field."), field=sorted(unknown)[0])
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(message=_("A product needs a name."), field="name")
    product = Product(name=name, **{k: v for k, v in fields.items() if v is not None})
    if not product.slug:
        product.slug = _unique_slug(name)
    if image is not None:
        _set_image(product, "image", image, "product")
    _full_clean(product, validate_unique=False)  # the unique slug is the database's call: 409 below
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        raise Conflict(_("Another product already uses this address."), field="slug") from None
    return product


@transaction.atomic
def product_update(
    *, actor: Any, product: Product, image: UploadedFile | None = None, **fields: Any
) -> Product:
    check_can_manage_brand(actor)
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise DomainError(message=_("Unknown field."), field=sorted(unknown)[0])
    if fields.get("name") is not None:
        fields["name"] = " ".join(fields["name"].split())
        if not fields["name"]:
            raise DomainError(message=_("A product needs a name."), field="name")
    for name, value in fields.items():
        if value is not None:
            setattr(product, name, value)
    if "status" in fields and fields["status"] not in (None, *ProductStatus.values):
        raise DomainError(message=_("Unknown product status."), field="status")
    if image is not None:
        _set_image(product, "image", image, "product")
    _full_clean(product, validate_unique=False)  # the unique slug is the database's call: 409 below
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        raise Conflict(_("Another product already uses this address."), field="slug") from None
    return product


@transaction.atomic
def terms_publish(*, actor: Any, title: str, body: str, summary_of_changes: str = "") -> TermsVersion:
    """Publish a new version of the participation terms; members are asked to accept it."""
    check_can_manage_brand(actor)
    if not (title or "").strip() or not (body or "").strip():
        field = "body" if (title or "").strip() else "title"
        raise DomainError(message=_("Terms need a title and a text."), field=field)
    # Lock the table's newest row so two publishers cannot both take the same number.
    latest = TermsVersion.objects.select_for_update().order_by("-version").first()
    number = (latest.version if latest else 0) + 1
    try:
        with transaction.atomic():
            return TermsVersion.objects.create(
                version=number, title=title.strip(), body=body.strip(), summary_of_changes=summary_of_changes
            )
    except IntegrityError:
        raise Conflict(_("Another version was published at the same moment; try again.")) from None
