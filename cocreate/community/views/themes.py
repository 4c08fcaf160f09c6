"""The staff theme pages: the list (size, growth, sentiment mix, key terms, re-cluster now with the last
run's status) and a theme's page (representative posts, all posts, rename, merge, split, link to an idea).

Every page is for staff; an anonymous visitor is sent to log in, a member gets 403. Each form posts to its
own address and redirects back to the theme's page; a refused change comes back in place on the page with
the form's error and status 400, so everything works without JavaScript. htmx loads further pages of posts
as a fragment.
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
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cocreate.challenges.selectors.ideas import idea_get_for_viewer, idea_queryset
from cocreate.challenges.selectors.search import idea_search_ids
from cocreate.challenges.selectors.similar import idea_url
from cocreate.core.addresses import MAX_ID
from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment

from .. import tasks
from ..forms.themes import IdeaSearchForm, LinkIdeaForm, MergeForm, RenameForm, SplitForm
from ..models import Theme
from ..policies import can_manage_themes
from ..selectors import themes as selectors
from ..services import themes as services

View = Callable[..., HttpResponse]
IDEA_RESULTS = 8


def staff_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_themes(request.user):
            raise PermissionDenied(_("Only staff can see and change themes."))
        return view(request, *args, **kwargs)

    return wrapped


def _theme(theme_id: int) -> Theme:
    found = selectors.theme_get(theme_id=theme_id) if 0 < theme_id <= MAX_ID else None
    if found is None:
        raise Http404(_("No such theme."))
    return found


def _show_errors(form: forms.Form, exc: DomainError) -> None:
    for err in exc.errors:
        form.add_error(err.field if err.field in form.fields else None, err.message)


@require_GET
@staff_only
def theme_list(request: HttpRequest) -> HttpResponse:
    try:
        page, summaries = selectors.theme_list(cursor=request.GET.get("cursor") or None)
    except DomainError:
        # A cursor that does not decode (edited by hand, or from an older page) starts from the top.
        page, summaries = selectors.theme_list(cursor=None)
    context = {
        "page": page,
        "summaries": summaries,
        "last_run": selectors.last_run(),
        "run_pending": selectors.run_pending(),
    }
    return render(request, "community/themes/list.html", context)


@require_POST
@staff_only
def recluster(request: HttpRequest) -> HttpResponse:
    try:
        tasks.request_recluster(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Re-clustering is queued; the themes are replaced when it finishes."))
    return redirect("community:themes")


def _detail(request: HttpRequest, theme: Theme, status: int = 200, **forms_: Any) -> HttpResponse:
    try:
        posts = selectors.theme_posts(theme=theme, cursor=request.GET.get("cursor") or None)
    except DomainError:
        posts = selectors.theme_posts(theme=theme, cursor=None)
    if wants_fragment(request) and request.method == "GET":
        return render(request, "community/partials/themes_posts.html", {"theme": theme, "posts": posts})
    targets = selectors.merge_targets(theme=theme)
    search = IdeaSearchForm(request.GET or None)
    found_ideas: list[Any] = []
    if search.is_valid() and search.cleaned_data["q"].strip():
        ids = idea_search_ids(search.cleaned_data["q"], limit=50)
        visible = idea_queryset(user=request.user).in_bulk(ids)
        found_ideas = [visible[pk] for pk in ids if pk in visible][:IDEA_RESULTS]
    context = {
        "theme": theme,
        "summary": selectors.theme_summary(theme=theme),
        "posts": posts,
        "idea_url": idea_url(theme.idea) if theme.idea is not None else None,
        "rename_form": forms_.get("rename_form") or RenameForm(initial={"name": theme.custom_label}),
        "merge_form": forms_.get("merge_form") or MergeForm(targets=targets),
        "split_form": forms_.get("split_form") or SplitForm(),
        "link_form": forms_.get("link_form") or LinkIdeaForm(initial={"idea": theme.idea_id}),
        "search_form": search,
        "found_ideas": found_ideas,
        "searched": bool(search.is_valid() and search.cleaned_data["q"].strip()),
    }
    return render(request, "community/themes/detail.html", context, status=status)


@require_GET
@staff_only
def theme_detail(request: HttpRequest, theme_id: int) -> HttpResponse:
    return _detail(request, _theme(theme_id))


@require_POST
@staff_only
def theme_rename(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = _theme(theme_id)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.theme_rename(actor=request.user, theme=theme, name=form.cleaned_data["name"])
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Theme renamed."))
            return redirect("community:theme-detail", theme.pk)
    return _detail(request, theme, status=400, rename_form=form)


@require_POST
@staff_only
def theme_merge(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = _theme(theme_id)
    form = MergeForm(request.POST, targets=selectors.merge_targets(theme=theme))
    if form.is_valid():
        target = form.cleaned_data["target"]
        try:
            services.theme_merge(actor=request.user, source=theme, target=target)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Merged into “%(name)s”.") % {"name": target.name})
            return redirect("community:theme-detail", target.pk)
    return _detail(request, theme, status=400, merge_form=form)


@require_POST
@staff_only
def theme_split(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = _theme(theme_id)
    form = SplitForm(request.POST)
    if form.is_valid():
        try:
            parts = services.theme_split(actor=request.user, theme=theme, parts=form.cleaned_data["parts"])
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            names = ", ".join(f"“{p.name}”" for p in parts)
            messages.success(request, _("Split into %(names)s.") % {"names": names})
            return redirect("community:themes")
    return _detail(request, theme, status=400, split_form=form)


@require_POST
@staff_only
def theme_link_idea(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = _theme(theme_id)
    form = LinkIdeaForm(request.POST)
    if form.is_valid():
        idea = None
        number = form.cleaned_data["idea"]
        try:
            if number is not None:
                idea = idea_get_for_viewer(user=request.user, idea_id=number)
                if idea is None:
                    raise DomainError(message=_("There is no idea with this number."), field="idea")
            services.theme_link_idea(actor=request.user, theme=theme, idea=idea)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Idea linked.") if idea else _("Idea unlinked."))
            return redirect("community:theme-detail", theme.pk)
    return _detail(request, theme, status=400, link_form=form)


urlpatterns: list[URLPattern] = [
    path("community/themes/", theme_list, name="themes"),
    path("community/themes/recluster/", recluster, name="themes-recluster"),
    path("community/themes/<int:theme_id>/", theme_detail, name="theme-detail"),
    path("community/themes/<int:theme_id>/rename/", theme_rename, name="theme-rename"),
    path("community/themes/<int:theme_id>/merge/", theme_merge, name="theme-merge"),
    path("community/themes/<int:theme_id>/split/", theme_split, name="theme-split"),
    path("community/themes/<int:theme_id>/link-idea/", theme_link_idea, name="theme-link-idea"),
]
