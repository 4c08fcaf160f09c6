"""Creator agreements, imported sales and the royalty ledger (append-only)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .ideas import Idea


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class CreatorAgreementQuerySet(models.QuerySet["CreatorAgreement"]):
    def active(self) -> CreatorAgreementQuerySet:
        return (
            self.filter(status=AgreementStatus.ACTIVE).select_related("creator").order_by("starts_on", "id")
        )


class CreatorAgreement(models.Model):
    """Made when an idea is approved: the creator is credited on the product and earns a royalty on its
    net sales from `starts_on` (until `ends_on` once ended)."""

    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="creator_agreements")
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="creator_agreements"
    )
    product = models.ForeignKey("brand.Product", on_delete=models.PROTECT, related_name="creator_agreements")
    royalty_rate = models.DecimalField(max_digits=6, decimal_places=4, default=Decimal("0.0100"))
    credit_text = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CreatorAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idea"], condition=Q(status="active"), name="agreement_one_active_per_idea"
            ),
            models.CheckConstraint(
                condition=Q(royalty_rate__gte=0) & Q(royalty_rate__lte=Decimal("0.5")),
                name="agreement_rate_range",
            ),
        ]
        indexes = [models.Index(fields=["product", "status"], name="agreement_product_status")]

    def __str__(self) -> str:
        return self.credit_text


class SalesImport(models.Model):
    """One uploaded sales file and its row-by-row report."""

    product = models.ForeignKey(
        "brand.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when every accepted row is for one period.
    period = models.CharField(max_length=7, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    # {"accepted": [{"line", "product", "period", "currency", "net_sales", "replaced"}],
    #  "rejected": [{"line", "reason", "values"}]}
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class SalesLine(models.Model):
    """Net sales of one product in one period and currency: the latest import's figure."""

    product = models.ForeignKey("brand.Product", on_delete=models.PROTECT, related_name="sales_lines")
    # YYYY-MM or YYYY-Qn
    period = models.CharField(max_length=7)
    units = models.PositiveIntegerField()
    net_sales = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    sales_import = models.ForeignKey(SalesImport, on_delete=models.PROTECT, related_name="lines")

    class Meta:
        ordering = ["period", "product_id", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["product", "period", "currency"], name="sales_line_once"),
            models.CheckConstraint(condition=Q(net_sales__gte=0), name="sales_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.period} {self.net_sales} {self.currency}"


class RoyaltyKind(models.TextChoices):
    ACCRUED = "accrued", _("Accrued")
    PAID = "paid", _("Paid")
    ADJUSTMENT = "adjustment", _("Adjustment")


class RoyaltyEntry(models.Model):
    """The royalty ledger. Append-only: a correction is a new adjustment row, never an edit. Accrued and
    adjustment amounts add up to what is owed; paid amounts (positive) are what was paid out."""

    agreement = models.ForeignKey(CreatorAgreement, on_delete=models.PROTECT, related_name="entries")
    period = models.CharField(max_length=7)
    kind = models.CharField(max_length=10, choices=RoyaltyKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    # The net sales the amount was computed from (accrued and adjustment rows).
    basis = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    source_import = models.ForeignKey(
        SalesImport, on_delete=models.PROTECT, null=True, blank=True, related_name="royalty_entries"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["agreement", "period", "currency"], name="royalty_agreement_period"),
            models.Index(fields=["period", "agreement"], name="royalty_period"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} ({self.period})"
