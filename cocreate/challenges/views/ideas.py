"""The idea pages: the list with its filters, sorts and search; sharing, editing, submitting and withdrawing
an idea; the idea page with its history; a member's own ideas; and the moderation queue.

Every change goes through one service; a DomainError comes back in place on the form, which keeps what was
typed. The list answers the whole page, or for htmx only the results (a filter changed) or the next cards
(“More ideas”).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from cocreate.accounts.policies import is_staff
from cocreate.brand.models import Product
from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment
from cocreate.core.text import render_markdown
from cocreate.journeys.models import Persona
from cocreate.journeys.policies import can_view_journeys
from cocreate.journeys.services import attribution_from_session

from ..forms import IdeaForm, ModerationForm, WithdrawForm
from ..models import Challenge, ChallengeTerms, Idea, IdeaStatus, Visibility
from ..models.ideas import PUBLIC_STATUSES
from ..policies import can_moderate, can_view_challenge, can_view_idea, check_can_edit_idea, check_can_submit
from ..selectors import ideas as selectors
from ..services import ideas as services

WITHDRAWABLE = (IdeaStatus.DRAFT, IdeaStatus.SUBMITTED, IdeaStatus.PUBLISHED)


# --- Shared -------------------------------------------------------------------------------------------
# An idea titled “Edit” has the slug "edit": its address must not be the edit page's.
RESERVED_SLUGS = {"edit", "history", "submit", "withdraw", "moderate"}


def url_slug(idea: Idea) -> str:
    return f"{idea.slug}-idea" if idea.slug in RESERVED_SLUGS else idea.slug


def idea_url(idea: Idea) -> str:
    return reverse("challenges:idea-detail", args=[idea.pk, url_slug(idea)])


def show_errors(form: forms.Form, exc: DomainError) -> None:
    """Put a service's errors on the fields they name, or above the form."""
    for err in exc.errors:
        form.add_error(err.field if err.field in form.fields else None, err.message)


def _idea_or_404(idea_id: int) -> Idea:
    idea = (
        Idea.objects.select_related("challenge", "author", "product", "merged_into")
        .prefetch_related("tags", "images")
        .filter(pk=idea_id)
        .first()
    )
    if idea is None:
        raise Http404(_("No such idea."))
    return idea


def _visible_idea(request: HttpRequest, idea_id: int) -> Idea:
    idea = _idea_or_404(idea_id)
    if not can_view_idea(request.user, idea):
        raise Http404(_("No such idea."))
    return idea


def current_terms(challenge: Challenge) -> ChallengeTerms | None:
    """The terms a submission accepts: only invite-only challenges have their own."""
    if challenge.visibility != Visibility.INVITE:
        return None
    return challenge.terms_versions.order_by("-version").first()


def _accepted(challenge: Challenge, version: int | None) -> ChallengeTerms | None:
    if version is None:
        return None
    return ChallengeTerms.objects.filter(challenge=challenge, version=version).first()


def _similar_url() -> str | None:
    # The similar-ideas endpoint lives in its own module and may not be routed yet.
    try:
        return reverse("challenges:idea-similar")
    except NoReverseMatch:
        return None


def _can_edit(user: Any, idea: Idea) -> bool:
    try:
        check_can_edit_idea(user, idea)
    except DomainError:
        return False
    return True


def _submitted_message(request: HttpRequest, idea: Idea) -> None:
    if idea.status == IdeaStatus.PUBLISHED:
        messages.success(request, _("Your idea is published."))
    elif idea.status == IdeaStatus.SUBMITTED:
        messages.success(request, _("Thank you! A moderator will review it first."))
    else:
        messages.success(request, _("Your draft is saved. Submit it when it is ready."))


