"""Talent pages: opportunities (list, detail with applying and, for the owner and staff, the ranked
matches with their reasons), a member's skills and availability with the opportunities that fit them, the
staff's staffing view and the skills taxonomy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.core import slots
from cocreate.core.errors import DomainError
from cocreate.core.text import render_markdown

from . import selectors, services
from .forms import (
    ApplyForm,
    AvailabilityForm,
    OpportunityEditForm,
    OpportunityForm,
    SkillAddForm,
    SkillForm,
    SynonymForm,
)
from .models import ApplicationStatus, Opportunity, OpportunityKind, OpportunityStatus, SkillCategory
from .policies import can_manage_opportunity, can_manage_taxonomy, can_see_staffing

View = Callable[..., HttpResponse]


def staff_only(view: View) -> View:
    """Anonymous visitors log in first; members are refused (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_taxonomy(request.user):
            raise PermissionDenied(_("Only staff can see this page."))
        return view(request, *args, **kwargs)

    return wrapped


def _show_errors(form: forms.Form, exc: DomainError) -> None:
    for err in exc.errors:
        form.add_error(err.field if err.field in form.fields else None, err.message)


def _opportunity(opportunity_id: int) -> Opportunity:
    opportunity = selectors.opportunity_get(opportunity_id=opportunity_id)
    if opportunity is None:
        raise Http404(_("No such opportunity."))
    return opportunity


# --- Opportunities ------------------------------------------------------------------------------------
@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in OpportunityKind.values:
        kind = ""
    return render(
        request,
        "talent/opportunity_list.html",
        {
            "opportunities": selectors.opportunity_list(kind=kind or None),
            "kinds": OpportunityKind.choices,
            "kind": kind,
            "can_create": can_manage_taxonomy(request.user),
        },
    )


def _detail(
    request: HttpRequest,
    opportunity: Opportunity,
    *,
    apply_form: ApplyForm | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    manage = can_manage_opportunity(request.user, opportunity)
    context = {
        "o": opportunity,
        "description_html": render_markdown(opportunity.description),
        "requirements": list(opportunity.requirements.all()),
        "mine": selectors.application_of(user=request.user, opportunity=opportunity),
        "apply_form": apply_form or ApplyForm(),
        "manage": manage,
        "applications": selectors.applications_for(opportunity=opportunity) if manage else [],
        "matches": selectors.match_for_opportunity(opportunity=opportunity, limit=15) if manage else [],
        "error": error,
        "Status": ApplicationStatus,
        "open": opportunity.status == OpportunityStatus.OPEN,
    }
    return render(request, "talent/opportunity_detail.html", context, status=status)


@require_GET
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    return _detail(request, _opportunity(opportunity_id))


@login_required
@require_POST
def opportunity_apply(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _opportunity(opportunity_id)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        return _detail(request, opportunity, apply_form=form, status=400)
    try:
        services.application_submit(
            actor=request.user, opportunity=opportunity, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        if exc.field in form.fields:
            _show_errors(form, exc)
            return _detail(request, opportunity, apply_form=form, status=exc.status)
        return _detail(request, opportunity, apply_form=form, error=exc, status=exc.status)
    messages.success(request, _("You applied. The team will tell you what they decide."))
    return redirect("talent:opportunity-detail", opportunity.pk)


def _application(request: HttpRequest, opportunity: Opportunity) -> Any:
    try:
        application_id = int(request.POST.get("application", ""))
    except ValueError:
        raise Http404(_("No such application.")) from None
    application = selectors.application_get(application_id=application_id)
    if application is None or application.opportunity_id != opportunity.pk:
        raise Http404(_("No such application."))
    return application


@login_required
@require_POST
def opportunity_withdraw(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _opportunity(opportunity_id)
    application = selectors.application_of(user=request.user, opportunity=opportunity)
    if application is None:
        raise Http404(_("No such application."))
    try:
        services.application_withdraw(actor=request.user, application=application)
    except DomainError as exc:
        return _detail(request, opportunity, error=exc, status=exc.status)
    messages.success(request, _("Your application is withdrawn."))
    return redirect("talent:opportunity-detail", opportunity.pk)


@login_required
@require_POST
def opportunity_decide(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _opportunity(opportunity_id)
    if not can_manage_opportunity(request.user, opportunity):
        raise Http404(_("No such opportunity."))
    application = _application(request, opportunity)
    accept = request.POST.get("decision") == "accept"
    try:
        services.application_decide(actor=request.user, application=application, accept=accept)
    except DomainError as exc:
        return _detail(
            request,
            selectors.opportunity_get(opportunity_id=opportunity.pk) or opportunity,
            error=exc,
            status=exc.status,
        )
    messages.success(
        request,
        (_("%(n)s is in the team.") if accept else _("%(n)s was declined.")) % {"n": application.user},
    )
    return redirect("talent:opportunity-detail", opportunity.pk)


@login_required
@require_POST
def opportunity_close(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _opportunity(opportunity_id)
    if not can_manage_opportunity(request.user, opportunity):
        raise Http404(_("No such opportunity."))
    services.opportunity_close(actor=request.user, opportunity=opportunity)
    messages.success(request, _("The opportunity is closed."))
    return redirect("talent:opportunity-detail", opportunity.pk)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _opportunity(opportunity_id)
    if not can_manage_opportunity(request.user, opportunity):
        raise PermissionDenied(_("Only the opportunity's owner or staff can change it."))
    form = OpportunityEditForm(
        request.POST or None,
        initial={
            "title": opportunity.title,
            "description": opportunity.description,
            "requirements": OpportunityEditForm.requirements_text(opportunity.requirements.all()),
            "hours_per_week": opportunity.hours_per_week,
            "starts_on": opportunity.starts_on,
            "ends_on": opportunity.ends_on,
            "seats": opportunity.seats,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.opportunity_update(
                actor=request.user,
                opportunity=opportunity,
                title=data["title"],
                description=data["description"],
                requirements=form.requirement_list(),
                hours_per_week=data["hours_per_week"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                seats=data["seats"],
            )
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            _show_errors(form, exc)
        else:
            messages.success(request, _("The opportunity is updated."))
            return redirect("talent:opportunity-detail", opportunity.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "talent/opportunity_edit.html", {"form": form, "o": opportunity}, status=status)


def _idea_for(request: HttpRequest, value: Any) -> Any:
    if not value:
        return None
    from cocreate.challenges.models import Idea

    idea = Idea.objects.filter(pk=value).first()
    if idea is None:
        raise DomainError(_("No such idea."), field="idea")
    return idea


def _workshop_for(value: Any) -> Any:
    if not value:
        return None
    from cocreate.workshops.models import Workshop

    workshop = Workshop.objects.filter(pk=value).first()
    if workshop is None:
        raise DomainError(_("No such workshop."), field="workshop")
    return workshop


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    idea_param = request.GET.get("idea", "")
    if idea_param.isdigit() and len(idea_param) < 18:
        initial = {"idea": int(idea_param), "kind": OpportunityKind.IDEA_TEAM}
    form = OpportunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opportunity = services.opportunity_create(
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                requirements=form.requirement_list(),
                hours_per_week=data["hours_per_week"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                seats=data["seats"],
                idea=_idea_for(request, data["idea"]),
                workshop=_workshop_for(data["workshop"]),
            )
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            _show_errors(form, exc)
        else:
            messages.success(request, _("The opportunity is open. Here are the people who fit it."))
            return redirect("talent:opportunity-detail", opportunity.pk)
    elif request.method == "GET" and not can_manage_taxonomy(request.user) and not initial:
        raise PermissionDenied(
            _("Only staff, or an idea's author for its development team, can open an opportunity.")
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "talent/opportunity_form.html", {"form": form}, status=status)


# --- Me -----------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = selectors.profile_of(user=user)
    skill_form = SkillAddForm()
    availability_form = AvailabilityForm(
        initial={
            "hours_per_week": profile.hours_per_week if profile else 0,
            "available_from": profile.available_from if profile else None,
            "available_until": profile.available_until if profile else None,
        }
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("form", "")
        try:
            if action == "skill":
                skill_form = SkillAddForm(request.POST)
                if skill_form.is_valid():
                    try:
                        added = services.member_skill_add(actor=user, user=user, **skill_form.cleaned_data)
                    except DomainError as exc:
                        _show_errors(skill_form, exc)
                    else:
                        messages.success(request, _("Added %(s)s.") % {"s": added.skill.name})
                        return redirect("talent:me")
            elif action == "remove":
                found = selectors.skill_get(skill_id=int(request.POST.get("skill", "0") or 0))
                if found is not None:
                    services.member_skill_remove(actor=user, user=user, skill=found)
                return redirect("talent:me")
            elif action == "availability":
                availability_form = AvailabilityForm(request.POST)
                if availability_form.is_valid():
                    try:
                        services.availability_set(actor=user, user=user, **availability_form.cleaned_data)
                    except DomainError as exc:
                        _show_errors(availability_form, exc)
                    else:
                        messages.success(request, _("Your availability is saved."))
                        return redirect("talent:me")
        except ValueError:
            raise Http404(_("No such skill.")) from None
        status = 400
    return render(
        request,
        "talent/me.html",
        {
            "skills": selectors.member_skills(user=user),
            "skill_form": skill_form,
            "availability_form": availability_form,
            "profile": profile,
            "matches": selectors.match_for_member(user=user),
            "applications": selectors.my_applications(user=user),
        },
        status=status,
    )


# --- Staff ----------------------------------------------------------------------------------------------
@staff_only
@require_GET
def staffing(request: HttpRequest) -> HttpResponse:
    if not can_see_staffing(request.user):
        raise PermissionDenied
    rows = selectors.staffing()
    return render(
        request,
        "talent/staffing.html",
        {
            "rows": rows,
            "open_roles": sum(r.opportunity.seats_left for r in rows),
            "filled": sum(r.opportunity.seats_taken for r in rows),
        },
    )


@staff_only
@require_http_methods(["GET", "POST"])
def skill_list(request: HttpRequest) -> HttpResponse:
    form = SkillForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "seed":
            created = services.taxonomy_seed(actor=request.user)
            messages.success(request, _("%(n)d starter skills added.") % {"n": created})
            return redirect("talent:skills")
        if form.is_valid():
            try:
                skill = services.skill_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _show_errors(form, exc)
            else:
                messages.success(request, _("Added %(s)s.") % {"s": skill.name})
                return redirect("talent:skill-edit", skill.pk)
        status = 400
    skills = selectors.taxonomy_for_staff()
    groups: dict[str, list[Any]] = {}
    labels = dict(SkillCategory.choices)
    for skill in skills:
        groups.setdefault(str(labels.get(skill.category, skill.category)), []).append(skill)
    return render(
        request,
        "talent/skill_list.html",
        {"groups": sorted(groups.items()), "form": form, "count": len(skills)},
        status=status,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def skill_edit(request: HttpRequest, skill_id: int) -> HttpResponse:
    skill = selectors.skill_get(skill_id=skill_id)
    if skill is None:
        raise Http404(_("No such skill."))
    form = SkillForm(
        initial={"name": skill.name, "category": skill.category, "description": skill.description}
    )
    synonym_form = SynonymForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("form", "")
        try:
            if action == "skill":
                form = SkillForm(request.POST)
                if form.is_valid():
                    services.skill_update(actor=request.user, skill=skill, **form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect("talent:skill-edit", skill.pk)
            elif action == "synonym":
                synonym_form = SynonymForm(request.POST)
                if synonym_form.is_valid():
                    services.synonym_add(
                        actor=request.user, skill=skill, alias=synonym_form.cleaned_data["alias"]
                    )
                    return redirect("talent:skill-edit", skill.pk)
            elif action == "unsynonym":
                synonym = skill.synonyms.filter(pk=int(request.POST.get("synonym", "0") or 0)).first()
                if synonym is not None:
                    services.synonym_remove(actor=request.user, synonym=synonym)
                return redirect("talent:skill-edit", skill.pk)
            elif action == "related":
                ids = [int(v) for v in request.POST.getlist("related") if v.isdigit() and len(v) < 18]
                others = [s for s in selectors.taxonomy_for_staff() if s.pk in set(ids)]
                services.related_set(actor=request.user, skill=skill, related=others)
                messages.success(request, _("Saved."))
                return redirect("talent:skill-edit", skill.pk)
        except DomainError as exc:
            _show_errors(synonym_form if action == "synonym" else form, exc)
        except ValueError:
            raise Http404(_("No such synonym.")) from None
        status = 400
    return render(
        request,
        "talent/skill_edit.html",
        {
            "skill": skill,
            "form": form,
            "synonym_form": synonym_form,
            "synonyms": list(skill.synonyms.all()),
            "related_ids": set(skill.related.values_list("pk", flat=True)),
            "all_skills": [s for s in selectors.taxonomy_for_staff() if s.pk != skill.pk],
        },
        status=status,
    )


# --- The member page's section ------------------------------------------------------------------------
def render_member_skills(request: HttpRequest, member: Any) -> str:
    skills = selectors.member_skills(user=member)
    if not skills:
        return ""
    profile = selectors.profile_of(user=member)
    own = bool(request.user.is_authenticated and request.user.pk == member.pk)
    return render_to_string(
        "talent/partials/member_skills.html",
        {"member": member, "skills": skills, "profile": profile, "own": own, "me_url": reverse("talent:me")},
        request=request,
    )


def register_slots() -> None:
    slots.register("member_detail", "talent-skills", render_member_skills, order=30)


urlpatterns: list[URLPattern] = [
    path("talent/", opportunity_list, name="opportunities"),
    path("talent/opportunities/new/", opportunity_create, name="opportunity-create"),
    path("talent/opportunities/<int:opportunity_id>/", opportunity_detail, name="opportunity-detail"),
    path("talent/opportunities/<int:opportunity_id>/apply/", opportunity_apply, name="opportunity-apply"),
    path(
        "talent/opportunities/<int:opportunity_id>/withdraw/",
        opportunity_withdraw,
        name="opportunity-withdraw",
    ),
    path("talent/opportunities/<int:opportunity_id>/decide/", opportunity_decide, name="opportunity-decide"),
    path("talent/opportunities/<int:opportunity_id>/close/", opportunity_close, name="opportunity-close"),
    path("talent/opportunities/<int:opportunity_id>/edit/", opportunity_edit, name="opportunity-edit"),
    path("talent/me/", me, name="me"),
    path("talent/staffing/", staffing, name="staffing"),
    path("talent/skills/", skill_list, name="skills"),
    path("talent/skills/<int:skill_id>/", skill_edit, name="skill-edit"),
]
