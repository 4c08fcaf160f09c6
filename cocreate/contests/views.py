"""Design contests pages: the list, a contest with its rounds and entries, an entry with its revisions,
votes and comments, the designer's submit and revise pages, the jury's scoring page, results, the public
showcase, and the staff's screens. Every rule lives in the services; a refusal is shown in place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.brand.models import Product
from cocreate.core.errors import DomainError
from cocreate.core.text import render_markdown
from cocreate.journeys.models import ParticipationPoint
from cocreate.journeys.services import attribution_from_session

from . import selectors, services
from .models import Contest, ContestStatus, DesignerStatus, Entry, EntryFile, Visibility, VotingMode
from .policies import (
    can_manage_contests,
    can_see_entry,
    can_submit,
    entries_public,
    is_juror,
    sees_everything,
)


def _contest_or_404(request: HttpRequest, slug: str) -> Contest:
    contest = selectors.contest_get(actor=request.user, slug=slug)
    if contest is None:
        raise Http404(_("No such contest."))
    return contest


def _entry_or_404(request: HttpRequest, contest: Contest, entry_id: int) -> Entry:
    entry = selectors.entry_get(actor=request.user, entry_id=entry_id, contest=contest)
    if entry is None:
        raise Http404(_("No such entry."))
    return entry


def _staff_or_404(request: HttpRequest) -> None:
    if not can_manage_contests(request.user):
        raise Http404(_("No such page."))


def entry_url(entry: Entry) -> str:
    return reverse("contests:entry-detail", args=[entry.contest.slug, entry.pk])


def _timeline(contest: Contest) -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {
            "round": r,
            "state": "open" if r.is_open(now) else ("closed" if r.has_closed(now) else "upcoming"),
        }
        for r in selectors.rounds(contest)
    ]


# --- Public pages -----------------------------------------------------------------------------------------
@require_GET
def contest_list(request: HttpRequest) -> HttpResponse:
    contests = list(selectors.contest_list(actor=request.user)[:100])
    rows = [{"contest": c, "current": selectors.current_round(c)} for c in contests]
    return render(
        request,
        "contests/contest_list.html",
        {
            "rows": rows,
            "can_manage": can_manage_contests(request.user),
            "invitations": list(selectors.invitations_of(user=request.user)),
            "judging": list(selectors.contests_judged_by(user=request.user)),
        },
    )


def _detail_context(request: HttpRequest, contest: Contest) -> dict[str, Any]:
    user = request.user
    entries = list(selectors.entry_list(actor=user, contest=contest))
    cards = selectors.entry_cards(actor=user, contest=contest, entries=entries)
    rnd = selectors.voting_round(contest)
    designer = selectors.designer_of(user=user, contest=contest)
    hidden = 0
    if not (sees_everything(user, contest) or entries_public(contest)):
        hidden = contest.entries.count() - len(entries)
    return {
        "contest": contest,
        "brief_html": render_markdown(contest.brief),
        "prizes_html": render_markdown(contest.prizes),
        "timeline": _timeline(contest),
        "current": selectors.current_round(contest),
        "voting_round": rnd,
        "cards": cards,
        "hidden_count": hidden,
        "designer": designer,
        "may_submit": can_submit(user, contest) and contest.status == ContestStatus.OPEN,
        "can_manage": can_manage_contests(user),
        "is_juror": is_juror(user, contest),
        "spent": selectors.ballot_spent(user=user, rnd=rnd),
        "budget_mode": contest.voting_mode == VotingMode.BUDGET,
    }


@require_GET
def contest_detail(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest_or_404(request, slug)
    return render(request, "contests/contest_detail.html", _detail_context(request, contest))


@login_required
@require_POST
def designer_answer(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest_or_404(request, slug)
    accept = request.POST.get("answer") == "accept"
    try:
        services.designer_answer(actor=request.user, contest=contest, accept=accept)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Welcome aboard: submit your entries while a round is open.") if accept else _("Noted."),
        )
    return redirect(reverse("contests:contest-detail", args=[contest.slug]))


def _entry_context(request: HttpRequest, contest: Contest, entry: Entry, **extra: Any) -> dict[str, Any]:
    user = request.user
    revisions = selectors.visible_revisions(actor=user, entry=entry)
    for rev in revisions:
        rev.html = render_markdown(rev.description)  # type: ignore[attr-defined]
    latest = revisions[-1] if revisions else None
    rnd = selectors.voting_round(contest)
    vote = selectors.my_vote(user=user, entry=entry, rnd=rnd)
    juror = is_juror(user, contest)
    criteria = selectors.criteria(contest) if juror else []
    mine = selectors.juror_scores(juror=user, contest=contest) if juror else {}
    is_owner = getattr(user, "pk", None) == entry.designer_id
    return {
        "contest": contest,
        "entry": entry,
        "revisions": list(reversed(revisions)),
        "latest": latest,
        "voting_round": rnd,
        "in_round": rnd is not None and selectors.entry_in_round(entry, rnd),
        "vote": vote,
        "spent": selectors.ballot_spent(user=user, rnd=rnd),
        "budget_mode": contest.voting_mode == VotingMode.BUDGET,
        "is_owner": is_owner,
        "can_revise": is_owner
        and contest.status == ContestStatus.OPEN
        and selectors.current_round(contest) is not None,
        "can_manage": can_manage_contests(user),
        "is_juror": juror,
        "score_rows": [{"criterion": c, "value": mine.get((entry.pk, c.pk), "")} for c in criteria],
        "scoring_open": contest.status in (ContestStatus.OPEN, ContestStatus.JUDGING),
        **extra,
    }


@require_GET
def entry_detail(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    contest = _contest_or_404(request, slug)
    entry = _entry_or_404(request, contest, entry_id)
    return render(request, "contests/entry_detail.html", _entry_context(request, contest, entry))


@require_GET
def entry_file(request: HttpRequest, file_id: int) -> HttpResponseBase:
    """Entry files are served only to people who may see the revision they belong to, with the type
    found from their content; only images show inline."""
    found = (
        EntryFile.objects.select_related("revision__entry__contest", "revision__round")
        .filter(pk=file_id)
        .first()
    )
    if found is None or not found.file:
        raise Http404(_("No such file."))
    entry = found.revision.entry
    visible = [r.pk for r in selectors.visible_revisions(actor=request.user, entry=entry)]
    if not can_see_entry(request.user, entry) or found.revision_id not in visible:
        raise Http404(_("No such file."))
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No such file.")) from None
    content_type = found.content_type if found.is_image else "application/octet-stream"
    if found.content_type == "application/pdf":
        content_type = "application/pdf"
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not found.is_image, filename=found.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def entry_vote(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    contest = _contest_or_404(request, slug)
    entry = _entry_or_404(request, contest, entry_id)
    try:
        if request.POST.get("withdraw"):
            services.vote_withdraw(actor=request.user, entry=entry)
            messages.success(request, _("Your vote is withdrawn."))
        else:
            services.vote_cast(
                actor=request.user,
                entry=entry,
                points=request.POST.get("points") or None,
                attribution=attribution_from_session(request.session),
            )
            messages.success(request, _("Thanks for voting for “%(t)s”.") % {"t": entry.title})
    except DomainError as exc:
        context = _entry_context(request, contest, entry, vote_error=exc)
        return render(request, "contests/entry_detail.html", context, status=exc.status)
    back = reverse("contests:contest-detail", args=[contest.slug])
    return redirect(back if request.POST.get("next") == back else entry_url(entry))


@login_required
@require_POST
def entry_score(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    contest = _contest_or_404(request, slug)
    entry = _entry_or_404(request, contest, entry_id)
    scores = {
        key.removeprefix("score-"): request.POST.get(key, "")
        for key in request.POST
        if key.startswith("score-") and request.POST.get(key, "").strip()
    }
    try:
        services.scores_set(actor=request.user, entry=entry, scores=scores)
    except DomainError as exc:
        context = _entry_context(request, contest, entry, score_error=exc)
        return render(request, "contests/entry_detail.html", context, status=exc.status)
    messages.success(request, _("Your scores are saved."))
    if request.POST.get("next") == "jury":
        return redirect(reverse("contests:jury", args=[contest.slug]))
    return redirect(entry_url(entry))


# --- Designers ------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def entry_submit(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest_or_404(request, slug)
    error = None
    values = {"title": "", "description": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            entry = services.entry_submit(
                actor=request.user,
                contest=contest,
                title=values["title"],
                description=values["description"],
                uploads=request.FILES.getlist("files"),
                attribution=attribution_from_session(request.session),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Your entry is in."))
            return redirect(entry_url(entry))
    return render(
        request,
        "contests/entry_form.html",
        {"contest": contest, "values": values, "error": error, "current": selectors.current_round(contest)},
        status=error.status if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_revise(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    contest = _contest_or_404(request, slug)
    entry = selectors.entry_for_designer(actor=request.user, entry_id=entry_id)
    if entry is None or entry.contest_id != contest.pk:
        raise Http404(_("No such entry."))
    error = None
    values = {"title": entry.title, "description": entry.description, "note": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            services.entry_revise(
                actor=request.user,
                entry=entry,
                title=values["title"],
                description=values["description"],
                note=values["note"],
                uploads=request.FILES.getlist("files"),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Your revision is saved."))
            return redirect(entry_url(entry))
    return render(
        request,
        "contests/entry_form.html",
        {
            "contest": contest,
            "entry": entry,
            "values": values,
            "error": error,
            "current": selectors.current_round(contest),
        },
        status=error.status if error else 200,
    )


# --- Jury, results, showcase ----------------------------------------------------------------------------
@login_required
@require_GET
def jury(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest_or_404(request, slug)
    if not is_juror(request.user, contest):
        raise Http404(_("No such page."))
    entries = list(selectors.entry_list(actor=request.user, contest=contest))
    criteria = selectors.criteria(contest)
    mine = selectors.juror_scores(juror=request.user, contest=contest)
    rows = [
        {
            "entry": e,
            "scores": [{"criterion": c, "value": mine.get((e.pk, c.pk), "")} for c in criteria],
            "own": e.designer_id == request.user.pk,
        }
        for e in entries
    ]
    return render(
        request,
        "contests/jury.html",
        {
            "contest": contest,
            "criteria": criteria,
            "rows": rows,
            "scoring_open": contest.status in (ContestStatus.OPEN, ContestStatus.JUDGING),
        },
    )


@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest_or_404(request, slug)
    if contest.status != ContestStatus.CLOSED and not sees_everything(request.user, contest):
        raise Http404(_("The results are published when the contest closes."))
    return render(
        request,
        "contests/results.html",
        {
            "contest": contest,
            "criteria": selectors.criteria(contest),
            "jury": selectors.jury_ranking(contest),
            "fans": selectors.fan_ranking(contest),
            "winners": selectors.winners(contest),
            "favourite": selectors.fan_favourite(contest),
        },
    )


@require_GET
def showcase(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest_or_404(request, slug)
    if contest.status != ContestStatus.CLOSED and not can_manage_contests(request.user):
        raise Http404(_("The showcase opens when the contest closes."))
    winners = selectors.winners(contest)
    shortlisted = [e for e in selectors.shortlist(contest) if e.place is None]
    favourite = selectors.fan_favourite(contest)
    shown = [*winners, *shortlisted, *([favourite] if favourite else [])]
    cards = {c.entry.pk: c for c in selectors.entry_cards(actor=request.user, contest=contest, entries=shown)}
    designers = sorted({e.designer.public_name for e in contest.entries.select_related("designer")})
    return render(
        request,
        "contests/showcase.html",
        {
            "contest": contest,
            "brief_html": render_markdown(contest.brief),
            "winners": [cards[e.pk] for e in winners],
            "shortlisted": [cards[e.pk] for e in shortlisted],
            "favourite": cards[favourite.pk] if favourite else None,
            "designer_names": designers,
        },
    )


# --- Staff ----------------------------------------------------------------------------------------------
_CONTEST_FORM_FIELDS = (
    "title",
    "brief",
    "prizes",
    "voting_mode",
    "vote_budget",
    "max_points_per_entry",
    "visibility",
    "max_entries_per_designer",
)


def _contest_fields(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {k: request.POST.get(k, "") for k in _CONTEST_FORM_FIELDS}
    data["open_submission"] = request.POST.get("open_submission") == "on"
    data["shortlisting"] = request.POST.get("shortlisting") == "on"
    product_id, point_id = request.POST.get("product", ""), request.POST.get("point", "")
    data["product"] = Product.objects.filter(pk=int(product_id)).first() if product_id.isdigit() else None
    data["point"] = (
        ParticipationPoint.objects.filter(pk=int(point_id)).first() if point_id.isdigit() else None
    )
    if product_id and data["product"] is None:
        raise DomainError(message=_("No such product."), field="product")
    if point_id and data["point"] is None:
        raise DomainError(message=_("No such participation point."), field="point")
    return data


def _form_choices() -> dict[str, Any]:
    return {
        "products": list(Product.objects.order_by("name").values_list("pk", "name")[:500]),
        "points": list(ParticipationPoint.objects.order_by("-pk").values_list("pk", "title")[:200]),
        "modes": VotingMode.choices,
        "visibilities": Visibility.choices,
    }


@login_required
@require_http_methods(["GET", "POST"])
def contest_create(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    error = None
    values: dict[str, Any] = {
        "voting_mode": VotingMode.ONE_VOTE,
        "visibility": Visibility.SEALED,
        "vote_budget": 10,
        "max_entries_per_designer": 3,
    }
    if request.method == "POST":
        try:
            values = _contest_fields(request)
            contest = services.contest_create(actor=request.user, cover=request.FILES.get("cover"), **values)
        except DomainError as exc:
            error = exc
            values = {k: request.POST.get(k, "") for k in (*_CONTEST_FORM_FIELDS, "product", "point")}
        else:
            messages.success(request, _("The contest is saved as a draft: add its rounds, then open it."))
            return redirect(reverse("contests:manage", args=[contest.slug]))
    return render(
        request,
        "contests/contest_form.html",
        {"values": values, "error": error, **_form_choices()},
        status=error.status if error else 200,
    )


def _parse_when(value: str) -> datetime | None:
    parsed = parse_datetime((value or "").strip())
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _unless_same_minute(sent: datetime | None, stored: datetime) -> datetime | None:
    """The form shows times to the minute: a time sent back unchanged keeps its stored seconds, so saving
    a round's name does not move its dates (nor make it overlap the round next to it)."""
    if sent is not None and sent == stored.replace(second=0, microsecond=0):
        return stored
    return sent


