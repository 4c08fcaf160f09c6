"""/healthz, the last-resort error view, and the rule that no page answers 500 to bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from cocreate.accounts.models import User
from cocreate.brand import services as brand_services
from cocreate.core.views import server_error

pytestmark = pytest.mark.django_db


def test_healthz_answers_with_the_database_vendor(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}
    assert connection.vendor in {"sqlite", "postgresql"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_healthz_is_503_when_the_database_does_not_answer(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class Down:
        vendor = "postgresql"

        def cursor(self) -> Any:
            raise OperationalError("connection refused")

    monkeypatch.setattr("cocreate.core.views.connection", Down())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert any("health check failed" in r.getMessage() for r in caplog.records)


def test_the_last_resort_error_view_speaks_json_to_the_api() -> None:
    api: Any = server_error(RequestFactory().get("/api/v1/products"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    body = json.loads(api.content)
    assert body["errors"] == [{"field": None, "message": body["detail"]}] and "logged" in body["detail"]
    page: Any = server_error(RequestFactory().get("/products/"))
    assert page.status_code == 500 and b"Server Error" in page.content


@pytest.fixture
def world(brand_admin: User, member: User) -> dict[str, Any]:
    brand_services.terms_publish(actor=brand_admin, title="Terms", body="Be kind.")
    return {"product": brand_services.product_create(actor=brand_admin, name="Crane")}


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/products/?cursor=WyJhIiwgImIiXQ", None),
        ("get", "/products/?cursor=" + "W" * 3000, None),
        ("get", "/products/?cursor=%00%FF", None),
        ("get", "/products/?status=%00&q=" + "x" * 5000, None),
        ("get", "/products/?q=%00", None),
        ("get", "/products/?q=a%00b&status=%00&cursor=WyJcdTAwMDAiLCAxXQ", None),
        ("get", "/products/%E2%80%AE/", None),
        ("get", "/members/99999999999999999999999/", None),
        ("get", "/members/0/", None),
        ("post", "/terms/", {"version": "99999999999999999999999"}),
        ("post", "/terms/", {"version": ["1", "2"]}),
        ("post", "/account/profile/", {"display_name": "x" * 5000, "interests": "," * 5000}),
        ("post", "/account/profile/", {"bio": "\x00"}),
        ("post", "/account/tokens/", {"name": "x" * 5000}),
        ("post", "/account/tokens/99999999999999999999999/revoke/", {}),
        ("post", "/account/about-you/", {"q_99999999999999999999": "x"}),
        ("post", "/accounts/login/", {"login": "x" * 5000, "password": "y"}),
        (
            "post",
            "/accounts/signup/",
            {"email": "a@" + "b" * 300 + ".com", "password1": "x", "password2": "y"},
        ),
        ("post", "/accounts/password/reset/", {"email": "\x00@example.com"}),
    ],
)
def test_no_page_answers_500_to_bad_input(
    client: Client, member: User, world: dict[str, Any], method: str, url: str, data: Any
) -> None:
    client.raise_request_exception = False
    if url.startswith("/account/"):
        client.force_login(member)
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert response.status_code < 500, (url, response.status_code)
