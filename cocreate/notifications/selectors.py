"""Reads for notifications: the inbox (unread first), the unread count, follows and the webhook log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cocreate.core.pagination import Page, paginate

from .models import Follow, Notification, WebhookDelivery, WebhookEndpoint

UNREAD_SHOWN = 50


@dataclass
class Inbox:
    unread: list[Notification]
    unread_count: int
    read: Page[Notification]


def inbox(*, user: Any, cursor: str | None = None, limit: int = 25) -> Inbox:
    """Unread notifications first (the newest 50), then the read ones, newest first, page by page."""
    unread = list(Notification.objects.filter(user=user, read_at__isnull=True).order_by("-id")[:UNREAD_SHOWN])
    count = len(unread) if len(unread) < UNREAD_SHOWN else unread_count(user)
    read = paginate(
        Notification.objects.filter(user=user, read_at__isnull=False),
        order=["-id"],
        cursor=cursor,
        limit=limit,
    )
    return Inbox(unread=[] if cursor else unread, unread_count=count, read=read)


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def is_following(*, user: Any, target_type: str, target_id: int) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        Follow.objects.filter(user=user, target_type=target_type, target_id=target_id).exists()
    )


def follower_ids(target_type: str, target_id: int) -> list[int]:
    return list(
        Follow.objects.filter(target_type=target_type, target_id=target_id, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def endpoints() -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.select_related("created_by").order_by("-created_at", "-id"))


def deliveries(*, cursor: str | None = None, limit: int = 50) -> Page[WebhookDelivery]:
    return paginate(
        WebhookDelivery.objects.select_related("endpoint"), order=["-id"], cursor=cursor, limit=limit
    )
