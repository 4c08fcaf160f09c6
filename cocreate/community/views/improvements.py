"""“You said, we did” pages: the public changelog (and its Atom feed), one entry with the voices that led to
it, a member's impact, and the staff pages that record, link and publish improvements.

Each action answers the whole page, or for htmx the part it changed; a DomainError comes back in place on
the form. Drafts are staff-only: for anyone else they do not exist (404).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from cocreate.core import slots
from cocreate.core.errors import DomainError, NotFound
from cocreate.core.htmx import wants_fragment
from cocreate.core.text import render_markdown

from ..forms.improvements import MAX_ID, ImprovementForm, LinkForm, PublishForm
from ..models import Improvement, ImprovementLink
from ..policies import can_publish_improvements
from ..selectors import improvements as selectors
from ..services import improvements as services

View = Callable[..., HttpResponse]


def staff_only(view: View) -> View:
    """Anonymous visitors log in first; members are refused (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_publish_improvements(request.user):
            raise PermissionDenied(_("Only staff can record improvements."))
        return view(request, *args, **kwargs)

    return wrapped


def _show_errors(form: forms.Form, exc: DomainError) -> None:
    for err in exc.errors:
        form.add_error(err.field if err.field in form.fields else None, err.message)


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text) or None
    return None


def _improvement(request: HttpRequest, improvement_id: int) -> Improvement:
    found = None
    if 0 < improvement_id <= MAX_ID:
        found = selectors.improvement_get(user=request.user, improvement_id=improvement_id)
    if found is None:
        raise Http404(_("No such improvement."))
    return found


# --- Public pages -------------------------------------------------------------------------------------
@require_GET
@vary_on_headers("HX-Request")
def changelog(request: HttpRequest) -> HttpResponse:
    """Published entries, newest release first, grouped by month; filter by product."""
    product_id = _int(request.GET.get("product"))
    try:
        page = selectors.changelog(cursor=request.GET.get("cursor"), product_id=product_id)
    except DomainError:
        page = selectors.changelog(product_id=product_id)
    context = {
        "page": page,
        "product_id": product_id,
        "products": selectors.changelog_products(),
        "drafts": selectors.drafts(user=request.user),
        "can_manage": can_publish_improvements(request.user),
        "continued": bool(request.GET.get("cursor")),
    }
    if wants_fragment(request):
        return render(request, "community/partials/improvements_list.html", context)
    return render(request, "community/improvements/changelog.html", context)


class ChangelogFeed(Feed):
    """The changelog as Atom, optionally for one product (`?product=<id>`)."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> int | None:
        return _int(request.GET.get("product"))

    def title(self, obj: int | None) -> str:
        from cocreate.brand.selectors import organization_get

        return _("%(brand)s: you said, we did") % {"brand": organization_get().name}

    def link(self, obj: int | None) -> str:
        base = reverse("community:changelog")
        return f"{base}?product={obj}" if obj else base

    def subtitle(self, obj: int | None) -> str:
        return _("What changed in our products, and the members whose voices led to it.")

    def items(self, obj: int | None) -> list[Improvement]:
        return selectors.changelog(limit=50, product_id=obj).items

    def item_title(self, item: Improvement) -> str:
        return item.title

    def item_description(self, item: Improvement) -> str:
        return render_markdown(item.body)

    def item_link(self, item: Improvement) -> str:
        return reverse("community:improvement-detail", args=[item.pk])

    def item_pubdate(self, item: Improvement) -> Any:
        return item.published_at

    def item_categories(self, item: Improvement) -> list[str]:
        return [item.product.name] if item.product else []


@require_GET
def improvement_detail(request: HttpRequest, improvement_id: int) -> HttpResponse:
    improvement = _improvement(request, improvement_id)
    detail = selectors.improvement_detail(user=request.user, improvement=improvement)
    return render(
        request,
        "community/improvements/detail.html",
        {
            "improvement": improvement,
            "detail": detail,
            "body_html": render_markdown(improvement.body),
            "my_credit": selectors.credit_of(user=request.user, improvement=improvement),
            "can_manage": can_publish_improvements(request.user),
        },
    )


@require_GET
@vary_on_headers("HX-Request")
def member_impact(request: HttpRequest, user_id: int) -> HttpResponse:
    """Every improvement a member's voice led to, a page at a time."""
    from cocreate.accounts.selectors import user_get_public

    member = user_get_public(user_id=user_id) if 0 < user_id <= MAX_ID else None
    if member is None:
        raise Http404(_("No such member."))
    own = request.user.is_authenticated and request.user.pk == member.pk
    try:
        impact = selectors.member_impact(user=member, own=own, cursor=request.GET.get("cursor"))
    except DomainError:
        impact = selectors.member_impact(user=member, own=own)
    context = {"member": member, "impact": impact, "own": own, "more": True}
    if wants_fragment(request):
        return render(request, "community/partials/improvements_impact_items.html", context)
    return render(request, "community/improvements/impact.html", context)


def render_impact(request: HttpRequest, member: Any) -> str:
    """The profile's section: "N improvements came from your voice", with the latest few."""
    own = bool(request.user.is_authenticated and request.user.pk == member.pk)
    impact = selectors.member_impact(user=member, own=own, limit=5)
    if not impact.improvement_count:
        return ""
    return render_to_string(
        "community/partials/improvements_impact.html",
        {"member": member, "impact": impact, "own": own},
        request=request,
    )


def register_slots() -> None:
    slots.register("member_detail", "impact", render_impact, order=40)


