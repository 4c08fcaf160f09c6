"""Keyset (cursor) pagination: pages cost the same at row 10 and row 10 million."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from .errors import DomainError

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise DomainError(message="The cursor is not valid.", field="cursor") from None
    if not isinstance(values, list) or len(values) != size:
        raise DomainError(message="The cursor is not valid.", field="cursor")
    return values


def _clean_cursor_values(model: type[Model], fields: Sequence[str], values: list[Any]) -> list[Any]:
    """Check each cursor value against its model field: a forged cursor is a 400, not a database error."""
    cleaned = []
    for path, value in zip(fields, values, strict=True):
        if value is None or isinstance(value, list | dict):
            raise DomainError(message="The cursor is not valid.", field="cursor")
        try:
            field = _model_field(model, path)
        except FieldDoesNotExist:  # an annotation: the database compares it as given
            cleaned.append(value)
            continue
        try:
            python = field.to_python(value)
            field.run_validators(python)
            if isinstance(python, datetime):  # in UTC here, so the database adapter cannot overflow later
                python = timezone.make_aware(python) if timezone.is_naive(python) else python
                python = python.astimezone(UTC)
            if isinstance(python, str) and "\x00" in python:
                raise ValueError("PostgreSQL cannot compare NUL characters")
            if isinstance(python, float) and not math.isfinite(python):
                raise ValueError("NaN and infinities have no place in an ordering")
        except (ValidationError, TypeError, ValueError, OverflowError):
            raise DomainError(message="The cursor is not valid.", field="cursor") from None
        cleaned.append(python)
    return cleaned


def _model_field(model: type[Model], path: str) -> Any:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model  # type: ignore[assignment]
    return model._meta.get_field(name)


def paginate(queryset: QuerySet[Any], *, order: Sequence[str], cursor: str | None, limit: int) -> Page[Any]:
    """Order by `order` (field names, '-' for descending; the last must be unique, e.g. 'id')
    and return the page after `cursor`. One query of `limit + 1` rows, whatever the depth."""
    fields = [name.lstrip("-") for name in order]
    qs = queryset.order_by(*order)
    if cursor:
        values = _clean_cursor_values(queryset.model, fields, decode_cursor(cursor, len(fields)))
        condition = Q()
        for i, name in enumerate(order):
            field = fields[i]
            op = "lt" if name.startswith("-") else "gt"
            step = Q(**{f"{field}__{op}": values[i]})
            for j in range(i):
                step &= Q(**{fields[j]: values[j]})
            condition |= step
        qs = qs.filter(condition)
    rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([_attr(last, f) for f in fields])
    return Page(items=rows, next_cursor=next_cursor)


def _attr(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
