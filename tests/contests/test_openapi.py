"""The OpenAPI document names every contests schema once: a second schema with the same class name elsewhere
would silently replace it in the document, so clients generated from it would read the wrong fields."""

from __future__ import annotations

from collections import defaultdict

import pytest
from ninja import Schema

from cocreate.api import api


def _schema_modules() -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    stack: list[type] = [Schema]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("cocreate."):
                names[sub.__name__].add(sub.__module__)
            stack.append(sub)
    return names


def test_no_other_api_schema_shares_a_name_with_ours() -> None:
    clashes = {
        name: sorted(modules)
        for name, modules in _schema_modules().items()
        if "cocreate.contests.api" in modules and len(modules) > 1
    }
    assert clashes == {}


@pytest.mark.django_db
def test_entries_are_documented_with_their_designer_and_votes() -> None:
    doc = api.get_openapi_schema()
    schemas = doc["components"]["schemas"]
    get = doc["paths"]["/api/v1/contests/{slug}/entries"]["get"]
    ref = get["responses"][200]["content"]["application/json"]["schema"]["items"]["$ref"]
    assert {"designer", "votes", "my_points"} <= set(schemas[ref.rsplit("/", 1)[-1]]["properties"])
