"""Outgoing webhooks: administrators register endpoints; events become deliveries that are signed,
posted, retried with back-off and logged.

Invariants guarded here:
- one delivery per endpoint and event occurrence (unique key), so a receiver or task running twice never
  posts twice;
- a delivery is claimed by a conditional UPDATE (a short lease on `next_attempt_at`) before each attempt,
  so two workers never post it at the same time;
- only http(s) URLs, never to link-local or cloud metadata addresses, and redirects are not followed;
- the body is signed with HMAC-SHA256 over the exact bytes sent.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_admin
from cocreate.core.errors import DomainError, NotAllowed

from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

# Waits after the 1st, 2nd… failed attempt; after the last the delivery is marked failed.
BACKOFF_SECONDS = [60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600]
TIMEOUT_SECONDS = 10
LEASE = timedelta(minutes=5)
SIGNATURE_HEADER = "X-Cocreate-Signature"
_METADATA = {ipaddress.ip_address("100.100.100.200"), ipaddress.ip_address("fd00:ec2::254")}


class UnsafeUrl(Exception):
    pass


def check_can_manage(user: Any) -> None:
    if not is_admin(user):
        raise NotAllowed(_("Only administrators manage webhooks."))


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(message=_("Enter an http:// or https:// address."), field="url")


def endpoint_create(*, actor: Any, url: str, events: list[str], description: str = "") -> WebhookEndpoint:
    check_can_manage(actor)
    url = (url or "").strip()
    _check_scheme(url)
    if len(url) > 500:
        raise DomainError(message=_("At most 500 characters."), field="url")
    chosen = [e for e in WebhookEvent.values if e in set(events or [])]
    if not chosen or len(chosen) != len(set(events)):
        raise DomainError(message=_("Choose at least one of the events offered."), field="events")
    return WebhookEndpoint.objects.create(
        url=url,
        events=chosen,
        secret=secrets.token_hex(32),
        description=(description or "").strip()[:200],
        created_by=actor,
    )


def endpoint_set_active(*, actor: Any, endpoint: WebhookEndpoint, active: bool) -> WebhookEndpoint:
    check_can_manage(actor)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=active)
    endpoint.active = active
    return endpoint


def delivery_retry(*, actor: Any, delivery: WebhookDelivery) -> None:
    """Try a failed delivery again from the start of the back-off ladder."""
    check_can_manage(actor)
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def queue(*, event: str, key: str, payload: dict[str, Any]) -> list[int]:
    """A delivery for each active endpoint that listens to `event`; returns the new deliveries' ids."""
    # Few endpoints: filtered here, since SQLite cannot query inside JSON lists.
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if event in (e.events or [])]
    if not endpoints:
        return []
    full_key = f"{event}:{key}"[:160]
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event=event, key=full_key, payload=payload) for e in endpoints],
        ignore_conflicts=True,
    )
    return list(
        WebhookDelivery.objects.filter(
            key=full_key, endpoint__in=endpoints, status=DeliveryStatus.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip in _METADATA


def check_destination(url: str) -> None:
    """Refuse anything but http(s), and hosts that resolve to link-local or metadata addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("only http and https URLs")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(f"cannot resolve host: {exc}") from None
    for info in infos:
        address = str(info[4][0]).split("%")[0]
        if _refused(ipaddress.ip_address(address)):
            raise UnsafeUrl(f"refused address {address}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect could lead anywhere (a metadata address): it counts as a failure


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    try:
        check_destination(url)
    except UnsafeUrl as exc:
        return None, str(exc)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
            return int(response.status), ""
    except urllib.error.HTTPError as exc:
        return int(exc.code), f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]


def deliver(delivery_id: int, *, now: Any = None) -> str | None:
    """One attempt at a delivery that is due. Returns the delivery's status after it, or None when it was
    not due (delivered, failed, waiting, or being tried by another worker)."""
    now = now or timezone.now()
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=now + LEASE)
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    envelope = {
        "id": delivery.pk,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    body = json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Cocreate-Webhooks/1",
        SIGNATURE_HEADER: sign(endpoint.secret, body),
        "X-Cocreate-Event": delivery.event,
        "X-Cocreate-Delivery": str(delivery.pk),
    }
    started = time.monotonic()
    if endpoint.active:
        code, error = _post(endpoint.url, body, headers)
    else:
        code, error = None, "endpoint disabled"
    elapsed = int((time.monotonic() - started) * 1000)
    ok = code is not None and 200 <= code < 300
    attempts = delivery.attempts + 1
    finished = max(now, timezone.now())
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, status_code=code, error=error[:500], duration_ms=elapsed
        )
        updates: dict[str, Any] = {
            "attempts": F("attempts") + 1,
            "last_status_code": code,
            "last_error": error[:500],
        }
        if ok:
            updates.update(status=DeliveryStatus.DELIVERED, delivered_at=finished, next_attempt_at=None)
        elif attempts > len(BACKOFF_SECONDS):
            updates.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
        else:
            updates["next_attempt_at"] = finished + timedelta(seconds=BACKOFF_SECONDS[attempts - 1])
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**updates)
    return str(updates.get("status", DeliveryStatus.PENDING))


def deliver_due(*, now: Any = None, limit: int = 500) -> int:
    """Attempt every pending delivery whose time has come. Safe to run from several workers at once."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if deliver(pk, now=now) is not None)
