"""Prototype tests pages: the list, the test with its versions side by side and a response form per
version, the brand team's forms (test, versions, invitations) and the results for staff.

Every page works without JavaScript; a response sent with htmx answers only its version's card.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment
from cocreate.core.text import render_markdown
from cocreate.journeys.services import attribution_from_session

from . import selectors, services
from .forms import InviteForm, PrototypeTestForm, ResponseForm, VersionForm, show_errors
from .models import PrototypeStatus, PrototypeTest, PrototypeVersion
from .policies import can_manage_tests, can_respond, can_view_results

View = Callable[..., HttpResponse]


def login_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _manager(request: HttpRequest) -> None:
    if not can_manage_tests(request.user):
        raise PermissionDenied(_("Only administrators and analysts can run prototype tests."))


def _test(request: HttpRequest, test_id: int) -> PrototypeTest:
    try:
        return selectors.prototype_get_for_viewer(request.user, test_id)
    except DomainError:
        raise Http404(_("No such prototype test.")) from None


def _version(test: PrototypeTest, version_id: int) -> PrototypeVersion:
    try:
        return services.version_get_for_response(test=test, version_id=version_id)
    except DomainError:
        raise Http404(_("No such version of this test.")) from None


def _test_form(data: Any = None, **kwargs: Any) -> PrototypeTestForm:
    return PrototypeTestForm(
        data,
        products=selectors.form_products(),
        points=selectors.form_points(),
        personas=selectors.all_personas(),
        **kwargs,
    )


# --- List ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def test_list(request: HttpRequest) -> HttpResponse:
    try:
        page = selectors.prototype_page_for(request.user, cursor=request.GET.get("cursor") or None)
    except DomainError:
        return redirect("insights:test-list")
    context = {
        "page": page,
        "staff": can_view_results(request.user),
        "can_manage": can_manage_tests(request.user),
    }
    return render(request, "insights/test_list.html", context)


# --- Create and edit ----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def test_create(request: HttpRequest) -> HttpResponse:
    _manager(request)
    status = 200
    if request.method == "POST":
        form = _test_form(request.POST)
        if form.is_valid():
            try:
                test = services.prototype_test_create(actor=request.user, **form.service_kwargs())
            except DomainError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("The test is created. Add its versions, then open it."))
                return redirect("insights:version-create", test.pk)
        status = 400
    else:
        form = _test_form(
            initial={"criteria": _("Ease of use\nLooks\nPlay value"), "ask_purchase_intent": True}
        )
    return render(request, "insights/test_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def test_edit(request: HttpRequest, test_id: int) -> HttpResponse:
    _manager(request)
    test = _test(request, test_id)
    status = 200
    if request.method == "POST":
        form = _test_form(request.POST)
        if form.is_valid():
            try:
                services.prototype_test_update(actor=request.user, test=test, **form.service_kwargs())
            except DomainError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("The test is saved."))
                return redirect("insights:test-detail", test.pk)
        status = 400
    else:
        form = _test_form(initial=PrototypeTestForm.initial_for(test))
    return render(request, "insights/test_form.html", {"form": form, "test": test}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def version_create(request: HttpRequest, test_id: int) -> HttpResponse:
    _manager(request)
    test = _test(request, test_id)
    return _version_form(request, test, None)


@login_required
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, test_id: int, version_id: int) -> HttpResponse:
    _manager(request)
    test = _test(request, test_id)
    return _version_form(request, test, _version(test, version_id))


def _version_form(
    request: HttpRequest, test: PrototypeTest, version: PrototypeVersion | None
) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = VersionForm(request.POST, request.FILES, version=version)
        if form.is_valid():
            try:
                if version is None:
                    services.version_create(actor=request.user, test=test, **form.service_kwargs())
                else:
                    services.version_update(actor=request.user, version=version, **form.service_kwargs())
            except DomainError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("The version is saved."))
                return redirect("insights:test-detail", test.pk)
        status = 400
    elif version is None:
        form = VersionForm(initial={"label": f"v{test.versions.count() + 1}"})
    else:
        form = VersionForm(
            initial={"label": version.label, "description": version.description, "link": version.link},
            version=version,
        )
    context = {"form": form, "test": test, "version": version}
    return render(request, "insights/version_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, test_id: int) -> HttpResponse:
    _manager(request)
    test = _test(request, test_id)
    personas = selectors.all_personas()
    status = 200
    if request.method == "POST":
        form = InviteForm(request.POST, personas=personas)
        if form.is_valid():
            try:
                result = services.invitations_send(actor=request.user, test=test, **form.service_kwargs())
            except DomainError as exc:
                show_errors(form, exc)
            else:
                parts = []
                if result.invited or result.already:
                    parts.append(_("%(n)s members invited by hand.") % {"n": result.invited})
                if result.personas:
                    parts.append(
                        _("The members of %(p)s are being invited.")
                        % {"p": ", ".join(p.name for p in result.personas)}
                    )
                if test.status != PrototypeStatus.OPEN:
                    parts.append(_("They are notified when the test opens."))
                messages.success(request, " ".join(parts))
                return redirect("insights:invite", test.pk)
        status = 400
    else:
        form = InviteForm(personas=personas, initial={"personas": [str(p.pk) for p in test.personas.all()]})
    context = {
        "form": form,
        "test": test,
        "summary": selectors.invitation_summary(test),
        "invitations": selectors.recent_invitations(test),
    }
    return render(request, "insights/test_invite.html", context, status=status)


# --- The test and responses ---------------------------------------------------------------------------
def _cards(
    request: HttpRequest, test: PrototypeTest, forms: dict[int, ResponseForm] | None = None
) -> list[dict[str, Any]]:
    responded = selectors.responded_versions(request.user, test)
    may_respond = can_respond(request.user, test)
    try:
        services.prototype_test_accepting(test)
        accepting = True
    except DomainError:
        accepting = False
    cards = []
    for version in test.versions.all():
        form = None
        if may_respond and accepting and version.pk not in responded:
            form = (forms or {}).get(version.pk) or ResponseForm(test=test, version=version)
        cards.append(
            {
                "version": version,
                "description": render_markdown(version.description),
                "responded": version.pk in responded,
                "form": form,
            }
        )
    return cards


def _detail(
    request: HttpRequest, test: PrototypeTest, forms: dict[int, ResponseForm] | None = None, status: int = 200
) -> HttpResponse:
    closed_message = ""
    try:
        services.prototype_test_accepting(test)
    except DomainError as exc:
        closed_message = exc.message
    context = {
        "test": test,
        "description": render_markdown(test.description),
        "cards": _cards(request, test, forms),
        "closed_message": closed_message,
        "can_manage": can_manage_tests(request.user),
        "can_view_results": can_view_results(request.user),
        "may_respond": can_respond(request.user, test),
        "summary": selectors.invitation_summary(test) if can_view_results(request.user) else None,
    }
    return render(request, "insights/test_detail.html", context, status=status)


@login_required
@require_GET
def test_detail(request: HttpRequest, test_id: int) -> HttpResponse:
    return _detail(request, _test(request, test_id))


@login_required
@require_POST
def respond(request: HttpRequest, test_id: int, version_id: int) -> HttpResponse:
    test = _test(request, test_id)
    version = _version(test, version_id)
    form = ResponseForm(request.POST, test=test, version=version)
    error = None
    if form.is_valid():
        try:
            services.response_submit(
                actor=request.user,
                version=version,
                attribution=attribution_from_session(request.session),
                **form.service_kwargs(),
            )
        except DomainError as exc:
            error = exc
            form.add_domain_error(exc)
    if form.is_valid() and error is None:
        if wants_fragment(request):
            card = next(c for c in _cards(request, test) if c["version"].pk == version.pk)
            return render(request, "insights/partials/version_card.html", {"card": card, "test": test})
        messages.success(request, _("Thank you! Your response to %(v)s is recorded.") % {"v": version.label})
        return redirect(f"{reverse('insights:test-detail', args=[test.pk])}#version-{version.pk}")
    status = error.status if error is not None else 400
    if wants_fragment(request):
        card = next(c for c in _cards(request, test, {version.pk: form}) if c["version"].pk == version.pk)
        # htmx swaps only successful answers: the card with its errors comes back as 200.
        return render(request, "insights/partials/version_card.html", {"card": card, "test": test})
    return _detail(request, test, {version.pk: form}, status=status)


# --- Results ------------------------------------------------------------------------------------------
@login_required
@require_GET
def results(request: HttpRequest, test_id: int) -> HttpResponse:
    if not can_view_results(request.user):
        raise PermissionDenied(_("Results of prototype tests are for staff."))
    test = _test(request, test_id)
    chosen = request.GET.getlist("persona")
    personas = None
    if chosen:
        wanted = {int(p) for p in chosen if p.isdigit()}
        personas = [p for p in selectors.all_personas() if p.pk in wanted]
    data = selectors.prototype_results(test, personas=personas)
    context = {
        "test": test,
        "results": data,
        "all_personas": selectors.all_personas(),
        "chosen": {int(p) for p in chosen if p.isdigit()},
    }
    return render(request, "insights/test_results.html", context)


urlpatterns: list[URLPattern] = [
    path("prototypes/", test_list, name="test-list"),
    path("prototypes/new/", test_create, name="test-create"),
    path("prototypes/<int:test_id>/", test_detail, name="test-detail"),
    path("prototypes/<int:test_id>/edit/", test_edit, name="test-edit"),
    path("prototypes/<int:test_id>/versions/new/", version_create, name="version-create"),
    path("prototypes/<int:test_id>/versions/<int:version_id>/edit/", version_edit, name="version-edit"),
    path("prototypes/<int:test_id>/versions/<int:version_id>/respond/", respond, name="respond"),
    path("prototypes/<int:test_id>/invite/", invite, name="invite"),
    path("prototypes/<int:test_id>/results/", results, name="results"),
]
