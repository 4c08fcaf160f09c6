"""Forum pages: the board index, a board's threads, posting (every kind, reviews with stars), a thread with
its replies oldest first, moderation, following, attachments, board management, and the reviews section of
a product page. Thin: parse, call one service or selector, render; a rule that says no comes back as an
error in place with the member's text kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, register_converter, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from cocreate.core import slots
from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment
from cocreate.discussions.models import REACTIONS
from cocreate.discussions.policies import can_moderate
from cocreate.journeys.services import attribution_from_session
from cocreate.notifications import selectors as notification_selectors
from cocreate.notifications import services as notification_services

from ..forms.forum import BoardForm, ReplyForm, ThreadEditForm, ThreadForm
from ..models import Board, FeedbackStatus, Thread, ThreadKind
from ..policies import can_manage_boards, is_board_moderator
from ..selectors import forum as selectors
from ..selectors import improvements as improvements_selectors
from ..selectors import triage as triage_selectors
from ..services import forum as services


class BoardSlugConverter:
    """A board's address; the reserved words fall through to the pages that own them."""

    regex = r"[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        if value in services.RESERVED_SLUGS:
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(BoardSlugConverter, "board")


def _board_or_404(slug: str) -> Board:
    board = selectors.board_get(slug)
    if board is None:
        raise Http404(_("No such board."))
    return board


def _thread_or_404(request: HttpRequest, thread_id: int) -> Thread:
    thread = selectors.thread_get_for_viewer(request.user, thread_id)
    if thread is None:
        raise Http404(_("No such thread."))
    return thread


def _thread_url(thread: Thread, anchor: str = "") -> str:
    url = reverse("community:thread", args=[thread.pk])
    return f"{url}#{anchor}" if anchor else url


def _add_error(form: Any, exc: DomainError) -> None:
    for item in exc.errors:
        form.add_error(item.field if item.field in form.fields else None, item.message)


# --- Boards -------------------------------------------------------------------------------------------
@require_GET
def boards(request: HttpRequest) -> HttpResponse:
    rows = selectors.board_list(request.user, include_archived=can_manage_boards(request.user))
    return render(
        request,
        "community/forum/board_list.html",
        {"rows": rows, "can_manage": can_manage_boards(request.user)},
    )


@require_GET
@vary_on_headers("HX-Request")
def board(request: HttpRequest, slug: str) -> HttpResponse:
    found = _board_or_404(slug)
    filters = {k: request.GET.get(k) or None for k in ("kind", "tag", "status")}
    error = None
    try:
        page = selectors.board_page(
            found,
            request.user,
            cursor=request.GET.get("cursor"),
            kind=filters["kind"],
            tag=filters["tag"],
            status=filters["status"],
        )
    except DomainError as exc:
        error = exc
        page = selectors.board_page(found, request.user)
        filters = {"kind": None, "tag": None, "status": None}
    context = {
        "board": found,
        "page": page,
        "filters": filters,
        "kinds": ThreadKind.choices,
        "statuses": FeedbackStatus.choices,
        "tag": selectors.tag_get(filters["tag"] or ""),
        "error": error,
        "is_moderator": is_board_moderator(request.user, found),
        "can_manage": can_manage_boards(request.user),
    }
    if wants_fragment(request):
        return render(request, "community/partials/forum_thread_rows.html", context)
    return render(request, "community/forum/board_detail.html", context, status=400 if error else 200)


