"""Fixed-window rate limits in the shared cache (Redis or the database), so they hold across processes."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one event for (scope, key); True while the window's count is within `limit`.

    `add` then `incr` keeps the count in the cache server (atomic on Redis); keys are hashed so emails and
    addresses never appear in cache keys.
    """
    bucket = int(time.time() // window_seconds)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}:{bucket}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds + 5)
        count = 1
    return count <= limit


def client_ip(request: object) -> str:
    """The visitor's address. Behind a trusted proxy REMOTE_ADDR is the proxy, so take the address the
    proxy appended last to X-Forwarded-For (earlier entries are whatever the client claimed)."""
    meta = getattr(request, "META", {})
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(meta.get("REMOTE_ADDR", "0.0.0.0"))  # noqa: S104
