"""The persona screens: who the brand co-creates with, the answer-based rules that say which real members
belong to each persona, staff overrides, and the profile questions those rules are built on.

A persona and its rules are saved together: when a rule could never match, the service says why, in place,
and nothing changes (not even the persona's other fields).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.accounts.models import ProfileQuestion, QuestionKind, User
from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment

from .. import selectors, services
from ..forms import (
    ConfirmDeleteForm,
    OverrideForm,
    PersonaForm,
    QuestionForm,
    RuleForm,
    rule_formset_class,
    rule_initial,
)
from ..models import Persona, PersonaOverride, PersonaRule, RuleOperator
from ..policies import can_design_journeys
from .design import form_status, show_errors, staff_only

RULE_FIELD = re.compile(r"^rules\.(\d+)(?:\.(\w+))?$")


def _persona(persona_id: int) -> Persona:
    persona = selectors.persona_get(persona_id)
    if persona is None:
        raise Http404(_("No such persona."))
    return persona


def _questions() -> dict[int, ProfileQuestion]:
    return {q.pk: q for q in ProfileQuestion.objects.order_by("position", "id")}


def _number(value: Decimal | None) -> str:
    text = format(value, "f") if value is not None else ""
    return text.rstrip("0").rstrip(".") if "." in text else text


def rule_in_words(rule: PersonaRule) -> str:
    """“How often do you build? is any of: Every weekend, Most evenings”."""
    question = rule.question
    if rule.operator == RuleOperator.ANY_OF:
        return _("%(q)s is any of: %(v)s") % {"q": question.text, "v": ", ".join(rule.values)}
    if rule.operator == RuleOperator.ALL_OF:
        return _("%(q)s includes all of: %(v)s") % {"q": question.text, "v": ", ".join(rule.values)}
    words = {
        "q": question.text,
        "lo": _number(rule.min_value),
        "hi": _number(rule.max_value),
        "unit": f" {question.unit}" if question.unit else "",
    }
    if rule.min_value is not None and rule.max_value is not None:
        return _("%(q)s is between %(lo)s and %(hi)s%(unit)s") % words
    if rule.min_value is not None:
        return _("%(q)s is at least %(lo)s%(unit)s") % words
    return _("%(q)s is at most %(hi)s%(unit)s") % words


# --- Rules editor -------------------------------------------------------------------------------------
class RulesEditor:
    """The persona's rules as rows of a formset; `redraw` shows them again as typed, saving nothing."""

    def __init__(self, data: Any = None, initial: list[dict[str, Any]] | None = None, extra: int = 1) -> None:
        self.questions = _questions()
        self.formset = rule_formset_class(extra)(
            data, initial=initial, prefix="rules", form_kwargs={"questions": self.questions}
        )
        self.errors: list[str] = []
        self.sent: list[RuleForm] = []

    @classmethod
    def redraw(cls, data: Any, add: bool) -> RulesEditor:
        typed = cls(data)
        rows, blank = [], 0
        for form in typed.formset.forms:
            if form["DELETE"].value():
                continue
            raw = form.raw()
            if raw["question"]:
                rows.append(raw)
            else:
                blank += 1
        return cls(initial=rows, extra=max(1, blank + (1 if add else 0)))

    def is_valid(self) -> bool:
        return self.formset.is_valid()

    def rules(self) -> list[dict[str, Any]]:
        """The rules to send, remembering which row each came from to put errors back on it."""
        self.sent = []
        rules = []
        for form in self.formset.forms:
            if form.cleaned_data.get("DELETE"):
                continue
            rule = form.rule()
            if rule is not None:
                self.sent.append(form)
                rules.append(rule)
        return rules

    def take_error(self, field: str, message: str) -> bool:
        """Put a `rules…` error on its row; False when the error is not about the rules."""
        if field == "rules":
            self.errors.append(message)
            return True
        match = RULE_FIELD.match(field)
        if match is None:
            return False
        index, name = int(match.group(1)), match.group(2) or ""
        if index >= len(self.sent):
            self.errors.append(message)
            return True
        form = self.sent[index]
        name = "question" if name == "question_id" else name
        form.add_error(name if name in form.fields else None, message)
        return True


