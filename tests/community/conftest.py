"""Community fixtures: a product, a board about it, and a factory for threads posted through the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cocreate.accounts.models import User
from cocreate.brand import services as brand_services
from cocreate.brand.models import Product
from cocreate.community.models import Board, Thread
from cocreate.community.services import forum


@pytest.fixture
def product(brand_admin: User) -> Product:
    return brand_services.product_create(actor=brand_admin, name="Trail Lamp", category="Outdoor")


@pytest.fixture
def board(product: Product) -> Board:
    return Board.objects.create(
        name="Trail Lamp", slug="trail-lamp", product=product, description="All about it"
    )


@pytest.fixture
def post_thread(board: Board) -> Callable[..., Thread]:
    """Post through the real service (rate limit off): `post_thread(author, kind="bug", title=…, body=…)`."""

    def post(author: User, kind: str = "discussion", **fields: Any) -> Thread:
        fields.setdefault("title", f"A {kind} about the lamp")
        fields.setdefault("body", "The lamp flickers when the battery is low.")
        on = fields.pop("board", board)
        return forum.thread_create(actor=author, board=on, kind=kind, rate_limited=False, **fields)

    return post
