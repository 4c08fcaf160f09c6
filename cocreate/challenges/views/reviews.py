"""Review pages: periods (administrators plan, create and open them), the review board (reviewers score
ideas in review and see the weighted average) and the decision form (administrators).

Scores and reviewers' notes appear only on these staff pages. Each action answers the whole page, or for
htmx the part it changed; a DomainError comes back in place on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.accounts.policies import is_staff
from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment

from ..models import Idea
from ..policies import can_decide, can_manage_challenges, can_review
from ..review_forms import AdvanceForm, DecisionForm, PlanForm, ReviewPeriodForm, ScoreForm
from ..selectors import reviews as selectors
from ..services import reviews as services

View = Callable[..., HttpResponse]


def allowed(check: Callable[[Any], bool], message: str) -> Callable[[View], View]:
    """Anonymous visitors log in first; others need `check` to pass."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _reviewer_or_admin(user: Any) -> bool:
    return can_review(user) or can_decide(user)


def show_errors(form: forms.Form, exc: DomainError) -> None:
    for err in exc.errors:
        form.add_error(err.field if err.field in form.fields else None, err.message)


def _idea(idea_id: int) -> Idea:
    idea = (
        Idea.objects.select_related("challenge", "author", "product", "review_period")
        .filter(pk=idea_id)
        .first()
    )
    if idea is None:
        raise Http404(_("No such idea."))
    return idea


# --- Periods ------------------------------------------------------------------------------------------
def _periods_page(
    request: HttpRequest,
    *,
    period_form: ReviewPeriodForm | None = None,
    plan_form: PlanForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "challenges/review_periods.html",
        {
            "periods": selectors.review_period_list(),
            "waiting": selectors.ideas_without_period().count(),
            "can_manage": can_manage_challenges(request.user),
            "period_form": period_form or ReviewPeriodForm(auto_id="period-%s"),
            "plan_form": plan_form or PlanForm(auto_id="plan-%s"),
        },
        status=status,
    )


@require_GET
@allowed(_reviewer_or_admin, _("Review periods are for reviewers and administrators."))
def period_list(request: HttpRequest) -> HttpResponse:
    return _periods_page(request)


@require_POST
@allowed(can_manage_challenges, _("Only administrators plan review periods."))
def period_create(request: HttpRequest) -> HttpResponse:
    form = ReviewPeriodForm(request.POST, auto_id="period-%s")
    if form.is_valid():
        try:
            period = services.review_period_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Review period “%(name)s” created.") % {"name": period.name})
            return redirect("challenges:review-periods")
    return _periods_page(request, period_form=form, status=400)


@require_POST
@allowed(can_manage_challenges, _("Only administrators plan review periods."))
def period_plan(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST, auto_id="plan-%s")
    if form.is_valid():
        try:
            periods = services.review_periods_plan(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("%(n)s review periods planned.") % {"n": len(periods)})
            return redirect("challenges:review-periods")
    return _periods_page(request, plan_form=form, status=400)


@require_POST
@allowed(can_manage_challenges, _("Only administrators open review periods."))
def period_open(request: HttpRequest, period_id: int) -> HttpResponse:
    period = selectors.review_period_get(period_id)
    if period is None:
        raise Http404(_("No such review period."))
    try:
        moved = services.review_period_open(actor=request.user, period=period)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(n)s ideas moved into review for “%(name)s”.") % {"n": moved, "name": period.name}
        )
    return redirect("challenges:review-board", period_id=period.pk)


# --- The review board ---------------------------------------------------------------------------------
def _card_context(
    item: selectors.BoardItem, form: ScoreForm | None = None, saved: bool = False
) -> dict[str, Any]:
    idea = item.idea
    return {
        "item": item,
        "idea": idea,
        "form": form or ScoreForm(criteria=item.criteria, review=item.mine, auto_id=f"idea-{idea.pk}-%s"),
        "saved": saved,
    }