# --- The list -----------------------------------------------------------------------------------------
def cards_for(items: list[Idea]) -> list[dict[str, Any]]:
    return [
        {"idea": idea, "url": idea_url(idea), "progress": selectors.milestone_progress(idea)}
        for idea in items
    ]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def list_context(
    request: HttpRequest, *, challenge: Challenge | None = None, limit: int = 24
) -> dict[str, Any]:
    """Read the filters from the query string, ignoring any that do not apply, and fetch one page."""
    user = request.user
    get = request.GET
    q = " ".join((get.get("q") or "").split())[:100]
    sort = get.get("sort") or "trending"
    if sort not in selectors.SORT_CHOICES:
        sort = "trending"
    challenges = selectors.challenge_list(user=user)
    if challenge is None and get.get("challenge"):
        challenge = next((c for c in challenges if c.slug == get.get("challenge")), None)
    staff = is_staff(user)
    statuses = [(s.value, s.label) for s in IdeaStatus if s in PUBLIC_STATUSES or staff]
    status = get.get("status") or None
    if status not in dict(statuses):
        status = None
    tag = (get.get("tag") or "").strip()[:50] or None
    products = list(Product.objects.order_by("name", "id").only("pk", "name"))
    product_id = _int(get.get("product"))
    if product_id not in {p.pk for p in products}:
        product_id = None
    # Personas come from members' profile answers: filtering by them is for staff, like the personas.
    personas = list(Persona.objects.order_by("position", "name")) if can_view_journeys(user) else []
    persona = next((p for p in personas if p.pk == _int(get.get("persona"))), None)
    filters: dict[str, Any] = {
        "challenge": challenge,
        "status": status,
        "tag": tag,
        "product_id": product_id,
        "persona": persona,
    }
    try:
        page = selectors.idea_browse(
            user=user, sort=sort, q=q, cursor=get.get("cursor"), limit=limit, **filters
        )
    except DomainError:  # a forged or stale cursor: start again
        page = selectors.idea_browse(user=user, sort=sort, q=q, limit=limit, **filters)
    query = {
        "q": q,
        "sort": sort if sort != "trending" else "",
        "challenge": challenge.slug if challenge else "",
        "status": status or "",
        "tag": tag or "",
        "product": product_id or "",
        "persona": persona.pk if persona else "",
    }
    base_query = urlencode({k: v for k, v in query.items() if v})
    return {
        "page": page,
        "cards": cards_for(page.items),
        "q": q,
        "sort": sort,
        "sorts": [
            ("trending", _("Trending")),
            ("most_supported", _("Most supported")),
            ("newest", _("Newest")),
            ("closest", _("Closest to next milestone")),
            ("ending_soon", _("Ending soon")),
        ],
        "challenges": challenges,
        "selected_challenge": challenge,
        "statuses": statuses,
        "status": status,
        "tag": tag,
        "products": products,
        "product_id": product_id,
        "personas": personas,
        "persona": persona,
        "list_url": reverse("challenges:idea-list"),
        "more_query": f"{base_query}&" if base_query else "",
    }


@require_GET
@vary_on_headers("HX-Request", "HX-Target")  # one URL answers the page, the results and the next cards
def idea_list(request: HttpRequest) -> HttpResponse:
    context = list_context(request)
    if wants_fragment(request):
        if request.headers.get("HX-Target") == "more-ideas":
            return render(request, "challenges/partials/idea_list_append.html", context)
        return render(request, "challenges/partials/idea_list_results.html", context)
    return render(request, "challenges/idea_list.html", context)


# --- Sharing an idea ----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def idea_create(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("challenge")
    if slug:
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        if challenge is None:
            raise Http404(_("No such challenge."))
    else:
        challenge = services.challenge_default()
    terms = current_terms(challenge)
    try:
        check_can_submit(request.user, challenge)
        closed = ""
    except DomainError as exc:
        closed = exc.message
    status = 200
    if request.method == "POST" and not closed:
        form = IdeaForm(request.POST, request.FILES, challenge=challenge, terms=terms)
        if form.is_valid():
            data = form.cleaned_data
            try:
                idea = services.idea_create(
                    actor=request.user,
                    challenge=challenge,
                    title=data["title"],
                    description=data["description"],
                    tags=data["tags"],
                    product=data["product"],
                    images=data["images"],
                    field_answers=form.answers(),
                    co_creators=data["co_creators"],
                    accept_terms=_accepted(challenge, form.accepted_terms_version()),
                    submit=request.POST.get("action") != "draft",
                    attribution=attribution_from_session(request.session),
                )
            except DomainError as exc:
                show_errors(form, exc)
            else:
                _submitted_message(request, idea)
                return redirect(idea_url(idea))
        status = 400
    else:
        form = IdeaForm(challenge=challenge, terms=terms)
    return render(
        request,
        "challenges/idea_form.html",
        {
            "form": form,
            "challenge": challenge,
            "terms": terms,
            "terms_html": render_markdown(terms.body) if terms else "",
            "closed": closed,
            "similar_url": _similar_url(),
            "files_lost": status == 400,
            "action_url": request.get_full_path(),
        },
        status=status,
    )


