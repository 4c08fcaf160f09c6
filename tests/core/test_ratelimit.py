"""Fixed-window rate limits in the shared cache, keyed on the visitor's real address."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from cocreate.core.ratelimit import client_ip, hit


def test_a_window_allows_the_limit_then_refuses() -> None:
    results = [hit("ideas", "1.2.3.4", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert hit("ideas", "5.6.7.8", limit=3, window_seconds=60)  # another key has its own count
    assert hit("votes", "1.2.3.4", limit=3, window_seconds=60)  # and so has another scope


def test_a_zero_limit_refuses_at_once() -> None:
    assert not hit("closed", "k", limit=0, window_seconds=60)


def test_the_window_rolls_over(monkeypatch: Any) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr("cocreate.core.ratelimit.time.time", lambda: now[0])
    assert hit("s", "k", limit=1, window_seconds=10)
    assert not hit("s", "k", limit=1, window_seconds=10)
    now[0] += 10
    assert hit("s", "k", limit=1, window_seconds=10)


def test_client_ip_trusts_forwarded_for_only_behind_a_proxy(settings: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_ip(request) == "10.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The address the proxy appended last; what the client claimed before it is ignored.
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
