"""The challenge pages: the list, a challenge with its brief, phases, reward, criteria and ideas, and the
administrators' form to create or change one (criteria, custom questions, the support ladder, invitations
and the challenge's own terms), saved together: when one part is refused nothing changes.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cocreate.core.errors import DomainError
from cocreate.core.text import render_markdown

from ..forms import ChallengeForm, CriterionFormSet, QuestionFormSet, RungFormSet
from ..models import Challenge, ChallengeInvite
from ..policies import can_manage_challenges, check_can_submit
from ..selectors import ideas as selectors
from ..services import ideas as services
from .ideas import current_terms, list_context

ROW_ERROR = re.compile(r"^(ladder|criteria|fields)\.(\d+)$")


@require_GET
def challenge_list(request: HttpRequest) -> HttpResponse:
    services.challenge_default()  # the always-open challenge is listed from the first visit
    challenges = selectors.challenge_list(user=request.user)
    return render(
        request,
        "challenges/challenge_list.html",
        {"challenges": challenges, "can_manage": can_manage_challenges(request.user)},
    )


def _phases(challenge: Challenge) -> list[tuple[str, Any]]:
    phases = [
        (_("Submissions open"), challenge.submission_opens),
        (_("Submissions close"), challenge.submission_closes),
        (_("Support closes"), challenge.support_closes),
        (_("Review starts"), challenge.review_starts),
        (_("Results announced"), challenge.results_on),
    ]
    return [(label, when) for label, when in phases if when is not None]


@require_GET
def challenge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Invite-only challenges are not in the visible set of the uninvited: to them they do not exist.
    challenge = selectors.challenge_get(user=request.user, slug=slug)
    if challenge is None:
        raise Http404(_("No such challenge."))
    try:
        check_can_submit(request.user, challenge)
        share_refused = ""
    except DomainError as exc:
        share_refused = exc.message
    ladder = sorted(challenge.ladder or [], key=lambda r: int(r["at"]))
    context = {
        "challenge": challenge,
        "brief_html": render_markdown(challenge.brief),
        "phases": _phases(challenge),
        "royalty_percent": (challenge.royalty_rate * 100).normalize(),
        "criteria": list(challenge.criteria.all()),
        "ladder": ladder,
        "can_share": not share_refused,
        "share_refused": share_refused,
        "can_manage": can_manage_challenges(request.user),
        "terms": current_terms(challenge),
        **list_context(request, challenge=challenge, limit=12),
    }
    return render(request, "challenges/challenge_detail.html", context)


# --- Administrators' form -----------------------------------------------------------------------------
class ChallengeEditor:
    """The challenge form with its three row lists; `sent` remembers which row each service row came from,
    to put an error back on it."""

    def __init__(self, data: Any = None, files: Any = None, challenge: Challenge | None = None) -> None:
        initial: dict[str, Any] | None = None
        rungs: list[dict[str, Any]] = []
        criteria: list[dict[str, Any]] = []
        questions: list[dict[str, Any]] = []
        if data is None and challenge is not None:
            emails = list(
                ChallengeInvite.objects.filter(challenge=challenge)
                .order_by("user__email")
                .values_list("user__email", flat=True)
            )
            initial = ChallengeForm.initial_for(challenge, emails, challenge.terms_versions.first())
            rungs = [dict(r) for r in sorted(challenge.ladder or [], key=lambda r: int(r["at"]))]
            criteria = [
                {"id": c.pk, "name": c.name, "description": c.description, "weight": c.weight.normalize()}
                for c in challenge.criteria.all()
            ]
            questions = [
                {
                    "id": f.pk,
                    "label": f.label,
                    "help_text": f.help_text,
                    "kind": f.kind,
                    "choices": "\n".join(f.choices or []),
                    "required": f.required,
                }
                for f in challenge.fields.all()
            ]
        elif data is None:
            from ..models import DEFAULT_LADDER

            rungs = [dict(r) for r in DEFAULT_LADDER]
        self.form = ChallengeForm(data, files, initial=initial)
        self.ladder = RungFormSet(data, initial=rungs, prefix="ladder")
        self.criteria = CriterionFormSet(data, initial=criteria, prefix="criteria")
        self.questions = QuestionFormSet(data, initial=questions, prefix="questions")
        self.sent: dict[str, list[forms.Form]] = {"ladder": [], "criteria": [], "fields": []}
        self.row_errors: dict[str, list[str]] = {"ladder": [], "criteria": [], "fields": []}

    def is_valid(self) -> bool:
        results = [f.is_valid() for f in (self.form, self.ladder, self.criteria, self.questions)]
        return all(results)

    def rows(self, key: str) -> list[dict[str, Any]]:
        sets: dict[str, Any] = {"ladder": self.ladder, "criteria": self.criteria, "fields": self.questions}
        formset = sets[key]
        out = []
        for form in formset.forms:
            row = form.row()  # type: ignore[attr-defined]
            if row is not None:
                self.sent[key].append(form)
                out.append(row)
        return out

    def show(self, exc: DomainError) -> None:
        for err in exc.errors:
            name = err.field or ""
            match = ROW_ERROR.match(name)
            if match:
                key, index = match.group(1), int(match.group(2))
                sent = self.sent[key]
                if index < len(sent):
                    sent[index].add_error(None, err.message)
                else:
                    self.row_errors[key].append(err.message)
            elif name in ("ladder", "criteria", "fields"):
                self.row_errors[name].append(err.message)
            else:
                name = "royalty_percent" if name == "royalty_rate" else name
                self.form.add_error(name if name in self.form.fields else None, err.message)


def _save(request: HttpRequest, editor: ChallengeEditor, challenge: Challenge | None) -> Challenge | None:
    data = editor.form.cleaned_data
    fields = editor.form.service_fields()
    fields["ladder"] = editor.rows("ladder")
    criteria, questions = editor.rows("criteria"), editor.rows("fields")
    actor = request.user
    try:
        with transaction.atomic():
            if challenge is None:
                saved = services.challenge_create(
                    actor=actor, title=data["title"], cover=data["cover"], **fields
                )
            else:
                saved = services.challenge_update(
                    actor=actor,
                    challenge=challenge,
                    title=data["title"],
                    cover=data["cover"] or None,
                    **fields,
                )
            services.challenge_criteria_set(actor=actor, challenge=saved, criteria=criteria)
            services.challenge_fields_set(actor=actor, challenge=saved, fields=questions)
            services.challenge_invites_set(actor=actor, challenge=saved, users=data["invites"])
            title, body = (data.get("terms_title") or "").strip(), (data.get("terms_body") or "").strip()
            latest = saved.terms_versions.first()
            if (title or body) and (latest is None or (latest.title, latest.body) != (title, body)):
                try:
                    services.challenge_terms_publish(actor=actor, challenge=saved, title=title, body=body)
                except DomainError as exc:
                    raise DomainError(message=exc.message, field="terms_body") from None
    except DomainError as exc:
        editor.show(exc)
        return None
    return saved


def _admins_only(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_manage_challenges(request.user):
        raise PermissionDenied(_("Only administrators manage challenges."))
    return None


def _editor_page(request: HttpRequest, challenge: Challenge | None) -> HttpResponse:
    status = 200
    if request.method == "POST":
        editor = ChallengeEditor(request.POST, request.FILES)
        if editor.is_valid():
            saved = _save(request, editor, challenge)
            if saved is not None:
                messages.success(request, _("The challenge “%(t)s” is saved.") % {"t": saved.title})
                return redirect("challenges:challenge-detail", saved.slug)
        status = 400
    else:
        editor = ChallengeEditor(challenge=challenge)
    return render(
        request, "challenges/challenge_form.html", {"editor": editor, "challenge": challenge}, status=status
    )


@require_http_methods(["GET", "POST"])
def challenge_create(request: HttpRequest) -> HttpResponse:
    return _admins_only(request) or _editor_page(request, None)


@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, slug: str) -> HttpResponse:
    refused = _admins_only(request)
    if refused is not None:
        return refused
    challenge = Challenge.objects.filter(slug=slug).first()
    if challenge is None:
        raise Http404(_("No such challenge."))
    return _editor_page(request, challenge)


urlpatterns: list[URLPattern] = [
    path("challenges/", challenge_list, name="challenge-list"),
    path("challenges/new/", challenge_create, name="challenge-create"),
    path("challenges/<slug:slug>/", challenge_detail, name="challenge-detail"),
    path("challenges/<slug:slug>/edit/", challenge_edit, name="challenge-edit"),
]
