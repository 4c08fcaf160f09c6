"""The embeddable widget: the page a brand frames at a touchpoint, and the email confirmation that makes a
visitor's contribution count.

The framed page cannot rely on Django's CSRF cookie (a cross-site frame gets no cookies), so its form
carries a signed token bound to the point, touchpoint, embedding origin and session instead, and the view
is `csrf_exempt`. Which sites may frame it is the point's `allowed_origins`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cocreate.core.errors import Conflict, DomainError
from cocreate.core.htmx import wants_fragment
from cocreate.core.ratelimit import client_ip, hit

from .. import selectors, services, tasks
from ..models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    ParticipationPoint,
    PointKind,
    Touchpoint,
)

TOKEN_SALT = "cocreate.journeys.widget"  # noqa: S105  # a signing namespace, not a secret
TOKEN_MAX_AGE = 4 * 3600
IP_LIMIT, IP_WINDOW = 20, 600
EMAIL_LIMIT, EMAIL_WINDOW = 5, 3600
HONEYPOT = "website"

RATING_CHOICES = [
    ("1", gettext_lazy("1 star: poor")),
    ("2", gettext_lazy("2 stars")),
    ("3", gettext_lazy("3 stars")),
    ("4", gettext_lazy("4 stars")),
    ("5", gettext_lazy("5 stars: excellent")),
]


# --- Snippet ------------------------------------------------------------------------------------------
def widget_snippet(
    point: ParticipationPoint, base_url: str, touchpoint: Touchpoint | int | None = None
) -> str:
    """The HTML a brand pastes into its page to embed the point (at a given touchpoint)."""
    base = base_url.rstrip("/")
    url = f"{base}/w/{point.public_id}/"
    tp_id = touchpoint.pk if isinstance(touchpoint, Touchpoint) else touchpoint
    if tp_id:
        url += f"?tp={int(tp_id)}"
    return (
        f'<div data-cocreate-widget="{escape(url)}" data-title="{escape(point.title)}"></div>'
        f'<script src="{escape(base)}/static/cocreate/widget.js" async></script>'
    )


# --- Origins and the form token -----------------------------------------------------------------------
def _origin_of(url: str) -> str | None:
    try:
        return services.normalise_origin(url)
    except (DomainError, ValueError):
        return None


def _own_origins(request: HttpRequest) -> set[str]:
    origins = {_origin_of(settings.PUBLIC_URL), _origin_of(f"{request.scheme}://{request.get_host()}")}
    return {o for o in origins if o}


def _origin_allowed(request: HttpRequest, point: ParticipationPoint, origin: str) -> bool:
    return not origin or origin in _own_origins(request) or origin in (point.allowed_origins or [])


def _session_hash(request: HttpRequest) -> str:
    """Ties a member's token to their session, so it cannot be replayed under someone else's."""
    if not request.user.is_authenticated:
        return ""
    key = request.session.session_key or ""
    return hashlib.sha256(f"widget:{key}".encode()).hexdigest()[:32]


def make_token(
    request: HttpRequest, point: ParticipationPoint, touchpoint_id: int | None, origin: str
) -> str:
    payload = {"p": point.pk, "t": touchpoint_id, "o": origin, "s": _session_hash(request)}
    return signing.dumps(payload, salt=TOKEN_SALT)


@dataclass
class TokenCheck:
    ok: bool
    origin: str = ""


def _check_token(
    request: HttpRequest, token: str, point: ParticipationPoint, touchpoint_id: int | None
) -> TokenCheck:
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # forged, truncated or expired
        return TokenCheck(ok=False)
    if not isinstance(data, dict):
        return TokenCheck(ok=False)
    same = (
        data.get("p") == point.pk
        and data.get("t") == touchpoint_id
        and data.get("s", "") == _session_hash(request)
        and isinstance(data.get("o"), str)
    )
    return TokenCheck(ok=same, origin=data.get("o", "") if same else "")


def _touchpoint(point: ParticipationPoint, raw: str | None) -> Touchpoint | None:
    """The touchpoint named by `?tp=`, if it sits at the point's stage; anything else is ignored."""
    try:
        tp_id = int(raw or "")
    except ValueError:
        return None
    return point.stage.touchpoints.filter(pk=tp_id).first()


