"""Reactions to other apps' events."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from .models import ContributionKind
from .services import attribution_from_session, contribution_record


@receiver(user_signed_up, dispatch_uid="journeys-signup-attribution")
def _signup_through_point(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A sign-up after following a participation point's link counts for that point."""
    session = getattr(request, "session", None)
    contribution_record(
        attribution=attribution_from_session(session),
        kind=ContributionKind.SIGNUP,
        user=user,
        target=("accounts.user", user.pk),
    )
