from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cocreate.core.models import TimeStampedModel

from .validators import validate_readable_on_white


class Organization(TimeStampedModel):
    """The brand running the program. There is one row; `organization_get` creates it on first use."""

    name = models.CharField(_("name"), max_length=120, default="Cocreate")
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    about = models.TextField(_("about (markdown)"), blank=True, max_length=20_000)
    logo = models.ImageField(_("logo"), upload_to="brand/", blank=True)
    primary_color = models.CharField(
        _("primary colour"), max_length=7, default="#1f4e8c", validators=[validate_readable_on_white]
    )
    accent_color = models.CharField(
        _("accent colour"), max_length=7, default="#a3361f", validators=[validate_readable_on_white]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_url = models.URLField(_("contact page"), blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organization")

    def __str__(self) -> str:
        return self.name


class TermsVersion(models.Model):
    """One published version of the participation terms. Versions are never edited: a change is a new one."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Markdown"))
    summary_of_changes = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class ProductStatus(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    IN_DEVELOPMENT = "in_development", _("In development")
    LAUNCHED = "launched", _("On sale")
    RETIRED = "retired", _("Retired")


class Product(TimeStampedModel):
    """Something the brand makes and sells: co-created, reviewed and the basis of royalties."""

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("address"), max_length=180, unique=True)
    sku = models.CharField(_("SKU"), max_length=40, blank=True, db_index=True)
    category = models.CharField(_("category"), max_length=80, blank=True)
    description = models.TextField(_("description (markdown)"), blank=True, max_length=20_000)
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    launch_date = models.DateField(_("launch date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProductStatus.choices, default=ProductStatus.CONCEPT
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["status", "name", "id"])]

    def __str__(self) -> str:
        return self.name
