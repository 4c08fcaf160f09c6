from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from cocreate.core.api import InputSchema, PageOut


class OrganizationOut(Schema):
    name: str
    tagline: str
    about: str
    primary_color: str
    accent_color: str
    contact_email: str
    contact_url: str
    logo_url: str | None

    @staticmethod
    def resolve_logo_url(obj: object) -> str | None:
        logo = getattr(obj, "logo", None)
        return logo.url if logo else None


class OrganizationIn(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    tagline: str | None = Field(default=None, max_length=200)
    about: str | None = Field(default=None, max_length=20_000)
    primary_color: str | None = None
    accent_color: str | None = None
    contact_email: str | None = None
    contact_url: str | None = None


class ProductOut(Schema):
    id: int
    name: str
    slug: str
    sku: str
    category: str
    description: str
    status: str
    launch_date: date | None
    image_url: str | None
    created_at: datetime

    @staticmethod
    def resolve_image_url(obj: object) -> str | None:
        image = getattr(obj, "image", None)
        return image.url if image else None


class ProductIn(InputSchema):
    name: str = Field(min_length=1, max_length=160)
    slug: str | None = Field(default=None, max_length=180)
    sku: str | None = Field(default=None, max_length=40)
    category: str | None = Field(default=None, max_length=80)
    description: str | None = Field(default=None, max_length=20_000)
    status: str | None = None
    launch_date: date | None = None


class ProductPatch(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=160)
    slug: str | None = Field(default=None, max_length=180)
    sku: str | None = Field(default=None, max_length=40)
    category: str | None = Field(default=None, max_length=80)
    description: str | None = Field(default=None, max_length=20_000)
    status: str | None = None
    launch_date: date | None = None


ProductPage = PageOut[ProductOut]
