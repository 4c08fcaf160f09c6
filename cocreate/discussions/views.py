"""Discussion pages and actions. Generic: after a post the member goes back to the owner's page (an
idea…), found through the owner registry; htmx requests get the re-rendered part instead."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment

from . import policies, selectors, services
from .models import REACTIONS, Comment, Discussion, FlagReason
from .owners import owner_of, owner_url


def _discussion_or_404(request: HttpRequest, discussion_id: int) -> Discussion:
    discussion = selectors.discussion_get(discussion_id)
    if discussion is None or not policies.can_view(request.user, discussion):
        raise Http404(_("No such discussion."))
    return discussion


def _comment_or_404(request: HttpRequest, comment_id: int) -> Comment:
    comment = selectors.comment_get(comment_id)
    if comment is None or not policies.can_view(request.user, comment.discussion):
        raise Http404(_("No such comment."))
    return comment


def thread_context(
    request: HttpRequest,
    discussion: Discussion,
    *,
    cursor: str | None = None,
    error: DomainError | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    try:
        page = selectors.thread(discussion=discussion, user=request.user, cursor=cursor)
    except DomainError:
        page = selectors.thread(discussion=discussion, user=request.user)
    user = request.user
    owner = owner_of(discussion)
    return {
        "discussion": discussion,
        "thread": page,
        "owner": owner,
        "can_comment": bool(getattr(user, "is_authenticated", False)) and not discussion.locked,
        "can_post_update": policies.is_creator(user, discussion),
        "can_moderate": policies.can_moderate_discussion(user, discussion),
        "error": error,
        "values": values or {},
        "reactions": REACTIONS,
        "user": user,
        "request": request,
    }


def _back(discussion: Discussion, comment: Comment | None = None) -> HttpResponse:
    """Back to the owner's page (the idea…), at the comment."""
    url = owner_url(discussion)
    return HttpResponseRedirect(f"{url}#comment-{comment.pk}" if comment else url)


@require_GET
@vary_on_headers("HX-Request")
def discussion_page(request: HttpRequest, discussion_id: int) -> HttpResponse:
    """The whole discussion on its own page; htmx "show more" asks for the next page of comments."""
    discussion = _discussion_or_404(request, discussion_id)
    context = thread_context(request, discussion, cursor=request.GET.get("cursor"))
    if wants_fragment(request):
        return render(request, "discussions/partials/comment_items.html", context)
    return render(request, "discussions/discussion_page.html", context)


