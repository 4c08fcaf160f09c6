from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandConfig(AppConfig):
    name = "cocreate.brand"
    label = "brand"
    verbose_name = _("Brand and products")

    def ready(self) -> None:
        from cocreate.core.navigation import NavItem, register

        register(NavItem(key="home", label=str(_("Home")), url_name="brand:home", order=0))
        register(NavItem(key="products", label=str(_("Products")), url_name="brand:product-list", order=10))
