"""The inbox, email settings, one-click unsubscribe, follow buttons and the webhooks page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from cocreate.accounts.policies import is_admin
from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment

from . import selectors, services, webhooks
from .models import DeliveryStatus, Frequency, WebhookDelivery, WebhookEndpoint, WebhookEvent


def _safe(request: HttpRequest, url: str, fallback: str) -> str:
    ok = url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
    return url if ok else fallback


@login_required
@require_GET
@vary_on_headers("HX-Request")
def inbox(request: HttpRequest) -> HttpResponse:
    try:
        box = selectors.inbox(user=request.user, cursor=request.GET.get("cursor"))
    except DomainError:
        box = selectors.inbox(user=request.user)
    context = {"inbox": box, "cursor": request.GET.get("cursor")}
    if wants_fragment(request):
        return render(request, "notifications/partials/read_items.html", context)
    return render(request, "notifications/inbox.html", context)


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = services.mark_read(user=request.user, notification_id=notification_id)
    if notification is None:
        raise Http404(_("No such notification."))
    return HttpResponseRedirect(_safe(request, notification.url, reverse("notifications:inbox")))


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.mark_read(user=request.user, notification_id=notification_id)
    if notification is None:
        raise Http404(_("No such notification."))
    if wants_fragment(request):
        return render(request, "notifications/partials/item.html", {"n": notification})
    return redirect("notifications:inbox")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    if wants_fragment(request):
        return render(
            request, "notifications/partials/inbox_body.html", {"inbox": selectors.inbox(user=request.user)}
        )
    messages.success(request, _("%(n)s notifications marked read.") % {"n": count})
    return redirect("notifications:inbox")


@require_GET
def unread(request: HttpRequest) -> HttpResponse:
    """The header's counter, refreshed by htmx."""
    return render(
        request,
        "notifications/partials/unread_badge.html",
        {"count": selectors.unread_count(request.user), "user": request.user},
    )


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            services.frequency_set(user=request.user, frequency=request.POST.get("frequency", ""))
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Your email settings are saved."))
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"current": services.frequency_of(request.user), "choices": Frequency.choices, "error": error},
        status=400 if error else 200,
    )


# Mail clients' one-click unsubscribe (RFC 8058) posts without a CSRF token; the signed token authorises.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = services.user_from_token(token)
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        services.frequency_set(user=user, frequency=Frequency.OFF)
        return render(request, "notifications/unsubscribe.html", {"done": True, "token": token})
    return render(
        request,
        "notifications/unsubscribe.html",
        {"done": services.frequency_of(user) == Frequency.OFF, "token": token},
    )


@login_required
@require_POST
def follow_toggle(request: HttpRequest) -> HttpResponse:
    target_type = request.POST.get("target_type", "")
    raw_id = request.POST.get("target_id", "")
    if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 20:  # int() refuses "²" and 5,000 digits
        raise Http404(_("There is nothing to follow here."))
    target_id = int(raw_id)
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow(user=request.user, target_type=target_type, target_id=target_id)
        else:
            services.follow(user=request.user, target_type=target_type, target_id=target_id)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        messages.error(request, exc.message)
    if wants_fragment(request):
        return render(
            request,
            "notifications/partials/follow_button.html",
            {"target_type": target_type, "target_id": target_id, "user": request.user},
        )
    back = request.POST.get("next", "")
    return HttpResponseRedirect(_safe(request, back, reverse("notifications:inbox")))


# --- Webhooks (administrators) -----------------------------------------------------------------------
def _admin_only(request: HttpRequest) -> None:
    if not is_admin(request.user):
        raise Http404(_("No such page."))


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    error = None
    values = {"url": "", "description": "", "events": list(WebhookEvent.values)}
    if request.method == "POST":
        values = {
            "url": request.POST.get("url", ""),
            "description": request.POST.get("description", ""),
            "events": request.POST.getlist("events"),
        }
        try:
            endpoint = webhooks.endpoint_create(actor=request.user, **values)  # type: ignore[arg-type]
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The endpoint is added. Its signing secret is shown below."))
            return redirect(f"{reverse('notifications:webhooks')}#endpoint-{endpoint.pk}")
    try:
        log = selectors.deliveries(cursor=request.GET.get("cursor"))
    except DomainError:
        log = selectors.deliveries()
    return render(
        request,
        "notifications/webhooks.html",
        {
            "endpoints": selectors.endpoints(),
            "log": log,
            "events": WebhookEvent.choices,
            "values": values,
            "error": error,
            "failed": DeliveryStatus.FAILED,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def webhook_active(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    _admin_only(request)
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise Http404(_("No such endpoint."))
    webhooks.endpoint_set_active(
        actor=request.user, endpoint=endpoint, active=request.POST.get("active") == "1"
    )
    messages.success(
        request, _("The endpoint is enabled.") if endpoint.active else _("The endpoint is disabled.")
    )
    return redirect("notifications:webhooks")


@login_required
@require_POST
def webhook_retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    _admin_only(request)
    delivery = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404(_("No such delivery."))
    webhooks.delivery_retry(actor=request.user, delivery=delivery)
    from .tasks import deliver_webhook

    deliver_webhook.enqueue(delivery.pk)
    messages.success(request, _("The delivery will be tried again."))
    return redirect("notifications:webhooks")


urlpatterns = [
    path("notifications/", inbox, name="inbox"),
    path("notifications/<int:notification_id>/", notification_open, name="open"),
    path("notifications/<int:notification_id>/read/", notification_read, name="read"),
    path("notifications/read-all/", notification_read_all, name="read-all"),
    path("notifications/unread/", unread, name="unread"),
    path("notifications/settings/", email_settings, name="settings"),
    path("notifications/unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
    path("notifications/follow/", follow_toggle, name="follow"),
    path("notifications/webhooks/", webhook_list, name="webhooks"),
    path("notifications/webhooks/<int:endpoint_id>/active/", webhook_active, name="webhook-active"),
    path("notifications/webhooks/deliveries/<int:delivery_id>/retry/", webhook_retry, name="webhook-retry"),
]
