"""Royalty pages: a creator's own statements and ledger, and for administrators the sales import with its
row-by-row report, the finance view of a period (with payments) and its CSV export."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocreate.accounts.policies import is_admin
from cocreate.core.errors import DomainError

from ..models import CreatorAgreement
from ..review_forms import PaymentForm, SalesImportForm
from ..selectors import royalties as selectors
from ..services import royalties as services
from .reviews import allowed, show_errors

ADMINS_ONLY = _("Sales and royalty administration is for administrators.")


def _period_param(request: HttpRequest) -> str | None:
    return services.normalise_period(request.GET.get("period") or "")


@require_GET
@login_required
def my_royalties(request: HttpRequest) -> HttpResponse:
    """The member's own statements, balance and ledger: the queries take the member, never a parameter."""
    try:
        ledger = selectors.creator_ledger(request.user, cursor=request.GET.get("cursor"))
    except DomainError:
        ledger = selectors.creator_ledger(request.user)
    return render(
        request,
        "challenges/royalties.html",
        {
            "agreements": selectors.agreements_of(request.user),
            "statements": selectors.creator_statements(request.user),
            "balance": selectors.creator_balance(request.user),
            "ledger": ledger,
        },
    )


@require_http_methods(["GET", "POST"])
@allowed(is_admin, ADMINS_ONLY)
def sales_import(request: HttpRequest) -> HttpResponse:
    form = SalesImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.sales_import_csv(actor=request.user, file=upload, filename=upload.name)
            except DomainError as exc:
                show_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(a)s rows imported, %(r)s rejected.")
                    % {"a": result.rows_accepted, "r": result.rows_rejected},
                )
                return redirect("challenges:royalty-import-detail", import_id=result.pk)
    try:
        imports = selectors.sales_import_list(cursor=request.GET.get("cursor"))
    except DomainError:
        imports = selectors.sales_import_list()
    return render(
        request, "challenges/royalty_import.html", {"form": form, "imports": imports}, status=status
    )


@require_GET
@allowed(is_admin, ADMINS_ONLY)
def sales_import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    found = selectors.sales_import_get(import_id)
    if found is None:
        raise Http404(_("No such import."))
    return render(request, "challenges/royalty_import_detail.html", {"sales_import": found})


def _finance_page(period: str | None, raw_period: str, forms: dict[tuple[int, str], PaymentForm]) -> Any:
    rows = selectors.finance_statements(period) if period else []
    for row in rows:
        key = (row.agreement_id, row.row.currency)
        row.form = forms.get(key) or PaymentForm(  # type: ignore[attr-defined]
            initial={
                "agreement": row.agreement_id,
                "period": period,
                "currency": row.row.currency,
                "amount": row.row.balance if row.row.balance > 0 else "",
            },
            auto_id=f"pay-{row.agreement_id}-{row.row.currency}-%s",
        )
    return {"period": period, "raw_period": raw_period[:20], "rows": rows}


@require_GET
@allowed(is_admin, ADMINS_ONLY)
def finance(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "challenges/royalty_finance.html",
        _finance_page(_period_param(request), request.GET.get("period", ""), {}),
    )


@require_POST
@allowed(is_admin, ADMINS_ONLY)
def pay(request: HttpRequest) -> HttpResponse:
    form = PaymentForm(request.POST)
    period = services.normalise_period(request.POST.get("period") or "")
    if form.is_valid():
        agreement = CreatorAgreement.objects.filter(pk=form.cleaned_data["agreement"]).first()
        if agreement is None:
            raise Http404(_("No such agreement."))
        try:
            services.royalty_pay(
                actor=request.user,
                agreement=agreement,
                period=form.cleaned_data["period"],
                currency=form.cleaned_data["currency"],
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The payment is recorded."))
            return redirect(f"{reverse('challenges:royalty-finance')}?period={period or ''}")
    key = (form.cleaned_data.get("agreement") or 0, (request.POST.get("currency") or "").upper())
    context = _finance_page(period, period or "", {key: form})
    return render(request, "challenges/royalty_finance.html", context, status=400)


def safe_cell(value: Any) -> Any:
    """Spreadsheets run cells that start with = + - @ (or a tab or return) as formulas: quote them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@require_GET
@allowed(is_admin, ADMINS_ONLY)
def export(request: HttpRequest) -> HttpResponse:
    period = _period_param(request)
    if period is None:
        return HttpResponse(
            _("Give a period: ?period=YYYY-MM or YYYY-Qn."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="royalties-{period}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "period",
            "creator_id",
            "creator_name",
            "creator_email",
            "agreement_id",
            "product",
            "currency",
            "accrued",
            "adjustments",
            "paid",
            "balance",
        ]
    )
    for row in selectors.finance_statements(period):
        writer.writerow(
            [
                period,
                row.creator_id,
                safe_cell(row.creator_name),
                safe_cell(row.creator_email),
                row.agreement_id,
                safe_cell(row.product),
                row.row.currency,
                row.row.accrued,
                row.row.adjustments,
                row.row.paid,
                row.row.balance,
            ]
        )
    return response


urlpatterns: list[URLPattern] = [
    path("royalties/", my_royalties, name="royalties"),
    path("royalties/import/", sales_import, name="royalty-import"),
    path("royalties/imports/<int:import_id>/", sales_import_detail, name="royalty-import-detail"),
    path("royalties/finance/", finance, name="royalty-finance"),
    path("royalties/pay/", pay, name="royalty-pay"),
    path("royalties/export.csv", export, name="royalty-export"),
]
