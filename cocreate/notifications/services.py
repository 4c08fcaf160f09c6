"""Follows, notifications and email.

Invariants guarded here:
- one follow per member and target, one notification per member and event: unique constraints, written
  with `bulk_create(ignore_conflicts=True)`, so every task may run twice without a second row;
- an email carries a notification once: it is claimed by a conditional UPDATE of `emailed_at` (immediate)
  or under the row locks of the digest's transaction;
- every email carries a signed one-click unsubscribe link and the `List-Unsubscribe` header.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.errors import DomainError, NotAllowed, NotFound

from .models import DEFAULT_FREQUENCY, DigestPreference, Follow, Frequency, Notification

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "cocreate.notifications.unsubscribe"
DIGEST_LIMIT = 100


# --- Follows ------------------------------------------------------------------------------------------
def _follow_target(user: Any, target_type: str, target_id: int) -> Any:
    """The thing followed, if it exists and the member may see it."""
    if target_type == "idea":
        from cocreate.challenges.selectors.ideas import idea_get_for_viewer

        return idea_get_for_viewer(user=user, idea_id=target_id)
    if target_type == "thread":
        from cocreate.community.selectors.forum import thread_get_for_viewer

        return thread_get_for_viewer(user, target_id)
    return None


def follow(*, user: Any, target_type: str, target_id: int, check: bool = True) -> None:
    """Follow; idempotent. `check=False` for the platform's own follows (supporters, authors)."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Log in to follow."))
    if check and _follow_target(user, target_type, target_id) is None:
        raise NotFound(_("There is nothing to follow here."))
    Follow.objects.bulk_create(
        [Follow(user=user, target_type=target_type, target_id=target_id)], ignore_conflicts=True
    )


def follow_many(*, user_ids: Iterable[int], target_type: str, target_id: int) -> None:
    Follow.objects.bulk_create(
        [Follow(user_id=u, target_type=target_type, target_id=target_id) for u in set(user_ids)],
        ignore_conflicts=True,
    )


def unfollow(*, user: Any, target_type: str, target_id: int) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Log in first."))
    Follow.objects.filter(user=user, target_type=target_type, target_id=target_id).delete()


# --- Notifications ------------------------------------------------------------------------------------
def notify(
    *,
    user_ids: Iterable[int],
    verb: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
) -> int:
    """Create one notification per member for the event `key` (members who already have it are skipped),
    then email the members who asked for immediate email. Returns how many members were addressed."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=u, verb=verb, key=key[:160], title=title[:240], body=body[:2000], url=url[:500]
            )
            for u in ids
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    immediate = DigestPreference.objects.filter(user_id__in=ids, frequency=Frequency.IMMEDIATE).values_list(
        "user_id", flat=True
    )
    for notification in Notification.objects.filter(
        user_id__in=list(immediate), key=key[:160], emailed_at__isnull=True
    ).select_related("user"):
        send_immediate(notification)
    return len(ids)


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.PUBLIC_URL}{url}"


def unsubscribe_token(user: Any) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk}, compress=False)


def user_from_token(token: str) -> Any:
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
        user_id = int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, UnicodeDecodeError):
        return None
    return get_user_model().objects.filter(pk=user_id).first()


def unsubscribe_url(user: Any) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))


def _send(user: Any, subject: str, template: str, context: dict[str, Any]) -> None:
    from cocreate.brand.selectors import organization_get

    org = organization_get()
    link = unsubscribe_url(user)
    context = {
        **context,
        "user": user,
        "brand": org,
        "unsubscribe_url": link,
        "settings_url": absolute(reverse("notifications:settings")),
        "inbox_url": absolute(reverse("notifications:inbox")),
    }
    message = EmailMultiAlternatives(
        subject=f"[{org.name}] {subject}",
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[user.email],
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(render_to_string(f"notifications/email/{template}.html", context), "text/html")
    message.send()


def _mailable(user: Any) -> bool:
    return bool(user.is_active and user.email)


def send_immediate(notification: Notification) -> bool:
    """Email one notification, once: the conditional UPDATE decides who sends it."""
    user = notification.user
    if not _mailable(user):
        return False
    with transaction.atomic():
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        # A failed send rolls the claim back, so the digest or a retry carries it later.
        _send(
            user,
            notification.title,
            "notification",
            {"notification": notification, "url": absolute(notification.url) if notification.url else ""},
        )
    return True


def frequency_of(user: Any) -> str:
    pref = DigestPreference.objects.filter(user=user).values_list("frequency", flat=True).first()
    return pref or DEFAULT_FREQUENCY


def frequency_set(*, user: Any, frequency: str) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Log in first."))
    if frequency not in Frequency.values:
        raise DomainError(message=_("Choose how often we may email you."), field="frequency")
    DigestPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})


def mark_read(*, user: Any, notification_id: int) -> Notification | None:
    Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return Notification.objects.filter(pk=notification_id, user=user).first()


def mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def _digest_users(frequency: str) -> list[int]:
    pending = set(
        Notification.objects.filter(emailed_at__isnull=True).values_list("user_id", flat=True).distinct()
    )
    if not pending:
        return []
    prefs = dict(DigestPreference.objects.filter(user_id__in=pending).values_list("user_id", "frequency"))
    return sorted(u for u in pending if prefs.get(u, DEFAULT_FREQUENCY) == frequency)


def send_digests(frequency: str) -> int:
    """Email each member on this frequency their notifications not yet emailed, in one message; mark them
    sent. Idempotent: a second run finds nothing left to send. Returns the number of emails sent."""
    if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
        raise DomainError(message=_("Digests are daily or weekly."), field="frequency")
    User = get_user_model()
    sent = 0
    for user_id in _digest_users(frequency):
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            continue
        try:
            with transaction.atomic():
                rows = list(
                    Notification.objects.select_for_update()
                    .filter(user_id=user_id, emailed_at__isnull=True)
                    .order_by("-id")[:DIGEST_LIMIT]
                )
                if not rows:
                    continue
                now = timezone.now()
                Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=now)
                unread = [n for n in rows if n.read_at is None]
                if unread and _mailable(user):
                    _send(
                        user,
                        _("What happened on your ideas and posts"),
                        "digest",
                        {
                            "notifications": [(n, absolute(n.url) if n.url else "") for n in unread],
                            "frequency": frequency,
                        },
                    )
                    sent += 1
                DigestPreference.objects.update_or_create(user_id=user_id, defaults={"last_digest_at": now})
        except Exception:  # one member's mail server trouble must not stop the others' digests
            logger.exception("digest failed", extra={"user_id": user_id})
    return sent