def _persona_page(request: HttpRequest, persona: Persona | None) -> HttpResponse:
    """Create or edit a persona together with its rules."""
    template = "journeys/persona_form.html"
    status = 200
    if request.method == "POST":
        action = request.POST.get("rules_action")
        if action in ("refresh", "add"):
            # Redrawn as typed but not validated: a half-filled form shows no errors yet.
            form = PersonaForm(initial={name: request.POST.get(name, "") for name in PersonaForm.FIELDS})
            editor = RulesEditor.redraw(request.POST, add=action == "add")
            context = {"form": form, "editor": editor, "persona": persona}
            if wants_fragment(request):
                return render(request, "journeys/partials/persona_rules.html", context)
            return render(request, template, context)
        form = PersonaForm(request.POST, request.FILES)
        editor = RulesEditor(request.POST)
        form_ok, rules_ok = form.is_valid(), editor.is_valid()
        if form_ok and rules_ok:
            saved = _persona_save(request, persona, form, editor)
            if saved is not None:
                messages.success(request, _("The persona “%(name)s” is saved.") % {"name": saved.name})
                return redirect("journeys:persona-detail", saved.pk)
        if persona is not None:
            persona = _persona(persona.pk)
        status = 400
    elif persona is not None:
        form = PersonaForm(initial=PersonaForm.initial_for(persona))
        editor = RulesEditor(initial=rule_initial(persona.rules.all()))
    else:
        form = PersonaForm()
        editor = RulesEditor()
    context = {"form": form, "editor": editor, "persona": persona}
    if persona is not None:
        context["delete_form"] = ConfirmDeleteForm(label=_("Yes, delete this persona"), auto_id="delete-%s")
    return render(request, template, context, status=status)


def _persona_save(
    request: HttpRequest, persona: Persona | None, form: PersonaForm, editor: RulesEditor
) -> Persona | None:
    rules = editor.rules()
    name = form.cleaned_data["name"]
    picture = form.cleaned_data["picture"] or None
    try:
        with transaction.atomic():
            if persona is None:
                saved = services.persona_create(
                    actor=request.user, name=name, picture=picture, **form.service_fields()
                )
            else:
                saved = services.persona_update(
                    actor=request.user, persona=persona, name=name, picture=picture, **form.service_fields()
                )
            services.persona_rules_set(actor=request.user, persona=saved, rules=rules)
    except DomainError as exc:
        for err in exc.errors:
            if not editor.take_error(err.field or "", err.message):
                form.add_error(err.field if err.field in form.fields else None, err.message)
        return None
    return saved


@staff_only(design=False)
@require_GET
def persona_list(request: HttpRequest) -> HttpResponse:
    personas = selectors.persona_list()
    cards = [{"persona": p, "members": selectors.persona_member_count(p)} for p in personas]
    return render(
        request,
        "journeys/persona_list.html",
        {"cards": cards, "can_design": can_design_journeys(request.user)},
    )


@staff_only(design=True)
@require_http_methods(["GET", "POST"])
def persona_create(request: HttpRequest) -> HttpResponse:
    return _persona_page(request, None)


@staff_only(design=True)
@require_http_methods(["GET", "POST"])
def persona_edit(request: HttpRequest, persona_id: int) -> HttpResponse:
    return _persona_page(request, _persona(persona_id))


@staff_only(design=True)
@require_POST
def persona_delete(request: HttpRequest, persona_id: int) -> HttpResponse:
    persona = _persona(persona_id)
    form = ConfirmDeleteForm(request.POST, label=_("Yes, delete this persona"), auto_id="delete-%s")
    if form.is_valid() and form.cleaned_data["confirm"]:
        services.persona_delete(actor=request.user, persona=persona)
        messages.success(request, _("The persona “%(name)s” is deleted.") % {"name": persona.name})
        return redirect("journeys:persona-list")
    form.add_error("confirm", _("Tick the box to confirm."))
    context = {
        "form": PersonaForm(initial=PersonaForm.initial_for(persona)),
        "editor": RulesEditor(initial=rule_initial(persona.rules.all())),
        "persona": persona,
        "delete_form": form,
    }
    return render(request, "journeys/persona_form.html", context, status=400)


def _members_context(
    request: HttpRequest, persona: Persona, form: OverrideForm | None = None
) -> dict[str, Any]:
    overrides = list(
        PersonaOverride.objects.filter(persona=persona)
        .select_related("user")
        .order_by("-include", "user__email")
    )
    included = {o.user_id for o in overrides if o.include}
    return {
        "persona": persona,
        "members": selectors.persona_member_page(persona),
        "member_count": selectors.persona_member_count(persona),
        "overrides": overrides,
        "included": included,
        "override_form": form or OverrideForm(auto_id="override-%s"),
        "can_design": can_design_journeys(request.user),
    }


