"""Email: immediate or digest, exactly once, always with a working one-click unsubscribe."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cocreate.notifications import services, tasks
from cocreate.notifications.models import DigestPreference, Frequency, Notification

pytestmark = pytest.mark.django_db


def test_daily_digest_is_sent_once_and_marks_notifications_sent(member: Any, other_member: Any) -> None:
    services.frequency_set(user=other_member, frequency=Frequency.WEEKLY)
    for i in range(3):
        services.notify(user_ids=[member.pk, other_member.pk], verb="comment", key=f"k{i}", title=f"News {i}")
    mail.outbox.clear()
    assert tasks.send_digests.call("daily") == 1
    assert tasks.send_digests.call("daily") == 0  # idempotent
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert all(f"News {i}" in message.body for i in range(3))
    html = message.alternatives[0][0]  # type: ignore[index]
    assert "News 2" in html and "unsubscribe" in html.lower()
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert not Notification.objects.filter(user=member, emailed_at__isnull=True).exists()
    assert Notification.objects.filter(user=other_member, emailed_at__isnull=True).count() == 3
    assert services.send_digests("weekly") == 1
    assert DigestPreference.objects.get(user=member).last_digest_at is not None


def test_immediate_members_get_one_email_per_notification_once(member: Any) -> None:
    services.frequency_set(user=member, frequency=Frequency.IMMEDIATE)
    mail.outbox.clear()
    services.notify(
        user_ids=[member.pk], verb="milestone", key="m:1:100", title="Your idea reached 100 supports"
    )
    services.notify(
        user_ids=[member.pk], verb="milestone", key="m:1:100", title="Your idea reached 100 supports"
    )
    assert len(mail.outbox) == 1 and "100 supports" in mail.outbox[0].subject
    assert services.send_digests("daily") == 0


def test_unsubscribe_link_turns_email_off(member: Any, client: Client) -> None:
    services.notify(user_ids=[member.pk], verb="comment", key="k", title="Hello")
    mail.outbox.clear()
    services.send_digests("daily")
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    assert services.frequency_of(member) == Frequency.DAILY  # a GET changes nothing (link scanners)
    done = client.post(f"/{path}")  # no CSRF token: mail clients' one-click POST
    assert done.status_code == 200 and "no more notification emails" in done.content.decode()
    assert services.frequency_of(member) == Frequency.OFF
    services.notify(user_ids=[member.pk], verb="comment", key="k2", title="Again")
    assert services.send_digests("daily") == 0


def test_a_bad_unsubscribe_token_is_a_clear_400(member: Any, client: Client) -> None:
    token = services.unsubscribe_token(member)
    for bad in (token[:-2] + "xx", "nonsense", "e30:abc"):
        response = client.get(reverse("notifications:unsubscribe", args=[bad]))
        assert response.status_code == 400 and "This link does not work" in response.content.decode()
        assert client.post(reverse("notifications:unsubscribe", args=[bad])).status_code == 400
    assert services.frequency_of(member) == Frequency.DAILY


def test_settings_page_saves_the_frequency(member_client: Client, member: Any) -> None:
    url = reverse("notifications:settings")
    assert 'value="daily" checked' in member_client.get(url).content.decode()
    assert member_client.post(url, {"frequency": "weekly"}).status_code == 302
    assert services.frequency_of(member) == Frequency.WEEKLY
    assert member_client.post(url, {"frequency": "hourly"}).status_code == 400