@login_required
@require_POST
def comment_post(request: HttpRequest, discussion_id: int) -> HttpResponse:
    discussion = _discussion_or_404(request, discussion_id)
    owner = owner_of(discussion)
    if owner is not None and owner.own_replies:
        raise Http404(_("Reply on the page of what is discussed."))
    parent = None
    parent_id = request.POST.get("parent") or ""
    body = request.POST.get("body", "")
    try:
        if parent_id:
            if not (parent_id.isascii() and parent_id.isdigit()) or len(parent_id) > 20:  # int() refuses "²"
                raise DomainError(message=_("No such comment in this discussion."), field="parent")
            parent = selectors.comment_get(int(parent_id))
            if parent is None:
                raise DomainError(message=_("No such comment in this discussion."), field="parent")
        comment = services.comment_post(
            actor=request.user,
            discussion=discussion,
            body=body,
            parent=parent,
            is_update=request.POST.get("is_update") == "on",
        )
    except DomainError as exc:
        # A reply to a comment not in this thread comes back on the main form, with its error and text.
        shown = parent_id if parent is not None and parent.discussion_id == discussion.pk else ""
        context = thread_context(request, discussion, error=exc, values={"body": body, "parent": shown})
        if wants_fragment(request):
            # htmx swaps only 2xx answers by default: the form comes back with its error shown in place.
            return render(request, "discussions/partials/thread.html", context)
        return render(request, "discussions/discussion_page.html", context, status=exc.status)
    if wants_fragment(request):
        discussion.refresh_from_db()
        return render(request, "discussions/partials/thread.html", thread_context(request, discussion))
    messages.success(request, _("Your comment is posted."))
    return _back(discussion, comment)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(request, comment_id)
    if not policies.can_edit(request.user, comment):
        raise Http404(_("No such comment."))
    error = None
    body = comment.body
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            services.comment_edit(actor=request.user, comment=comment, body=body)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Your comment is updated."))
            return _back(comment.discussion, comment)
    return render(
        request,
        "discussions/comment_edit.html",
        {"comment": comment, "body": body, "error": error, "back": owner_url(comment.discussion)},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(request, comment_id)
    if not policies.can_delete(request.user, comment):
        raise Http404(_("No such comment."))
    if request.method == "POST":
        services.comment_delete(actor=request.user, comment=comment)
        if wants_fragment(request):
            comment.discussion.refresh_from_db()
            return render(
                request, "discussions/partials/thread.html", thread_context(request, comment.discussion)
            )
        messages.success(request, _("The comment is deleted."))
        return _back(comment.discussion)
    return render(
        request,
        "discussions/comment_delete.html",
        {"comment": comment, "back": owner_url(comment.discussion)},
    )


@login_required
@require_POST
def comment_react(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(request, comment_id)
    try:
        services.reaction_toggle(actor=request.user, comment=comment, emoji=request.POST.get("emoji", ""))
    except DomainError as exc:
        if wants_fragment(request):
            return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
        messages.error(request, exc.message)
        return _back(comment.discussion, comment)
    if wants_fragment(request):
        node = selectors.CommentNode(
            comment=comment, html="", reactions=selectors._reactions([comment.pk], request.user)[comment.pk]
        )
        return render(request, "discussions/partials/reactions.html", {"node": node, "user": request.user})
    return _back(comment.discussion, comment)


@require_GET
def comment_history(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(request, comment_id)
    if comment.hidden_at is not None and not policies.can_moderate(request.user):
        raise Http404(_("No such comment."))
    return render(
        request,
        "discussions/comment_history.html",
        {
            "comment": comment,
            "revisions": selectors.revisions(comment),
            "back": owner_url(comment.discussion),
            "can_see_deleted_text": policies.can_moderate(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_flag(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(request, comment_id)
    error = None
    values = {"reason": "", "note": ""}
    if request.method == "POST":
        values = {"reason": request.POST.get("reason", ""), "note": request.POST.get("note", "")}
        try:
            services.flag_create(actor=request.user, comment=comment, **values)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Thank you: the moderators will look at this comment."))
            return _back(comment.discussion, comment)
    return render(
        request,
        "discussions/comment_flag.html",
        {
            "comment": comment,
            "reasons": FlagReason.choices,
            "values": values,
            "error": error,
            "back": owner_url(comment.discussion),
        },
        status=(error.status if error else 200),
    )


@login_required
@require_GET
def flag_queue(request: HttpRequest) -> HttpResponse:
    if not policies.can_moderate(request.user):
        raise Http404(_("No such page."))
    try:
        items, next_cursor = selectors.flag_queue(cursor=request.GET.get("cursor"))
    except DomainError:
        items, next_cursor = selectors.flag_queue()
    return render(
        request,
        "discussions/flag_queue.html",
        {"items": items, "next_cursor": next_cursor, "owner_url": owner_url},
    )


@login_required
@require_POST
def flag_resolve(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.comment_get(comment_id)
    if comment is None or not policies.can_moderate(request.user):
        raise Http404(_("No such comment."))
    action = request.POST.get("action", "")
    try:
        resolved = services.flag_resolve(actor=request.user, comment=comment, action=action)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if action == "hide":
            messages.success(request, _("The comment is hidden (%(n)s flags resolved).") % {"n": resolved})
        else:
            messages.success(request, _("The flags are dismissed (%(n)s).") % {"n": resolved})
    return HttpResponseRedirect(reverse("discussions:flag-queue"))


@login_required
@require_POST
def discussion_lock(request: HttpRequest, discussion_id: int) -> HttpResponse:
    discussion = _discussion_or_404(request, discussion_id)
    try:
        services.discussion_lock(
            actor=request.user, discussion=discussion, locked=request.POST.get("locked") == "1"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The discussion is locked.") if discussion.locked else _("The discussion is open again."),
        )
    return _back(discussion)


urlpatterns = [
    path("discussions/flags/", flag_queue, name="flag-queue"),
    path("discussions/flags/<int:comment_id>/", flag_resolve, name="flag-resolve"),
    path("discussions/<int:discussion_id>/", discussion_page, name="discussion"),
    path("discussions/<int:discussion_id>/comments/", comment_post, name="comment-post"),
    path("discussions/<int:discussion_id>/lock/", discussion_lock, name="lock"),
    path("discussions/comments/<int:comment_id>/edit/", comment_edit, name="comment-edit"),
    path("discussions/comments/<int:comment_id>/delete/", comment_delete, name="comment-delete"),
    path("discussions/comments/<int:comment_id>/react/", comment_react, name="comment-react"),
    path("discussions/comments/<int:comment_id>/flag/", comment_flag, name="comment-flag"),
    path("discussions/comments/<int:comment_id>/history/", comment_history, name="comment-history"),
]
