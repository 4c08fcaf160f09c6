"""Where objects live in URLs: readable unique slugs, and the range a database id can have."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.utils.text import slugify

# The largest id a database integer key can hold: an id beyond it is forged, never looked up.
MAX_ID = 2**63 - 1


def unique_slug(
    queryset: Any,
    text: str,
    *,
    fallback: str,
    max_length: int,
    reserved: Collection[str] = (),
    exclude_pk: int | None = None,
) -> str:
    """The slug of `text` (or `fallback` when nothing is left of it), numbered `-2`, `-3`… past the slugs
    already taken in `queryset` and the `reserved` words that name pages under the same prefix."""
    base = slugify(text)[:max_length] or fallback
    taken = queryset.exclude(pk=exclude_pk) if exclude_pk is not None else queryset
    slug, n = base, 2
    while slug in reserved or taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
