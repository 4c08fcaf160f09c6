from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from cocreate.core.api import ERROR_RESPONSES, InputSchema, api_actor
from cocreate.core.errors import NotFound

from . import selectors, services
from .models import Organization, Product
from .schemas import OrganizationIn, OrganizationOut, ProductIn, ProductOut, ProductPage, ProductPatch

router = Router(tags=["brand"])


class ProductFilters(InputSchema):
    status: str | None = None
    q: str | None = Field(default=None, max_length=100)
    cursor: str | None = None
    limit: int = Field(default=settings.COCREATE_API_PAGE_SIZE, ge=1, le=settings.COCREATE_API_MAX_PAGE_SIZE)


@router.get(
    "/organization",
    auth=None,
    response={200: OrganizationOut, **ERROR_RESPONSES},
    summary="The brand's public settings",
)
def organization(request: HttpRequest) -> Organization:
    return selectors.organization_get()


@router.patch(
    "/organization",
    response={200: OrganizationOut, **ERROR_RESPONSES},
    summary="Change the brand's settings (administrators)",
)
def organization_update(request: HttpRequest, payload: OrganizationIn) -> Organization:
    return services.organization_update(actor=api_actor(request), **payload.model_dump(exclude_unset=True))


@router.get(
    "/products",
    auth=None,
    response={200: ProductPage, **ERROR_RESPONSES},
    summary="The product catalogue, a cursor page at a time",
)
def products(request: HttpRequest, filters: Query[ProductFilters]) -> dict:
    page = selectors.product_list(
        status=filters.status, q=filters.q, cursor=filters.cursor, limit=filters.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


def _product(product_id: int) -> Product:
    product = selectors.product_get(product_id=product_id)
    if product is None:
        raise NotFound("No product with this id.", field="product_id")
    return product


@router.get(
    "/products/{product_id}", auth=None, response={200: ProductOut, **ERROR_RESPONSES}, summary="One product"
)
def product(request: HttpRequest, product_id: int) -> Product:
    return _product(product_id)


@router.post(
    "/products", response={201: ProductOut, **ERROR_RESPONSES}, summary="Add a product (administrators)"
)
def product_create(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    data = payload.model_dump(exclude_unset=True)
    name = data.pop("name")
    return Status(201, services.product_create(actor=api_actor(request), name=name, **data))


@router.patch(
    "/products/{product_id}",
    response={200: ProductOut, **ERROR_RESPONSES},
    summary="Change a product (administrators)",
)
def product_update(request: HttpRequest, product_id: int, payload: ProductPatch) -> Product:
    return services.product_update(
        actor=api_actor(request),
        product=_product(product_id),
        **payload.model_dump(exclude_unset=True),  # type: ignore[attr-defined]
    )