# --- Staff pages --------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@staff_only
def improvement_create(request: HttpRequest) -> HttpResponse:
    form = ImprovementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            improvement = services.improvement_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(
                request,
                _("The draft is saved. Link the posts, ideas and themes that led to it, then publish."),
            )
            return redirect("community:improvement-edit", improvement.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "community/improvements/form.html", {"form": form, "improvement": None}, status=status
    )


def _edit_page(
    request: HttpRequest,
    improvement: Improvement,
    *,
    form: ImprovementForm | None = None,
    link_form: LinkForm | None = None,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    themes = selectors.linkable_themes()
    context = {
        "improvement": improvement,
        "form": form or ImprovementForm(initial=ImprovementForm.initial_from(improvement)),
        "links": selectors.links_for_staff(improvement),
        "link_form": link_form or LinkForm(themes=themes, auto_id="link-%s"),
        "publish_form": publish_form or PublishForm(auto_id="publish-%s"),
    }
    if wants_fragment(request) and request.method == "POST" and link_form is not None:
        return render(request, "community/partials/improvements_links.html", context, status=status)
    return render(request, "community/improvements/edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_only
def improvement_edit(request: HttpRequest, improvement_id: int) -> HttpResponse:
    improvement = _improvement(request, improvement_id)
    if request.method == "GET":
        return _edit_page(request, improvement)
    form = ImprovementForm(request.POST)
    if form.is_valid():
        try:
            services.improvement_update(actor=request.user, improvement=improvement, **form.cleaned_data)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The improvement is saved."))
            return redirect("community:improvement-edit", improvement.pk)
    return _edit_page(request, improvement, form=form, status=400)


def _link_targets(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """The post, idea or theme named on the form, or a NotFound on its field."""
    from cocreate.challenges.selectors.ideas import idea_get_for_viewer

    if data.get("thread"):
        thread = selectors.linkable_thread(thread_id=data["thread"])
        if thread is None:
            raise NotFound(_("There is no post with this number."), field="thread")
        return {"thread": thread}
    if data.get("idea"):
        idea = idea_get_for_viewer(user=request.user, idea_id=data["idea"])
        if idea is None:
            raise NotFound(_("There is no idea with this number."), field="idea")
        return {"idea": idea}
    theme = selectors.linkable_theme(theme_id=data["theme"])
    if theme is None:
        raise NotFound(_("There is no theme with this number."), field="theme")
    return {"theme": theme}


@require_POST
@staff_only
def improvement_link(request: HttpRequest, improvement_id: int) -> HttpResponse:
    improvement = _improvement(request, improvement_id)
    form = LinkForm(request.POST, themes=selectors.linkable_themes(), auto_id="link-%s")
    status = 400
    if form.is_valid():
        try:
            services.improvement_link(
                actor=request.user,
                improvement=improvement,
                mark_done=form.cleaned_data["mark_done"],
                **_link_targets(request, form.cleaned_data),
            )
        except DomainError as exc:
            _show_errors(form, exc)
            status = exc.status
        else:
            if not wants_fragment(request):
                messages.success(request, _("Linked."))
                return redirect(f"{reverse('community:improvement-edit', args=[improvement.pk])}#links")
            return _edit_page(
                request,
                improvement,
                link_form=LinkForm(themes=selectors.linkable_themes(), auto_id="link-%s"),
            )
    return _edit_page(request, improvement, link_form=form, status=status)


@require_POST
@staff_only
def improvement_unlink(request: HttpRequest, improvement_id: int, link_id: int) -> HttpResponse:
    improvement = _improvement(request, improvement_id)
    link = ImprovementLink.objects.filter(pk=link_id, improvement=improvement).first()
    if link is None:
        raise Http404(_("No such link."))
    services.improvement_unlink(actor=request.user, link=link)
    if wants_fragment(request):
        return _edit_page(
            request, improvement, link_form=LinkForm(themes=selectors.linkable_themes(), auto_id="link-%s")
        )
    messages.success(request, _("The link is removed."))
    return redirect(f"{reverse('community:improvement-edit', args=[improvement.pk])}#links")


@require_POST
@staff_only
def improvement_publish(request: HttpRequest, improvement_id: int) -> HttpResponse:
    improvement = _improvement(request, improvement_id)
    form = PublishForm(request.POST, auto_id="publish-%s")
    if form.is_valid():
        try:
            services.improvement_publish(
                actor=request.user, improvement=improvement, mark_done=form.cleaned_data["mark_done"]
            )
        except DomainError as exc:
            _show_errors(form, exc)
            return _edit_page(request, improvement, publish_form=form, status=exc.status)
        messages.success(request, _("Published. Every member whose voice led to it is told."))
        return redirect("community:improvement-detail", improvement.pk)
    return _edit_page(request, improvement, publish_form=form, status=400)


urlpatterns: list[URLPattern] = [
    path("changelog/", changelog, name="changelog"),
    path("changelog/feed/", ChangelogFeed(), name="changelog-feed"),
    path("changelog/new/", improvement_create, name="improvement-create"),
    path("changelog/<int:improvement_id>/", improvement_detail, name="improvement-detail"),
    path("changelog/<int:improvement_id>/edit/", improvement_edit, name="improvement-edit"),
    path("changelog/<int:improvement_id>/links/", improvement_link, name="improvement-link"),
    path(
        "changelog/<int:improvement_id>/links/<int:link_id>/delete/",
        improvement_unlink,
        name="improvement-unlink",
    ),
    path("changelog/<int:improvement_id>/publish/", improvement_publish, name="improvement-publish"),
    path("members/<int:user_id>/impact/", member_impact, name="member-impact"),
]
