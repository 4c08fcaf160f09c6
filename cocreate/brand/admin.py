from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.cache import cache
from django.http import HttpRequest

from cocreate.accounts.policies import is_staff
from cocreate.core.forms import CleanImagesModelForm

from .models import Organization, Product, TermsVersion
from .policies import can_manage_brand
from .selectors import ORG_CACHE_KEY


class BrandAdmin(admin.ModelAdmin):
    """Staff may look; administrators may change (the same policy the services apply)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_staff(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_brand(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_brand(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_brand(request.user)


class OrganizationForm(CleanImagesModelForm):
    image_fields = ("logo",)

    class Meta:
        model = Organization
        fields = "__all__"


class ProductForm(CleanImagesModelForm):
    image_fields = ("image",)

    class Meta:
        model = Product
        fields = "__all__"


@admin.register(Organization)
class OrganizationAdmin(BrandAdmin):
    form = OrganizationForm
    list_display = ("name", "contact_email", "primary_color", "accent_color")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        cache.delete(ORG_CACHE_KEY)


@admin.register(Product)
class ProductAdmin(BrandAdmin):
    form = ProductForm
    list_display = ("name", "category", "status", "launch_date")
    list_filter = ("status", "category")
    search_fields = ("name", "sku")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(TermsVersion)
class TermsVersionAdmin(BrandAdmin):
    list_display = ("version", "title", "published_at")
    readonly_fields = ("version", "published_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a published version is never edited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: TermsVersion, form: Any, change: bool) -> None:
        from .services import terms_publish

        published = terms_publish(
            actor=request.user, title=obj.title, body=obj.body, summary_of_changes=obj.summary_of_changes
        )
        obj.pk, obj.version = published.pk, published.version
