"""Every API schema class has a name of its own: ninja names an OpenAPI component after the class, so a
second class of the same name in another app silently replaces the first in the document, and clients
generated from it would read the wrong fields."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import cocreate.api  # noqa: F401  (every router and its schemas loaded)


def test_no_two_api_schemas_share_a_name() -> None:
    modules: dict[str, set[str]] = defaultdict(set)
    stack: list[type] = [Schema]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("cocreate."):
                modules[sub.__name__].add(sub.__module__)
            stack.append(sub)
    assert {name: sorted(found) for name, found in modules.items() if len(found) > 1} == {}
