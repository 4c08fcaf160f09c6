"""Who owns a discussion. The engine knows nothing of ideas or threads: each owning app registers a
resolver that recognises its own discussions and says where they live, who may see them and who created
the thing being discussed (the people who may post updates)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .models import Discussion


@dataclass(frozen=True)
class Owner:
    kind: str  # the follow target type, e.g. "idea"
    pk: int
    title: str
    url: str
    creator_ids: frozenset[int] = field(default_factory=frozenset)
    can_view: Callable[[Any], bool] = lambda user: True
    # Who moderates this conversation besides the site's moderators (e.g. a forum board's moderators).
    can_moderate: Callable[[Any], bool] | None = None
    # The owner takes replies on its own page, through its own service (a forum thread keeps its activity
    # and its board's counters with each reply), so the engine's generic comment form refuses them.
    own_replies: bool = False


Resolver = Callable[[Discussion], Owner | None]

_resolvers: list[Resolver] = []


def register_owner(resolver: Resolver) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def owner_of(discussion: Discussion) -> Owner | None:
    # Cached on the instance: a request asks several times (policy, URL, notification target).
    if hasattr(discussion, "_owner_cache"):
        cached: Owner | None = discussion._owner_cache
        return cached
    found = None
    for resolver in _resolvers:
        found = resolver(discussion)
        if found is not None:
            break
    discussion._owner_cache = found  # type: ignore[attr-defined]
    return found


def owner_url(discussion: Discussion) -> str:
    owner = owner_of(discussion)
    return owner.url if owner and owner.url else "/"
