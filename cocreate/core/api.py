"""What every API router shares: the one error shape, its handlers, and cursor pages."""

from __future__ import annotations

import logging
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel, field_validator

from .errors import DomainError, validation_error_to_domain

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


class InputSchema(Schema):
    """Base for request bodies and query filters. PostgreSQL cannot store or compare NUL characters, so
    they are refused here with the field's name (422), as Django's form fields refuse them on the web."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("Null characters are not allowed.")
        return value


class ErrorItem(Schema):
    field: str | None = None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def api_actor(request: HttpRequest) -> Any:
    """The authenticated user of an API call (token or session), as ninja sets it."""
    return getattr(request, "auth", None)


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> HttpResponse:
    body = {
        "detail": detail,
        "errors": errors if errors is not None else [{"field": None, "message": detail}],
    }
    return api.create_response(request, body, status=status)


def _location_to_field(loc: list[Any] | tuple[Any, ...]) -> str | None:
    # ninja prefixes locations with the source ("body", "query", "path") and the argument name.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "header", "cookie", "file")]
    if len(parts) > 1 and parts[0] in ("payload", "data", "filters"):
        parts = parts[1:]
    return ".".join(parts) or None


def install_error_handlers(api: NinjaAPI) -> None:
    """Make every failure answer `{"detail": …, "errors": [{"field": …, "message": …}]}`."""

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = []
        for err in exc.errors:
            message = str(err.get("msg", "Invalid value.")).removeprefix("Value error, ")
            errors.append({"field": _location_to_field(err.get("loc", [])), "message": message})
        first = errors[0] if errors else {"field": None, "message": "Invalid input."}
        detail = f"{first['field']}: {first['message']}" if first["field"] else str(first["message"])
        return error_response(api, request, 422, detail, errors)

    @api.exception_handler(DomainError)
    def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        errors = [{"field": e.field, "message": e.message} for e in exc.errors]
        return error_response(api, request, exc.status, exc.message, errors)

    @api.exception_handler(ValidationError)
    def _django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _domain(request, validation_error_to_domain(exc))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, 401, "Authentication required: send 'Authorization: Bearer <token>'."
        )

    @api.exception_handler(AuthorizationError)
    def _forbidden_ninja(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return error_response(api, request, 403, str(getattr(exc, "message", "") or "Not allowed."))

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_048_576, 1)
        return error_response(api, request, 413, f"The request body is too large; the limit is {limit} MB.")

    @api.exception_handler(MultiPartParserError)
    def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return error_response(api, request, 400, "The request body could not be read as multipart form data.")

    @api.exception_handler(SuspiciousOperation)
    def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return error_response(api, request, 400, "The request could not be read.")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, 403, str(exc) or "Not allowed.")

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, str(exc) or "Not found.")

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, str(exc.message))

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled API error")
        return error_response(api, request, 500, "Something went wrong on our side; it has been logged.")
