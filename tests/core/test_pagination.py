"""Keyset pagination: every row exactly once, in order, whatever the page size and however many rows
share a sort key; a cursor someone made up is a clear 400, never a crash."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreate.brand.models import Product
from cocreate.core.errors import DomainError
from cocreate.core.pagination import decode_cursor, encode_cursor, paginate

pytestmark = pytest.mark.django_db


def _walk(order: list[str], limit: int, **filters: Any) -> tuple[list[int], int]:
    ids: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = paginate(Product.objects.filter(**filters), order=order, cursor=cursor, limit=limit)
        pages += 1
        assert len(page.items) <= limit
        ids += [p.pk for p in page.items]
        if page.next_cursor is None:
            return ids, pages
        assert len(page.items) == limit  # a page before the last is always full
        cursor = page.next_cursor


def _forge(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(st.sampled_from(["a", "b", "B", "ab", "é", " ", "z"]), max_size=25),
    limit=st.integers(min_value=1, max_value=12),
    order=st.sampled_from([["name", "id"], ["-name", "id"], ["name", "-id"], ["-name", "-id"], ["id"]]),
)
def test_walking_pages_yields_every_row_once_in_order(names: list[str], limit: int, order: list[str]) -> None:
    with transaction.atomic():
        Product.objects.bulk_create(Product(name=n, slug=f"p-{i}") for i, n in enumerate(names))
        expected = list(Product.objects.order_by(*order).values_list("id", flat=True))
        ids, pages = _walk(order, limit)
        assert ids == expected
        assert pages == max(1, -(-len(names) // limit))
        transaction.set_rollback(True)


def test_a_filter_is_kept_across_pages() -> None:
    Product.objects.bulk_create(
        Product(name=f"n{i % 3}", slug=f"p-{i}", status="launched" if i % 2 else "concept") for i in range(20)
    )
    ids, _pages = _walk(["name", "id"], 3, status="launched")
    assert ids == list(
        Product.objects.filter(status="launched").order_by("name", "id").values_list("id", flat=True)
    )


def test_rows_added_before_the_cursor_do_not_repeat_rows() -> None:
    Product.objects.bulk_create(Product(name=n, slug=n) for n in ["b", "d", "f", "h"])
    first = paginate(Product.objects.all(), order=["name", "id"], cursor=None, limit=2)
    Product.objects.create(name="a", slug="a")  # lands on a page already read
    Product.objects.create(name="g", slug="g")  # lands ahead
    second = paginate(Product.objects.all(), order=["name", "id"], cursor=first.next_cursor, limit=10)
    assert [p.name for p in first.items + second.items] == ["b", "d", "f", "g", "h"]


def test_cursors_round_trip_dates_and_text() -> None:
    product = Product.objects.create(name="Crane", slug="crane")
    cursor = encode_cursor([product.created_at, "Crane", product.pk])
    assert decode_cursor(cursor, 3) == [product.created_at.isoformat(), "Crane", product.pk]
    page = paginate(Product.objects.all(), order=["-created_at", "id"], cursor=None, limit=1)
    assert page.next_cursor is None and page.items == [product]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "%%%",
        "aGVsbG8",  # base64 of "hello": not JSON
        _forge({"name": "a"}),
        _forge(["a"]),  # wrong length
        _forge(["a", "b", "c"]),
        _forge(["a", "not-a-number"]),
        _forge(["a", None]),
        _forge([None, 1]),
        _forge([["a"], 1]),
        _forge(["a", 10**30]),
        _forge(["a", 1.5e300]),
        _forge(["a" * 500, 1]),
        _forge(["nul\u0000", 1]),
        base64.urlsafe_b64encode(b"[" * 5000).decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "W1siYSIsIDFd",  # truncated
    ],
)
def test_a_forged_cursor_is_a_domain_error_on_the_cursor(cursor: str) -> None:
    Product.objects.create(name="Crane", slug="crane")
    with pytest.raises(DomainError) as exc:
        paginate(Product.objects.all(), order=["name", "id"], cursor=cursor, limit=5)
    assert exc.value.field == "cursor" and exc.value.status == 400


def test_a_forged_date_cursor_is_refused() -> None:
    with pytest.raises(DomainError):
        paginate(Product.objects.all(), order=["-created_at", "id"], cursor=_forge(["yesterday", 1]), limit=5)


@given(st.text(max_size=80))
def test_decoding_any_text_is_a_list_or_a_domain_error(cursor: str) -> None:
    try:
        values = decode_cursor(cursor, 2)
    except DomainError as exc:
        assert exc.field == "cursor"
    else:
        assert isinstance(values, list) and len(values) == 2


@pytest.mark.django_db
def test_a_cursor_with_a_non_finite_number_is_refused(make_user: Any) -> None:
    from cocreate.challenges.models import Idea

    for value in ("NaN", "Infinity", "-Infinity"):
        cursor = encode_cursor([float(value), 1])
        with pytest.raises(DomainError):
            paginate(Idea.objects.all(), order=["-trending_score", "-id"], cursor=cursor, limit=5)
