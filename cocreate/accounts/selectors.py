from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ApiToken, TermsAcceptance, User


def user_get_public(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


def token_list(*, user: User) -> QuerySet[ApiToken]:
    return user.api_tokens.order_by("-created_at")


def terms_accepted(*, user: Any, terms: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or terms is None:
        return True
    return TermsAcceptance.objects.filter(user=user, terms=terms).exists()


def user_count_by_role() -> dict[str, int]:
    from django.db.models import Count

    return dict(User.objects.values_list("role").annotate(n=Count("id")).order_by())