@require_GET
@allowed(_reviewer_or_admin, _("The review board is for reviewers and administrators."))
def board(request: HttpRequest, period_id: int) -> HttpResponse:
    period = selectors.review_period_get(period_id)
    if period is None:
        raise Http404(_("No such review period."))
    try:
        page = selectors.review_board(period=period, reviewer=request.user, cursor=request.GET.get("cursor"))
    except DomainError:
        page = selectors.review_board(period=period, reviewer=request.user)
    return render(
        request,
        "challenges/review_board.html",
        {
            "period": period,
            "page": page,
            "cards": [_card_context(item) for item in page.items],
            "can_score": can_review(request.user),
            "can_decide": can_decide(request.user),
        },
    )


@require_POST
@allowed(can_review, _("Only reviewers can score ideas."))
def score(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(idea_id)
    item = selectors.board_item(idea=idea, reviewer=request.user)
    form: ScoreForm | None = ScoreForm(
        request.POST, criteria=item.criteria, review=item.mine, auto_id=f"idea-{idea.pk}-%s"
    )
    saved = False
    if form is not None and form.is_valid():
        try:
            services.review_submit(
                actor=request.user, idea=idea, scores=form.scores(), notes=form.cleaned_data["notes"]
            )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            saved = True
    if saved:
        item = selectors.board_item(idea=idea, reviewer=request.user)
        form = None
    context = {**_card_context(item, form, saved), "can_score": True, "can_decide": can_decide(request.user)}
    if wants_fragment(request):
        return render(request, "challenges/review_card.html", context)
    if saved:
        messages.success(request, _("Your scores for “%(t)s” are saved.") % {"t": idea.title})
        if idea.review_period_id:
            return redirect(
                f"{reverse('challenges:review-board', args=[idea.review_period_id])}#idea-{idea.pk}"
            )
        return redirect("challenges:review-decide", idea_id=idea.pk)
    return render(request, "challenges/review_score.html", context, status=400)


# --- Decisions ----------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@allowed(can_decide, _("Only administrators record decisions."))
def decide(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(idea_id)
    form = DecisionForm(request.POST or None, initial={"product": idea.product_id})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.decision_record(actor=request.user, idea=idea, **form.cleaned_data)
            except DomainError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("The decision is recorded and published."))
                return redirect("challenges:review-decide", idea_id=idea.pk)
    return render(
        request,
        "challenges/review_decide.html",
        {
            "idea": idea,
            "form": form,
            "advance_form": AdvanceForm(),
            "summary": selectors.score_summary(idea),
            "reviews": selectors.reviews_of(idea),
            "criteria": list(idea.challenge.criteria.all()),
            "decisions": selectors.decision_history(idea),
        },
        status=status,
    )


@require_POST
@allowed(is_staff, _("Only staff can move an approved idea along."))
def advance(request: HttpRequest, idea_id: int, step: str) -> HttpResponse:
    idea = _idea(idea_id)
    form = AdvanceForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    move = {"development": services.idea_in_development, "launched": services.idea_launched}.get(step)
    if move is None:
        raise Http404(_("No such step."))
    try:
        move(actor=request.user, idea=idea, message=message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The idea is now “%(s)s”.") % {"s": idea.get_status_display()})
    return redirect("challenges:review-decide", idea_id=idea.pk)


urlpatterns: list[URLPattern] = [
    path("reviews/", period_list, name="review-periods"),
    path("reviews/periods/new/", period_create, name="review-period-create"),
    path("reviews/periods/plan/", period_plan, name="review-period-plan"),
    path("reviews/periods/<int:period_id>/", board, name="review-board"),
    path("reviews/periods/<int:period_id>/open/", period_open, name="review-period-open"),
    path("reviews/ideas/<int:idea_id>/score/", score, name="review-score"),
    path("reviews/ideas/<int:idea_id>/decide/", decide, name="review-decide"),
    path("reviews/ideas/<int:idea_id>/<slug:step>/", advance, name="review-advance"),
]
