"""The site menu lists only pages that exist, for the people who may see them."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cocreate.accounts.models import User
from cocreate.core import navigation
from cocreate.core.navigation import NavItem

pytestmark = pytest.mark.django_db


def _menu(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main" class="main-nav">(.*?)</nav>', html, re.S)
    assert nav
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(1))


def test_visitors_and_members_see_their_menus(client: Client, member: User) -> None:
    visitor = _menu(client.get("/").content.decode())
    assert visitor[:5] == ["Home", "Ideas", "Challenges", "Community", "Products"]
    assert "You said, we did" in visitor and "Triage" not in visitor and "My profile" not in visitor
    client.force_login(member)
    assert "My profile" in _menu(client.get("/").content.decode())


def test_the_current_section_is_marked(client: Client) -> None:
    html = client.get("/products/").content.decode()
    assert '<a href="/products/" aria-current="page">Products</a>' in html
    assert '<a href="/" aria-current="page">' not in html


def test_items_for_filters_by_audience_and_sorts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(navigation, "_items", {})
    navigation.register(NavItem(key="b", label="B", url_name="x", order=5, audience="staff"))
    navigation.register(NavItem(key="a", label="A", url_name="x", order=5))
    navigation.register(NavItem(key="m", label="M", url_name="x", order=1, audience="members"))

    class Staff:
        is_authenticated = True
        is_staff = True

    assert [i.key for i in navigation.items_for(None)] == ["a"]
    assert [i.key for i in navigation.items_for(Staff())] == ["m", "a", "b"]


def test_an_item_whose_page_does_not_exist_is_left_out(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        navigation._items, "ghost", NavItem(key="ghost", label="Ghost", url_name="nope:nothing")
    )
    assert "Ghost" not in _menu(client.get("/").content.decode())
