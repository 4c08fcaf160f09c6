"""The API as a whole (cocreate/api.py with core/api.py's error handlers): one error shape for every failure,
a valid OpenAPI document, docs served from our own host."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate

from cocreate.accounts.models import User
from cocreate.brand.models import Product
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


# --- Documentation -------------------------------------------------------------------------------------


def test_the_openapi_document_is_valid_openapi_3(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Cocreate API"
    for path in (
        "/api/v1/accounts/me",
        "/api/v1/products",
        "/api/v1/products/{product_id}",
        "/api/v1/organization",
    ):
        assert path in schema["paths"], path
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token from your profile page.",
    }
    # Every operation documents the shared error shape.
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" in responses, (method, path)
            assert responses["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }
    for name in schema["components"]["schemas"]:
        assert re.fullmatch(r"[A-Za-z0-9._-]+", name), name


def test_the_docs_page_loads_only_local_assets(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", html)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)
    for url in assets:
        if url.endswith((".js", ".css")):
            assert client.get(url).status_code == 200, url
    # The strict CSP applies here too, and the page needs no inline script to work.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    inline = [s for s in re.findall(r"<script\b([^>]*)>", html) if "src=" not in s]
    assert all('type="application/json"' in attrs for attrs in inline)


# --- Errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/whatever"),
        ("get", "/api/v1/"),
        ("post", "/api/v1/whatever/deeper"),
        ("get", "/api/v2/products"),
        ("get", "/api/"),
    ],
)
def test_an_unknown_endpoint_is_a_json_404(client: Client, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    assert response["Content-Type"].startswith("application/json")
    body = assert_error_shape(response, 404)
    assert "/api/v1/docs" in body["detail"]


def test_a_wrong_method_answers_the_error_shape_with_what_is_allowed(client: Client) -> None:
    response = client.delete("/api/v1/products")
    body = assert_error_shape(response, 405)
    assert "GET" in response["Allow"] and "DELETE is not allowed" in body["detail"]


def test_a_path_parameter_of_the_wrong_type_is_a_422_naming_it(client: Client) -> None:
    assert_error_shape(client.get("/api/v1/products/not-a-number"), 422, "product_id")


def test_without_authentication_writes_are_401(api_for: Any) -> None:
    body = assert_error_shape(api_for(None).post("/api/v1/products", {"name": "X"}), 401)
    assert body["errors"] == [{"field": None, "message": body["detail"]}]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ["a"]}, "name"),
        ({"name": "Crane", "launch_date": 20260101}, "launch_date"),
        ({"name": "Crane", "sku": {"a": 1}}, "sku"),
        ({"name": None}, "name"),
    ],
)
def test_wrong_types_are_a_422_naming_the_field(
    api_for: Any, brand_admin: User, payload: Any, field: str
) -> None:
    body = assert_error_shape(api_for(brand_admin).post("/api/v1/products", payload), 422, field)
    assert body["detail"].startswith(f"{field}:")
    assert not Product.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "", "[1, 2]", '"text"', "null"])
def test_a_body_that_is_not_the_expected_object_is_a_client_error(
    api_for: Any, brand_admin: User, raw: str
) -> None:
    api = api_for(brand_admin)
    response = api.client.post("/api/v1/products", raw, content_type="application/json", headers=api.headers)
    assert 400 <= response.status_code < 500
    assert_error_shape(response, response.status_code)
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("method", "path", "payload", "field"),
    [
        ("patch", "/api/v1/accounts/me", {"bio": "nul\x00byte"}, "bio"),
        ("patch", "/api/v1/accounts/me", {"skills": ["a\x00"]}, "skills"),
        ("post", "/api/v1/products", {"name": "Crane\x00"}, "name"),
        ("patch", "/api/v1/organization", {"tagline": "\x00"}, "tagline"),
        ("get", "/api/v1/products?q=a%00b", None, "q"),
    ],
)
def test_null_characters_are_refused_naming_the_field(
    api_for: Any, brand_admin: User, method: str, path: str, payload: Any, field: str
) -> None:
    # PostgreSQL cannot store them; the web's form fields refuse them too.
    body = assert_error_shape(getattr(api_for(brand_admin), method)(path, payload), 422, field)
    assert "Null characters are not allowed." in body["detail"]
    brand_admin.refresh_from_db()
    assert brand_admin.bio == "" and brand_admin.skills == [] and not Product.objects.exists()


def test_a_body_over_the_upload_limit_is_a_413(api_for: Any, brand_admin: User, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    api = api_for(brand_admin)
    payload = json.dumps({"name": "Crane", "description": "y" * (1024 * 1024)})
    response = api.client.post(
        "/api/v1/products", payload, content_type="application/json", headers=api.headers
    )
    body = assert_error_shape(response, 413)
    assert body["detail"] == "The request body is too large; the limit is 1.0 MB."
    assert not Product.objects.exists()


def test_an_unexpected_failure_is_a_logged_500_in_the_error_shape(
    api_for: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("cocreate.brand.api.selectors.product_list", broken)
    response = api_for(None).get("/api/v1/products")
    body = assert_error_shape(response, 500)
    assert "database on fire" not in body["detail"]  # internals are logged, not shown
    assert "X-Request-ID" in response
    assert any("unhandled API error" in r.getMessage() and r.exc_info for r in caplog.records)


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/api/v1/products?cursor=%FF%FE", None),
        ("get", "/api/v1/products?limit=99999999999999999999999", None),
        ("get", "/api/v1/products?status=" + "x" * 5000, None),
        ("get", "/api/v1/products?q=" + "x" * 500, None),
        ("get", "/api/v1/products/99999999999999999999999", None),
        ("patch", "/api/v1/products/99999999999999999999999", {"name": "x"}),
        ("delete", "/api/v1/accounts/me/tokens/99999999999999999999999", None),
        ("patch", "/api/v1/accounts/me", {"interests": [["nested"]]}),
        ("patch", "/api/v1/accounts/me", {"display_name": "\x00"}),
        ("patch", "/api/v1/accounts/me", {"interests": ["ok", "a\x00b"]}),
        ("get", "/api/v1/products?q=%00", None),
        ("get", "/api/v1/products?status=%00", None),
        ("get", "/api/v1/products?cursor=WyJcdTAwMDAiLCAxXQ", None),
        ("post", "/api/v1/products", {"name": "Crane\x00"}),
        ("patch", "/api/v1/organization", {"tagline": "\x00"}),
        ("patch", "/api/v1/organization", {"primary_color": "#" + "f" * 500}),
        ("patch", "/api/v1/organization", {"contact_url": "x" * 5000}),
        ("post", "/api/v1/products", {"name": "\u202e" * 10, "launch_date": "0000-00-00"}),
        ("post", "/api/v1/products", {"name": "x", "slug": "x" * 500}),
    ],
)
def test_no_bad_input_is_a_500(api_for: Any, brand_admin: User, method: str, path: str, payload: Any) -> None:
    response = getattr(api_for(brand_admin), method)(path, payload)
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert_error_shape(response, response.status_code)
