from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.core.errors import DomainError
from cocreate.core.htmx import is_htmx
from cocreate.core.text import render_markdown

from . import selectors, services
from .forms import AnswersForm, ProfileForm, TokenCreateForm
from .models import User


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.profile_update(
                    actor=user,
                    user=user,
                    display_name=data["display_name"],
                    bio=data["bio"],
                    interests=data["interests"],
                    skills=data["skills"],
                    avatar=data["avatar"] or None,
                    remove_avatar=data["avatar"] is False,
                )
            except DomainError as exc:
                user.refresh_from_db()  # nothing was saved: the page (its header too) shows what is stored
                for err in exc.errors:
                    form.add_error(err.field if err.field in form.fields else None, err.message)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm.for_user(user)
    return render(request, "accounts/profile.html", _profile_context(user, form=form))


def _profile_context(user: User, **extra: object) -> dict[str, object]:
    return {"tokens": selectors.token_list(user=user), "token_form": TokenCreateForm(), **extra}


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TokenCreateForm(request.POST)
    issued = None
    if form.is_valid():
        try:
            issued = services.token_create(actor=user, user=user, name=form.cleaned_data["name"])
        except DomainError as exc:
            form.add_error("name", exc.message)
    context = {
        "tokens": selectors.token_list(user=user),
        "token_form": form if issued is None else TokenCreateForm(),
        "issued": issued,
    }
    if is_htmx(request):
        return render(request, "accounts/partials/tokens.html", context)
    if issued is None:
        return render(
            request, "accounts/profile.html", {**context, "form": ProfileForm.for_user(user)}, status=400
        )
    # Without JavaScript the secret is shown on this one response and never again.
    return render(request, "accounts/profile.html", {**context, "form": ProfileForm.for_user(user)})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _user(request)
    try:
        services.token_revoke(actor=user, token_id=token_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The token is revoked."))
    if is_htmx(request):
        return render(
            request,
            "accounts/partials/tokens.html",
            {"tokens": selectors.token_list(user=user), "token_form": TokenCreateForm()},
        )
    return redirect("accounts:profile")


@require_GET
def member_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    member = selectors.user_get_public(user_id=user_id)
    if member is None:
        raise Http404(_("No such member."))
    return render(
        request, "accounts/member_detail.html", {"member": member, "bio_html": render_markdown(member.bio)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def about_you(request: HttpRequest) -> HttpResponse:
    """The member's answers to the profile questions: optional, editable, each one explained."""
    user = _user(request)
    if request.method == "POST":
        form = AnswersForm(request.POST)
        if form.is_valid():
            try:
                services.answers_set(actor=user, user=user, answers=form.answers())
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Thank you: your answers are saved."))
                return redirect("accounts:about-you")
    else:
        form = AnswersForm.for_user(user)
    return render(request, "accounts/about_you.html", {"form": form})