def _board_form_page(
    request: HttpRequest, form: BoardForm, board: Board | None, status: int = 200
) -> HttpResponse:
    return render(request, "community/forum/board_form.html", {"form": form, "board": board}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def board_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_boards(request.user):
        raise PermissionDenied(_("Only administrators and analysts can create boards."))
    form = BoardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.board_create(
                actor=request.user,
                name=data["name"],
                description=data["description"],
                product=data["product"],
                moderators=data["moderators"],
                position=data["position"] or 0,
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The board is open."))
            return HttpResponseRedirect(reverse("community:board", args=[created.slug]))
    return _board_form_page(request, form, None, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def board_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if not can_manage_boards(request.user):
        raise PermissionDenied(_("Only administrators and analysts can change boards."))
    found = _board_or_404(slug)
    initial = {
        "name": found.name,
        "description": found.description,
        "product": found.product_id,
        "moderators": "\n".join(u.email for u in selectors.board_moderators(found)),
        "position": found.position,
        "archived": found.archived,
    }
    form = BoardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.board_update(actor=request.user, board=found, **form.cleaned_data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The board is saved."))
            return HttpResponseRedirect(reverse("community:board", args=[found.slug]))
    return _board_form_page(request, form, found, status=400 if form.errors else 200)


# --- Posting ------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    found = _board_or_404(slug)
    status = 200
    if request.method == "POST":
        status = 400
        form = ThreadForm(request.POST, request.FILES, board=found)
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = services.thread_create(
                    actor=request.user,
                    board=found,
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    product=data["product"],
                    rating=data["rating"],
                    tags=data["tags"],
                    attachments=data["attachments"],
                    attribution=attribution_from_session(request.session),
                )
            except DomainError as exc:
                _add_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Your post is up."))
                return HttpResponseRedirect(_thread_url(thread))
    else:
        kind = request.GET.get("kind")
        initial = {"kind": kind} if kind in ThreadKind.values else {}
        form = ThreadForm(initial=initial, board=found)
    return render(
        request,
        "community/forum/thread_form.html",
        {"form": form, "board": found, "files_lost": bool(request.FILES) and form.errors},
        status=status,
    )


# --- A thread -----------------------------------------------------------------------------------------
def _quote(request: HttpRequest, thread: Thread) -> str:
    """`?quote=op` or `?quote=<reply id>`: the reply box starts with that post quoted in markdown."""
    wanted = request.GET.get("quote", "")
    author: Any
    if wanted == "op":
        text, author = thread.body, thread.author
    elif wanted.isascii() and wanted.isdigit() and len(wanted) < 19:
        comment = selectors.comment_in_thread(thread, int(wanted))
        if comment is None or comment.is_removed:
            return ""
        text, author = comment.body, comment.author
    else:
        return ""
    name = author.display_name.strip() if author.display_name.strip() else f"member-{author.pk}"
    lines = text.strip().splitlines()[:40]
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    return f"{quoted}\n>\n> — @{name}\n\n"


def _reactions_html(nodes: list[Any], *, action_base: str, csrf_token: str, enabled: bool) -> None:
    """Each reply's reaction buttons (the markup of discussions/partials/reactions.html), built in Python:
    four small forms per reply are most of a thread page's template work."""
    label, reacted = _("Reactions"), _("you reacted")
    disabled = "" if enabled else mark_safe(" disabled")
    for node in nodes:
        pk = node.comment.pk
        action = f"{action_base}{pk}/react/"
        forms = format_html_join(
            "",
            '<form method="post" action="{0}" class="inline" hx-post="{0}" hx-target="#reactions-{1}" '
            'hx-swap="outerHTML"><input type="hidden" name="csrfmiddlewaretoken" value="{2}">'
            '<input type="hidden" name="emoji" value="{3}"><button type="submit" class="reaction{4}" '
            'aria-pressed="{5}"{6}><span aria-hidden="true">{3}</span><span class="visually-hidden">{7}{8}:'
            '</span> <span class="reaction-count">{9}</span></button></form>',
            (
                (
                    action,
                    pk,
                    csrf_token,
                    r.emoji,
                    " mine" if r.mine else "",
                    "true" if r.mine else "false",
                    disabled,
                    r.label,
                    f" ({reacted})" if r.mine else "",
                    r.count,
                )
                for r in node.reactions
            ),
        )
        node.reactions_html = format_html(
            '<div class="reactions" id="reactions-{}" role="group" aria-label="{}">{}</div>', pk, label, forms
        )
        _reactions_html(node.replies, action_base=action_base, csrf_token=csrf_token, enabled=enabled)


def _can_reply(user: Any, thread: Thread) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and not thread.discussion.locked
        and not thread.is_removed
        and (not thread.board.archived or is_board_moderator(user, thread.board))
    )


def _thread_context(
    request: HttpRequest, thread: Thread, *, form: ReplyForm | None = None, cursor: str | None = None
) -> dict[str, Any]:
    try:
        page = selectors.thread_page(thread, request.user, cursor=cursor)
    except DomainError:
        page = selectors.thread_page(thread, request.user)
    user = request.user
    authenticated = bool(getattr(user, "is_authenticated", False))
    if form is None:
        form = ReplyForm(initial={"body": _quote(request, thread)})
    comment_base = reverse("discussions:comment-edit", args=[1]).removesuffix("1/edit/")
    _reactions_html(
        [*page.replies, *([page.accepted] if page.accepted else [])],
        action_base=comment_base,
        csrf_token=get_token(request),
        enabled=authenticated,
    )
    return {
        "thread": thread,
        # Addresses built once per page rather than once per reply.
        "thread_url": _thread_url(thread),
        "comment_base": comment_base,
        "board": thread.board,
        "page": page,
        "discussion": thread.discussion,
        "form": form,
        "can_reply": _can_reply(user, thread),
        "is_author": authenticated and thread.author_id == user.pk,
        "is_moderator": page.is_moderator,
        # The thread's discussion is moderated by the site's moderators and the board's.
        "can_moderate_replies": authenticated and (page.is_moderator or can_moderate(user)),
        "can_accept": thread.kind == ThreadKind.QUESTION
        and authenticated
        and (thread.author_id == user.pk or page.is_moderator),
        "following": authenticated
        and notification_selectors.is_following(user=user, target_type="thread", target_id=thread.pk),
        "triage_history": triage_selectors.public_history(thread) if thread.in_triage else [],
        "thread_improvements": improvements_selectors.improvements_for_thread(thread),
        "reactions": REACTIONS,
        "user": user,
    }


@require_GET
@vary_on_headers("HX-Request")
def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_or_404(request, thread_id)
    context = _thread_context(request, thread, cursor=request.GET.get("cursor"))
    if wants_fragment(request) and request.GET.get("cursor"):
        return render(request, "community/partials/forum_replies.html", context)
    response = render(request, "community/forum/thread_detail.html", context)
    services.thread_mark_read(user=request.user, thread=thread)
    return response


@login_required
@require_POST
def reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_or_404(request, thread_id)
    form = ReplyForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = selectors.comment_in_thread(thread, form.cleaned_data["parent"])
        try:
            if form.cleaned_data["parent"] and parent is None:
                raise DomainError(message=_("No such reply in this thread."), field="parent")
            comment = services.reply_post(
                actor=request.user,
                thread=thread,
                body=form.cleaned_data["body"],
                parent=parent,
                attachments=form.cleaned_data["attachments"],
                attribution=attribution_from_session(request.session),
            )
        except DomainError as exc:
            _add_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Your reply is posted."))
            return HttpResponseRedirect(_thread_url(thread, f"comment-{comment.pk}"))
    thread.discussion.refresh_from_db()
    context = _thread_context(request, thread, form=form)
    return render(request, "community/forum/thread_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def thread_edit(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_or_404(request, thread_id)
    if thread.author_id != request.user.pk and not is_board_moderator(request.user, thread.board):
        raise PermissionDenied(_("Only the author or a moderator can change this post."))
    is_review = thread.kind == ThreadKind.REVIEW
    initial = {
        "title": thread.title,
        "body": thread.body,
        "rating": thread.rating,
        "tags": ", ".join(t.name for t in thread.tags.all()),
    }
    form = ThreadEditForm(request.POST or None, initial=initial, is_review=is_review)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.thread_edit(
                actor=request.user,
                thread=thread,
                title=data["title"],
                body=data["body"],
                tags=data["tags"],
                rating=data.get("rating") if is_review else None,
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return HttpResponseRedirect(_thread_url(thread))
    return render(
        request,
        "community/forum/thread_edit.html",
        {"form": form, "thread": thread, "board": thread.board},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_delete(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_or_404(request, thread_id)
    if request.method == "POST":
        try:
            services.thread_delete(actor=request.user, thread=thread)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(_thread_url(thread))
        messages.success(request, _("Your post is deleted."))
        return HttpResponseRedirect(reverse("community:board", args=[thread.board.slug]))
    if thread.author_id != request.user.pk and not is_board_moderator(request.user, thread.board):
        raise PermissionDenied(_("Only the author or a moderator can delete this post."))
    return render(request, "community/forum/thread_delete.html", {"thread": thread, "board": thread.board})


_MODERATION: dict[str, tuple[Callable[..., Thread], str, bool, Any]] = {
    "pin": (services.thread_pin, "pinned", True, _("The thread is pinned.")),
    "unpin": (services.thread_pin, "pinned", False, _("The thread is no longer pinned.")),
    "lock": (services.thread_lock, "locked", True, _("The thread is locked.")),
    "unlock": (services.thread_lock, "locked", False, _("The thread is open again.")),
    "hide": (services.thread_hide, "hidden", True, _("The thread is hidden.")),
    "unhide": (services.thread_hide, "hidden", False, _("The thread is visible again.")),
}


@login_required
@require_POST
def thread_moderate(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_or_404(request, thread_id)
    action = _MODERATION.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose pin, lock or hide."))
        return HttpResponseRedirect(_thread_url(thread))
    service, argument, value, done = action
    try:
        service(actor=request.user, thread=thread, **{argument: value})
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, str(done))
    return HttpResponseRedirect(_thread_url(thread))


@login_required
@require_POST
def answer_accept(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_or_404(request, thread_id)
    raw = request.POST.get("comment", "")
    comment = None
    try:
        if raw:
            comment = selectors.comment_in_thread(thread, int(raw) if raw.isascii() and raw.isdigit() else -1)
            if comment is None:
                raise DomainError(message=_("No such reply in this thread."), field="comment", status=404)
        services.answer_accept(actor=request.user, thread=thread, comment=comment)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
        return HttpResponseRedirect(_thread_url(thread))
    messages.success(request, _("The answer is marked.") if comment else _("The answer is no longer marked."))
    return HttpResponseRedirect(_thread_url(thread, f"comment-{comment.pk}" if comment else ""))


@login_required
@require_POST
def thread_follow(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_or_404(request, thread_id)
    try:
        if request.POST.get("follow") == "0":
            notification_services.unfollow(user=request.user, target_type="thread", target_id=thread.pk)
            messages.success(request, _("You no longer follow this thread."))
        else:
            notification_services.follow(user=request.user, target_type="thread", target_id=thread.pk)
            messages.success(request, _("You follow this thread: replies and status changes reach you."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(_thread_url(thread))


@require_GET
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """Files are served with the type found from their content, never the uploader's; only images are
    shown in the page, everything else downloads."""
    found = selectors.attachment_get(request.user, attachment_id)
    if found is None or not found.file:
        raise Http404(_("No such file."))
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No such file.")) from None
    response = FileResponse(
        handle,
        content_type=found.content_type if found.is_image else _download_type(found.content_type),
        as_attachment=not found.is_image,
        filename=found.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _download_type(content_type: str) -> str:
    if content_type == "application/pdf":
        return "application/pdf"
    if content_type == "text/plain":
        return "text/plain; charset=utf-8"
    return "application/octet-stream"


# --- Reviews on a product page --------------------------------------------------------------------------
def product_reviews(request: HttpRequest, product: Any) -> str:
    """The product page's reviews section: the 1–5 distribution, the average, the latest reviews, and a way
    to write one (or a link to the viewer's own)."""
    summary = selectors.review_summary(product)
    rows, _cursor = selectors.product_reviews(product, request.user, limit=5)
    mine = selectors.review_of(request.user, product)
    review_board = selectors.review_board(product)
    return render_to_string(
        "community/partials/forum_reviews.html",
        {"product": product, "summary": summary, "rows": rows, "mine": mine, "review_board": review_board},
        request=request,
    )


def register_slots() -> None:
    """Called from CommunityConfig.ready; registering twice replaces the same entry."""
    slots.register("product_detail", "reviews", product_reviews, order=20)


urlpatterns: list[URLPattern] = [
    path("community/", boards, name="boards"),
    path("community/manage/boards/new/", board_create, name="board-create"),
    path("community/manage/boards/<board:slug>/", board_edit, name="board-edit"),
    path("community/t/<int:thread_id>/", thread_detail, name="thread"),
    path("community/t/<int:thread_id>/reply/", reply, name="thread-reply"),
    path("community/t/<int:thread_id>/edit/", thread_edit, name="thread-edit"),
    path("community/t/<int:thread_id>/delete/", thread_delete, name="thread-delete"),
    path("community/t/<int:thread_id>/moderate/", thread_moderate, name="thread-moderate"),
    path("community/t/<int:thread_id>/accept/", answer_accept, name="thread-accept"),
    path("community/t/<int:thread_id>/follow/", thread_follow, name="thread-follow"),
    path("community/attachments/<int:attachment_id>/", attachment, name="attachment"),
    path("community/<board:slug>/", board, name="board"),
    path("community/<board:slug>/new/", thread_new, name="thread-new"),
]
