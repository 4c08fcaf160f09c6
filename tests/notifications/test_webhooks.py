"""Webhooks: signed deliveries to a real local HTTP server, back-off on failure, exactly one success."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cocreate.challenges.services import supports
from cocreate.core.errors import DomainError
from cocreate.notifications import webhooks
from cocreate.notifications.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server on 127.0.0.1 that records what it receives and answers with `status`."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                outer.requests.append({"headers": dict(self.headers), "body": self.rfile.read(length)})
                self.send_response(outer.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 1
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        # Bounded: the server stops itself after 60 s even if a test forgets to.
        self.timer = threading.Timer(60, self.server.shutdown)

    def __enter__(self) -> Receiver:
        self.thread.start()
        self.timer.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.timer.cancel()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture
def endpoint(brand_admin: Any, receiver: Receiver) -> WebhookEndpoint:
    return webhooks.endpoint_create(
        actor=brand_admin, url=receiver.url, events=["idea.milestone_reached", "idea.published"]
    )


def reach_milestone(idea: Any, make_user: Any, capture: Any) -> None:
    for _ in range(2):
        with capture(execute=True):
            supports.support_add(actor=make_user(), idea=idea)


def test_milestone_is_delivered_once_signed(
    idea: Any,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    reach_milestone(idea, make_user, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    expected = "sha256=" + hmac.new(endpoint.secret.encode(), got["body"], hashlib.sha256).hexdigest()
    assert got["headers"]["X-Cocreate-Signature"] == expected
    assert got["headers"]["X-Cocreate-Event"] == "idea.milestone_reached"
    delivery = WebhookDelivery.objects.get()
    assert got["headers"]["X-Cocreate-Delivery"] == str(delivery.pk)
    body = json.loads(got["body"])
    assert body["event"] == "idea.milestone_reached" and body["data"]["threshold"] == 2
    assert body["data"]["idea"]["id"] == idea.pk
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    # Queued again (a retried task) or swept again: never a second post.
    assert webhooks.queue(event="idea.milestone_reached", key=f"{idea.pk}:2", payload={}) == []
    assert webhooks.deliver(delivery.pk) is None
    call_command("deliver_due_webhooks")
    assert len(receiver.requests) == 1


def test_a_500_is_retried_with_back_off_then_fails(brand_admin: Any, receiver: Receiver) -> None:
    receiver.status = 500
    endpoint = webhooks.endpoint_create(actor=brand_admin, url=receiver.url, events=["idea.decision_made"])
    [delivery_id] = webhooks.queue(event="idea.decision_made", key="1:approved:1", payload={"x": 1})
    start = timezone.now()
    assert webhooks.deliver(delivery_id, now=start) == DeliveryStatus.PENDING
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    wait = delivery.next_attempt_at - start  # type: ignore[operator]
    assert timedelta(seconds=59) <= wait <= timedelta(seconds=65)
    assert webhooks.deliver(delivery_id, now=start) is None  # not due yet
    assert webhooks.deliver_due(now=start) == 0
    now = start
    waits = []
    for _ in range(5):
        delivery.refresh_from_db()
        now = delivery.next_attempt_at  # type: ignore[assignment]
        waits.append(round((now - start).total_seconds()))
        start = now
        webhooks.deliver_due(now=now)
    delivery.refresh_from_db()
    assert waits == [60, 300, 1800, 7200, 43200]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 6, None)
    assert len(receiver.requests) == 6 and WebhookAttempt.objects.filter(delivery=delivery).count() == 6
    # An administrator can start it over; a 200 then delivers it.
    receiver.status = 200
    webhooks.delivery_retry(actor=brand_admin, delivery=delivery)
    assert webhooks.deliver_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and endpoint.deliveries.count() == 1


def test_metadata_and_odd_schemes_are_refused(brand_admin: Any) -> None:
    with pytest.raises(DomainError):
        webhooks.endpoint_create(actor=brand_admin, url="file:///etc/passwd", events=["idea.published"])
    with pytest.raises(DomainError):
        webhooks.endpoint_create(actor=brand_admin, url="https://example.com", events=["idea.nothing"])
    endpoint = webhooks.endpoint_create(
        actor=brand_admin, url="http://169.254.169.254/latest/meta-data/", events=["idea.published"]
    )
    [delivery_id] = webhooks.queue(event="idea.published", key="1", payload={})
    webhooks.deliver(delivery_id)
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code is None
    assert "refused address" in delivery.last_error
    assert endpoint.active


def test_only_administrators_manage_webhooks(
    admin_client_: Client, member_client: Client, receiver: Receiver
) -> None:
    url = reverse("notifications:webhooks")
    assert member_client.get(url).status_code == 404
    bad = admin_client_.post(url, {"url": "ftp://x", "events": ["idea.published"]})
    assert bad.status_code == 400 and "http://" in bad.content.decode()
    created = admin_client_.post(
        url, {"url": receiver.url, "events": ["idea.published"], "description": "CRM"}
    )
    assert created.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    page = admin_client_.get(url).content.decode()
    assert receiver.url in page and endpoint.secret in page
    admin_client_.post(reverse("notifications:webhook-active", args=[endpoint.pk]), {"active": "0"})
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert webhooks.queue(event="idea.published", key="9", payload={}) == []
