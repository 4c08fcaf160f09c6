"""/api/v1/organization and /api/v1/products: public reads, administrator writes, cursor pages."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from cocreate.accounts.models import User
from cocreate.brand import selectors, services
from cocreate.brand.models import Organization, Product
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(brand_admin: User) -> list[Product]:
    # Names repeat on purpose: the cursor must page through ties on the sort key.
    names = ["Crane", "Tram", "Crane", "Mill", "Castle", "Tram", "Crane", "Lighthouse", "Bridge"]
    return [services.product_create(actor=brand_admin, name=n) for n in names]


def _page_through(api: Any, query: str = "") -> tuple[list[int], int]:
    ids: list[int] = []
    cursor = None
    pages = 0
    while True:
        url = f"/api/v1/products?limit=2{query}" + (f"&cursor={cursor}" if cursor else "")
        response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages += 1
        assert len(body["items"]) <= 2
        ids += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, pages
        assert pages < 50


# --- Products ----------------------------------------------------------------------------------------


def test_products_walk_every_product_exactly_once(api_for: Any, products: list[Product]) -> None:
    ids, pages = _page_through(api_for(None))
    assert pages == 5
    assert sorted(ids) == sorted(p.pk for p in products) and len(ids) == len(set(ids))
    assert ids == list(Product.objects.order_by("name", "id").values_list("id", flat=True))


def test_products_filter_by_status_and_name(api_for: Any, brand_admin: User, products: list[Product]) -> None:
    services.product_update(actor=brand_admin, product=products[1], status="launched")
    api = api_for(None)
    launched = api.get("/api/v1/products?status=launched").json()["items"]
    assert [p["id"] for p in launched] == [products[1].pk]
    cranes = api.get("/api/v1/products?q=CRA").json()
    assert [p["name"] for p in cranes["items"]] == ["Crane"] * 3 and cranes["next_cursor"] is None
    ids, _pages = _page_through(api, "&q=crane")
    assert len(ids) == 3


def test_a_product_reads_like_the_list(api_for: Any, products: list[Product]) -> None:
    body = api_for(None).get(f"/api/v1/products/{products[0].pk}").json()
    assert body["name"] == "Crane" and body["slug"] == "crane" and body["status"] == "concept"
    assert set(body) == {
        "id",
        "name",
        "slug",
        "sku",
        "category",
        "description",
        "status",
        "launch_date",
        "image_url",
        "created_at",
    }


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        base64.urlsafe_b64encode(json.dumps(["a", "b"]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"a": 1}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([None, None]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["a", 10**40]).encode()).decode(),
    ],
)
def test_a_forged_cursor_is_a_400_on_the_cursor(api_for: Any, products: list[Product], cursor: str) -> None:
    body = assert_error_shape(api_for(None).get(f"/api/v1/products?cursor={cursor}"), 400, "cursor")
    assert body["detail"] == "The cursor is not valid."


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5"])
def test_a_bad_limit_is_a_422_on_the_limit(api_for: Any, limit: str) -> None:
    assert_error_shape(api_for(None).get(f"/api/v1/products?limit={limit}"), 422, "limit")


def test_an_admin_adds_a_product(api_for: Any, brand_admin: User) -> None:
    response = api_for(brand_admin).post(
        "/api/v1/products",
        {
            "name": "  Harbour  Crane ",
            "category": "Sets",
            "status": "in_development",
            "launch_date": "2026-05-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Harbour Crane" and body["slug"] == "harbour-crane"
    assert body["launch_date"] == "2026-05-01" and body["status"] == "in_development"
    product = Product.objects.get(pk=body["id"])
    assert product.category == "Sets" and str(product.launch_date) == "2026-05-01"


def test_members_and_visitors_cannot_add_products(api_for: Any, member: User, moderator: User) -> None:
    assert_error_shape(api_for(member).post("/api/v1/products", {"name": "Mine"}), 403)
    assert_error_shape(api_for(moderator).post("/api/v1/products", {"name": "Mine"}), 403)
    assert_error_shape(api_for(None).post("/api/v1/products", {"name": "Mine"}), 401)
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({}, 422, "name"),
        ({"name": ""}, 422, "name"),
        ({"name": 5}, 422, "name"),
        ({"name": "Crane", "launch_date": "soon"}, 422, "launch_date"),
        ({"name": "Crane", "status": "sold_out"}, 400, "status"),
        ({"name": "Crane", "slug": "Not a slug"}, 400, "slug"),
        ({"name": "   "}, 400, "name"),
    ],
)
def test_product_input_errors_name_the_field(
    api_for: Any, brand_admin: User, payload: dict[str, Any], status: int, field: str
) -> None:
    assert_error_shape(api_for(brand_admin).post("/api/v1/products", payload), status, field)
    assert not Product.objects.exists()


def test_a_duplicate_slug_is_refused_on_the_slug(api_for: Any, brand_admin: User) -> None:
    api = api_for(brand_admin)
    assert api.post("/api/v1/products", {"name": "Crane", "slug": "crane"}).status_code == 201
    body = assert_error_shape(api.post("/api/v1/products", {"name": "Crane 2", "slug": "crane"}), 409, "slug")
    assert "address" in body["detail"]
    assert Product.objects.count() == 1


def test_an_admin_updates_a_product(api_for: Any, brand_admin: User, products: list[Product]) -> None:
    response = api_for(brand_admin).patch(
        f"/api/v1/products/{products[0].pk}", {"status": "launched", "sku": "C-9"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "launched"
    product = Product.objects.get(pk=products[0].pk)
    assert product.status == "launched" and product.sku == "C-9" and product.name == "Crane"


def test_a_member_cannot_update_a_product(api_for: Any, member: User, products: list[Product]) -> None:
    assert_error_shape(api_for(member).patch(f"/api/v1/products/{products[0].pk}", {"name": "Mine"}), 403)
    assert Product.objects.get(pk=products[0].pk).name == "Crane"


def test_a_missing_product_is_a_404(api_for: Any, brand_admin: User) -> None:
    assert_error_shape(
        api_for(brand_admin).patch("/api/v1/products/999999", {"name": "X"}), 404, "product_id"
    )
    assert_error_shape(api_for(None).get("/api/v1/products/999999"), 404, "product_id")
    assert_error_shape(api_for(None).get("/api/v1/products/99999999999999999999999"), 404)


# --- Organization ------------------------------------------------------------------------------------


def test_anyone_reads_the_organization(api_for: Any) -> None:
    body = api_for(None).get("/api/v1/organization").json()
    assert body["name"] == "Cocreate" and body["primary_color"] == "#1f4e8c" and body["logo_url"] is None


def test_an_admin_changes_the_organization(api_for: Any, brand_admin: User) -> None:
    response = api_for(brand_admin).patch(
        "/api/v1/organization", {"name": "Brickworks", "accent_color": "#7a1f0f"}
    )
    assert response.status_code == 200, response.content
    org = Organization.objects.get()
    assert org.name == "Brickworks" and org.accent_color == "#7a1f0f"


def test_a_light_colour_is_refused_through_the_api(api_for: Any, brand_admin: User) -> None:
    body = assert_error_shape(
        api_for(brand_admin).patch("/api/v1/organization", {"primary_color": "#ffee00"}), 400, "primary_color"
    )
    assert "contrast of 1.2:1" in body["detail"]
    assert selectors.organization_get().primary_color == "#1f4e8c"


def test_a_member_cannot_change_the_organization(api_for: Any, member: User) -> None:
    assert_error_shape(api_for(member).patch("/api/v1/organization", {"name": "Mine"}), 403)
    assert_error_shape(api_for(None).patch("/api/v1/organization", {"name": "Mine"}), 401)
    assert selectors.organization_get().name == "Cocreate"
