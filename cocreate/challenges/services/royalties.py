"""Sales imports and the royalty ledger.

Invariants guarded here:
- sales figures are unique per (product, period, currency); re-importing one REPLACES it (delete and insert
  in one transaction, under a lock on the products concerned), so figures are never doubled;
- a file with the wrong columns, too big, or not CSV text is refused whole and changes nothing; otherwise
  each row is checked on its own and the report lists every accepted and rejected row with its line number
  and the reason;
- the royalty ledger (`RoyaltyEntry`) is append-only: entries are never edited or deleted;
- a payment can never exceed what is owed for the agreement, period and currency.

Rounding rule: amounts are computed with Decimal, never floats. For each (agreement, period, currency) the
royalty owed is `rate × net sales` of the agreement's product for that period and currency, quantized to
the cent with ROUND_HALF_EVEN (banker's rounding), once, on that total. The first accrual writes an
`accrued` entry of that amount; when the period is imported again, an `adjustment` entry records the
difference between the new rounded amount and what the ledger already holds, so the sum of the accrued and
adjustment entries for the period always equals the rounded royalty on the current figure. Every amount
has at most two decimals.

An agreement earns on a period when the period overlaps the agreement's dates (from `starts_on`, until
`ends_on` once ended); the period's whole net sales count.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cocreate.accounts.policies import is_admin
from cocreate.brand.models import Product
from cocreate.core.errors import Conflict, DomainError, NotAllowed

from ..models import CreatorAgreement, RoyaltyEntry, RoyaltyKind, SalesImport, SalesLine

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 200_000
REPORT_ROWS = 2_000
COLUMNS = ("product", "period", "units", "net_sales", "currency")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # Decimal(14, 2)
PERIOD = re.compile(r"(?P<year>\d{4})-(?:(?P<month>0[1-9]|1[0-2])|[Qq](?P<quarter>[1-4]))")
UNITS = re.compile(r"\d{1,9}")
OWED_KINDS = (RoyaltyKind.ACCRUED, RoyaltyKind.ADJUSTMENT)

# ISO 4217 currency codes in use.
CURRENCIES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
    CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
    GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
    LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
    STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG
    XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905
)

Key = tuple[int, str, str]  # (product id, period, currency)


# --- Periods and arithmetic ---------------------------------------------------------------------------
def normalise_period(raw: str) -> str | None:
    """'2025-03' or '2025-Q1' (any case); None when it is neither."""
    match = PERIOD.fullmatch((raw or "").strip())
    if match is None:
        return None
    year = match["year"]
    return f"{year}-{match['month']}" if match["month"] else f"{year}-Q{match['quarter']}"


def period_months(period: str) -> list[str]:
    year, part = period.split("-")
    if part.startswith("Q"):
        q = int(part[1])
        return [f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    return [period]


def period_quarter(period: str) -> str:
    year, part = period.split("-")
    return period if part.startswith("Q") else f"{year}-Q{(int(part) - 1) // 3 + 1}"


def period_bounds(period: str) -> tuple[date, date]:
    months = period_months(period)
    first_year, first_month = (int(x) for x in months[0].split("-"))
    last_year, last_month = (int(x) for x in months[-1].split("-"))
    end = date(last_year + 1, 1, 1) if last_month == 12 else date(last_year, last_month + 1, 1)
    return date(first_year, first_month, 1), date.fromordinal(end.toordinal() - 1)


def royalty_for(rate: Decimal, net_sales: Decimal) -> Decimal:
    """The royalty on a period's net sales, to the cent, rounded half to even."""
    return (Decimal(rate) * Decimal(net_sales)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def parse_money(raw: Any, field: str) -> Decimal:
    """A non-negative amount with at most two decimals (as typed: '12.5', '12.50', '12')."""
    text = str(raw if raw is not None else "").strip()
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise DomainError(message=_("Enter an amount such as 1250.00."), field=field) from None
    if not value.is_finite():
        raise DomainError(message=_("Enter an amount such as 1250.00."), field=field)
    if value < 0:
        raise DomainError(message=_("An amount cannot be negative."), field=field)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise DomainError(message=_("At most two decimals (cents)."), field=field)
    if value > MAX_AMOUNT:
        raise DomainError(message=_("This amount is too large."), field=field)
    return value.quantize(CENT)


def applies(agreement: CreatorAgreement, period: str) -> bool:
    start, end = period_bounds(period)
    return agreement.starts_on <= end and (agreement.ends_on is None or agreement.ends_on >= start)


def _check_admin(actor: Any) -> None:
    if not is_admin(actor):
        raise NotAllowed(_("Only administrators handle sales and royalties."))


# --- Import -------------------------------------------------------------------------------------------
@dataclass
class _Row:
    line: int
    values: dict[str, str]
    product_ref: str = ""
    period: str = ""
    units: int = 0
    net_sales: Decimal = Decimal(0)
    currency: str = ""
    product: Product | None = None


def _read_text(file: Any) -> str:
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(message=_("The file is larger than 5 MB; split it by period."), field="file")
    if isinstance(data, str):
        data = data.encode()
    if not data.strip():
        raise DomainError(message=_("The file is empty."), field="file")
    if b"\x00" in data:
        raise DomainError(message=_("This is not a CSV file: save the sheet as CSV (UTF-8)."), field="file")
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            message=_("This file is not UTF-8 text: save the sheet as CSV (UTF-8)."), field="file"
        ) from None


