"""Every response carries a request id and a strict Content-Security-Policy whose nonce is the one the
page's own <script> tags carry."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from cocreate.accounts.models import User
from cocreate.brand import services as brand_services

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'")


def _nonce(response: Any) -> str:
    match = NONCE.search(response["Content-Security-Policy"])
    assert match, response["Content-Security-Policy"]
    return match.group(1)


@pytest.fixture
def pages(brand_admin: User, member: User) -> list[str]:
    product = brand_services.product_create(actor=brand_admin, name="Crane")
    brand_services.terms_publish(actor=brand_admin, title="Terms", body="Be kind.")
    return [
        "/",
        "/products/",
        f"/products/{product.slug}/",
        "/terms/",
        f"/members/{member.pk}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]


def test_every_page_script_carries_the_nonce_of_its_csp(
    client: Client, pages: list[str], member: User
) -> None:
    for logged_in in (False, True):
        if logged_in:
            client.force_login(member)
            pages = [p for p in pages if not p.startswith("/accounts/")]
            pages += [
                "/account/profile/",
                "/account/about-you/",
                "/accounts/email/",
                "/accounts/password/change/",
            ]
        nonces = set()
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            nonce = _nonce(response)
            nonces.add(nonce)
            html = response.content.decode()
            scripts = re.findall(r"<script\b[^>]*>", html)
            assert scripts, url
            for tag in scripts:
                assert f'nonce="{nonce}"' in tag, (url, tag)
            assert f"style-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert len(nonces) == len(pages)  # a fresh nonce per response


def test_the_policy_is_strict(client: Client) -> None:
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "*" not in policy


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/products/",
        "/no-such-page/",
        "/api/v1/products",
        "/api/v1/nothing",
        "/healthz",
        "/static/cocreate/site.css",
    ],
)
def test_every_response_carries_a_request_id_and_a_csp(client: Client, url: str) -> None:
    response = client.get(url)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert client.get(url)["X-Request-ID"] != response["X-Request-ID"]


def test_a_well_formed_incoming_request_id_is_kept(client: Client) -> None:
    assert client.get("/", headers={"X-Request-ID": "edge-1234.abcd"})["X-Request-ID"] == "edge-1234.abcd"


@pytest.mark.parametrize("incoming", ["short", "x" * 65, "bad id with spaces", "<script>", "a\u00e9bcdefghi"])
def test_a_malformed_incoming_request_id_is_replaced(client: Client, incoming: str) -> None:
    response = client.get("/", headers={"X-Request-ID": incoming})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_server_error_still_carries_the_headers(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("cocreate.brand.views.selectors.product_list", broken)
    client.raise_request_exception = False
    response = client.get("/products/")
    assert response.status_code == 500
    assert "boom" not in response.content.decode()
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_a_view_may_widen_frame_ancestors_only() -> None:
    from django.http import HttpRequest, HttpResponse

    from cocreate.core.middleware import ContentSecurityPolicyMiddleware

    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("widget")
        response.csp_frame_ancestors = ["https://shop.example.com"]  # type: ignore[attr-defined]
        return response

    response = ContentSecurityPolicyMiddleware(view)(HttpRequest())
    assert "frame-ancestors https://shop.example.com" in response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
