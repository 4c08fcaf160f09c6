"""JSON log lines: one object per line, carrying the id of the request they belong to."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from cocreate.core.logging import JsonFormatter, RequestIdFilter, request_id_var


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The settings' console handler set-up (request-id filter + JSON formatter), writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_log_line_carries_the_current_request_id(json_lines: io.StringIO) -> None:
    token = request_id_var.set("req-12345678")
    try:
        logging.getLogger("cocreate.test").warning("saved %s", "it", extra={"idea_id": 7, "tags": ["a"]})
    finally:
        request_id_var.reset(token)
    logging.getLogger("cocreate.test").warning("outside a request")
    inside, outside = _records(json_lines)
    assert inside["request_id"] == "req-12345678" and inside["message"] == "saved it"
    assert inside["level"] == "warning" and inside["logger"] == "cocreate.test"
    assert inside["idea_id"] == 7 and inside["tags"] == "['a']"
    assert str(inside["time"]).endswith("+00:00")
    assert outside["request_id"] == "-"


def test_the_formatter_works_without_the_filter_and_keeps_exceptions() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), None)
    try:
        raise ValueError("bad")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    token = request_id_var.set("req-abcdefgh")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-abcdefgh"
    assert "ValueError: bad" in line["exception"]


@pytest.mark.django_db
def test_each_request_is_logged_with_its_id(client: Client, json_lines: io.StringIO) -> None:
    response = client.get("/products/", headers={"X-Request-ID": "trace-0001-abcd"})
    access = [r for r in _records(json_lines) if r["logger"] == "cocreate.access"]
    assert access, json_lines.getvalue()
    line = access[-1]
    assert line["request_id"] == "trace-0001-abcd" == response["X-Request-ID"]
    assert line["method"] == "GET" and line["path"] == "/products/" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["user_id"] is None
    assert request_id_var.get() == "-"  # reset after the request