# --- The idea page ------------------------------------------------------------------------------------
@require_GET
def idea_detail(request: HttpRequest, idea_id: int, slug: str | None = None) -> HttpResponse:
    idea = _idea_or_404(idea_id)
    if not can_view_challenge(request.user, idea.challenge):
        raise Http404(_("No such idea."))
    if idea.status == IdeaStatus.MERGED and idea.merged_into is not None:
        return HttpResponsePermanentRedirect(idea_url(idea.merged_into))
    if not can_view_idea(request.user, idea):
        raise Http404(_("No such idea."))
    if slug != url_slug(idea):
        return HttpResponsePermanentRedirect(idea_url(idea))
    user = request.user
    creator = selectors.is_creator(user, idea)
    context = {
        "idea": idea,
        "idea_url": idea_url(idea),
        "progress": selectors.milestone_progress(idea),
        "has_supported": selectors.has_supported(user=user, idea=idea),
        "can_edit": _can_edit(user, idea),
        "user": user,
        "description_html": render_markdown(idea.description),
        "can_see_history": creator or is_staff(user),
        "can_withdraw": idea.author_id == user.pk and idea.status in WITHDRAWABLE,
        "can_submit": idea.author_id == user.pk and idea.status == IdeaStatus.DRAFT,
        **selectors.idea_page_details(idea),
    }
    return render(request, "challenges/idea_detail.html", context)


