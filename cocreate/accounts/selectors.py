from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ApiToken, ProfileAnswer, ProfileQuestion, QuestionKind, TermsAcceptance, User


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


def questions_active(*, at_signup: bool = False) -> list[ProfileQuestion]:
    qs = ProfileQuestion.objects.filter(active=True)
    if at_signup:
        qs = qs.filter(ask_at_signup=True)
    return list(qs.order_by("position", "id"))


def answers_of(*, user: User) -> dict[int, Any]:
    """The member's answers by question id: a string, a list of strings, or a Decimal."""
    result: dict[int, Any] = {}
    for answer in ProfileAnswer.objects.filter(user=user).select_related("question").order_by("id"):
        q = answer.question
        if q.kind == QuestionKind.NUMBER:
            result[q.pk] = answer.number
        elif q.kind == QuestionKind.MULTI_CHOICE:
            result.setdefault(q.pk, []).append(answer.choice)
        else:
            result[q.pk] = answer.choice
    return result