# --- Form ---------------------------------------------------------------------------------------------
class WidgetForm(forms.Form):
    """Parses the post; the point's rules (what is required, the rating range, the poll options) live in
    services.widget_contribute, whose errors come back onto these fields."""

    token = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, point: ParticipationPoint, visitor: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = services.WIDGET_KIND[PointKind(point.kind)]
        if self.kind == ContributionKind.IDEA:
            self.fields["title"] = forms.CharField(
                label=_("Your idea in a few words"), required=False, max_length=services.MAX_TITLE
            )
            self.fields["body"] = forms.CharField(
                label=_("Describe it"), required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
        elif self.kind == ContributionKind.SUGGESTION:
            self.fields["body"] = forms.CharField(
                label=_("Your suggestion"), required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
        elif self.kind == ContributionKind.RATING:
            self.fields["rating"] = forms.ChoiceField(
                label=_("Your rating"),
                choices=RATING_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose a rating from 1 to 5 stars.")},
            )
            self.fields["body"] = forms.CharField(
                label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
        elif self.kind == ContributionKind.POLL_ANSWER and point.poll_multiple:
            self.fields["choices"] = forms.MultipleChoiceField(
                label=_("Your answer (tick all that apply)"),
                choices=[(o, o) for o in point.poll_options],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("Tick only the options shown.")},
            )
        elif self.kind == ContributionKind.POLL_ANSWER:
            self.fields["choice"] = forms.ChoiceField(
                label=_("Your answer"),
                choices=[(o, o) for o in point.poll_options],
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the options.")},
            )
        else:
            self.fields["body"] = forms.CharField(
                label=_("Anything we should know? (optional)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if "body" in self.fields:
            self.fields["body"].widget.attrs["maxlength"] = str(services.MAX_BODY)
        if visitor:
            self.fields["email"] = forms.EmailField(
                label=_("Your email"),
                required=False,
                max_length=254,
                help_text=_("We send you one link to confirm it is you; your contribution counts then."),
                widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            )

    @property
    def choice_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("rating", "choice", "choices") if n in self.fields]

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("title", "body", "email") if n in self.fields]

    def to_input(self) -> services.WidgetInput:
        data = self.cleaned_data
        rating = data.get("rating")
        return services.WidgetInput(
            title=data.get("title") or "",
            body=data.get("body") or "",
            rating=int(rating) if rating else None,
            choice=data.get("choice") or "",
            choices=list(data.get("choices") or []),
            email=data.get("email") or "",
        )

    def add_domain_error(self, exc: DomainError) -> None:
        for err in exc.errors:
            self.add_error(err.field if err.field in self.fields else None, err.message)

    @property
    def submit_label(self) -> str:
        labels = {
            ContributionKind.IDEA: _("Send my idea"),
            ContributionKind.SUGGESTION: _("Send my suggestion"),
            ContributionKind.RATING: _("Send my rating"),
            ContributionKind.POLL_ANSWER: _("Send my answer"),
            ContributionKind.REGISTRATION: _("Register my interest"),
        }
        return str(labels.get(self.kind, _("Send")))

    def describe_errors(self) -> None:
        """Point each invalid field at its error text (and help), for screen readers."""
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                ids = [f"id_{name}_errors"] + ([f"id_{name}_helptext"] if field.help_text else [])
                field.widget.attrs["aria-describedby"] = " ".join(ids)


# --- Views --------------------------------------------------------------------------------------------
def _frameable(response: HttpResponse, point: ParticipationPoint) -> HttpResponse:
    response.csp_frame_ancestors = ["'self'", *(point.allowed_origins or [])]  # type: ignore[attr-defined]
    return response


def _page(
    request: HttpRequest, point: ParticipationPoint, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"point": point, "action": request.get_full_path(), **context}
    if context.get("show_poll") and point.kind == PointKind.POLL:
        # Voters see where the poll stands once their own answer is in.
        context["poll"] = selectors.poll_results(point)
    template = "journeys/partials/widget_body.html" if wants_fragment(request) else "journeys/widget.html"
    return _frameable(render(request, template, context, status=status), point)


def _refuse(request: HttpRequest, point: ParticipationPoint, message: str, status: int) -> HttpResponse:
    return _page(request, point, {"refusal": message}, status=status)


@xframe_options_exempt
@csrf_exempt
@require_http_methods(["GET", "POST"])
def widget(request: HttpRequest, public_id: Any) -> HttpResponse:
    point = selectors.point_get_public(public_id)
    if point is None:
        raise Http404(_("No such participation point."))
    touchpoint = _touchpoint(point, request.GET.get("tp"))
    tp_id = touchpoint.pk if touchpoint else None
    if request.method == "POST":
        return _widget_post(request, point, touchpoint)

    origin = ""
    referer = request.headers.get("Referer")
    if referer:
        origin = _origin_of(referer) or ""
        if not _origin_allowed(request, point, origin):
            response = _refuse(
                request, point, _("This form is not enabled on %(o)s.") % {"o": origin}, status=403
            )
            # Only a notice, no form: let the brand's page show it so whoever embedded it sees why.
            response.csp_frame_ancestors = ["*"]  # type: ignore[attr-defined]
            return response
    try:
        services.point_accepting(point)
    except DomainError as exc:
        return _refuse(request, point, exc.message, status=200)
    visitor = not request.user.is_authenticated
    form = WidgetForm(
        point=point, visitor=visitor, initial={"token": make_token(request, point, tp_id, origin)}
    )
    return _page(request, point, {"form": form, "visitor": visitor})


def _widget_post(
    request: HttpRequest, point: ParticipationPoint, touchpoint: Touchpoint | None
) -> HttpResponse:
    tp_id = touchpoint.pk if touchpoint else None
    sent_from = request.headers.get("Origin")
    if sent_from and _origin_of(sent_from) not in _own_origins(request):
        # The frame posts from this site; a post from anywhere else is forged.
        return _refuse(request, point, _("This form can only be sent from its own page."), status=403)
    flooded = not hit("widget-ip", client_ip(request), limit=IP_LIMIT, window_seconds=IP_WINDOW)
    try:
        services.point_accepting(point)
    except DomainError as exc:
        return _refuse(request, point, exc.message, status=exc.status)
    check = _check_token(request, request.POST.get("token", ""), point, tp_id)
    if check.ok and not _origin_allowed(request, point, check.origin):
        message = _("This form is not enabled on %(o)s.") % {"o": check.origin}
        return _refuse(request, point, message, status=403)

    visitor = not request.user.is_authenticated
    posted = request.POST.copy()
    form = WidgetForm(posted, point=point, visitor=visitor)
    valid = form.is_valid()
    # Whatever happens next, the form shown again carries a fresh token.
    posted["token"] = make_token(request, point, tp_id, check.origin)

    def again(message: str | None, status: int) -> HttpResponse:
        if message:
            form.add_error(None, message)
        form.describe_errors()
        return _page(request, point, {"form": form, "visitor": visitor}, status=status)

    if flooded:
        return again(_("Too many messages from your network. Please try again in a few minutes."), 429)
    if not check.ok:
        return again(_("This form has expired or was changed. Reload the page and try again."), 400)
    if (request.POST.get(HONEYPOT) or "").strip():
        return _page(request, point, {"thanks": True, "visitor": visitor})  # a bot: store nothing
    if not valid:
        return again(None, 400)
    data = form.to_input()
    if visitor and data.email:
        email = data.email.strip().lower()
        if not hit("widget-email", email, limit=EMAIL_LIMIT, window_seconds=EMAIL_WINDOW):
            return again(_("Too many contributions from this email address. Please try again later."), 429)
    try:
        result = services.widget_contribute(point=point, user=request.user, data=data, touchpoint=touchpoint)
    except Conflict as exc:
        form.add_domain_error(exc)
        # A member who already voted is shown the results their vote is part of.
        return _page(request, point, {"form": form, "visitor": visitor, "show_poll": True}, status=exc.status)
    except DomainError as exc:
        form.add_domain_error(exc)
        return again(None, exc.status)
    if result.needs_confirmation:
        contribution_id, key = result.contribution.pk, result.confirm_key
        transaction.on_commit(lambda: tasks.send_contribution_confirmation.enqueue(contribution_id, key))
    thanks = {
        "thanks": True,
        "visitor": result.needs_confirmation,
        "show_poll": not result.needs_confirmation,
    }
    return _page(request, point, thanks)


def _pending_by_key(key: str) -> Contribution | None:
    return selectors.contribution_by_confirm_key(key)


@require_http_methods(["GET", "POST"])
def widget_confirm(request: HttpRequest, key: str) -> HttpResponse:
    """GET only shows a button: link scanners in mail systems follow links, and must not confirm."""
    if request.method == "POST":
        try:
            contribution = services.contribution_confirm(key=key)
        except DomainError as exc:
            return render(request, "journeys/widget_confirm.html", {"error": exc.message}, status=exc.status)
        done = contribution.status == ContributionStatus.CONFIRMED
        return render(request, "journeys/widget_confirm.html", {"contribution": contribution, "done": done})
    found = _pending_by_key(key)
    if found is None:
        return render(
            request,
            "journeys/widget_confirm.html",
            {"error": _("This confirmation link is not valid.")},
            status=404,
        )
    done = found.status == ContributionStatus.CONFIRMED
    return render(request, "journeys/widget_confirm.html", {"contribution": found, "done": done})


urlpatterns: list[URLPattern] = [
    path("w/confirm/<str:key>/", widget_confirm, name="widget-confirm"),
    path("w/<uuid:public_id>/", widget, name="widget"),
]