@require_GET
def idea_history(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _visible_idea(request, idea_id)
    if not (selectors.is_creator(request.user, idea) or is_staff(request.user)):
        raise PermissionDenied(_("The edit history is for the idea's creators and staff."))
    revisions = [
        {"revision": r, "description_html": render_markdown(r.description)}
        for r in selectors.idea_revisions(idea)
    ]
    return render(
        request,
        "challenges/idea_history.html",
        {
            "idea": idea,
            "idea_url": idea_url(idea),
            "revisions": revisions,
            "description_html": render_markdown(idea.description),
        },
    )


# --- Editing, submitting, withdrawing -----------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def idea_edit(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _visible_idea(request, idea_id)
    try:
        check_can_edit_idea(request.user, idea)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
        return redirect(idea_url(idea))
    challenge = idea.challenge
    is_draft = idea.status == IdeaStatus.DRAFT and idea.author_id == request.user.pk
    terms = current_terms(challenge) if is_draft else None
    status = 200
    if request.method == "POST":
        form = IdeaForm(request.POST, request.FILES, challenge=challenge, terms=terms, idea=idea)
        if form.is_valid():
            data = form.cleaned_data
            submit = is_draft and request.POST.get("action") == "submit"
            try:
                with transaction.atomic():
                    services.idea_update(
                        actor=request.user,
                        idea=idea,
                        title=data["title"],
                        description=data["description"],
                        tags=data["tags"],
                        product=data["product"],
                        images=data["images"],
                        remove_image_ids=[int(pk) for pk in data.get("remove_images") or []],
                        field_answers=form.answers(),
                        co_creators=data["co_creators"],
                    )
                    if submit:
                        services.idea_submit(
                            actor=request.user,
                            idea=idea,
                            accept_terms=_accepted(challenge, form.accepted_terms_version()),
                        )
            except DomainError as exc:
                idea = _idea_or_404(idea.pk)  # the transaction rolled back: show the idea as stored
                show_errors(form, exc)
            else:
                if submit:
                    _submitted_message(request, idea)
                else:
                    messages.success(request, _("Your changes are saved."))
                return redirect(idea_url(idea))
        status = 400
    else:
        form = IdeaForm(initial=IdeaForm.initial_for(idea), challenge=challenge, terms=terms, idea=idea)
    return render(
        request,
        "challenges/idea_form.html",
        {
            "form": form,
            "idea": idea,
            "idea_url": idea_url(idea),
            "challenge": challenge,
            "terms": terms,
            "terms_html": render_markdown(terms.body) if terms else "",
            "is_draft": is_draft,
            "similar_url": _similar_url(),
            "files_lost": status == 400,
            "action_url": reverse("challenges:idea-edit", args=[idea.pk]),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_submit(request: HttpRequest, idea_id: int) -> HttpResponse:
    """Submit a draft; invite-only challenges show their terms to accept first."""
    idea = _visible_idea(request, idea_id)
    if idea.author_id != request.user.pk:
        raise PermissionDenied(_("Only the idea's author can submit it."))
    terms = current_terms(idea.challenge)
    error = ""
    if request.method == "POST":
        version = _int(request.POST.get("terms_version")) if request.POST.get("accept_terms") else None
        try:
            services.idea_submit(
                actor=request.user, idea=idea, accept_terms=_accepted(idea.challenge, version)
            )
        except DomainError as exc:
            error = exc.message
        else:
            _submitted_message(request, idea)
            return redirect(idea_url(idea))
    return render(
        request,
        "challenges/idea_submit.html",
        {
            "idea": idea,
            "idea_url": idea_url(idea),
            "terms": terms,
            "terms_html": render_markdown(terms.body) if terms else "",
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_withdraw(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _visible_idea(request, idea_id)
    if idea.author_id != request.user.pk:
        raise PermissionDenied(_("Only the idea's author can withdraw it."))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_withdraw(actor=request.user, idea=idea, message=form.cleaned_data["message"])
        except DomainError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Your idea is withdrawn."))
            return redirect("challenges:idea-mine")
    return render(
        request,
        "challenges/idea_withdraw.html",
        {"idea": idea, "idea_url": idea_url(idea), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def idea_mine(request: HttpRequest) -> HttpResponse:
    try:
        page = selectors.ideas_of_member(user=request.user, cursor=request.GET.get("cursor"))
    except DomainError:
        page = selectors.ideas_of_member(user=request.user)
    return render(request, "challenges/idea_mine.html", {"page": page, "cards": cards_for(page.items)})


# --- Moderation ---------------------------------------------------------------------------------------
def _moderators_only(request: HttpRequest) -> None:
    if not can_moderate(request.user):
        raise PermissionDenied(_("Only moderators can do this."))


def _queue(request: HttpRequest, failed: tuple[int, ModerationForm] | None = None) -> HttpResponse:
    try:
        page = selectors.ideas_awaiting_moderation(cursor=request.GET.get("cursor"))
    except DomainError:
        page = selectors.ideas_awaiting_moderation()
    rows = [
        {
            "idea": idea,
            "url": idea_url(idea),
            "description_html": render_markdown(idea.description),
            "form": failed[1]
            if failed and failed[0] == idea.pk
            else ModerationForm(auto_id=f"m{idea.pk}-%s"),
        }
        for idea in page.items
    ]
    return render(
        request,
        "challenges/idea_moderation.html",
        {"page": page, "rows": rows},
        status=400 if failed else 200,
    )


@login_required
@require_GET
def idea_moderation(request: HttpRequest) -> HttpResponse:
    _moderators_only(request)
    return _queue(request)


@login_required
@require_POST
def idea_moderate(request: HttpRequest, idea_id: int) -> HttpResponse:
    _moderators_only(request)
    idea = _idea_or_404(idea_id)
    form = ModerationForm(request.POST, auto_id=f"m{idea.pk}-%s")
    if form.is_valid():
        approve = request.POST.get("action") == "approve"
        try:
            services.idea_moderate(
                actor=request.user, idea=idea, approve=approve, message=form.cleaned_data["message"]
            )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request,
                (_("“%(t)s” is published.") if approve else _("“%(t)s” is removed.")) % {"t": idea.title},
            )
            return redirect("challenges:idea-moderation")
    return _queue(request, failed=(idea.pk, form))


@require_GET
def idea_short(request: HttpRequest, idea_id: int) -> HttpResponse:
    """/ideas/<id>/ → the canonical address with the slug (merged ideas go to where they were merged)."""
    return idea_detail(request, idea_id)


urlpatterns: list[URLPattern] = [
    path("ideas/", idea_list, name="idea-list"),
    path("ideas/new/", idea_create, name="idea-create"),
    path("ideas/mine/", idea_mine, name="idea-mine"),
    path("ideas/moderation/", idea_moderation, name="idea-moderation"),
    path("ideas/<int:idea_id>/", idea_short, name="idea-short"),
    path("ideas/<int:idea_id>/edit/", idea_edit, name="idea-edit"),
    path("ideas/<int:idea_id>/history/", idea_history, name="idea-history"),
    path("ideas/<int:idea_id>/submit/", idea_submit, name="idea-submit"),
    path("ideas/<int:idea_id>/withdraw/", idea_withdraw, name="idea-withdraw"),
    path("ideas/<int:idea_id>/moderate/", idea_moderate, name="idea-moderate"),
    path("ideas/<int:idea_id>/<slug:slug>/", idea_detail, name="idea-detail"),
]
