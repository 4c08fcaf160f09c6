"""Reads for creator credits, royalty statements and the ledger. A member sees only their own."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from cocreate.core.pagination import Page, paginate

from ..models import CreatorAgreement, RoyaltyEntry, RoyaltyKind, SalesImport

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def credits_for_product(product: Any) -> list[str]:
    """“Designed by …” lines for a product's active creator agreements. One query."""
    return [a.credit_text for a in CreatorAgreement.objects.filter(product=product).active()]


def agreements_of(creator: Any) -> list[CreatorAgreement]:
    return list(
        CreatorAgreement.objects.filter(creator=creator)
        .select_related("idea", "product")
        .order_by("-starts_on")
    )


@dataclass
class StatementRow:
    currency: str
    accrued: Decimal = ZERO
    adjustments: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def owed(self) -> Decimal:
        return self.accrued + self.adjustments

    @property
    def balance(self) -> Decimal:
        return self.accrued + self.adjustments - self.paid


@dataclass
class Statement:
    period: str
    rows: list[StatementRow] = field(default_factory=list)


def _add(row: StatementRow, kind: str, total: Any) -> None:
    # Quantized: on SQLite a SUM over decimals comes back through a float.
    total = Decimal(total).quantize(CENT)
    if kind == RoyaltyKind.ACCRUED:
        row.accrued += total
    elif kind == RoyaltyKind.ADJUSTMENT:
        row.adjustments += total
    else:
        row.paid += total


def creator_statements(creator: Any, period: str | None = None) -> list[Statement]:
    """Per period (newest first) and currency: accrued, adjustments, paid and balance. One query."""
    qs = RoyaltyEntry.objects.filter(agreement__creator=creator)
    if period:
        qs = qs.filter(period=period)
    rows: dict[str, dict[str, StatementRow]] = defaultdict(dict)
    for item in qs.values("period", "currency", "kind").annotate(total=Sum("amount")).order_by():
        row = rows[item["period"]].setdefault(item["currency"], StatementRow(currency=item["currency"]))
        _add(row, item["kind"], item["total"])
    return [
        Statement(period=p, rows=[rows[p][c] for c in sorted(rows[p])]) for p in sorted(rows, reverse=True)
    ]


def creator_statement(creator: Any, period: str) -> Statement:
    found = creator_statements(creator, period)
    return found[0] if found else Statement(period=period)


def creator_balance(creator: Any) -> list[StatementRow]:
    """All-time totals per currency. One query."""
    totals: dict[str, StatementRow] = {}
    qs = RoyaltyEntry.objects.filter(agreement__creator=creator).values("currency", "kind")
    for item in qs.annotate(total=Sum("amount")).order_by():
        row = totals.setdefault(item["currency"], StatementRow(currency=item["currency"]))
        _add(row, item["kind"], item["total"])
    return [totals[c] for c in sorted(totals)]


def creator_ledger(creator: Any, cursor: str | None = None, limit: int = 50) -> Page[RoyaltyEntry]:
    qs = RoyaltyEntry.objects.filter(agreement__creator=creator).select_related("agreement__product")
    return paginate(qs, order=["-id"], cursor=cursor, limit=limit)


@dataclass
class FinanceRow:
    creator_id: int
    creator_name: str
    creator_email: str
    agreement_id: int
    product: str
    period: str
    row: StatementRow


def finance_statements(period: str) -> list[FinanceRow]:
    """Every agreement's statement for a period (the finance export). One query."""
    found: dict[tuple[int, str], FinanceRow] = {}
    qs = (
        RoyaltyEntry.objects.filter(period=period)
        .values(
            "agreement_id",
            "agreement__creator_id",
            "agreement__creator__display_name",
            "agreement__creator__email",
            "agreement__product__name",
            "currency",
            "kind",
        )
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for item in qs:
        key = (item["agreement_id"], item["currency"])
        if key not in found:
            found[key] = FinanceRow(
                creator_id=item["agreement__creator_id"],
                creator_name=item["agreement__creator__display_name"] or "",
                creator_email=item["agreement__creator__email"] or "",
                agreement_id=item["agreement_id"],
                product=item["agreement__product__name"] or "",
                period=period,
                row=StatementRow(currency=item["currency"]),
            )
        _add(found[key].row, item["kind"], item["total"])
    return [found[k] for k in sorted(found)]


def sales_import_list(cursor: str | None = None, limit: int = 20) -> Page[SalesImport]:
    qs = SalesImport.objects.select_related("uploaded_by").defer("report")
    return paginate(qs, order=["-id"], cursor=cursor, limit=limit)


def sales_import_get(import_id: int) -> SalesImport | None:
    return SalesImport.objects.select_related("uploaded_by").filter(pk=import_id).first()