@staff_only(design=False)
@require_GET
def persona_detail(request: HttpRequest, persona_id: int) -> HttpResponse:
    persona = _persona(persona_id)
    context = _members_context(request, persona)
    context["rules"] = [rule_in_words(r) for r in persona.rules.all()]
    return render(request, "journeys/persona_detail.html", context)


def _members_answer(request: HttpRequest, persona: Persona, form: OverrideForm | None = None) -> HttpResponse:
    if wants_fragment(request):
        return render(
            request, "journeys/partials/persona_members.html", _members_context(request, persona, form)
        )
    if form is not None and form.errors:
        context = _members_context(request, persona, form)
        context["rules"] = [rule_in_words(r) for r in persona.rules.all()]
        return render(request, "journeys/persona_detail.html", context, status=form_status(request))
    return redirect(reverse("journeys:persona-detail", args=[persona.pk]) + "#members")


@staff_only(design=True)
@require_POST
def persona_override(request: HttpRequest, persona_id: int) -> HttpResponse:
    persona = _persona(persona_id)
    form = OverrideForm(request.POST, auto_id="override-%s")
    if form.is_valid():
        try:
            services.persona_override_set(
                actor=request.user,
                persona=persona,
                user=form.user,
                include=form.cleaned_data["include"] == OverrideForm.INCLUDE,
            )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            return _members_answer(request, persona)
    return _members_answer(request, persona, form)


@staff_only(design=True)
@require_POST
def persona_override_remove(request: HttpRequest, persona_id: int, user_id: int) -> HttpResponse:
    persona = _persona(persona_id)
    # user__pk, not user_id: Django turns an out-of-range id into no row only through the related field.
    override = (
        PersonaOverride.objects.filter(persona=persona, user__pk=user_id).select_related("user").first()
    )
    if override is None:
        raise Http404(_("No staff decision for this member."))
    services.persona_override_set(actor=request.user, persona=persona, user=override.user, include=None)
    return _members_answer(request, persona)


# --- Profile questions --------------------------------------------------------------------------------
@staff_only(design=False)
@require_GET
def question_list(request: HttpRequest) -> HttpResponse:
    questions = list(ProfileQuestion.objects.order_by("position", "id"))
    return render(
        request,
        "journeys/question_list.html",
        {
            "questions": questions,
            "can_design": can_design_journeys(request.user),
            "NUMBER": QuestionKind.NUMBER,
        },
    )


def _question_page(request: HttpRequest, question: ProfileQuestion | None) -> HttpResponse:
    from cocreate.accounts import services as account_services

    actor = request.user
    assert isinstance(actor, User)
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if question is None:
                    account_services.question_create(
                        actor=actor, text=data["text"], kind=data["kind"], **form.service_fields()
                    )
                else:
                    account_services.question_update(
                        actor=actor,
                        question=question,
                        text=data["text"],
                        kind=data["kind"],
                        **form.service_fields(),
                    )
            except DomainError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("The question is saved."))
                return redirect("journeys:question-list")
        status = 400
        if question is not None:
            question.refresh_from_db()
    elif question is not None:
        form = QuestionForm(initial=QuestionForm.initial_for(question))
    else:
        form = QuestionForm()
    return render(request, "journeys/question_form.html", {"form": form, "question": question}, status=status)


@staff_only(design=True)
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest) -> HttpResponse:
    return _question_page(request, None)


@staff_only(design=True)
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question = ProfileQuestion.objects.filter(pk=question_id).first()
    if question is None:
        raise Http404(_("No such question."))
    return _question_page(request, question)


urlpatterns: list[URLPattern] = [
    path("personas/", persona_list, name="persona-list"),
    path("personas/new/", persona_create, name="persona-create"),
    path("personas/questions/", question_list, name="question-list"),
    path("personas/questions/new/", question_create, name="question-create"),
    path("personas/questions/<int:question_id>/edit/", question_edit, name="question-edit"),
    path("personas/<int:persona_id>/", persona_detail, name="persona-detail"),
    path("personas/<int:persona_id>/edit/", persona_edit, name="persona-edit"),
    path("personas/<int:persona_id>/delete/", persona_delete, name="persona-delete"),
    path("personas/<int:persona_id>/overrides/", persona_override, name="persona-override"),
    path(
        "personas/<int:persona_id>/overrides/<int:user_id>/remove/",
        persona_override_remove,
        name="persona-override-remove",
    ),
]
