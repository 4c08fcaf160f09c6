"""Sales imports, the royalty ledger, payments, statements and their pages."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreate.accounts.models import Role
from cocreate.brand.models import Product
from cocreate.challenges.models import CreatorAgreement, RoyaltyEntry, SalesImport, SalesLine
from cocreate.challenges.selectors import royalties as royalty_selectors
from cocreate.challenges.services import ideas as idea_services
from cocreate.challenges.services import royalties
from cocreate.core.errors import DomainError

pytestmark = pytest.mark.django_db

HEADER = "product,period,units,net_sales,currency\n"
_serial = itertools.count(1)


def csv_file(body: str, header: str = HEADER, name: str = "sales.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (header + body).encode(), content_type="text/csv")


def make_agreement(author: Any, admin: Any, rate: Decimal = Decimal("0.0100")) -> CreatorAgreement:
    """An agreement on a fresh product, in force since 2000."""
    n = next(_serial)
    product = Product.objects.create(name=f"Set {n}", slug=f"set-{n}", sku=f"SKU-{n}")
    challenge = idea_services.challenge_default()
    idea = idea_services.idea_create(
        actor=author,
        challenge=challenge,
        title=f"Idea number {n}",
        description="A description long enough to be an idea worth supporting.",
    )
    return CreatorAgreement.objects.create(
        idea=idea,
        creator=author,
        product=product,
        royalty_rate=rate,
        credit_text=f"Designed by {author.public_name}",
        starts_on=date(2000, 1, 1),
    )


def ledger_sum(agreement: CreatorAgreement, period: str, currency: str, kinds: Any = None) -> Decimal:
    qs = RoyaltyEntry.objects.filter(agreement=agreement, period=period, currency=currency)
    qs = qs.filter(kind__in=kinds or ["accrued", "adjustment"])
    return sum(qs.values_list("amount", flat=True), Decimal(0))


def rounded(rate: Decimal, net: Decimal) -> Decimal:
    return (rate * net).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


@pytest.fixture
def agreement(member: Any, brand_admin: Any) -> CreatorAgreement:
    return make_agreement(member, brand_admin)


# --- Arithmetic (property-based) ---------------------------------------------------------------------
money = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False)
rates = st.decimals(min_value=0, max_value=Decimal("0.5"), places=4, allow_nan=False)
periods = st.sampled_from(["2024-01", "2024-02", "2024-Q3", "2025-Q4", "2025-12"])
currencies = st.sampled_from(["EUR", "USD", "JPY", "GBP"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rate=rates,
    lines=st.dictionaries(st.tuples(periods, currencies), st.tuples(money, money), min_size=1, max_size=4),
)
def test_ledger_sum_equals_rounded_rate_times_current_sales(
    member: Any, brand_admin: Any, rate: Decimal, lines: dict[tuple[str, str], tuple[Decimal, Decimal]]
) -> None:
    # Monthly and quarterly figures for the same quarter are refused; keep one granularity per quarter.
    lines = {k: v for k, v in lines.items() if not (k[0] == "2025-12" and ("2025-Q4", k[1]) in lines)}
    agreement = make_agreement(member, brand_admin, rate)
    ref = agreement.product.slug
    first = "".join(f"{ref},{p},3,{a},{c}\n" for (p, c), (a, _b) in lines.items())
    royalties.sales_import_csv(actor=brand_admin, file=csv_file(first), filename="first.csv")
    for (p, c), (a, _b) in lines.items():
        assert ledger_sum(agreement, p, c) == rounded(rate, a)
    before = list(RoyaltyEntry.objects.filter(agreement=agreement).values_list("id", "amount"))
    second = "".join(f"{ref},{p},4,{b},{c}\n" for (p, c), (_a, b) in lines.items())
    report = royalties.sales_import_csv(actor=brand_admin, file=csv_file(second), filename="second.csv")
    assert report.rows_accepted == len(lines) and report.rows_rejected == 0
    for (p, c), (_a, b) in lines.items():
        assert ledger_sum(agreement, p, c) == rounded(rate, b)
        line = SalesLine.objects.get(product=agreement.product, period=p, currency=c)
        assert line.net_sales == b
    # Old entries stay as they were; corrections are new rows.
    for pk, amount in before:
        assert RoyaltyEntry.objects.get(pk=pk).amount == amount
    for amount in RoyaltyEntry.objects.filter(agreement=agreement).values_list("amount", flat=True):
        assert amount == amount.quantize(Decimal("0.01"))
        assert -amount.as_tuple().exponent <= 2  # type: ignore[operator]
    assert SalesLine.objects.filter(product=agreement.product).count() == len(lines)


def test_half_even_rounding_per_period_not_per_row(agreement: CreatorAgreement, brand_admin: Any) -> None:
    ref = agreement.product.sku
    # 1% of 0.50 is 0.005 → 0.00 (half to even); 1% of 1.50 is 0.015 → 0.02.
    royalties.sales_import_csv(
        actor=brand_admin,
        file=csv_file(f"{ref},2024-01,1,0.50,EUR\n{ref},2024-02,1,1.50,EUR\n"),
        filename="a",
    )
    assert ledger_sum(agreement, "2024-01", "EUR") == Decimal("0.00")
    assert ledger_sum(agreement, "2024-02", "EUR") == Decimal("0.02")


def test_reimport_replaces_figures_and_adds_an_adjustment(
    agreement: CreatorAgreement, brand_admin: Any
) -> None:
    ref = agreement.product.slug
    royalties.sales_import_csv(
        actor=brand_admin, file=csv_file(f"{ref},2024-Q1,10,1000.00,EUR\n"), filename="a"
    )
    again = royalties.sales_import_csv(
        actor=brand_admin, file=csv_file(f"{ref},2024-q1,12,1234.56,eur\n"), filename="b"
    )
    assert again.report["accepted"][0]["replaced"] is True
    assert SalesLine.objects.get().net_sales == Decimal("1234.56")
    kinds = list(RoyaltyEntry.objects.order_by("id").values_list("kind", "amount"))
    assert kinds == [("accrued", Decimal("10.00")), ("adjustment", Decimal("2.35"))]
    # The same figure again changes nothing.
    royalties.sales_import_csv(
        actor=brand_admin, file=csv_file(f"{ref},2024-Q1,12,1234.56,EUR\n"), filename="c"
    )
    assert RoyaltyEntry.objects.count() == 2


# --- Import validation -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "needle"),
    [
        ("product,period,units,net_sales\n", "missing: currency"),
        ("sku,period,units,net_sales,currency\n", "unexpected: sku"),
        ("product,period,units,net_sales,currency,notes\n", "unexpected: notes"),
    ],
)
def test_wrong_columns_refuse_the_whole_file(
    agreement: CreatorAgreement, brand_admin: Any, header: str, needle: str
) -> None:
    body = f"{agreement.product.slug},2024-01,1,10.00,EUR\n"
    with pytest.raises(DomainError, match=needle) as err:
        royalties.sales_import_csv(actor=brand_admin, file=csv_file(body, header=header), filename="x.csv")
    assert err.value.field == "file" and "Nothing was imported" in err.value.message
    assert not SalesImport.objects.exists() and not SalesLine.objects.exists()
    assert not RoyaltyEntry.objects.exists()


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("{ref},2024-01,1,-5.00,EUR", "cannot be negative"),
        ("{ref},2024-01,1,5.00,EUX", "ISO 4217"),
        ("{ref},2024-13,1,5.00,EUR", "YYYY-MM or YYYY-Qn"),
        ("{ref},2024-Q5,1,5.00,EUR", "YYYY-MM or YYYY-Qn"),
        ("{ref},2024-01,-1,5.00,EUR", "whole number"),
        ("{ref},2024-01,1,5.001,EUR", "two decimals"),
        ("{ref},2024-01,1,NaN,EUR", "amount"),
        ("nope,2024-01,1,5.00,EUR", "No product"),
        ("{ref},2024-01,1,5.00", "Expected 5 values"),
    ],
)
def test_bad_rows_are_rejected_with_line_and_reason(
    agreement: CreatorAgreement, brand_admin: Any, row: str, reason: str
) -> None:
    ref = agreement.product.slug
    body = f"{ref},2023-01,1,100.00,EUR\n" + row.format(ref=ref) + "\n"
    result = royalties.sales_import_csv(actor=brand_admin, file=csv_file(body), filename="x.csv")
    assert (result.rows_accepted, result.rows_rejected) == (1, 1)
    rejected = result.report["rejected"][0]
    assert rejected["line"] == 3 and reason in rejected["reason"]
    assert list(SalesLine.objects.values_list("period", flat=True)) == ["2023-01"]
    assert set(RoyaltyEntry.objects.values_list("period", flat=True)) == {"2023-01"}


def test_non_csv_empty_and_oversized_files_are_refused(agreement: CreatorAgreement, brand_admin: Any) -> None:
    png = SimpleUploadedFile("sales.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", content_type="image/png")
    latin = SimpleUploadedFile("sales.csv", HEADER.encode() + "café,2024-01,1,1,EUR\n".encode("latin-1"))
    for bad, needle in [(png, "not a CSV"), (latin, "UTF-8"), (csv_file("", header=""), "empty")]:
        with pytest.raises(DomainError, match=needle) as err:
            royalties.sales_import_csv(actor=brand_admin, file=bad, filename=bad.name or "")
        assert err.value.field == "file"
    big = csv_file(f"{agreement.product.slug},2024-01,1,1.00,EUR\n" * 250_000)
    with pytest.raises(DomainError, match="5 MB"):
        royalties.sales_import_csv(actor=brand_admin, file=big, filename="big.csv")
    assert not SalesImport.objects.exists() and not SalesLine.objects.exists()


def test_duplicates_and_mixed_granularity_are_rejected(agreement: CreatorAgreement, brand_admin: Any) -> None:
    ref = agreement.product.slug
    body = f"{ref},2024-01,1,10,EUR\n{ref},2024-01,1,20,EUR\n{ref},2024-Q1,1,30,EUR\n{ref},2024-01,1,5,USD\n"
    result = royalties.sales_import_csv(actor=brand_admin, file=csv_file(body), filename="x.csv")
    assert result.rows_accepted == 2
    assert [
        (r["line"], "earlier" in r["reason"] or "mixed" in r["reason"]) for r in result.report["rejected"]
    ] == [
        (3, True),
        (4, True),
    ]


def test_only_admins_import(agreement: CreatorAgreement, make_user: Any) -> None:
    for role in (Role.MEMBER, Role.REVIEWER, Role.ANALYST):
        with pytest.raises(DomainError) as err:
            royalties.sales_import_csv(
                actor=make_user(role),
                file=csv_file(f"{agreement.product.slug},2024-01,1,1,EUR\n"),
                filename="x",
            )
        assert err.value.status == 403
    assert not SalesLine.objects.exists()


# --- Payments and statements -------------------------------------------------------------------------
def test_paying_more_than_owed_is_refused(agreement: CreatorAgreement, brand_admin: Any, member: Any) -> None:
    ref = agreement.product.slug
    royalties.sales_import_csv(
        actor=brand_admin, file=csv_file(f"{ref},2024-01,9,1000.00,EUR\n"), filename="a"
    )
    royalties.royalty_pay(
        actor=brand_admin, agreement=agreement, period="2024-01", currency="EUR", amount="6.00", note="Part"
    )
    with pytest.raises(DomainError, match="more than is owed") as err:
        royalties.royalty_pay(
            actor=brand_admin, agreement=agreement, period="2024-01", currency="EUR", amount="4.01", note=""
        )
    assert err.value.status == 409 and err.value.field == "amount"
    for amount in ("0", "-1", "1.005", "abc"):
        with pytest.raises(DomainError):
            royalties.royalty_pay(
                actor=brand_admin, agreement=agreement, period="2024-01", currency="EUR", amount=amount
            )
    with pytest.raises(DomainError) as err:
        royalties.royalty_pay(actor=member, agreement=agreement, period="2024-01", currency="EUR", amount="1")
    assert err.value.status == 403
    royalties.royalty_pay(
        actor=brand_admin, agreement=agreement, period="2024-01", currency="EUR", amount="4"
    )
    statement = royalty_selectors.creator_statement(member, "2024-01")
    row = statement.rows[0]
    assert (row.accrued, row.adjustments, row.paid, row.balance) == (
        Decimal("10.00"),
        Decimal("0.00"),
        Decimal("10.00"),
        Decimal("0.00"),
    )


def test_statements_and_balance_per_currency(
    agreement: CreatorAgreement, brand_admin: Any, member: Any
) -> None:
    ref = agreement.product.slug
    body = f"{ref},2024-01,1,1000,EUR\n{ref},2024-01,1,500,USD\n{ref},2024-02,1,200,EUR\n"
    royalties.sales_import_csv(actor=brand_admin, file=csv_file(body), filename="a")
    royalties.sales_import_csv(actor=brand_admin, file=csv_file(f"{ref},2024-01,1,800,EUR\n"), filename="b")
    statements = royalty_selectors.creator_statements(member)
    assert [s.period for s in statements] == ["2024-02", "2024-01"]
    jan = {r.currency: r for r in statements[1].rows}
    assert (jan["EUR"].accrued, jan["EUR"].adjustments, jan["EUR"].balance) == (
        Decimal("10.00"),
        Decimal("-2.00"),
        Decimal("8.00"),
    )
    assert jan["USD"].balance == Decimal("5.00")
    balance = {r.currency: r.balance for r in royalty_selectors.creator_balance(member)}
    assert balance == {"EUR": Decimal("10.00"), "USD": Decimal("5.00")}


def test_agreement_dates_limit_the_periods_that_earn(agreement: CreatorAgreement, brand_admin: Any) -> None:
    CreatorAgreement.objects.filter(pk=agreement.pk).update(starts_on=date(2024, 3, 15))
    ref = agreement.product.slug
    body = f"{ref},2024-02,1,100,EUR\n{ref},2024-03,1,100,EUR\n{ref},2024-Q1,1,100,USD\n"
    royalties.sales_import_csv(actor=brand_admin, file=csv_file(body), filename="a")
    assert set(RoyaltyEntry.objects.values_list("period", "currency")) == {
        ("2024-03", "EUR"),
        ("2024-Q1", "USD"),
    }


# --- Pages -------------------------------------------------------------------------------------------
def test_import_page_shows_the_row_by_row_report(
    agreement: CreatorAgreement, admin_client_: Any, member_client: Any
) -> None:
    url = reverse("challenges:royalty-import")
    assert member_client.get(url).status_code == 403
    ref = agreement.product.slug
    body = f"{ref},2024-01,3,300.00,EUR\n{ref},2024-01,1,-5,USD\n"
    response = admin_client_.post(url, {"file": csv_file(body)}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "1 rows accepted, 1 rejected" in page
    assert "cannot be negative" in page and "Rejected rows" in page
    wrong = admin_client_.post(url, {"file": csv_file(body, header="a,b,c\n")})
    assert wrong.status_code == 400 and "The columns must be exactly" in wrong.content.decode()
    assert SalesImport.objects.count() == 1


def test_creator_page_shows_only_the_members_own_statements(
    agreement: CreatorAgreement, brand_admin: Any, other_member: Any, member_client: Any, client: Any
) -> None:
    theirs = make_agreement(other_member, brand_admin)
    body = f"{agreement.product.slug},2024-01,1,1234.00,EUR\n{theirs.product.slug},2024-01,1,98765.00,EUR\n"
    royalties.sales_import_csv(actor=brand_admin, file=csv_file(body), filename="a.csv")
    page = member_client.get(reverse("challenges:royalties")).content.decode()
    assert "12.34" in page and agreement.product.name in page
    assert "987.65" not in page and theirs.product.name not in page
    client.logout()
    assert client.get(reverse("challenges:royalties")).status_code == 302


def test_export_is_for_admins_and_guards_against_formulas(
    brand_admin: Any, make_user: Any, admin_client_: Any, member_client: Any
) -> None:
    sneaky = make_user(display_name='=HYPERLINK("http://evil")')
    agreement = make_agreement(sneaky, brand_admin)
    royalties.sales_import_csv(
        actor=brand_admin, file=csv_file(f"{agreement.product.slug},2024-Q2,1,100.00,EUR\n"), filename="a"
    )
    url = reverse("challenges:royalty-export")
    assert member_client.get(url, {"period": "2024-Q2"}).status_code == 403
    assert admin_client_.get(url, {"period": "bad"}).status_code == 400
    response = admin_client_.get(url, {"period": "2024-q2"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("period,creator_id,creator_name")
    assert "'=HYPERLINK" in lines[1] and ",EUR,1.00,0.00,0.00,1.00" in lines[1]


def test_finance_page_records_payments_and_refuses_overpaying(
    agreement: CreatorAgreement, brand_admin: Any, admin_client_: Any
) -> None:
    royalties.sales_import_csv(
        actor=brand_admin, file=csv_file(f"{agreement.product.slug},2024-03,1,500.00,EUR\n"), filename="a"
    )
    page = admin_client_.get(reverse("challenges:royalty-finance"), {"period": "2024-03"})
    assert page.status_code == 200 and "5.00" in page.content.decode()
    data = {"agreement": agreement.pk, "period": "2024-03", "currency": "EUR", "amount": "6.00", "note": ""}
    over = admin_client_.post(reverse("challenges:royalty-pay"), data)
    assert over.status_code == 400 and "more than is owed" in over.content.decode()
    assert not RoyaltyEntry.objects.filter(kind="paid").exists()
    paid = admin_client_.post(reverse("challenges:royalty-pay"), {**data, "amount": "5.00"})
    assert paid.status_code == 302
    assert RoyaltyEntry.objects.get(kind="paid").amount == Decimal("5.00")


def test_statements_take_a_bounded_number_of_queries(
    member: Any, brand_admin: Any, django_assert_max_num_queries: Any
) -> None:
    agreements = [make_agreement(member, brand_admin) for _ in range(4)]
    body = "".join(f"{a.product.slug},2024-{m:02d},1,{m}00.00,EUR\n" for a in agreements for m in range(1, 7))
    with django_assert_max_num_queries(20):
        royalties.sales_import_csv(actor=brand_admin, file=csv_file(body), filename="a")
    with django_assert_max_num_queries(3):
        statements = royalty_selectors.creator_statements(member)
        royalty_selectors.creator_balance(member)
        royalty_selectors.creator_ledger(member)
    assert len(statements) == 6


def test_accrue_catches_up_an_agreement_made_after_the_import(
    agreement: CreatorAgreement, brand_admin: Any, member: Any
) -> None:
    CreatorAgreement.objects.filter(pk=agreement.pk).update(starts_on=date(2030, 1, 1))
    ref = agreement.product.slug
    royalties.sales_import_csv(
        actor=brand_admin, file=csv_file(f"{ref},2024-05,1,250.00,EUR\n"), filename="a"
    )
    assert not RoyaltyEntry.objects.exists()
    CreatorAgreement.objects.filter(pk=agreement.pk).update(starts_on=date(2024, 5, 20))
    with pytest.raises(DomainError):
        royalties.royalties_accrue(actor=member, period="2024-05")
    assert royalties.royalties_accrue(actor=brand_admin, period="2024-05") == 1
    assert royalties.royalties_accrue(actor=brand_admin, period="2024-05") == 0
    assert ledger_sum(agreement, "2024-05", "EUR") == Decimal("2.50")


def test_a_forged_agreement_on_the_payment_form_is_refused_in_place(
    agreement: CreatorAgreement, admin_client_: Any
) -> None:
    data = {"agreement": "abc", "period": "2024-03", "currency": "EUR", "amount": "5.00", "note": ""}
    response = admin_client_.post(reverse("challenges:royalty-pay"), data)
    assert response.status_code == 400
    assert not RoyaltyEntry.objects.filter(kind="paid").exists()
