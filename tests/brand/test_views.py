"""The public brand pages: home, the product catalogue (htmx filter, cursor pages), product pages and the
participation terms a member accepts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import TermsAcceptance, User
from cocreate.brand import services
from cocreate.brand.models import Product, ProductStatus, TermsVersion

pytestmark = pytest.mark.django_db

PRODUCTS = "/products/"
NEXT = re.compile(r'href="\?([^"]*cursor=[^"]+)"')


@pytest.fixture
def catalogue(brand_admin: User) -> list[Product]:
    names = ["Harbour Crane", "Lighthouse", "Steam Train", "City Tram", "Castle", "Old Mill"]
    statuses = [ProductStatus.LAUNCHED, ProductStatus.CONCEPT, ProductStatus.LAUNCHED, ProductStatus.RETIRED]
    return [
        services.product_create(
            actor=brand_admin,
            name=name,
            status=statuses[i % 4],
            category="Sets",
            description=f"The *{name}*.",
        )
        for i, name in enumerate(names)
    ]


def _names(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/products/[^"]+/">([^<]+)</a></h3>', html)


def _walk(client: Client, query: str = "", **headers: str) -> tuple[list[str], int]:
    """Follow "More products" links from the first page; return every name shown and the page count."""
    seen: list[str] = []
    pages = 0
    url = PRODUCTS + (f"?{query}" if query else "")
    while url:
        html = client.get(url, headers=headers).content.decode()
        pages += 1
        seen += _names(html)
        more = NEXT.search(html)
        url = PRODUCTS + "?" + more.group(1).replace("&amp;", "&") if more else ""
        assert pages < 20
    return seen, pages


# --- Home and products ---------------------------------------------------------------------------------


def test_home_shows_the_brand_and_featured_products(client: Client, catalogue: list[Product]) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Join the community" in html
    featured = _names(html)
    assert "Castle" in featured and "City Tram" not in featured  # a retired product is not featured


def test_the_product_list_shows_every_product_in_name_order(client: Client, catalogue: list[Product]) -> None:
    response = client.get(PRODUCTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'id="results"' in html
    assert _names(html) == sorted(p.name for p in catalogue)
    assert "More products" not in html


def test_the_product_list_filters_by_name_and_status(client: Client, catalogue: list[Product]) -> None:
    assert _names(client.get(PRODUCTS, {"q": "  tRAIN "}).content.decode()) == ["Steam Train"]
    launched = _names(client.get(PRODUCTS, {"status": "launched"}).content.decode())
    assert launched == ["Castle", "Harbour Crane", "Steam Train"]
    assert _names(client.get(PRODUCTS, {"status": "launched", "q": "castle"}).content.decode()) == ["Castle"]
    nothing = client.get(PRODUCTS, {"q": "submarine"}).content.decode()
    assert _names(nothing) == [] and "No product matches." in nothing
    # An unknown status is ignored rather than answered with an error or an empty list.
    assert len(_names(client.get(PRODUCTS, {"status": "bogus"}).content.decode())) == len(catalogue)


def test_the_htmx_filter_answers_the_results_fragment_only(client: Client, catalogue: list[Product]) -> None:
    response = client.get(PRODUCTS, {"q": "castle"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html and 'id="results"' not in html
    assert _names(html) == ["Castle"]
    # A boosted link wants the whole page, and so does htmx restoring the pushed URL from history.
    boosted = client.get(PRODUCTS, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.content.decode()
    restore = client.get(
        PRODUCTS, {"q": "castle"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode() and _names(restore.content.decode()) == ["Castle"]
    # The page and the fragment share a URL: caches are told they differ.
    assert "HX-Request" in response["Vary"] and "HX-Request" in client.get(PRODUCTS)["Vary"]


def test_the_product_list_pages_with_a_cursor(client: Client, brand_admin: User) -> None:
    created = {services.product_create(actor=brand_admin, name=f"Set {n:02d}").name for n in range(30)}
    first = client.get(PRODUCTS).content.decode()
    assert len(_names(first)) == 24 and "More products" in first
    seen, pages = _walk(client)
    assert pages == 2
    assert len(seen) == 30 and set(seen) == created and seen == sorted(seen)
    # The cursor keeps the filter: the next page of a search is still that search.
    seen, pages = _walk(client, "q=set+1")
    assert seen == [f"Set {n}" for n in range(10, 20)] and pages == 1


def test_the_cursor_keeps_the_filter_across_pages(client: Client, brand_admin: User) -> None:
    for n in range(30):
        services.product_create(
            actor=brand_admin, name=f"Kit {n:02d}", status="launched" if n % 2 else "concept"
        )
    seen, pages = _walk(client, "status=launched", **{"HX-Request": "true"})
    assert pages == 1 and len(seen) == 15
    for n in range(30):
        services.product_create(actor=brand_admin, name=f"Launch {n:02d}", status="launched")
    seen, pages = _walk(client, "status=launched")
    assert pages == 2 and len(seen) == 45 == len(set(seen))


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJhIiwgImIiXQ", "WzEsIDJd", "%00", "e30"])
def test_a_bad_cursor_starts_from_the_top(client: Client, catalogue: list[Product], cursor: str) -> None:
    response = client.get(PRODUCTS + "?cursor=" + cursor)
    assert response.status_code == 200
    assert _names(response.content.decode()) == sorted(p.name for p in catalogue)


def test_the_product_list_query_count_is_bounded(
    client: Client, member: User, brand_admin: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        services.product_create(actor=brand_admin, name=f"Set {n:02d}", category="Trains")
    client.get(PRODUCTS)  # warm the brand cache as any earlier page would have
    with django_assert_max_num_queries(3):
        assert len(_names(client.get(PRODUCTS).content.decode())) == 24
    client.force_login(member)
    client.get(PRODUCTS)
    with django_assert_max_num_queries(6):
        assert len(_names(client.get(PRODUCTS).content.decode())) == 24


def test_a_product_page(client: Client, catalogue: list[Product]) -> None:
    castle = next(p for p in catalogue if p.name == "Castle")
    Product.objects.filter(pk=castle.pk).update(
        description="A *castle* <script>alert(1)</script> [tap](javascript:alert(1))", sku="C-1"
    )
    response = client.get(reverse("brand:product-detail", args=[castle.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Castle</h1>" in html and "<em>castle</em>" in html and "SKU C-1" in html
    assert "<script>alert" not in html and 'href="javascript:' not in html
    assert client.get("/products/no-such-thing/").status_code == 404


def test_theme_css_carries_the_brand_colours(client: Client) -> None:
    response = client.get("/theme.css")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    assert response.content.decode() == ":root { --brand: #1f4e8c; --accent: #a3361f; }\n"


# --- Terms -------------------------------------------------------------------------------------------

NOTICE = "The participation terms changed (version 2)."


def test_terms_page_without_terms(client: Client) -> None:
    response = client.get("/terms/")
    assert response.status_code == 200 and "No terms have been published yet." in response.content.decode()


def test_a_member_accepts_changed_terms(client: Client, member: User, brand_admin: User) -> None:
    from cocreate.accounts import services as account_services

    first = services.terms_publish(actor=brand_admin, title="Terms", body="Be *kind*.")
    account_services.terms_accept(actor=member, terms=first)
    client.force_login(member)
    page = client.get("/terms/").content.decode()
    assert "You have accepted this version." in page and "<em>kind</em>" in page
    assert "participation terms changed" not in client.get("/").content.decode()

    services.terms_publish(actor=brand_admin, title="Terms", body="Be kinder.", summary_of_changes="Kinder.")
    home = client.get("/").content.decode()
    assert NOTICE in home and 'href="/terms/"' in home
    terms_page = client.get("/terms/").content.decode()
    assert "I accept version 2" in terms_page and "Kinder." in terms_page

    response = client.post("/terms/", {"version": "2"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    html = response.content.decode()
    assert "Thank you: you accepted version 2 of the terms." in html and NOTICE not in html
    assert sorted(TermsAcceptance.objects.filter(user=member).values_list("terms__version", flat=True)) == [
        1,
        2,
    ]


def test_accepting_a_stale_version_is_refused(client: Client, member: User, brand_admin: User) -> None:
    services.terms_publish(actor=brand_admin, title="Terms", body="One.")
    services.terms_publish(actor=brand_admin, title="Terms", body="Two.")
    client.force_login(member)
    for version in ("1", "3", "", "abc"):
        response = client.post("/terms/", {"version": version}, follow=True)
        assert response.status_code == 200
        assert "These terms have changed since you opened the page" in response.content.decode()
    assert not TermsAcceptance.objects.exists()


def test_visitors_cannot_accept_terms(client: Client, brand_admin: User) -> None:
    services.terms_publish(actor=brand_admin, title="Terms", body="One.")
    page = client.get("/terms/").content.decode()
    assert "I accept" not in page and "participation terms changed" not in page
    response = client.post("/terms/", {"version": "1"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not TermsAcceptance.objects.exists()


def test_terms_page_refuses_other_methods(client: Client) -> None:
    assert client.put("/terms/").status_code == 405
    assert TermsVersion.objects.count() == 0
