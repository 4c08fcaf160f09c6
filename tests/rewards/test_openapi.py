"""The OpenAPI document names every rewards schema once: a second schema with the same class name elsewhere
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
        if "cocreate.rewards.api" in modules and len(modules) > 1
    }
    assert clashes == {}


@pytest.mark.django_db
def test_points_history_is_documented_as_ledger_entries() -> None:
    doc = api.get_openapi_schema()
    schemas = doc["components"]["schemas"]
    history = schemas["PointsOut"]["properties"]["history"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert {"amount", "action", "source", "reverses_id"} <= set(schemas[history]["properties"])