def _parse(text: str) -> list[_Row]:
    """Read the header and every row; refuse the whole file when the columns are wrong."""
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in COLUMNS if c not in header]
        extra = [h for h in header if h not in COLUMNS]
        if missing or extra or len(header) != len(COLUMNS):
            details = []
            if missing:
                details.append(_("missing: %(c)s") % {"c": ", ".join(missing)})
            if extra:
                details.append(_("unexpected: %(c)s") % {"c": ", ".join(h or "(empty)" for h in extra)})
            if not details:
                details.append(_("a column appears twice"))
            raise DomainError(
                message=_("The columns must be exactly: %(cols)s (%(details)s). Nothing was imported.")
                % {"cols": ", ".join(COLUMNS), "details": "; ".join(details)},
                field="file",
            )
        rows: list[_Row] = []
        for raw in reader:
            if not any(cell.strip() for cell in raw):
                continue
            if len(rows) >= MAX_ROWS:
                raise DomainError(
                    message=_("At most %(n)s rows per file.") % {"n": f"{MAX_ROWS:,}"}, field="file"
                )
            values = {header[i]: raw[i].strip() if i < len(raw) else "" for i in range(len(header))}
            if len(raw) != len(header):
                values["_count"] = str(len(raw))
            rows.append(_Row(line=reader.line_num, values=values))
    except csv.Error as exc:
        raise DomainError(
            message=_("The file could not be read as CSV (line %(n)s).") % {"n": reader.line_num},
            field="file",
        ) from exc
    return rows


def _check_row(row: _Row) -> str | None:
    """The reason a row is refused, or None (and the row's parsed values filled in)."""
    v = row.values
    if "_count" in v:
        return _("Expected %(n)s values, found %(m)s.") % {"n": len(COLUMNS), "m": v["_count"]}
    row.product_ref = v["product"]
    if not row.product_ref:
        return _("The product is missing.")
    period = normalise_period(v["period"])
    if period is None:
        return _("The period “%(p)s” is not YYYY-MM or YYYY-Qn.") % {"p": v["period"][:20]}
    row.period = period
    if not UNITS.fullmatch(v["units"]):
        return _("Units must be a whole number, 0 or more.")
    row.units = int(v["units"])
    try:
        row.net_sales = parse_money(v["net_sales"], "net_sales")
    except DomainError as exc:
        return _("Net sales: %(reason)s") % {"reason": exc.message}
    currency = v["currency"].upper()
    if currency not in CURRENCIES:
        return _("“%(c)s” is not an ISO 4217 currency code.") % {"c": v["currency"][:10]}
    row.currency = currency
    return None


def _resolve_products(rows: list[_Row]) -> dict[str, Product | str]:
    """Each product reference (slug or SKU) → the product, or the reason it cannot be used. One query."""
    refs = {row.product_ref for row in rows}
    found: dict[str, Product | str] = {}
    by_sku: dict[str, list[Product]] = defaultdict(list)
    for product in Product.objects.filter(Q(slug__in=refs) | Q(sku__in=refs)):
        found[product.slug] = product
        if product.sku:
            by_sku[product.sku].append(product)
    for sku, products in by_sku.items():
        if sku in found:
            continue
        if len(products) == 1:
            found[sku] = products[0]
        else:
            found[sku] = _("Several products have the SKU “%(s)s”: use the product's address.") % {"s": sku}
    for ref in refs - set(found):
        found[ref] = _("No product has the SKU or address “%(r)s”.") % {"r": ref[:60]}
    return found


def _existing_lines(rows: list[_Row]) -> set[Key]:
    """The stored (product, period, currency) figures for the products and years in the file."""
    product_ids = {row.product.pk for row in rows if row.product is not None}
    years = {row.period[:4] for row in rows if row.period}
    if not product_ids:
        return set()
    same_years = reduce(or_, (Q(period__startswith=f"{y}-") for y in years))
    return set(
        SalesLine.objects.filter(same_years, product_id__in=product_ids).values_list(
            "product_id", "period", "currency"
        )
    )


