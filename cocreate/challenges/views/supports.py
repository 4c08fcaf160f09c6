"""Support and withdraw support, with the optional survey; the survey results for staff.

The support box is one partial (`challenges/partials/idea_support.html`): htmx swaps it in place; without
JavaScript each POST redirects back to the idea page with a message. A refusal (closed, own idea, a race
lost to the deadline) is a DomainError shown in the box or as a message, never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import engines
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from cocreate.accounts.policies import is_staff
from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment
from cocreate.journeys.services import attribution_from_session

from ..models import Idea
from ..selectors import supports as support_selectors
from ..selectors.ideas import has_supported, idea_get_for_viewer, milestone_progress
from ..services import supports as support_services
from .ideas import idea_url

PARTIAL = "challenges/partials/idea_support.html"
RESULTS = "challenges/partials/idea_survey_results.html"
# The survey results as a page of their own, for staff without JavaScript.
RESULTS_PAGE = (
    '{% extends "base.html" %}{% load i18n static %}'
    "{% block head_title %}{% translate 'Support survey' %} · {{ idea.title }}{% endblock %}"
    "{% block extra_head %}"
    '<link rel="stylesheet" href="{% static \'cocreate/supports.css\' %}">{% endblock %}'
    "{% block content %}<h1>{{ idea.title }}</h1><h2>{% translate 'Support survey' %}</h2>"
    '<p><a href="{{ return_to }}">{% translate "Back to the idea" %}</a></p>'
    '{% include "challenges/partials/idea_survey_results.html" %}{% endblock %}'
)


def _idea(request: HttpRequest, idea_id: int) -> Idea:
    idea = idea_get_for_viewer(user=request.user, idea_id=idea_id)
    if idea is None:
        raise Http404(_("No such idea."))
    return idea


def _return_to(request: HttpRequest, idea: Idea) -> str:
    """Where the support box was shown (sent with each form), if it is a page of this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return idea_url(idea)


def support_context(
    request: HttpRequest, idea: Idea, *, return_to: str | None = None, **extra: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "idea": idea,
        "progress": milestone_progress(idea),
        "has_supported": has_supported(user=request.user, idea=idea),
        "user": request.user,
        "return_to": return_to or idea_url(idea),
    }
    if is_staff(request.user):
        context["survey"] = support_selectors.survey_results(user=request.user, idea=idea)
    context.update(extra)
    return context


def _answer(
    request: HttpRequest,
    idea: Idea,
    *,
    notice: str = "",
    error: DomainError | None = None,
    posted: dict[str, str] | None = None,
) -> HttpResponse:
    return_to = _return_to(request, idea)
    if not wants_fragment(request):
        if error is not None:
            messages.error(request, error.message)
        elif notice:
            messages.success(request, notice)
        return HttpResponseRedirect(return_to)
    fresh = Idea.objects.select_related("challenge", "author").get(pk=idea.pk)
    context = support_context(
        request,
        fresh,
        return_to=return_to,
        support_notice=notice,
        support_error=error.message if error else "",
        support_error_field=(error.field or "") if error else "",
        posted=posted or {},
    )
    # htmx only swaps successful answers, so a box carrying a refusal answers 200.
    return render(request, PARTIAL, context)


def _login_first(request: HttpRequest, idea: Idea) -> HttpResponse:
    url = f"{reverse('account_login')}?{urlencode({'next': _return_to(request, idea)})}"
    return HttpResponseClientRedirect(url) if wants_fragment(request) else HttpResponseRedirect(url)


def _survey_answers(request: HttpRequest, idea: Idea) -> dict[str, str]:
    if not idea.challenge.survey_enabled:
        return {"would_buy": "", "price_band": "", "audience": ""}
    return {
        name: (request.POST.get(name) or "").strip()[:120] for name in ("would_buy", "price_band", "audience")
    }


@require_POST
def idea_support(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    if not request.user.is_authenticated:
        return _login_first(request, idea)
    answers = _survey_answers(request, idea)
    try:
        result = support_services.support_add(
            actor=request.user,
            idea=idea,
            attribution=attribution_from_session(request.session),
            **answers,
        )
    except DomainError as exc:
        return _answer(request, idea, error=exc, posted=answers)
    thanks = _("Thank you: you support this idea.")
    notice = thanks if result.created else _("You already support this idea.")
    return _answer(request, idea, notice=notice)


@require_POST
def idea_unsupport(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    if not request.user.is_authenticated:
        return _login_first(request, idea)
    try:
        support_services.support_remove(actor=request.user, idea=idea)
    except DomainError as exc:
        return _answer(request, idea, error=exc)
    return _answer(request, idea, notice=_("You no longer support this idea."))


@require_GET
@vary_on_headers("HX-Request")
def idea_survey(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    if not request.user.is_authenticated:
        return HttpResponseRedirect(
            f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
        )
    try:
        survey = support_selectors.survey_results(user=request.user, idea=idea)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    context = {"idea": idea, "survey": survey, "user": request.user, "return_to": _return_to(request, idea)}
    if wants_fragment(request):
        return render(request, RESULTS, context)
    page = engines["django"].from_string(RESULTS_PAGE)
    return HttpResponse(page.render(context, request))


urlpatterns: list[URLPattern] = [
    path("ideas/<int:idea_id>/support/", idea_support, name="idea-support"),
    path("ideas/<int:idea_id>/unsupport/", idea_unsupport, name="idea-unsupport"),
    path("ideas/<int:idea_id>/survey/", idea_survey, name="idea-survey"),
]
