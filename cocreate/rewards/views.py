"""The rewards catalogue, a member's points page and the staff's rules and rewards screen."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment

from . import selectors, services
from .models import Action, RewardKind
from .policies import can_manage_rewards


def _card_context(
    request: HttpRequest, reward: Any, error: DomainError | None = None, done: Any = None
) -> dict[str, Any]:
    return {
        "r": reward,
        "mine": selectors.redeemed_counts(user=request.user).get(reward.pk, 0),
        "card_error": error,
        "done": done,
    }


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    return _catalogue_page(request)


def _catalogue_page(
    request: HttpRequest, *, error_for: int | None = None, error: DomainError | None = None
) -> HttpResponse:
    mine = selectors.redeemed_counts(user=request.user)
    standing = selectors.standing_of(user=request.user) if request.user.is_authenticated else None
    return render(
        request,
        "rewards/reward_list.html",
        {
            "rewards": list(selectors.catalogue()),
            "mine": mine,
            "standing": standing,
            "error_for": error_for,
            "error": error,
        },
        status=error.status if error else 200,
    )


@login_required
@require_POST
def redeem(request: HttpRequest, reward_id: int) -> HttpResponse:
    reward = selectors.reward_get(reward_id=reward_id)
    if reward is None or not reward.active:
        raise Http404(_("No such reward."))
    try:
        redemption = services.redeem(actor=request.user, reward=reward)
    except DomainError as exc:
        if wants_fragment(request):
            return render(
                request,
                "rewards/partials/reward_card.html",
                _card_context(request, reward, error=exc),
                status=exc.status,
            )
        return _catalogue_page(request, error_for=reward.pk, error=exc)
    reward.refresh_from_db()
    if wants_fragment(request):
        return render(
            request, "rewards/partials/reward_card.html", _card_context(request, reward, done=redemption)
        )
    if redemption.code:
        messages.success(
            request, _("Redeemed “%(t)s”. Your code: %(c)s") % {"t": reward.title, "c": redemption.code}
        )
    else:
        messages.success(request, _("Redeemed “%(t)s”.") % {"t": reward.title})
    return redirect(reverse("rewards:points-mine"))


@login_required
@require_GET
def points_mine(request: HttpRequest) -> HttpResponse:
    try:
        history = selectors.history_page(user=request.user, cursor=request.GET.get("cursor"))
    except DomainError:
        history = selectors.history_page(user=request.user, cursor=None)
    context = {
        "standing": selectors.standing_of(user=request.user),
        "history": history,
        "redemptions": selectors.my_redemptions(user=request.user),
    }
    if wants_fragment(request):
        return render(request, "rewards/partials/history_rows.html", context)
    return render(request, "rewards/points_mine.html", context)


def _int(value: str, field: str) -> int:
    try:
        return int(value.strip() or "0")
    except ValueError:
        raise DomainError(message=_("Enter a whole number."), field=field) from None


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    if not can_manage_rewards(request.user):
        raise Http404(_("No such page."))
    error = None
    form = request.POST.get("form", "")
    values: dict[str, Any] = {"kind": RewardKind.BENEFIT, "per_member_limit": "1"}
    if request.method == "POST":
        try:
            if form == "rules":
                services.rules_set(
                    actor=request.user,
                    rules=[
                        {
                            "action": action,
                            "points": _int(request.POST.get(f"points-{action}", "0"), f"points-{action}"),
                            "daily_cap": _int(request.POST.get(f"cap-{action}", "0"), f"cap-{action}"),
                            "active": request.POST.get(f"active-{action}") == "on",
                        }
                        for action in request.POST.getlist("actions")
                        if action in Action.values
                    ],
                )
                messages.success(request, _("The rules are saved."))
            else:
                values = {
                    k: request.POST.get(k, "")
                    for k in ("title", "description", "kind", "cost", "stock", "per_member_limit", "codes")
                }
                stock = values["stock"].strip()
                services.reward_create(
                    actor=request.user,
                    title=values["title"],
                    description=values["description"],
                    kind=values["kind"],
                    cost=_int(values["cost"], "cost"),
                    stock=_int(stock, "stock") if stock else None,
                    per_member_limit=_int(values["per_member_limit"], "per_member_limit"),
                    codes=values["codes"].splitlines(),
                )
                messages.success(request, _("The reward is in the catalogue."))
        except DomainError as exc:
            error = exc
        else:
            return redirect(reverse("rewards:manage"))
    return render(
        request,
        "rewards/manage.html",
        {
            "rules": selectors.rules(),
            "rewards": list(selectors.catalogue(include_inactive=True)),
            "kinds": RewardKind.choices,
            "values": values,
            "error": error,
            "form": form,
        },
        status=error.status if error else 200,
    )


urlpatterns = [
    path("rewards/", catalogue, name="catalogue"),
    path("rewards/<int:reward_id>/redeem/", redeem, name="reward-redeem"),
    path("rewards/me/", points_mine, name="points-mine"),
    path("rewards/manage/", manage, name="manage"),
]