def _granularity_clash(key: Key, taken: set[Key]) -> bool:
    """Monthly and quarterly figures for the same product, quarter and currency would count sales twice."""
    product_id, period, currency = key
    if period.split("-")[1].startswith("Q"):
        return any((product_id, m, currency) in taken for m in period_months(period))
    return (product_id, period_quarter(period), currency) in taken


def sales_import_csv(*, actor: Any, file: Any, filename: str) -> SalesImport:
    """Import a sales CSV (product, period, units, net_sales, currency) and accrue royalties."""
    _check_admin(actor)
    filename = (filename or "sales.csv").replace("\x00", "")[:255]
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise DomainError(message=_("The file is larger than 5 MB; split it by period."), field="file")
    rows = _parse(_read_text(file))
    rejected: list[dict[str, Any]] = []
    candidates: list[_Row] = []
    for row in rows:
        reason = _check_row(row)
        if reason:
            rejected.append({"line": row.line, "reason": reason, "values": _shown(row.values)})
        else:
            candidates.append(row)
    products = _resolve_products(candidates)
    for row in list(candidates):
        target = products[row.product_ref]
        if isinstance(target, str):
            rejected.append({"line": row.line, "reason": target, "values": _shown(row.values)})
            candidates.remove(row)
        else:
            row.product = target
    with transaction.atomic():
        # Imports touching the same products wait for each other: replacing a figure is delete + insert.
        ids = sorted({row.product.pk for row in candidates if row.product is not None})
        list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        stored = _existing_lines(candidates)
        accepted: list[_Row] = []
        in_file: set[Key] = set()
        for row in candidates:
            assert row.product is not None
            key = (row.product.pk, row.period, row.currency)
            reason = None
            if key in in_file:
                reason = _("This product, period and currency appear earlier in the file.")
            elif _granularity_clash(key, in_file) or _granularity_clash(key, stored - {key}):
                reason = _("This product already has monthly and quarterly figures mixed for this quarter.")
            if reason:
                rejected.append({"line": row.line, "reason": reason, "values": _shown(row.values)})
                continue
            in_file.add(key)
            accepted.append(row)
        periods = {row.period for row in accepted}
        product_set = {row.product.pk for row in accepted if row.product is not None}
        sales_import = SalesImport.objects.create(
            uploaded_by=actor,
            filename=filename,
            period=next(iter(periods)) if len(periods) == 1 else "",
            product_id=next(iter(product_set)) if len(product_set) == 1 else None,
        )
        keys = [(row.product.pk, row.period, row.currency) for row in accepted if row.product is not None]
        for chunk in _chunks(keys, 300):
            SalesLine.objects.filter(
                reduce(or_, (Q(product_id=p, period=per, currency=c) for p, per, c in chunk))
            ).delete()
        lines = SalesLine.objects.bulk_create(
            [
                SalesLine(
                    product=row.product,
                    period=row.period,
                    units=row.units,
                    net_sales=row.net_sales,
                    currency=row.currency,
                    sales_import=sales_import,
                )
                for row in accepted
            ]
        )
        entries = _accrue(lines, sales_import=sales_import, actor=actor)
        rejected.sort(key=lambda r: r["line"])
        sales_import.rows_accepted = len(accepted)
        sales_import.rows_rejected = len(rejected)
        sales_import.report = {
            "accepted": [
                {
                    "line": row.line,
                    "product": row.product.name if row.product else row.product_ref,
                    "period": row.period,
                    "units": row.units,
                    "net_sales": str(row.net_sales),
                    "currency": row.currency,
                    "replaced": (row.product.pk, row.period, row.currency) in stored
                    if row.product
                    else False,
                }
                for row in accepted[:REPORT_ROWS]
            ],
            "rejected": rejected[:REPORT_ROWS],
            # The counts above are complete; the lists stop at REPORT_ROWS to keep the report small.
            "truncated": len(accepted) > REPORT_ROWS or len(rejected) > REPORT_ROWS,
            "royalty_entries": entries,
        }
        sales_import.save(update_fields=["rows_accepted", "rows_rejected", "report"])
    return sales_import


def _shown(values: dict[str, str]) -> dict[str, str]:
    return {k: v[:80] for k, v in values.items() if k in COLUMNS}


