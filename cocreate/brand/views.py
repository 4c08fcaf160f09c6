from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from cocreate.accounts import services as account_services
from cocreate.core.errors import DomainError
from cocreate.core.htmx import wants_fragment
from cocreate.core.text import render_markdown

from . import selectors
from .models import ProductStatus


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    org = selectors.organization_get()
    return render(
        request,
        "brand/home.html",
        {"about_html": render_markdown(org.about), "products": selectors.product_featured()},
    )


@require_GET
def theme_css(request: HttpRequest) -> HttpResponse:
    """Brand colours as CSS custom properties, so the stylesheet itself stays static."""
    org = selectors.organization_get()
    css = f":root {{ --brand: {org.primary_color}; --accent: {org.accent_color}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
@vary_on_headers("HX-Request")  # the fragment and the page share a URL: caches must keep them apart
def product_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in (None, *ProductStatus.values):
        status = None
    q = (request.GET.get("q") or "").strip()[:100]
    try:
        page = selectors.product_list(status=status, q=q or None, cursor=request.GET.get("cursor"))
    except DomainError:
        page = selectors.product_list(status=status, q=q or None)
    context = {"page": page, "status": status, "q": q, "statuses": ProductStatus.choices}
    if wants_fragment(request):
        return render(request, "brand/partials/product_results.html", context)
    return render(request, "brand/product_list.html", context)


@require_GET
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.product_get(slug=slug)
    if product is None:
        raise Http404(_("No such product."))
    return render(
        request,
        "brand/product_detail.html",
        {"product": product, "description_html": render_markdown(product.description)},
    )


@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest) -> HttpResponse:
    current = selectors.terms_current()
    if request.method == "POST":
        return _terms_accept(request)
    return render(
        request,
        "brand/terms.html",
        {"terms": current, "body_html": render_markdown(current.body) if current else ""},
    )


@login_required
@require_POST
def _terms_accept(request: HttpRequest) -> HttpResponse:
    current = selectors.terms_current()
    version = request.POST.get("version")
    if current is None or str(current.version) != version:
        messages.error(
            request, _("These terms have changed since you opened the page; read the new version.")
        )
        return redirect("brand:terms")
    try:
        account_services.terms_accept(actor=request.user, terms=current)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("brand:terms")
    messages.success(
        request, _("Thank you: you accepted version %(v)s of the terms.") % {"v": current.version}
    )
    return redirect("brand:home")
