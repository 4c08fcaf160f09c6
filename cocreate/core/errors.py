"""Domain errors: raised by services and policies, turned into a form error (web) or the JSON error
shape (API) at the edge, never into a 500."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FieldError:
    field: str | None
    message: str


class DomainError(Exception):
    """A rule said no. `status` is the HTTP status the API answers with."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        status: int = 400,
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.status = status
        self.errors = errors or [FieldError(field=field, message=self.message)]

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message=message, field=field, status=403)


class NotFound(DomainError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message=message, field=field, status=404)


class Conflict(DomainError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message=message, field=field, status=409)


def validation_error_to_domain(exc: object, default_field: str | None = None) -> DomainError:
    """Turn a django ValidationError (single, list or dict) into a DomainError listing every message."""
    from django.core.exceptions import ValidationError

    assert isinstance(exc, ValidationError)
    errors: list[FieldError] = []
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            for message in errs:
                errors.append(FieldError(field=None if name == "__all__" else name, message=message))
    else:
        errors = [FieldError(field=default_field, message=m) for m in exc.messages]
    first = errors[0] if errors else FieldError(field=default_field, message="Invalid input.")
    return DomainError(message=first.message, field=first.field, errors=errors)
