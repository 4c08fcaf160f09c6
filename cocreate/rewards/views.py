"""The rewards catalogue, a member's points page, the points section of a member's public profile, and the
staff's screens: rules and rewards, a member's points with adjustments, levels and badges."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.core import slots
from cocreate.core.errors import DomainError, NotFound
from cocreate.core.htmx import wants_fragment

from . import selectors, services
from .models import EARNING_ACTIONS, Action, BadgeCriterion, RewardKind
from .policies import can_manage_rewards

View = Callable[..., HttpResponse]


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


def staff_page(view: View) -> View:
    """Anonymous visitors log in first; members get the same 404 as for a page that does not exist."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_rewards(request.user):
            raise Http404(_("No such page."))
        return view(request, *args, **kwargs)

    return wrapped


@staff_page
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
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
        "rewards/rewards_manage.html",
        {
            "rules": selectors.rules(),
            "rewards": list(selectors.catalogue(include_inactive=True)),
            "kinds": RewardKind.choices,
            "values": values,
            "error": error,
            "form": form,
            "adjustments": selectors.adjustments_recent(),
        },
        status=error.status if error else 200,
    )


# --- A member's points, for the staff: find by email, see the history, adjust -------------------------
@staff_page
@require_http_methods(["GET", "POST"])
def member_points_manage(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    email = data.get("email", "").strip()
    member = selectors.member_find(email=email)
    error: DomainError | None = None
    values = {"points": "", "reason": "", "key": uuid.uuid4().hex}
    if email and member is None:
        error = NotFound(_("No member has this email address."), field="email")
    elif request.method == "POST":
        values = {k: data.get(k, "") for k in ("points", "reason", "key")}
        try:
            entry = services.points_adjust(
                actor=request.user,
                user=member,
                points=_int(values["points"], "points"),
                reason=values["reason"],
                key=values["key"] or None,
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("%(n)+d points for %(who)s: %(why)s")
                % {"n": entry.amount, "who": member.email, "why": entry.note},
            )
            found = urlencode({"email": member.email})
            return redirect(f"{reverse('rewards:member-points-manage')}?{found}")
    history = None
    if member is not None:
        try:
            history = selectors.history_page(user=member, cursor=request.GET.get("cursor"))
        except DomainError:
            history = selectors.history_page(user=member, cursor=None)
    return render(
        request,
        "rewards/member_points_manage.html",
        {
            "email": email,
            "member": member,
            "standing": selectors.standing_of(user=member) if member is not None else None,
            "history": history,
            "values": values,
            "error": error,
        },
        status=error.status if error else 200,
    )


# --- Levels -------------------------------------------------------------------------------------------
def _level_from_post(request: HttpRequest) -> dict[str, Any]:
    return {"name": request.POST.get("name", ""), "min_points": request.POST.get("min_points", "")}


@staff_page
@require_http_methods(["GET", "POST"])
def level_manage(request: HttpRequest) -> HttpResponse:
    error: DomainError | None = None
    values: dict[str, Any] = {"name": "", "min_points": ""}
    if request.method == "POST":
        try:
            if request.POST.get("form") == "active":
                level = selectors.level_get(level_id=_int(request.POST.get("level", ""), "level"))
                if level is None:
                    raise Http404(_("No such level."))
                services.level_set_active(
                    actor=request.user, level=level, active=request.POST.get("active") == "1"
                )
                messages.success(request, _("The level “%(n)s” is saved.") % {"n": level.name})
            else:
                values = _level_from_post(request)
                level = services.level_create(
                    actor=request.user,
                    name=values["name"],
                    min_points=_int(values["min_points"], "min_points"),
                )
                messages.success(request, _("The level “%(n)s” is added.") % {"n": level.name})
        except DomainError as exc:
            error = exc
        else:
            return redirect(reverse("rewards:level-manage"))
    return render(
        request,
        "rewards/level_manage.html",
        {"levels": selectors.levels_all(), "values": values, "error": error},
        status=error.status if error else 200,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def level_edit(request: HttpRequest, level_id: int) -> HttpResponse:
    level = selectors.level_get(level_id=level_id)
    if level is None:
        raise Http404(_("No such level."))
    error: DomainError | None = None
    values: dict[str, Any] = {"name": level.name, "min_points": level.min_points}
    if request.method == "POST":
        values = _level_from_post(request)
        try:
            services.level_update(
                actor=request.user,
                level=level,
                name=values["name"],
                min_points=_int(values["min_points"], "min_points"),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The level “%(n)s” is saved.") % {"n": level.name})
            return redirect(reverse("rewards:level-manage"))
    return render(
        request,
        "rewards/level_edit.html",
        {"level": level, "values": values, "error": error},
        status=error.status if error else 200,
    )


# --- Badges -------------------------------------------------------------------------------------------
BADGE_FIELDS = ("name", "description", "criterion", "action", "threshold")


def _badge_args(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": values["name"],
        "description": values["description"],
        "criterion": values["criterion"],
        "action": values["action"],
        "threshold": _int(values["threshold"], "threshold"),
    }


def _badge_context(values: dict[str, Any], error: DomainError | None) -> dict[str, Any]:
    return {
        "values": values,
        "error": error,
        "criteria": BadgeCriterion.choices,
        "actions": [(a.value, a.label) for a in EARNING_ACTIONS],
    }


@staff_page
@require_http_methods(["GET", "POST"])
def badge_manage(request: HttpRequest) -> HttpResponse:
    error: DomainError | None = None
    values: dict[str, Any] = {k: "" for k in BADGE_FIELDS}
    values["criterion"] = BadgeCriterion.ACTION_COUNT
    if request.method == "POST":
        try:
            if request.POST.get("form") == "active":
                badge = selectors.badge_get(badge_id=_int(request.POST.get("badge", ""), "badge"))
                if badge is None:
                    raise Http404(_("No such badge."))
                services.badge_set_active(
                    actor=request.user, badge=badge, active=request.POST.get("active") == "1"
                )
                messages.success(request, _("The badge “%(n)s” is saved.") % {"n": badge.name})
            else:
                values = {k: request.POST.get(k, "") for k in BADGE_FIELDS}
                badge = services.badge_create(actor=request.user, **_badge_args(values))
                messages.success(
                    request,
                    _("The badge “%(n)s” is added; %(c)d member(s) already qualify and have it.")
                    % {"n": badge.name, "c": badge.awards.count()},
                )
        except DomainError as exc:
            error = exc
        else:
            return redirect(reverse("rewards:badge-manage"))
    return render(
        request,
        "rewards/badge_manage.html",
        {"badges": selectors.badges_all(), **_badge_context(values, error)},
        status=error.status if error else 200,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def badge_edit(request: HttpRequest, badge_id: int) -> HttpResponse:
    badge = selectors.badge_get(badge_id=badge_id)
    if badge is None:
        raise Http404(_("No such badge."))
    error: DomainError | None = None
    values: dict[str, Any] = {k: getattr(badge, k) for k in BADGE_FIELDS}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in BADGE_FIELDS}
        try:
            services.badge_update(actor=request.user, badge=badge, **_badge_args(values))
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The badge “%(n)s” is saved.") % {"n": badge.name})
            return redirect(reverse("rewards:badge-manage"))
    return render(
        request,
        "rewards/badge_edit.html",
        {"badge": badge, **_badge_context(values, error)},
        status=error.status if error else 200,
    )


# --- The section on a member's public profile ---------------------------------------------------------
def render_member_standing(request: HttpRequest, member: Any) -> str:
    """Level, points earned and badges; nothing for a member who has not earned anything yet. Points left
    to spend stay private: the profile shows what was earned, not what was redeemed."""
    standing = selectors.standing_of(user=member)
    if not standing.earned and not standing.badges:
        return ""
    own = bool(request.user.is_authenticated and request.user.pk == member.pk)
    return render_to_string(
        "rewards/partials/member_standing.html",
        {"member": member, "standing": standing, "own": own},
        request=request,
    )


def register_slots() -> None:
    slots.register("member_detail", "rewards", render_member_standing, order=60)


urlpatterns = [
    path("rewards/", catalogue, name="catalogue"),
    path("rewards/<int:reward_id>/redeem/", redeem, name="reward-redeem"),
    path("rewards/me/", points_mine, name="points-mine"),
    path("rewards/manage/", manage, name="manage"),
    path("rewards/manage/members/", member_points_manage, name="member-points-manage"),
    path("rewards/manage/levels/", level_manage, name="level-manage"),
    path("rewards/manage/levels/<int:level_id>/", level_edit, name="level-edit"),
    path("rewards/manage/badges/", badge_manage, name="badge-manage"),
    path("rewards/manage/badges/<int:badge_id>/", badge_edit, name="badge-edit"),
]
