"""The staff triage pages: the inbox (views, filters, bulk actions), a post's triage panel (status with a
public message, assignee and team, labels, internal notes, saved replies, history), saved replies, teams
and product areas, and the response-time figures.

Every page is for staff (teams and areas: administrators); an anonymous visitor is sent to log in, a member
gets 403. Each panel form answers the panel alone when htmx asks for it, and otherwise redirects back to
the page, so everything works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment
from cocreate.core.text import render_markdown

from ..forms.triage import (
    AreaForm,
    AssignForm,
    BulkForm,
    InboxFilterForm,
    LabelForm,
    MetricsForm,
    NoteForm,
    SavedReplyForm,
    SavedReplyUseForm,
    StatusForm,
    TeamForm,
)
from ..models import Area, SavedReply, Team, Thread
from ..owners import thread_url
from ..policies import can_manage_teams, can_triage
from ..selectors import triage as selectors
from ..services import triage as services

View = Callable[..., HttpResponse]
PANEL = "community/partials/triage_panel.html"


def _allowed(check: Callable[[Any], bool], message: str) -> Callable[[View], View]:
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


staff_only = _allowed(can_triage, "Only staff can triage feedback.")
admins_only = _allowed(can_manage_teams, "Only administrators can change triage teams and product areas.")


def _show_errors(form: forms.Form, exc: DomainError) -> None:
    for err in exc.errors:
        form.add_error(err.field if err.field in form.fields else None, err.message)


def _thread(thread_id: int) -> Thread:
    thread = selectors.thread_for_triage(thread_id=thread_id)
    if thread is None:
        raise Http404(_("No such post."))
    return thread


# --- The inbox ----------------------------------------------------------------------------------------
@require_GET
@staff_only
def inbox(request: HttpRequest) -> HttpResponse:
    filter_form = InboxFilterForm(request.GET or None)
    view, filters = filter_form.view_and_filters()
    try:
        page = selectors.inbox(
            user=request.user, view=view, filters=filters, cursor=request.GET.get("cursor")
        )
    except DomainError:  # a cursor that does not parse: start again from the top
        page = selectors.inbox(user=request.user, view=view, filters=filters)
    for thread in page.items:
        item: Any = thread
        item.labels = [
            str(label)
            for label in (
                thread.area.name if thread.area else "",
                thread.stage.name if thread.stage else "",
                thread.get_sentiment_display() if thread.sentiment else "",
            )
            if label
        ]
    counts = selectors.inbox_counts(user=request.user)
    kept = {k: v for k, v in request.GET.items() if k not in ("cursor", "view") and v}
    views = [
        {
            "key": key,
            "label": label,
            "count": counts.get(key),
            "url": "?" + urlencode({**kept, "view": key}),
            "current": key == view,
        }
        for key, label in selectors.InboxView.choices
    ]
    next_url = "?" + urlencode({**kept, "view": view, "cursor": page.next_cursor}) if page.next_cursor else ""
    return render(
        request,
        "community/triage/inbox.html",
        {
            "page": page,
            "views": views,
            "view": view,
            "view_label": selectors.InboxView(view).label,
            "filter_form": filter_form,
            "bulk_form": BulkForm(),
            "next_url": next_url,
            "return_to": request.get_full_path(),
            "can_manage_teams": can_manage_teams(request.user),
        },
    )


@require_POST
@staff_only
def bulk(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith(
        reverse("community:inbox")
    ):
        back = reverse("community:inbox")
    action = request.POST.get("action", "")
    form = BulkForm(request.POST)
    form.is_valid()
    field = BulkForm.FIELD_OF.get(action)
    if field is None:
        messages.error(request, _("Choose an action from the list."))
        return HttpResponseRedirect(back)
    if field in form.errors:
        messages.error(request, " ".join(str(e) for e in form.errors[field]))
        return HttpResponseRedirect(back)
    try:
        changed = services.bulk_apply(
            actor=request.user,
            thread_ids=request.POST.getlist("threads"),
            action=action,
            value=form.cleaned_data.get(field),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s posts changed.") % {"n": changed})
    return HttpResponseRedirect(back)


# --- A post's triage panel ----------------------------------------------------------------------------
def _panel_context(
    request: HttpRequest, thread: Thread, *, bound: dict[str, forms.Form] | None = None, notice: str = ""
) -> dict[str, Any]:
    forms_: dict[str, forms.Form] = {
        "status_form": StatusForm(initial={"status": thread.status}, auto_id="status-%s"),
        "assign_form": AssignForm(
            initial={"assignee": thread.assignee_id, "team": thread.team_id}, auto_id="assign-%s"
        ),
        "label_form": LabelForm(
            initial={
                "area": thread.area_id,
                "stage": thread.stage_id,
                "sentiment": thread.sentiment if thread.sentiment_by_staff else "",
            },
            auto_id="label-%s",
        ),
        "note_form": NoteForm(auto_id="note-%s"),
        "reply_form": SavedReplyUseForm(auto_id="reply-%s"),
    }
    forms_.update(bound or {})
    return {
        "thread": thread,
        "thread_url": thread_url(thread),
        "body_html": render_markdown(thread.body),
        "history": selectors.triage_history(thread=thread),
        "notes": selectors.notes_of(thread=thread),
        "has_saved_replies": selectors.saved_reply_list().exists(),
        "notice": notice,
        **forms_,
    }


def _panel(
    request: HttpRequest,
    thread: Thread,
    *,
    bound: dict[str, forms.Form] | None = None,
    notice: str = "",
) -> HttpResponse:
    """After a panel form: the panel for htmx (errors in place, answered 200 so htmx swaps them in), the
    page again with the errors (400), or a redirect to the page on success."""
    failed = any(form.errors for form in (bound or {}).values())
    if wants_fragment(request):
        fresh = _thread(thread.pk)
        return render(
            request, PANEL, _panel_context(request, fresh, bound=bound if failed else None, notice=notice)
        )
    if failed:
        return render(
            request, "community/triage/thread.html", _panel_context(request, thread, bound=bound), status=400
        )
    if notice:
        messages.success(request, notice)
    return redirect("community:triage-thread", thread.pk)


@require_GET
@staff_only
def thread_panel(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread(thread_id)
    return render(request, "community/triage/thread.html", _panel_context(request, thread))


@require_POST
@staff_only
def thread_status(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread(thread_id)
    form = StatusForm(request.POST, auto_id="status-%s")
    if form.is_valid():
        try:
            services.feedback_set_status(actor=request.user, thread=thread, **form.cleaned_data)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            return _panel(request, thread, notice=_("Status set to “%s”.") % thread.get_status_display())
    return _panel(request, thread, bound={"status_form": form})


@require_POST
@staff_only
def thread_assign(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread(thread_id)
    form = AssignForm(request.POST, auto_id="assign-%s")
    if form.is_valid():
        try:
            services.feedback_assign(actor=request.user, thread=thread, **form.cleaned_data)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            return _panel(request, thread, notice=_("Assignment saved."))
    return _panel(request, thread, bound={"assign_form": form})


@require_POST
@staff_only
def thread_labels(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread(thread_id)
    form = LabelForm(request.POST, auto_id="label-%s")
    if form.is_valid():
        data = dict(form.cleaned_data)
        if not data["sentiment"] and not thread.sentiment_by_staff:
            # "Found automatically" left as it was: the automatic sentiment stays.
            data.pop("sentiment")
        try:
            services.feedback_label(actor=request.user, thread=thread, **data)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            return _panel(request, thread, notice=_("Labels saved."))
    return _panel(request, thread, bound={"label_form": form})


@require_POST
@staff_only
def thread_note(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread(thread_id)
    form = NoteForm(request.POST, auto_id="note-%s")
    if form.is_valid():
        try:
            services.note_add(actor=request.user, thread=thread, body=form.cleaned_data["body"])
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            return _panel(request, thread, notice=_("Note added."))
    return _panel(request, thread, bound={"note_form": form})


@require_POST
@staff_only
def thread_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread(thread_id)
    form = SavedReplyUseForm(request.POST, auto_id="reply-%s")
    if form.is_valid():
        try:
            services.saved_reply_use(
                actor=request.user,
                thread=thread,
                saved_reply=form.cleaned_data["saved_reply"],
                body=form.cleaned_data["body"] or None,
            )
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            return _panel(request, thread, notice=_("Reply posted on the thread."))
    return _panel(request, thread, bound={"reply_form": form})


# --- Saved replies ------------------------------------------------------------------------------------
def _saved_replies_page(
    request: HttpRequest, form: SavedReplyForm | None = None, status: int = 200
) -> HttpResponse:
    replies = list(selectors.saved_reply_list())
    for reply in replies:
        reply_any: Any = reply
        reply_any.body_html = render_markdown(reply.body)
        reply_any.editable = reply.created_by_id == request.user.pk or can_manage_teams(request.user)
    return render(
        request,
        "community/triage/saved_replies.html",
        {"replies": replies, "form": form or SavedReplyForm(auto_id="saved-%s")},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_only
def saved_replies(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _saved_replies_page(request)
    form = SavedReplyForm(request.POST, auto_id="saved-%s")
    if form.is_valid():
        try:
            services.saved_reply_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Saved reply added."))
            return redirect("community:saved-replies")
    return _saved_replies_page(request, form, status=400)


def _saved_reply(reply_id: int) -> SavedReply:
    found = SavedReply.objects.filter(pk=reply_id).first() if 0 < reply_id < 2**63 else None
    if found is None:
        raise Http404(_("No such saved reply."))
    return found


@require_http_methods(["GET", "POST"])
@staff_only
def saved_reply_edit(request: HttpRequest, reply_id: int) -> HttpResponse:
    reply = _saved_reply(reply_id)
    form = SavedReplyForm(
        request.POST or None, initial={"title": reply.title, "body": reply.body, "team": reply.team_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.saved_reply_update(actor=request.user, saved_reply=reply, **form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            _show_errors(form, exc)
        else:
            messages.success(request, _("Saved reply changed."))
            return redirect("community:saved-replies")
    return render(
        request,
        "community/triage/saved_reply_edit.html",
        {"reply": reply, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_only
def saved_reply_delete(request: HttpRequest, reply_id: int) -> HttpResponse:
    reply = _saved_reply(reply_id)
    try:
        services.saved_reply_delete(actor=request.user, saved_reply=reply)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    messages.success(request, _("Saved reply deleted."))
    return redirect("community:saved-replies")


# --- Teams and areas ----------------------------------------------------------------------------------
def _teams_page(
    request: HttpRequest,
    *,
    team_form: TeamForm | None = None,
    area_form: AreaForm | None = None,
    failed_team: tuple[int, TeamForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    teams = list(selectors.team_list())
    rows = [
        {
            "team": team,
            "form": failed_team[1]
            if failed_team and failed_team[0] == team.pk
            else TeamForm(
                initial={"name": team.name, "members": [m.pk for m in team.members.all()]},
                auto_id=f"team{team.pk}-%s",
            ),
        }
        for team in teams
    ]
    return render(
        request,
        "community/triage/teams.html",
        {
            "rows": rows,
            "areas": selectors.area_list(),
            "team_form": team_form or TeamForm(auto_id="newteam-%s"),
            "area_form": area_form or AreaForm(auto_id="newarea-%s"),
        },
        status=status,
    )


@require_GET
@admins_only
def teams(request: HttpRequest) -> HttpResponse:
    return _teams_page(request)


@require_POST
@admins_only
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST, auto_id="newteam-%s")
    if form.is_valid():
        try:
            team = services.team_create(
                actor=request.user, name=form.cleaned_data["name"], members=form.cleaned_data["members"]
            )
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Team “%s” created.") % team.name)
            return redirect("community:triage-teams")
    return _teams_page(request, team_form=form, status=400)


def _team(team_id: int) -> Team:
    found = Team.objects.filter(pk=team_id).first() if 0 < team_id < 2**63 else None
    if found is None:
        raise Http404(_("No such team."))
    return found


@require_POST
@admins_only
def team_update(request: HttpRequest, team_id: int) -> HttpResponse:
    team = _team(team_id)
    form = TeamForm(request.POST, auto_id=f"team{team.pk}-%s")
    if form.is_valid():
        try:
            services.team_update(
                actor=request.user,
                team=team,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
            )
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Team “%s” saved.") % team.name)
            return redirect("community:triage-teams")
    return _teams_page(request, failed_team=(team.pk, form), status=400)


@require_POST
@admins_only
def team_delete(request: HttpRequest, team_id: int) -> HttpResponse:
    team = _team(team_id)
    services.team_delete(actor=request.user, team=team)
    messages.success(request, _("Team “%s” deleted; its posts have no team now.") % team.name)
    return redirect("community:triage-teams")


@require_POST
@admins_only
def area_create(request: HttpRequest) -> HttpResponse:
    form = AreaForm(request.POST, auto_id="newarea-%s")
    if form.is_valid():
        try:
            area = services.area_create(actor=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Product area “%s” added.") % area.name)
            return redirect("community:triage-teams")
    return _teams_page(request, area_form=form, status=400)


@require_POST
@admins_only
def area_delete(request: HttpRequest, area_id: int) -> HttpResponse:
    area = Area.objects.filter(pk=area_id).first() if 0 < area_id < 2**63 else None
    if area is None:
        raise Http404(_("No such product area."))
    services.area_delete(actor=request.user, area=area)
    messages.success(request, _("Product area “%s” deleted.") % area.name)
    return redirect("community:triage-teams")


# --- Figures ------------------------------------------------------------------------------------------
def duration_text(value: timedelta | None) -> str:
    """A duration as people read it: "45 min", "3 h 20 min", "2 d 4 h"; "—" when there is none."""
    if value is None:
        return "—"
    minutes = max(0, round(value.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


@require_GET
@staff_only
def metrics(request: HttpRequest) -> HttpResponse:
    form = MetricsForm(request.GET or None)
    days = form.cleaned_data.get("days") if form.is_valid() else None
    days = days or 30
    rows: list[Any] = selectors.response_times(days=days)
    for row in rows:
        for name in ("first_response_median", "first_response_p90", "resolution_median", "resolution_p90"):
            setattr(row, f"{name}_text", duration_text(getattr(row, name)))
    return render(
        request,
        "community/triage/metrics.html",
        {"rows": rows, "days": days, "form": form if form.is_bound else MetricsForm(initial={"days": days})},
    )


urlpatterns: list[URLPattern] = [
    path("community/triage/", inbox, name="inbox"),
    path("community/triage/bulk/", bulk, name="triage-bulk"),
    path("community/triage/<int:thread_id>/", thread_panel, name="triage-thread"),
    path("community/triage/<int:thread_id>/status/", thread_status, name="triage-status"),
    path("community/triage/<int:thread_id>/assign/", thread_assign, name="triage-assign"),
    path("community/triage/<int:thread_id>/labels/", thread_labels, name="triage-labels"),
    path("community/triage/<int:thread_id>/notes/", thread_note, name="triage-note"),
    path("community/triage/<int:thread_id>/reply/", thread_reply, name="triage-reply"),
    path("community/triage/saved-replies/", saved_replies, name="saved-replies"),
    path("community/triage/saved-replies/<int:reply_id>/", saved_reply_edit, name="saved-reply-edit"),
    path(
        "community/triage/saved-replies/<int:reply_id>/delete/", saved_reply_delete, name="saved-reply-delete"
    ),
    path("community/triage/teams/", teams, name="triage-teams"),
    path("community/triage/teams/new/", team_create, name="team-create"),
    path("community/triage/teams/<int:team_id>/", team_update, name="team-update"),
    path("community/triage/teams/<int:team_id>/delete/", team_delete, name="team-delete"),
    path("community/triage/areas/new/", area_create, name="area-create"),
    path("community/triage/areas/<int:area_id>/delete/", area_delete, name="area-delete"),
    path("community/triage/metrics/", metrics, name="triage-metrics"),
]