def _manage_action(request: HttpRequest, contest: Contest, form: str) -> str:
    user = request.user
    post = request.POST
    if form == "contest":
        services.contest_update(
            actor=user, contest=contest, cover=request.FILES.get("cover"), **_contest_fields(request)
        )
        return _("The contest is saved.")
    if form == "status":
        services.contest_set_status(actor=user, contest=contest, status=post.get("status", ""))
        return _("The contest's status is changed.")
    if form == "round":
        services.round_add(
            actor=user,
            contest=contest,
            name=post.get("name", ""),
            opens_at=_parse_when(post.get("opens_at", "")),
            closes_at=_parse_when(post.get("closes_at", "")),
            description=post.get("description", ""),
        )
        return _("The round is added.")
    if form == "round_edit":
        rnd = selectors.round_get(contest=contest, round_id=post.get("round"))
        if rnd is None:
            raise DomainError(message=_("No such round in this contest."), field="round", status=404)
        services.round_update(
            actor=user,
            rnd=rnd,
            name=post.get("name", ""),
            opens_at=_unless_same_minute(_parse_when(post.get("opens_at", "")), rnd.opens_at),
            closes_at=_unless_same_minute(_parse_when(post.get("closes_at", "")), rnd.closes_at),
            description=post.get("description", ""),
        )
        return _("The round is saved.")
    if form == "designers":
        n = services.designers_invite(actor=user, contest=contest, emails=post.get("emails", "").split())
        return _("%(n)s designers invited.") % {"n": n}
    if form == "jurors":
        n = services.jurors_appoint(actor=user, contest=contest, emails=post.get("emails", "").split())
        return _("%(n)s jurors appointed.") % {"n": n}
    if form == "criteria":
        items = []
        for line in post.get("criteria", "").splitlines():
            if not line.strip():
                continue
            name, _sep, weight = line.rpartition(":")
            items.append({"name": name.strip(), "weight": weight.strip()} if name else {"name": line.strip()})
        services.criteria_set(actor=user, contest=contest, criteria=items)
        return _("The criteria are saved.")
    if form == "shortlist":
        entry = selectors.entry_get(actor=user, entry_id=post.get("entry"), contest=contest)
        if entry is None:
            raise DomainError(message=_("No such entry."), field="entry", status=404)
        services.entry_shortlist(actor=user, entry=entry, shortlisted=post.get("shortlisted") == "1")
        return _("The shortlist is updated.")
    if form == "winners":
        places: dict[int, Entry | None] = {}
        for place in (1, 2, 3):
            raw = post.get(f"place_{place}", "")
            if not raw:
                continue
            entry = selectors.entry_get(actor=user, entry_id=raw, contest=contest)
            if entry is None:
                raise DomainError(message=_("No such entry."), field=f"place_{place}", status=404)
            places[place] = entry
        services.winners_set(actor=user, contest=contest, places=places)
        return _("The winners are named.")
    raise DomainError(message=_("Unknown form."), field="form")


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    _staff_or_404(request)
    contest = _contest_or_404(request, slug)
    error = None
    form = request.POST.get("form", "")
    if request.method == "POST":
        try:
            done = _manage_action(request, contest, form)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, done)
            return redirect(reverse("contests:manage", args=[contest.slug]))
        contest = _contest_or_404(request, slug)
    entries = list(selectors.entry_list(actor=request.user, contest=contest))
    editing = (
        selectors.round_get(contest=contest, round_id=request.POST.get("round"))
        if error is not None and form == "round_edit"
        else None
    )
    values = {k: getattr(contest, k) for k in _CONTEST_FORM_FIELDS}
    values.update(
        product=contest.product_id or "",
        point=contest.point_id or "",
        open_submission=contest.open_submission,
        shortlisting=contest.shortlisting,
    )
    if error is not None and form == "contest":
        values.update({k: request.POST.get(k, "") for k in (*_CONTEST_FORM_FIELDS, "product", "point")})
    return render(
        request,
        "contests/manage.html",
        {
            "contest": contest,
            "timeline": _timeline(contest),
            "designers": selectors.designers(contest),
            "jurors": selectors.jurors(contest),
            "criteria_text": "\n".join(f"{c.name}: {c.weight}" for c in selectors.criteria(contest)),
            "entries": entries,
            "statuses": ContestStatus.choices,
            "designer_statuses": DesignerStatus,
            "values": values,
            "error": error,
            "form": form,
            "post": request.POST if error else {},
            # The round whose edit form was refused: it opens again with the values sent and the error.
            "editing": editing.pk if editing is not None else "",
            **_form_choices(),
        },
        status=error.status if error else 200,
    )


urlpatterns = [
    path("contests/", contest_list, name="contest-list"),
    path("contests/new/", contest_create, name="contest-create"),
    path("contests/files/<int:file_id>/", entry_file, name="file"),
    path("contests/<slug:slug>/", contest_detail, name="contest-detail"),
    path("contests/<slug:slug>/invitation/", designer_answer, name="designer-answer"),
    path("contests/<slug:slug>/submit/", entry_submit, name="entry-submit"),
    path("contests/<slug:slug>/entries/<int:entry_id>/", entry_detail, name="entry-detail"),
    path("contests/<slug:slug>/entries/<int:entry_id>/revise/", entry_revise, name="entry-revise"),
    path("contests/<slug:slug>/entries/<int:entry_id>/vote/", entry_vote, name="entry-vote"),
    path("contests/<slug:slug>/entries/<int:entry_id>/score/", entry_score, name="entry-score"),
    path("contests/<slug:slug>/jury/", jury, name="jury"),
    path("contests/<slug:slug>/results/", results, name="results"),
    path("contests/<slug:slug>/showcase/", showcase, name="showcase"),
    path("contests/<slug:slug>/manage/", manage, name="manage"),
]
