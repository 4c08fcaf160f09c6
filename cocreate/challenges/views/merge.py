"""Similar ideas while a member types, and merging duplicates (staff).

`idea-similar` answers the small list the submit form shows under the title as the member types (htmx posts
the title and description); it is rate-limited per member. `idea-merge` is the staff page: likely duplicates
of an idea, then a confirmation showing what would move, then the merge itself. A DomainError comes back in
place on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment
from cocreate.core.ratelimit import hit
from cocreate.intelligence.similarity import idea_document

from ..policies import can_moderate
from ..selectors.ideas import challenge_get, idea_get_for_viewer
from ..selectors.similar import (
    idea_url,
    merge_preview,
    similar_ideas,
    similar_to_idea,
    worth_matching,
)
from ..services.merge import idea_merge, merge_check

# Typing fires a request every half second at most: a minute of steady typing is well under this.
SIMILAR_LIMIT = 90
SIMILAR_WINDOW = 60
MAX_TITLE = 200
MAX_DESCRIPTION = 4000


def _clean(value: str, limit: int) -> str:
    return value.replace("\x00", "")[:limit]


@require_POST
def idea_similar(request: HttpRequest) -> HttpResponse:
    """Up to five public ideas like the one being typed; nothing while the text is short."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    if not hit("idea-similar", str(request.user.pk), limit=SIMILAR_LIMIT, window_seconds=SIMILAR_WINDOW):
        return HttpResponse(status=429)
    title = _clean(request.POST.get("title", ""), MAX_TITLE)
    description = _clean(request.POST.get("description", ""), MAX_DESCRIPTION)
    items: list[Any] = []
    if worth_matching(f"{title} {description}"):
        challenge = None
        raw = request.POST.get("challenge", "")
        if raw.isascii() and raw.isdigit() and len(raw) <= 20:  # int() refuses "²" and 5,000 digits
            challenge = challenge_get(user=request.user, challenge_id=int(raw))
        items = similar_ideas(
            user=request.user, text=idea_document(title, description), limit=5, challenge=challenge
        )
    return render(request, "challenges/partials/idea_similar_list.html", {"items": items, "staff": False})


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label=gettext_lazy("Merge into idea number"),
        min_value=1,
        help_text=gettext_lazy("The number of the idea that stays; this one is merged into it."),
    )
    message = forms.CharField(
        label=gettext_lazy("Public message"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Shown on both ideas and sent to the members whose support moves."),
    )


def _show_errors(form: forms.Form, exc: DomainError) -> None:
    for err in exc.errors:
        form.add_error(err.field if err.field in form.fields else None, err.message)


@require_http_methods(["GET", "POST"])
def idea_merge_view(request: HttpRequest, idea_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_moderate(request.user):
        raise PermissionDenied(_("Only moderators and administrators merge ideas."))
    source = idea_get_for_viewer(user=request.user, idea_id=idea_id)
    if source is None:
        raise Http404(_("No such idea."))
    if request.method == "GET" and wants_fragment(request):
        items = similar_to_idea(user=request.user, idea=source)
        context = {"items": items, "staff": True, "source": source}
        return render(request, "challenges/partials/idea_similar_list.html", context)

    data = request.POST if request.method == "POST" else (request.GET if "target" in request.GET else None)
    form = MergeForm(data)
    target = None
    status = 200
    if data is not None and form.is_valid():
        target = idea_get_for_viewer(user=request.user, idea_id=form.cleaned_data["target"])
        try:
            if target is None:
                raise DomainError(message=_("There is no idea with this number."), field="target")
            merge_check(source=source, target=target)
            if request.method == "POST" and request.POST.get("confirm") == "1":
                result = idea_merge(
                    actor=request.user, source=source, target=target, message=form.cleaned_data["message"]
                )
                messages.success(
                    request,
                    _("“%(s)s” was merged into “%(t)s”; %(n)s supporters moved.")
                    % {"s": source.title, "t": target.title, "n": len(result.moved_user_ids)},
                )
                return redirect(idea_url(target) or reverse("challenges:idea-merge", args=[target.pk]))
        except DomainError as exc:
            _show_errors(form, exc)
            status = exc.status
    elif data is not None:
        status = 400
    preview = None
    if target is not None and not form.has_error("target"):
        preview = merge_preview(source=source, target=target)
        form.fields["target"].widget = forms.HiddenInput()  # the idea shown is the idea merged into
    context = {
        "source": source,
        "source_url": idea_url(source),
        "form": form,
        "preview": preview,
        "items": [] if preview else similar_to_idea(user=request.user, idea=source),
    }
    return render(request, "challenges/idea_merge_confirm.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("ideas/similar/", idea_similar, name="idea-similar"),
    path("ideas/<int:idea_id>/merge/", idea_merge_view, name="idea-merge"),
]
