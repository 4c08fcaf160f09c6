from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet

from cocreate.core.pagination import Page, paginate

from .models import Organization, Product, ProductStatus, TermsVersion

ORG_CACHE_KEY = "brand:organization:v1"


def organization_get() -> Organization:
    """The organization row, cached briefly because every page's theme and header read it."""
    org = cache.get(ORG_CACHE_KEY)
    if org is None:
        org = Organization.objects.order_by("id").first()
        if org is None:
            # Created inside a transaction that may yet roll back (a refused first update): caching it now
            # would hand out a row that does not exist. The next read caches it.
            org, _ = Organization.objects.get_or_create(pk=1)
            return org
        cache.set(ORG_CACHE_KEY, org, 60)
    return org


def product_queryset(*, status: str | None = None, q: str | None = None) -> QuerySet[Product]:
    qs = Product.objects.all()
    if status:
        qs = qs.filter(status=status)
    q = (q or "").replace("\x00", "").strip()[:100]  # PostgreSQL cannot compare NUL characters
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def product_list(
    *, status: str | None = None, q: str | None = None, cursor: str | None = None, limit: int = 24
) -> Page[Product]:
    return paginate(product_queryset(status=status, q=q), order=["name", "id"], cursor=cursor, limit=limit)


def product_get(*, slug: str | None = None, product_id: int | None = None) -> Product | None:
    qs = Product.objects.all()
    if product_id is not None:
        return qs.filter(pk=product_id).first()
    return qs.filter(slug=slug).first()


def product_featured(limit: int = 6) -> list[Product]:
    return list(
        Product.objects.exclude(status=ProductStatus.RETIRED).order_by("-launch_date", "name")[:limit]
    )


def terms_current() -> TermsVersion | None:
    return TermsVersion.objects.order_by("-version").first()