def _chunks(items: list[Key], size: int) -> list[list[Key]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# --- Accrual ------------------------------------------------------------------------------------------
def _accrue(lines: list[SalesLine], *, sales_import: SalesImport | None, actor: Any) -> int:
    """Bring the ledger of every agreement on these sales lines to rate × net sales. Returns the number of
    entries written. The caller holds a transaction."""
    if not lines:
        return 0
    product_ids = {line.product_id for line in lines}
    agreements = list(
        CreatorAgreement.objects.select_for_update().filter(product_id__in=product_ids).order_by("pk")
    )
    if not agreements:
        return 0
    by_product: dict[int, list[CreatorAgreement]] = defaultdict(list)
    for agreement in agreements:
        by_product[agreement.product_id].append(agreement)
    periods = {line.period for line in lines}
    # Summed here, in Decimal: SQLite's SUM over decimals is a float.
    held: dict[tuple[int, str, str], tuple[Decimal, int]] = {}
    for agreement_id, period, currency, amount in RoyaltyEntry.objects.filter(
        agreement__in=agreements, period__in=periods, kind__in=OWED_KINDS
    ).values_list("agreement_id", "period", "currency", "amount"):
        total, count = held.get((agreement_id, period, currency), (Decimal(0), 0))
        held[(agreement_id, period, currency)] = (total + amount, count + 1)
    entries = []
    for line in lines:
        net = Decimal(line.net_sales)
        for agreement in by_product[line.product_id]:
            if not applies(agreement, line.period):
                continue
            target = royalty_for(agreement.royalty_rate, net)
            total, count = held.get((agreement.pk, line.period, line.currency), (Decimal(0), 0))
            if count == 0:
                kind, amount, note = RoyaltyKind.ACCRUED, target, ""
            elif target != total:
                kind, amount = RoyaltyKind.ADJUSTMENT, target - total
                note = _("Sales for %(period)s corrected by a later import.") % {"period": line.period}
            else:
                continue
            entries.append(
                RoyaltyEntry(
                    agreement=agreement,
                    period=line.period,
                    kind=kind,
                    amount=amount,
                    currency=line.currency,
                    basis=net,
                    rate=agreement.royalty_rate,
                    note=note,
                    source_import=sales_import,
                    created_by=actor,
                )
            )
    RoyaltyEntry.objects.bulk_create(entries)
    return len(entries)


@transaction.atomic
def royalties_accrue(*, actor: Any, period: str) -> int:
    """Bring every agreement's ledger for a period up to date with the stored sales (for an agreement made
    after the period's sales were imported). Safe to run again: it writes only differences."""
    _check_admin(actor)
    clean = normalise_period(period)
    if clean is None:
        raise DomainError(message=_("A period is YYYY-MM or YYYY-Qn."), field="period")
    lines = list(SalesLine.objects.filter(period=clean))
    return _accrue(lines, sales_import=None, actor=actor)


# --- Payments -----------------------------------------------------------------------------------------
def owed(agreement: CreatorAgreement, period: str, currency: str) -> Decimal:
    """Accrued and adjustments less payments, summed in Decimal (SQLite's SUM over decimals is a float)."""
    due = Decimal("0.00")
    for kind, amount in RoyaltyEntry.objects.filter(
        agreement=agreement, period=period, currency=currency
    ).values_list("kind", "amount"):
        due += -amount if kind == RoyaltyKind.PAID else amount
    return due


def royalty_pay(
    *, actor: Any, agreement: CreatorAgreement, period: str, currency: str, amount: Any, note: str = ""
) -> RoyaltyEntry:
    """Record a payment to the creator. Never more than is owed for the agreement, period and currency."""
    _check_admin(actor)
    clean_period = normalise_period(period)
    if clean_period is None:
        raise DomainError(message=_("A period is YYYY-MM or YYYY-Qn."), field="period")
    currency = (currency or "").strip().upper()
    if currency not in CURRENCIES:
        raise DomainError(message=_("Use an ISO 4217 currency code such as EUR."), field="currency")
    value = parse_money(amount, "amount")
    if value <= 0:
        raise DomainError(message=_("A payment is more than zero."), field="amount")
    note = " ".join((note or "").split())[:300]
    with transaction.atomic():
        # The agreement's row lock serialises payments and accruals on it: two payments cannot both pass.
        locked = CreatorAgreement.objects.select_for_update().get(pk=agreement.pk)
        due = owed(locked, clean_period, currency)
        if value > due:
            raise Conflict(
                _("That is more than is owed: %(due)s %(cur)s for %(period)s.")
                % {"due": due, "cur": currency, "period": clean_period},
                field="amount",
            )
        return RoyaltyEntry.objects.create(
            agreement=locked,
            period=clean_period,
            kind=RoyaltyKind.PAID,
            amount=value,
            currency=currency,
            note=note,
            created_by=actor,
        )
